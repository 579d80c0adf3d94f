"""Run callables at the same instant in threads, each with its own database connection."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_together(workers: list[Callable[[], Any]], *, timeout: float = 60) -> list[Any]:
    """Line the workers up on a barrier, then let them go at once; returns what each returned,
    or the exception it raised (tests inspect both). Each thread connects before the barrier,
    so the race is on the queries, not on opening connections, and closes its connection."""
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def run(index: int, work: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=10)
            results[index] = work()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
