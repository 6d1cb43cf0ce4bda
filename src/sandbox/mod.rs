//! Handle-based path resolution beneath a preopen (the security core).
