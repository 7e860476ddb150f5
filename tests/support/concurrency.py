"""Real concurrent requests for race tests: threads released together on a barrier, each with
its own test client and app context (so its own database session and connection)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from server.extensions import db


def together(app: Flask, calls: list[Callable[[FlaskClient], Any]]) -> list[Any]:
    """Run each call in its own thread, all released at once; return their results in order.

    The main thread's session is ended first, so it holds no transaction the threads could
    wait on, and expired afterwards, so what the test reads next is what the threads wrote.
    """
    db.session.commit()
    barrier = threading.Barrier(len(calls), timeout=30)
    results: list[Any] = [None] * len(calls)
    failures: list[BaseException] = []

    def worker(index: int, call: Callable[[FlaskClient], Any]) -> None:
        """One request in its own app context: the session is the thread's own."""
        with app.app_context():
            client = app.test_client()
            try:
                barrier.wait()
                results[index] = call(client)
            except BaseException as exc:  # reported to the test below, never swallowed
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    if failures:
        raise failures[0]
    db.session.expire_all()
    return results


def answer(response) -> tuple[int, Any]:
    """A response as (status, JSON body), read inside the thread that made it."""
    return response.status_code, response.get_json()
