"""Sentry is initialised by the settings only when SENTRY_DSN is set; nothing is sent here.

Each case loads the settings in a fresh interpreter (the SDK is process-wide).
The DSN points at the discard port on loopback, so even a stray event could not
leave the machine; initialising the SDK sends nothing by itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DSN = "http://public@127.0.0.1:9/1"
REPORT = (
    "import json, django; django.setup()\n"
    "import sentry_sdk\n"
    "client = sentry_sdk.get_client()\n"
    "options = client.options if client.is_active() else {}\n"
    "print(json.dumps({\n"
    "    'active': client.is_active(),\n"
    "    'dsn': options.get('dsn'),\n"
    "    'send_default_pii': options.get('send_default_pii'),\n"
    "    'traces_sample_rate': options.get('traces_sample_rate'),\n"
    "    'release': options.get('release'),\n"
    "    'environment': options.get('environment'),\n"
    "    'integrations': sorted(client.integrations) if client.is_active() else [],\n"
    "}))"
)


def settings_report(**environment: str) -> dict:
    inherited = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/sentry_check_never_connected",
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", REPORT], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_dsn_no_sentry():
    assert settings_report()["active"] is False


def test_a_dsn_starts_sentry_with_django_and_celery_and_no_personal_data():
    report = settings_report(
        SENTRY_DSN=DSN, SENTRY_TRACES_SAMPLE_RATE="0.25", SENTRY_RELEASE="marketplace@1.2.3"
    )

    assert report["active"] is True
    assert report["dsn"] == DSN
    assert report["send_default_pii"] is False
    assert report["traces_sample_rate"] == 0.25
    assert report["release"] == "marketplace@1.2.3"
    assert report["environment"] == "production"
    assert {"django", "celery"} <= set(report["integrations"])


def test_the_sample_rate_defaults_to_no_traces_and_the_environment_is_configurable():
    report = settings_report(SENTRY_DSN=DSN, SENTRY_ENVIRONMENT="staging")

    assert report["traces_sample_rate"] == 0.0
    assert report["environment"] == "staging"
