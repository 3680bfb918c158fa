//! Replay: rebuilding every projection from a stored log.
