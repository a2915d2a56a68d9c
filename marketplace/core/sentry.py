"""Error reports to Sentry, when ``SENTRY_DSN`` is set (the settings call ``sentry_init``).

The Django and Celery integrations; no personal data (``send_default_pii=False``:
no cookies, no user's e-mail or IP address); each event tagged with the
request id that the logs carry, so an error and its log lines are found together.
"""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from marketplace.core.logs import request_id_get


def tag_request_id(event, hint):
    """``before_send``: tag the event with the request id it happened under."""
    request_id = request_id_get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def sentry_init(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=tag_request_id,
    )
