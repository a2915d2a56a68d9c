"""Settings of the Celery workers that tests/core/test_worker_kill.py starts and kills.

The test settings, plus: the test's own database (pytest-django's test database,
passed in as JSON), a Redis broker database and key prefix of the test run's
own, a visibility timeout of seconds instead of minutes (so the killed worker's
messages come back during the test), the sink e-mail backend, and the two
sweeps every second for rows older than two seconds.
"""

import json
import os

from marketplace.settings.test import *  # noqa: F403

DATABASES = {"default": json.loads(os.environ["KILL_TEST_DATABASE"])}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["KILL_TEST_BROKER_URL"]
CELERY_BROKER_TRANSPORT_OPTIONS = json.loads(os.environ["KILL_TEST_TRANSPORT_OPTIONS"])
EMAIL_BACKEND = "tests.core.sink_email_backend.EmailBackend"
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "marketplace.core.tasks.outbox_sweep_task",
        "schedule": 1.0,
        "kwargs": {"older_than_seconds": 2},
    },
    "accounts-outbound-email-sweep": {
        "task": "marketplace.accounts.tasks.outbound_email_sweep_task",
        "schedule": 1.0,
        "kwargs": {"older_than_seconds": 2},
    },
}

if os.environ.get("KILL_TEST_DIE_MARKER"):
    from celery.signals import worker_process_init

    @worker_process_init.connect(weak=False)
    def _die_once_after_a_dispatch_commits(**kwargs):
        from tests.core.worker_kill_hooks import install

        install(marker=os.environ["KILL_TEST_DIE_MARKER"], after=3)
