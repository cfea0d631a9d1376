//! Where the dispatcher tells the admin [`Monitor`](super::monitor::Monitor) what happened:
//! one call per connect, disconnect, received event and command, each a no-op (one `Option`
//! test) without the admin UI.

use socketio_engine::{DisconnectReason, Engine, SocketId};
use socketio_proto::Str;

use crate::app::command::Command;
use crate::app::dispatch::SioDispatcher;
use crate::app::socket::EventData;
use crate::hub::HubCx;

type Cx<'a> = HubCx<'a, Engine, Command>;

impl SioDispatcher {
    /// A socket was accepted (or restored): live update, and the stats ticker starts with
    /// the first admin socket.
    pub(crate) fn admin_connected(&mut self, cx: &mut Cx<'_>, id: SocketId) {
        let Some(admin) = self.admin.as_deref_mut() else {
            return;
        };
        let Some(socket) = self.sockets.get(&id) else {
            return;
        };
        if admin.is_admin(socket.nsp()) {
            admin.watchers += 1;
            if !admin.ticking {
                admin.ticking = true;
                super::start_ticker(socket.server().clone());
            }
        }
        if admin.live() {
            admin.connected(cx.machine, cx.now, socket);
        }
    }

    /// A socket left its namespace.
    pub(crate) fn admin_disconnected(
        &mut self,
        cx: &mut Cx<'_>,
        id: SocketId,
        nsp: &str,
        reason: DisconnectReason,
        rooms: &[Str],
    ) {
        let Some(admin) = self.admin.as_deref_mut() else {
            return;
        };
        let Some(name) = self.sockets.get(&id).map(|s| s.id().to_owned()) else {
            return;
        };
        if admin.is_admin(nsp) {
            admin.watchers = admin.watchers.saturating_sub(1);
        }
        if !admin.live() {
            return;
        }
        admin.disconnected(cx.machine, cx.now, nsp, &name, reason.as_str(), rooms);
    }

    /// A client event arrived (not shown for the admin namespace's own).
    pub(crate) fn admin_received(
        &self,
        cx: &mut Cx<'_>,
        id: SocketId,
        event: &str,
        data: &EventData,
    ) {
        let Some(admin) = self.admin.as_deref().filter(|a| a.live()) else {
            return;
        };
        let Some(s) = self.sockets.get(&id).filter(|s| !admin.is_admin(s.nsp())) else {
            return;
        };
        let args = data.args.to_args();
        admin.event(
            cx.machine,
            cx.now,
            "event_received",
            (s.nsp(), s.id()),
            event,
            &args,
        );
    }

    /// Before a command is applied: its live updates (events sent, rooms joined or left).
    /// Takes the admin commands themselves; `true` when `cmd` was one.
    pub(crate) fn admin_command(&self, cx: &mut Cx<'_>, cmd: &Command) -> bool {
        let Some(admin) = self.admin.as_deref() else {
            return false;
        };
        let now = cx.now;
        let engine = &mut *cx.machine;
        match cmd {
            Command::AdminStats => {
                admin.server_stats(engine, now);
                return true;
            }
            Command::AdminAllSockets { socket } => {
                admin.all_sockets(engine, now, *socket, self.sockets.values());
                return true;
            }
            _ if !admin.live() => {}
            Command::Emit {
                socket,
                event,
                args,
                ..
            } => {
                if let Some(s) = self
                    .sockets
                    .get(socket)
                    .filter(|s| !admin.is_admin(s.nsp()))
                {
                    admin.event(engine, now, "event_sent", (s.nsp(), s.id()), event, args);
                }
            }
            Command::Broadcast {
                target,
                event,
                args,
                ..
            } => {
                for id in engine.sockets(target).unwrap_or_default() {
                    if let Some(s) = self.sockets.get(&id).filter(|s| !admin.is_admin(s.nsp())) {
                        admin.event(engine, now, "event_sent", (s.nsp(), s.id()), event, args);
                    }
                }
            }
            Command::Join { socket, room } | Command::Leave { socket, room } => {
                let what = if matches!(cmd, Command::Join { .. }) {
                    "room_joined"
                } else {
                    "room_left"
                };
                if let Some(s) = self.sockets.get(socket) {
                    admin.room(engine, now, what, s.nsp(), room, s.id());
                }
            }
            Command::SocketsJoin { target, room } | Command::SocketsLeave { target, room } => {
                let what = if matches!(cmd, Command::SocketsJoin { .. }) {
                    "room_joined"
                } else {
                    "room_left"
                };
                for id in engine.sockets(target).unwrap_or_default() {
                    if let Some(s) = self.sockets.get(&id) {
                        admin.room(engine, now, what, s.nsp(), room, s.id());
                    }
                }
            }
            _ => {}
        }
        false
    }
}
