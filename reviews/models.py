"""Models of `reviews`: built by its own issue (see docs/architecture.md)."""
