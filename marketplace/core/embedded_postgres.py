"""Start the embedded PostgreSQL used when no ``DATABASE_URL`` is configured.

The server lives under ``.data/postgres`` and is started on first use by the
``pgserver`` package, which ships the PostgreSQL binaries in its wheel. It is
stopped when the last process that started it exits.

pgserver counts its users in ``.handle_pids.json`` and stops the server from an
``atexit`` hook, which Python skips on SIGTERM and which a killed process never
runs. So ``make run`` stopped with SIGTERM left the server (and, before that,
the dev server's child) running for good. Here a SIGTERM or SIGHUP becomes a
normal exit (``SystemExit``, so the dev server's reloader also stops its child
and every ``atexit`` hook runs), and users that are no longer alive are struck
off the list when a process joins or leaves, so the last one to leave stops
the server even after a ``kill -9`` of another.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

logger = logging.getLogger(__name__)

PID_LIST = ".handle_pids.json"


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


def exit_cleanly_on_termination() -> None:
    """Turn SIGTERM and SIGHUP into ``SystemExit`` in this process, where nobody handles them yet."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) in (signal.SIG_DFL, None):
            signal.signal(signum, _exit_on_signal)


def _alive(psutil, pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def users_prune(pgdata: Path) -> list[int]:
    """Strike the processes that have exited off pgserver's list of users; return who is left."""
    import psutil  # a dependency of pgserver
    from pgserver.postgres_server import PostgresServer

    path = pgdata / PID_LIST
    with PostgresServer._lock:
        try:
            pids = json.loads(path.read_text())
        except (FileNotFoundError, ValueError):
            return []
        alive = [pid for pid in pids if _alive(psutil, pid)]
        if alive != pids:
            path.write_text(json.dumps(alive))
            logger.info("embedded PostgreSQL: struck exited users %s off", sorted(set(pids) - set(alive)))
        return alive


def embedded_database_settings(data_dir: Path, *, name: str = "marketplace") -> dict:
    """Return a ``DATABASES['default']`` dict for the embedded server."""
    runtime_dir = data_dir / "run"
    runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    import pgserver  # Imported lazily: only the embedded mode needs it.

    pgdata = data_dir / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    users_prune(pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    # atexit runs hooks last-in first-out: this prune runs before pgserver's cleanup.
    atexit.register(users_prune, pgdata)
    if "pytest" not in sys.modules:
        exit_cleanly_on_termination()
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
