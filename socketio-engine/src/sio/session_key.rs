//! [`SessionKey`]: how the Socket.IO layer names an Engine.IO session.
//!
//! An alias of the Engine.IO [`Sid`](crate::Sid): the layer's logic only needs a `Copy + Hash`
//! key, and naming it separately keeps that requirement visible.

/// The Engine.IO session a socket rides on.
pub type SessionKey = crate::ids::Sid;
