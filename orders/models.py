"""Models of `orders`: built by its own issue (see docs/architecture.md)."""
