//! Engine.IO packets and long-polling payloads, protocol v4 and v3.
