//! [`Stop`]: the error of the shape probes that tell a tuple from anything else when
//! arguments are written (`args`) and read (`args_de`). A probe records the first request a
//! value's `Serialize` or `Deserialize` makes, then stops with this error, which nobody sees.

use std::fmt;

/// The error a probe stops with.
#[derive(Debug)]
pub(crate) struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("probe")
    }
}

impl std::error::Error for Stop {}

impl serde::ser::Error for Stop {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Self
    }
}

impl serde::de::Error for Stop {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Self
    }
}
