"""Models of `payments`: built by its own issue (see docs/architecture.md)."""
