"""Async handlers the outbox tests register by dotted path."""

from marketplace.core.models import OutboxEvent

calls: list[tuple[str, dict]] = []
failing = {"on": True}


def record(**payload):
    calls.append(("record", payload))


def flaky(**payload):
    calls.append(("flaky", payload))
    if failing["on"]:
        raise RuntimeError("the mail server is down")


def write_then_fail(**payload):
    """Write a row and fail: the savepoint must roll the write back."""
    OutboxEvent.objects.create(name="written.by.handler", payload={})
    raise RuntimeError("after writing")


class SimulatedKill(BaseException):
    """The process dies here: nothing catches it, the open transaction rolls back."""


def die(**payload):
    """Registered after the real handlers of an event: the worker dies before the dispatch commits."""
    raise SimulatedKill
