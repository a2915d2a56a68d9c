import pytest

from marketplace.core import events
from tests.core import outbox_handlers


@pytest.fixture
def async_handlers():
    """Let a test register async handlers; restore the registry and the handler log after it."""
    saved = {name: list(paths) for name, paths in events._async_handlers.items()}
    outbox_handlers.calls.clear()
    outbox_handlers.failing["on"] = True
    yield outbox_handlers
    events._async_handlers.clear()
    events._async_handlers.update(saved)
    outbox_handlers.calls.clear()
