"""Start the embedded PostgreSQL used when no ``DATABASE_URL`` is configured.

The server lives under ``.data/postgres`` and is started on first use by the
``pgserver`` package, which ships the PostgreSQL binaries in its wheel. It is
stopped when the last process that started it exits.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path


def embedded_database_settings(data_dir: Path, *, name: str = "marketplace") -> dict:
    """Return a ``DATABASES['default']`` dict for the embedded server."""
    runtime_dir = data_dir / "run"
    runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    import pgserver  # Imported lazily: only the embedded mode needs it.

    pgdata = data_dir / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    info = server.get_postmaster_info()
    if not name.replace("_", "").isalnum():
        raise ValueError(f"Not a plain database name: {name!r}")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")  # noqa: S608 (checked above)
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir) if info.socket_dir else info.hostname,
        "PORT": "" if info.socket_dir else str(info.port),
    }
