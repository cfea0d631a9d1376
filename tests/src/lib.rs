//! End-to-end tests against real clients. Empty until the adapters issue brings a server to test.
#![forbid(unsafe_code)]
