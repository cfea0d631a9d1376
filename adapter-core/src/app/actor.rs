//! Running namespace objects: the connect step as a task, then one task per socket that
//! owns the object and takes the socket's events from a mailbox, one at a time.
//!
//! # Theory of operation
//! The dispatcher knows object namespaces only through [`ObjectRunner`], which erases the
//! namespace type. `connect` runs [`SocketNamespace::connect`]; the value it builds travels
//! back to the hub as `Box<dyn Any>` inside the connect decision and comes back here in
//! `run`, which owns it until the socket ends. The mailbox carries the socket's events and,
//! last, its disconnect; the dispatcher sends nothing after that and drops its sender, so
//! the task always ends. The mailbox is unbounded, but the dispatcher counts what is queued
//! ([`Mailbox`]) and disconnects a socket whose object falls
//! `DriverConfig::max_queued_events` behind, so its memory stays bounded.

use std::any::Any;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use socketio_engine::DisconnectReason;
use socketio_proto::Str;

use super::lives::LifeEnd;
use super::object::{AnyState, BoxFuture, Ctx, Events, Refusal, SocketNamespace};
use super::socket::{ConnectRequest, EventData, Socket};

/// What a socket's object task receives.
pub(crate) enum Mail {
    Event {
        event: Str,
        data: EventData,
    },
    Disconnect {
        reason: DisconnectReason,
        rooms: Vec<Str>,
        /// Dropped once the disconnect methods are done (a kept session's next life waits).
        end: Option<LifeEnd>,
    },
}

/// The dispatcher's end of one socket's mailbox.
pub(crate) struct Mailbox {
    tx: async_channel::Sender<Mail>,
    queued: Arc<AtomicUsize>,
}

impl Mailbox {
    /// Queues an event unless `limit` events are already waiting; `false` when full.
    pub(crate) fn push_event(&self, event: Str, data: EventData, limit: usize) -> bool {
        if self.queued.load(Ordering::Acquire) >= limit {
            return false;
        }
        self.queued.fetch_add(1, Ordering::AcqRel);
        let _ = self.tx.try_send(Mail::Event { event, data });
        true
    }

    /// Queues the disconnect, always (nothing follows it); `end` is dropped once the
    /// object's disconnect methods are done.
    pub(crate) fn close(self, reason: DisconnectReason, rooms: Vec<Str>, end: Option<LifeEnd>) {
        let _ = self.tx.try_send(Mail::Disconnect { reason, rooms, end });
    }
}

/// A mailbox and the receiving end its task reads.
pub(crate) fn mailbox() -> (Mailbox, Inbox) {
    let (tx, rx) = async_channel::unbounded();
    let queued = Arc::new(AtomicUsize::new(0));
    (
        Mailbox {
            tx,
            queued: queued.clone(),
        },
        Inbox { rx, queued },
    )
}

/// The object task's end of its mailbox.
pub(crate) struct Inbox {
    rx: async_channel::Receiver<Mail>,
    queued: Arc<AtomicUsize>,
}

impl Inbox {
    async fn next(&self) -> Option<Mail> {
        let mail = self.rx.recv().await.ok()?;
        if matches!(mail, Mail::Event { .. }) {
            self.queued.fetch_sub(1, Ordering::AcqRel);
        }
        Some(mail)
    }
}

/// A namespace object type, erased.
pub(crate) trait ObjectRunner: Send + Sync {
    /// Builds a socket's object, or the refusal.
    fn connect(
        &self,
        req: ConnectRequest,
        state: &AnyState,
    ) -> BoxFuture<'static, Result<Box<dyn Any + Send>, Refusal>>;

    /// Serves one socket with `object` until its disconnect.
    fn run(
        &self,
        object: Box<dyn Any + Send>,
        socket: Socket,
        state: &AnyState,
        inbox: Inbox,
    ) -> BoxFuture<'static, ()>;
}

/// The runner of namespace type `N`: its event table, built once.
pub(crate) struct Runner<N: SocketNamespace> {
    events: Arc<Events<N>>,
    _n: PhantomData<fn() -> N>,
}

impl<N: SocketNamespace> Runner<N> {
    pub(crate) fn new() -> Self {
        Self {
            events: Arc::new(Events::build()),
            _n: PhantomData,
        }
    }

    /// The state as `N` wants it. `App<S>` only accepts namespaces whose state is `S`, so
    /// the downcast holds but for `N::State = ()` registered before `with_state`, which
    /// gets a fresh `()`.
    fn state(state: &AnyState) -> Option<Arc<N::State>> {
        state.clone().downcast::<N::State>().ok().or_else(|| {
            (Box::new(()) as Box<dyn Any>)
                .downcast::<N::State>()
                .ok()
                .map(|b| Arc::new(*b))
        })
    }
}

impl<N: SocketNamespace> ObjectRunner for Runner<N> {
    fn connect(
        &self,
        req: ConnectRequest,
        state: &AnyState,
    ) -> BoxFuture<'static, Result<Box<dyn Any + Send>, Refusal>> {
        let Some(state) = Self::state(state) else {
            return Box::pin(async { Err(Refusal::new("internal error")) });
        };
        Box::pin(async move {
            N::connect(req, state)
                .await
                .map(|n| Box::new(n) as Box<dyn Any + Send>)
        })
    }

    fn run(
        &self,
        object: Box<dyn Any + Send>,
        socket: Socket,
        state: &AnyState,
        inbox: Inbox,
    ) -> BoxFuture<'static, ()> {
        let events = self.events.clone();
        let (Ok(object), Some(state)) = (object.downcast::<N>(), Self::state(state)) else {
            return Box::pin(async {});
        };
        Box::pin(async move {
            let mut object = *object;
            let cx = Ctx::new(socket, state);
            object.connected(cx.clone()).await;
            while let Some(mail) = inbox.next().await {
                match mail {
                    Mail::Event { event, data } => {
                        events.dispatch(&mut object, cx.clone(), event, data).await;
                    }
                    Mail::Disconnect { reason, rooms, end } => {
                        object.disconnecting(cx.clone(), reason, rooms).await;
                        object.disconnect(cx, reason).await;
                        drop(end);
                        return;
                    }
                }
            }
        })
    }
}
