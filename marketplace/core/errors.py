"""Errors raised by business rules, with a message a person can read."""


class ApplicationError(Exception):
    """A business rule refused the request; ``message`` says why."""

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
