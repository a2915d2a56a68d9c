"""An e-mail backend that writes each message to a table, for the worker-kill test to count.

The row is written on the sending worker's database connection, so it commits
or rolls back with the ``OutboundEmail`` row's "sent" mark: the test counts what
the database protocol delivers. (With SMTP the server's acceptance is outside
the transaction; see ADR 0060.) ``KILL_TEST_SEND_SECONDS`` slows each send down,
so that a kill lands while e-mails are on their way.
"""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

TABLE = "kill_test_sent_email"


def sink_create() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            " id bigserial PRIMARY KEY, message_id text NOT NULL, subject text NOT NULL,"
            " recipients text NOT NULL, pid integer NOT NULL, written_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute(f"TRUNCATE {TABLE}")


def sink_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def sink_rows() -> list[tuple[str, str, int]]:
    """(message id, subject, pid of the sender) of every message written, in order."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT message_id, subject, pid FROM {TABLE} ORDER BY id")  # noqa: S608 - constant
        return list(cursor.fetchall())


def sink_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608 - constant
        return cursor.fetchone()[0]


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        delay = float(os.environ.get("KILL_TEST_SEND_SECONDS", "0"))
        with connection.cursor() as cursor:
            for message in email_messages:
                cursor.execute(
                    f"INSERT INTO {TABLE} (message_id, subject, recipients, pid) VALUES (%s, %s, %s, %s)",  # noqa: S608 - a constant table name
                    [message.extra_headers["Message-ID"], message.subject, ",".join(message.to), os.getpid()],
                )
                time.sleep(delay)  # the row is written, the "sent" mark not yet committed
        return len(email_messages)
