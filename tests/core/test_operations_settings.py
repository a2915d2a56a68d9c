"""Settings of the operations pieces, loaded in a fresh interpreter (settings are read once per process).

``DATABASE_URL`` is always set, so the embedded PostgreSQL is never started; nothing
here connects to a database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
ROUTER = ["marketplace.core.replica.ReplicaRouter"]


def settings_databases(**environment: str) -> dict:
    inherited = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    code = (
        "import json, django; django.setup(); from django.conf import settings\n"
        "print(json.dumps({'aliases': sorted(settings.DATABASES), 'routers': settings.DATABASE_ROUTERS,"
        " 'replica': settings.DATABASES.get('replica', {}).get('NAME'),"
        " 'mirror': settings.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR')}))"
    )
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/primary_never_connected",
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_replica_alias_and_router_exist_only_with_database_replica_url():
    without = settings_databases()
    with_replica = settings_databases(DATABASE_REPLICA_URL="postgres://reader@127.0.0.1:5432/replica_db")

    assert without == {"aliases": ["default"], "routers": [], "replica": None, "mirror": None}
    assert with_replica == {
        "aliases": ["default", "replica"],
        "routers": ROUTER,
        "replica": "replica_db",
        "mirror": "default",
    }


def production_run(code: str, **environment: str) -> list[str]:
    """Run ``code`` under the production settings in a fresh interpreter; return its output lines."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.prod",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/primary_never_connected",
        SECRET_KEY="k3Zr9QvTq2Lx8Wn5Yb7Pd4Hs6Jf1Mc0Ga2Ue9Ro5Ti8Ey3Wk-Vh7Nb1",
        ALLOWED_HOSTS="shop.example.com",
        **environment,
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_production_redirects_to_https_except_the_probes_and_the_scrape():
    code = (
        "import django; django.setup()\n"
        "from django.middleware.security import SecurityMiddleware\n"
        "from django.test import RequestFactory\n"
        "security = SecurityMiddleware(lambda request: None)\n"
        "for path in ('/', '/healthz', '/readyz', '/metrics', '/healthz/x'):\n"
        "    answer = security.process_request(RequestFactory().get(path, HTTP_HOST='shop.example.com'))\n"
        "    print(path, answer.status_code if answer else 'served')"
    )

    assert production_run(code) == [
        "/ 301",
        "/healthz served",
        "/readyz served",
        "/metrics served",
        "/healthz/x 301",
    ]


def test_the_api_throttle_trusts_as_many_proxies_as_the_sign_in_limits():
    code = (
        "import django; django.setup(); from django.conf import settings\n"
        "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.REST_FRAMEWORK['NUM_PROXIES'])"
    )

    assert production_run(code) == ["1 1"]
    assert production_run(code, ALLAUTH_TRUSTED_PROXY_COUNT="2") == ["2 2"]
    assert production_run(code, ALLAUTH_TRUSTED_PROXY_COUNT="0") == ["0 0"]
