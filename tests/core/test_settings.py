"""The production settings refuse to start without real secrets.

Each case imports ``marketplace.settings.prod`` in a fresh interpreter with a
controlled environment: settings are read once per process, and the test
process itself runs on the test settings. ``DATABASE_URL`` is always set so
the embedded PostgreSQL is never started; nothing here connects to it. The
child inherits no other variables from the test process.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GOOD_SECRET_KEY = "k3Zr9QvTq2Lx8Wn5Yb7Pd4Hs6Jf1Mc0Ga2Ue9Ro5Ti8Ey3Wk-Vh7Nb1"  # 55 characters, not a dev key
SETUP = "import django; django.setup(); print('configured')"

# The child sees only these from the test process, so nothing set for other
# tests (DJANGO_ALLOW_ASYNC_UNSAFE, DATABASE_URL, REDIS_URL, ...) leaks into it.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def run_prod(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    env = {key: os.environ[key] for key in INHERITED if key in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.prod",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/settings_check_never_connected",
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_prod_settings_refuse_a_missing_secret_key():
    result = run_prod("-c", SETUP, ALLOWED_HOSTS="shop.example.com")

    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: Set SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "secret_key",
    [
        "short-key",
        GOOD_SECRET_KEY[:49],
        "abcd" * 20,
        "dev-only-not-secret-" + GOOD_SECRET_KEY,
        "test-only-not-secret-" + GOOD_SECRET_KEY,
        "django-insecure-" + GOOD_SECRET_KEY,
    ],
    ids=["short", "49-characters", "four-distinct-characters", "dev-key", "test-key", "django-insecure"],
)
def test_prod_settings_refuse_a_weak_secret_key(secret_key):
    result = run_prod("-c", SETUP, SECRET_KEY=secret_key, ALLOWED_HOSTS="shop.example.com")

    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: Set SECRET_KEY" in result.stderr


def test_prod_settings_refuse_missing_allowed_hosts():
    result = run_prod("-c", SETUP, SECRET_KEY=GOOD_SECRET_KEY)

    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: Set ALLOWED_HOSTS" in result.stderr


def test_prod_settings_refuse_debug():
    result = run_prod("-c", SETUP, SECRET_KEY=GOOD_SECRET_KEY, ALLOWED_HOSTS="shop.example.com", DEBUG="true")

    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: DEBUG must be off" in result.stderr


def test_prod_settings_load_with_real_values():
    result = run_prod("-c", SETUP, SECRET_KEY=GOOD_SECRET_KEY, ALLOWED_HOSTS="shop.example.com")

    assert result.stderr == ""
    assert result.stdout == "configured\n"


# What a real deployment sets (no real carrier adapter exists yet, so the sandbox carrier is named).
REAL_SERVICES = {
    "STRIPE_SECRET_KEY": "sk_live_placeholder",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_placeholder",
    "STRIPE_WEBHOOK_SECRET": "whsec_placeholder",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "SANDBOX_ALLOWED": "carrier",
}


def test_prod_settings_pass_the_deployment_checks():
    result = run_prod(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=GOOD_SECRET_KEY,
        ALLOWED_HOSTS="shop.example.com",
        **REAL_SERVICES,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_prod_refuses_the_sandbox_payments_carrier_and_console_email_unless_named():
    refused = run_prod("manage.py", "check", SECRET_KEY=GOOD_SECRET_KEY, ALLOWED_HOSTS="shop.example.com")

    assert refused.returncode == 1
    for check_id, words in (
        ("payments.E001", "The sandbox payment provider would take the payments"),
        ("fulfillment.E001", "The sandbox carrier would sell the labels"),
        ("core.E001", "E-mail goes to console"),
    ):
        assert check_id in refused.stderr and words in refused.stderr, refused.stderr
    demo = run_prod(
        "manage.py",
        "check",
        SECRET_KEY=GOOD_SECRET_KEY,
        ALLOWED_HOSTS="shop.example.com",
        SANDBOX_ALLOWED="payments,carrier,email",
    )
    assert demo.returncode == 0, demo.stderr
    only_email_missing = run_prod(
        "manage.py",
        "check",
        SECRET_KEY=GOOD_SECRET_KEY,
        ALLOWED_HOSTS="shop.example.com",
        **{**REAL_SERVICES, "EMAIL_URL": "consolemail://"},
    )
    assert only_email_missing.returncode == 1
    assert "core.E001" in only_email_missing.stderr and "payments.E001" not in only_email_missing.stderr


def test_the_benchmark_baseline_is_not_served_in_production_unless_asked():
    resolve = (
        "import django; django.setup(); from django.urls import resolve, Resolver404\n"
        "try:\n    resolve('/bench/bare/'); print('served')\nexcept Resolver404:\n    print('404')"
    )
    env = {"SECRET_KEY": GOOD_SECRET_KEY, "ALLOWED_HOSTS": "shop.example.com"}
    assert run_prod("-c", resolve, **env).stdout == "404\n"
    assert run_prod("-c", resolve, **env, BENCH_VIEWS="true").stdout == "served\n"
