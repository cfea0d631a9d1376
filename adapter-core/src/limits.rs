//! Process limits a server binary usually wants raised.

/// Raises this process's soft limit on open files (RLIMIT_NOFILE) to its hard limit and
/// returns the soft limit in force afterwards (`None` where the platform has no such limit).
///
/// Every client connection is one descriptor, and many systems start processes with a soft
/// limit of 1024, so a server that is not raised refuses connections long before memory or
/// CPU run out. A library should not change process limits behind the application's back,
/// so this is a function the application's `main` calls, as our binaries do.
#[must_use]
pub fn raise_open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let current = getrlimit(Resource::Nofile);
        let soft = current.current.unwrap_or(u64::MAX);
        let Some(hard) = current.maximum else {
            // No hard limit: raise the soft one to something generous rather than "infinite",
            // which some kernels refuse for RLIMIT_NOFILE.
            let target = soft.max(1 << 20);
            let new = Rlimit {
                current: Some(target),
                maximum: None,
            };
            return Some(if setrlimit(Resource::Nofile, new).is_ok() {
                target
            } else {
                soft
            });
        };
        if soft >= hard {
            return Some(soft);
        }
        let new = Rlimit {
            current: Some(hard),
            maximum: Some(hard),
        };
        Some(if setrlimit(Resource::Nofile, new).is_ok() {
            hard
        } else {
            soft
        })
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn the_soft_limit_ends_at_the_hard_limit() {
        let after = super::raise_open_file_limit().unwrap();
        let now = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        assert_eq!(now.current, Some(after));
        if let Some(hard) = now.maximum {
            assert_eq!(after, hard);
        }
    }
}
