"""The embedded PostgreSQL stops with the last process using it, even after SIGTERM or a kill -9.

These start the real embedded server (pgserver) in a temporary data directory,
in child processes with no ``DATABASE_URL``, as ``make run`` does on a new machine.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

from marketplace.core.embedded_postgres import PID_LIST

BASE_DIR = Path(__file__).resolve().parent.parent.parent
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(data_dir: Path) -> dict:
    env = {key: os.environ[key] for key in INHERITED if key in os.environ}
    env.update(DJANGO_SETTINGS_MODULE="marketplace.settings.dev", MARKETPLACE_DATA_DIR=str(data_dir))
    return env


def postgres_processes(pgdata: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if any(part.endswith("/postgres") for part in cmdline[:1]) and str(pgdata) in cmdline:
            found.append(process)
    return found


def wait_until(predicate, *, seconds: float, message: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(message)


def serves(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (a loopback URL of ours)
            return response.status == 200
    except OSError:
        return False


def test_sigterm_to_the_dev_server_stops_its_child_and_the_embedded_postgres(tmp_path):
    # given: the dev server (a reloader parent and its serving child) on the embedded database
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=child_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pgdata = tmp_path / "postgres"
    try:
        wait_until(lambda: serves(f"http://127.0.0.1:{port}/healthz"), seconds=150, message="never served")
        children = psutil.Process(server.pid).children(recursive=True)
        assert children and postgres_processes(pgdata)

        # when: it is stopped as a process manager stops it
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

        # then: nothing is left running, and nobody is counted as a user
        wait_until(
            lambda: not any(child.is_running() for child in children), seconds=20, message="child runs"
        )
        wait_until(lambda: not postgres_processes(pgdata), seconds=30, message="PostgreSQL still runs")
        assert json.loads((pgdata / PID_LIST).read_text()) == []
    finally:
        if server.poll() is None:
            server.kill()
        for process in postgres_processes(pgdata):
            process.kill()


def test_a_user_killed_with_sigkill_does_not_keep_the_server_running(tmp_path):
    # given: a process holding the embedded server, killed so that it cannot clean up
    hold = "import django, time; django.setup(); print('ready', flush=True); time.sleep(600)"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold], cwd=BASE_DIR, env=child_env(tmp_path), stdout=subprocess.PIPE, text=True
    )
    pgdata = tmp_path / "postgres"
    try:
        assert holder.stdout.readline().strip() == "ready"
        holder.kill()
        holder.wait(timeout=10)
        assert holder.pid in json.loads((pgdata / PID_LIST).read_text())

        # when: another command uses the database and exits normally
        check = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            cwd=BASE_DIR,
            env=child_env(tmp_path),
            timeout=120,
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr

        # then: it was the last live user, so the server stopped with it
        wait_until(lambda: not postgres_processes(pgdata), seconds=30, message="PostgreSQL still runs")
        assert json.loads((pgdata / PID_LIST).read_text()) == []
    finally:
        if holder.poll() is None:
            holder.kill()
        for process in postgres_processes(pgdata):
            process.kill()
