//! Inputs from Engine.IO: a session opened, a message arrived, a session closed.
//!
//! Theory of operation (Node's `client.ts` `ondecoded`): a message goes through the server's
//! parser (`parser`: the session's reassembler, or the msgpack decoder); a decode error closes the session (`ParseError`). A complete packet is routed
//! by namespace: CONNECT on a namespace with no socket starts a connect request (or is refused
//! with CONNECT_ERROR); any other packet needs a socket on that namespace. Anything else the
//! protocol does not allow (CONNECT on a connected namespace, a packet for a namespace not
//! connected, a CONNECT_ERROR from a client) closes the session (`ProtocolViolation`). A
//! duplicate CONNECT while the first awaits the application is ignored (Node would start a
//! second socket; one pending request per namespace keeps the accounting simple).
//!
//! Socket.IO v4 (`socket.io-client` 2.x) differs in two ways, both as Node's `server.ts` and
//! `client.ts` handle `conn.protocol === 3`: the client never sends CONNECT for `/` (the server
//! starts that request itself as the session opens), and the namespace's query string
//! (`0/admin?token=abc,`) is the v4 way to send credentials, so it becomes the request's auth
//! object (`{"token":"abc"}`). One application thus authenticates every client generation the
//! same way.

use std::time::Instant;

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::sio::{Packet, PacketBody, Payload, ProtocolVersion, ReassemblerLimits};

use super::namespace::NsId;
use super::parser::{DecodeLimits, ParseError};
use super::session::Session;
use super::session_key::SessionKey;
use super::state::SioState;
use super::timers::SioTimer;
use super::transport::Transport;
use super::v09::Inbound;
use crate::eio::Generation;
use crate::event::{AckToken, DisconnectReason, Event, EventArgs, PendingConnect};

impl SioState {
    /// A new session of generation `version` opened.
    pub(crate) fn handle_open(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        key: SessionKey,
        version: Generation,
    ) {
        // Engine.IO never reuses a live id; if it did, this moves the old session's timer.
        let at = crate::timer::after(now, self.config.connect_timeout);
        self.timers.set(SioTimer::ConnectDeadline(key), at);
        self.sessions.insert(
            key,
            Session {
                version,
                reassembler: None,
                sockets: Vec::new(),
                pending: Vec::new(),
            },
        );
        if version != Generation::Eio4 {
            self.connect_request(now, t, key, Str::from_static("/"), None, None);
        }
    }

    fn limits(&self) -> DecodeLimits {
        DecodeLimits {
            reassembler: ReassemblerLimits {
                max_attachments: self.config.max_attachments,
                max_bytes: self.config.max_binary_bytes,
            },
            msgpack: self.config.msgpack_limits,
        }
    }

    /// Engine.IO closed `key` (the client left, the transport failed, a ping timed out...).
    pub(crate) fn handle_closed(
        &mut self,
        now: Instant,
        key: SessionKey,
        reason: DisconnectReason,
    ) {
        self.drop_session(now, key, reason);
    }

    /// A text message arrived on `key`.
    pub(crate) fn handle_text(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        key: SessionKey,
        text: Str,
    ) {
        let limits = self.limits();
        let Some(session) = self.sessions.get_mut(&key) else {
            return;
        };
        let Some(version) = session.version.socket_io() else {
            return self.handle_v09_text(now, t, key, text);
        };
        let result = self
            .config
            .parser
            .decode_text(session, version, text, &limits);
        match result {
            Ok(Some(packet)) => self.handle_packet(now, t, key, packet),
            Ok(None) => {}
            Err(ParseError) => self.close_session(now, t, key, DisconnectReason::ParseError),
        }
    }

    /// A 0.9 packet arrived on `key` (see `v09`).
    fn handle_v09_text(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        key: SessionKey,
        text: Str,
    ) {
        match super::v09::decode(text) {
            Ok(Inbound::Packet(packet)) => self.handle_packet(now, t, key, packet),
            Ok(Inbound::AutoAck { packet, nsp, id }) => {
                // Only a connected namespace's events are acknowledged; others are a
                // protocol violation, which handle_packet reports.
                let connected = self.namespaces.find(&nsp).is_some_and(|ns| {
                    self.sessions
                        .get(&key)
                        .is_some_and(|s| s.socket_in(ns).is_some())
                });
                if connected {
                    t.send(now, key, &super::v09::auto_ack(&nsp, id));
                }
                self.handle_packet(now, t, key, packet);
            }
            Ok(Inbound::Ignore) => {}
            Err(_) => self.close_session(now, t, key, DisconnectReason::ParseError),
        }
    }

    /// A binary message arrived on `key`.
    pub(crate) fn handle_binary(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        key: SessionKey,
        data: Bytes,
    ) {
        let limits = self.limits();
        let Some(session) = self.sessions.get_mut(&key) else {
            return;
        };
        let result = self.config.parser.decode_binary(session, data, &limits);
        match result {
            Ok(Some(packet)) => self.handle_packet(now, t, key, packet),
            Ok(None) => {}
            Err(_) => self.close_session(now, t, key, DisconnectReason::ParseError),
        }
    }

