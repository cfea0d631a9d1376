//! Socket.IO packets with binary attachments, protocol v5 and v4.
