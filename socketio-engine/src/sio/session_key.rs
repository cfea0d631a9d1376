//! [`SessionKey`]: how the Socket.IO layer names an Engine.IO session.
//!
//! An alias so the layer compiles and is tested before the Engine.IO server lands; it becomes
//! the Engine.IO `Sid` when the facade is wired to `EioServer`.

/// The Engine.IO session a socket rides on.
pub type SessionKey = u64;
