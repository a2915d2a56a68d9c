"""Run code in real threads started at the same moment, each on its own connection."""

import threading

from django.db import connection

JOIN_TIMEOUT = 60


def run_together(count, work):
    """Run ``work(i)`` in ``count`` threads started at once; return [(i, result, error)] by i."""
    barrier = threading.Barrier(count)
    outcomes = []
    lock = threading.Lock()

    def target(i):
        try:
            barrier.wait()
            result, error = work(i), None
        except Exception as exc:  # noqa: BLE001 - every outcome is asserted by the caller
            result, error = None, exc
        finally:
            connection.close()
        with lock:
            outcomes.append((i, result, error))

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return sorted(outcomes, key=lambda outcome: outcome[0])


def race(targets):
    """Call each of ``targets`` in its own thread, all at once; return the errors raised."""
    return [error for _i, _result, error in run_together(len(targets), lambda i: targets[i]()) if error]
