//! End-to-end tests of caspian-sim live in `it/`; this library is empty.