    fn handle_packet(&mut self, now: Instant, t: &mut impl Transport, key: SessionKey, p: Packet) {
        let Some(session) = self.sessions.get(&key) else {
            return;
        };
        let ns = self.namespaces.find(&p.nsp);
        let socket = ns.and_then(|ns| session.socket_in(ns));
        let pending = ns.is_some_and(|ns| session.is_pending(ns));
        let violation = DisconnectReason::ProtocolViolation;
        match (p.body, socket) {
            (PacketBody::Connect { auth, query }, None) if !pending => {
                self.connect_request(now, t, key, p.nsp, auth, query);
            }
            (PacketBody::Connect { .. }, None) => {}
            (PacketBody::Disconnect, Some(socket)) => {
                self.remove_socket(now, socket, DisconnectReason::ClientNamespaceDisconnect);
            }
            (PacketBody::Disconnect, None) if pending => {
                if let Some(session) = self.sessions.get_mut(&key) {
                    session.pending.retain(|(n, _)| Some(*n) != ns);
                }
            }
            (
                PacketBody::Event {
                    id,
                    data,
                    attachments,
                },
                Some(socket),
            ) => {
                let Ok(name) = data.event_name() else {
                    return self.close_session(now, t, key, DisconnectReason::ParseError);
                };
                let event = Str::from(name.as_ref());
                self.events.push_back(Event::Message {
                    socket,
                    event,
                    args: EventArgs(data),
                    binary: attachments,
                    ack: id.map(|id| AckToken { socket, id }),
                });
            }
            (
                PacketBody::Ack {
                    id,
                    data,
                    attachments,
                },
                Some(socket),
            ) => self.handle_ack_reply(socket, id, data, attachments),
            _ => self.close_session(now, t, key, violation),
        }
    }

    fn connect_request(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        key: SessionKey,
        nsp: Str,
        auth: Option<Payload>,
        query: Option<Str>,
    ) {
        let Some(session) = self.sessions.get(&key) else {
            return;
        };
        let version = session.version;
        let used = session.sockets.len().saturating_add(session.pending.len());
        let refusal = if used >= self.config.max_namespaces_per_session {
            Some("Too many namespaces")
        } else {
            None
        };
        let ns = match refusal {
            Some(_) => None,
            None => self.namespaces.resolve(&nsp),
        };
        let Some(ns) = ns else {
            let message = refusal.unwrap_or("Invalid namespace");
            let sio_version = version.socket_io().unwrap_or(ProtocolVersion::V4);
            let packet = Packet::connect_error(nsp, sio_version, message);
            self.config.parser.send(now, t, key, &packet, version);
            return;
        };
        let auth = match (version, &query) {
            (Generation::Eio3 | Generation::V09, Some(q)) => Some(query_object(q)),
            // 0.9 clients carry credentials on the handshake URL (node 0.9's authorization
            // reads `handshakeData.query`); its own parameters are left out.
            (Generation::V09, None) => t
                .handshake_query(key)
                .map(|q| query_object_without(q, &["t", "jsonp"]))
                .filter(|p| p.as_str() != "{}"),
            _ => auth,
        };
        let Some((nsp, auth, query)) = self.park_for_restore(key, ns, version, nsp, auth, query)
        else {
            // Asked of the backend; `resume_parked` goes on with the answer.
            return;
        };
        let recovery = match self.claim_recovery(now, ns, version, auth.as_ref()) {
            Some(claim) if self.skips_decision() => {
                // node's skipMiddlewares: restored at once, the application only told.
                return self.restore_now(now, t, key, nsp, auth, *claim);
            }
            claim => claim,
        };
        self.queue_connect(key, ns, nsp, auth, query, recovery);
    }

    /// Queues the application's connect decision for namespace `ns` of session `key`.
    pub(crate) fn queue_connect(
        &mut self,
        key: SessionKey,
        ns: NsId,
        nsp: Str,
        auth: Option<Payload>,
        query: Option<Str>,
        recovery: Option<Box<super::recovery::Claim>>,
    ) {
        let serial = self.next_serial;
        self.next_serial = self.next_serial.wrapping_add(1);
        if let Some(session) = self.sessions.get_mut(&key) {
            session.pending.push((ns, serial));
        }
        self.events.push_back(Event::Connect(PendingConnect {
            session: key,
            ns,
            serial,
            nsp,
            auth,
            query,
            recovery,
        }));
    }
}

/// A v4 namespace query as the auth object Node's `url.parse(nsp, true).query` gives: each
/// key maps to its percent-decoded value, or to an array of values when it repeats.
fn query_object(query: &str) -> Payload {
    query_object_without(query, &[])
}

/// [`query_object`] without the parameters named in `skip`.
fn query_object_without(query: &str, skip: &[&str]) -> Payload {
    use serde_json::{Map, Value};
    let mut object = Map::new();
    for (k, v) in crate::http::query_pairs(query) {
        if skip.contains(&k.as_ref()) {
            continue;
        }
        let v = Value::String(v.into_owned());
        match object.get_mut(k.as_ref()) {
            Some(Value::Array(values)) => values.push(v),
            Some(first) => *first = Value::Array(vec![first.take(), v]),
            None => {
                object.insert(k.into_owned(), v);
            }
        }
    }
    Payload::from_value(&Value::Object(object))
}
