//! Server-side emits (node's `serverSideEmit` / `serverSideEmitWithAck`): events between
//! the servers themselves, with or without one answer from each other server.

use std::time::Instant;

use socketio_proto::Str;
use socketio_proto::cluster::{Request, ResponseBody, Value};
use socketio_proto::sio::{Args, Payload};

use super::requests::{ClusterEvent, ClusterRequestId, Gathered, ServerSideAck};
use crate::engine::Engine;
use crate::event::Event;
use crate::sio::error::UsageError;

/// `[event, ...args]` as the request carries it (JSON: node writes this request with
/// `JSON.stringify`, so binaries do not survive it there either).
fn emit_data(event: &str, args: &Args) -> Vec<Value> {
    let mut data = vec![Value::str(event)];
    if let Ok(Value::Array(items)) = Value::from_plain_json(args.as_str().as_bytes()) {
        data.extend(items);
    }
    data
}

impl Engine {
    /// Emits `event` to the other servers of the cluster (node's `serverSideEmit`); they get
    /// it as [`ClusterEvent::ServerSideEmit`], not their clients.
    ///
    /// # Errors
    /// [`UsageError::ClusterOff`], [`UsageError::UnknownNamespace`].
    pub fn cluster_server_side_emit(
        &mut self,
        now: Instant,
        nsp: &str,
        event: &str,
        args: &Args,
    ) -> Result<(), UsageError> {
        let now = self.clamp(now);
        self.check_cluster(nsp)?;
        let data = emit_data(event, args);
        self.cluster_request(nsp, |uid| Request::ServerSideEmit {
            uid,
            request_id: None,
            data,
        });
        self.pump(now);
        Ok(())
    }

    /// As [`cluster_server_side_emit`](Self::cluster_server_side_emit), asking each other
    /// server for one answer (node's `serverSideEmitWithAck`). One
    /// [`ClusterEvent::ServerSideEmitAcks`] follows when every other server answered or the
    /// request timeout passed (at once when this is the only server).
    ///
    /// # Errors
    /// [`UsageError::ClusterOff`], [`UsageError::UnknownNamespace`].
    pub fn cluster_server_side_emit_with_ack(
        &mut self,
        now: Instant,
        nsp: &str,
        event: &str,
        args: &Args,
    ) -> Result<ClusterRequestId, UsageError> {
        let now = self.clamp(now);
        self.check_cluster(nsp)?;
        let data = emit_data(event, args);
        let id = self.cluster_start(now, nsp, Gathered::Acks(Vec::new()), |uid, request_id| {
            Request::ServerSideEmit {
                uid,
                request_id: Some(request_id),
                data,
            }
        });
        self.pump(now);
        Ok(id)
    }

    /// Answers another server's server-side emit with `reply` (node passes the answer's
    /// first argument only, so there is one value).
    ///
    /// # Errors
    /// [`UsageError::ClusterOff`] without a cluster.
    pub fn cluster_server_side_ack(
        &mut self,
        now: Instant,
        ack: ServerSideAck,
        reply: &serde_json::Value,
    ) -> Result<(), UsageError> {
        let now = self.clamp(now);
        if self.cluster.is_none() {
            return Err(UsageError::ClusterOff);
        }
        let data = Value::from_plain_json(reply.to_string().as_bytes()).unwrap_or(Value::Nil);
        self.cluster_respond(
            &ack.nsp,
            &ack.requester,
            ack.request_id,
            ResponseBody::ServerSideEmitAck(data),
        );
        self.pump(now);
        Ok(())
    }

    /// Another server's server-side emit: an event for the application.
    pub(crate) fn cluster_server_side_received(
        &mut self,
        nsp: &Str,
        requester: &Str,
        request_id: Option<Str>,
        data: &[Value],
    ) -> bool {
        let event = match data.first() {
            Some(Value::Str(s)) => s.clone(),
            _ => return false,
        };
        let mut json = String::new();
        let rest = Value::Array(data.get(1..).unwrap_or_default().to_vec());
        if rest.write_plain_json(&mut json).is_err() {
            return false;
        }
        let Some(args) = Payload::from_json(Str::from(json))
            .ok()
            .and_then(|p| Args::try_from_payload(p).ok())
        else {
            return false;
        };
        let ack = request_id.map(|request_id| {
            Box::new(ServerSideAck {
                nsp: nsp.clone(),
                requester: requester.clone(),
                request_id,
            })
        });
        self.sio
            .events
            .push_back(Event::Cluster(ClusterEvent::ServerSideEmit {
                nsp: nsp.clone(),
                event,
                args,
                ack,
            }));
        true
    }
}
