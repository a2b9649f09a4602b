"""`otklik run` restarts a part that died (with a log line) and leaves the others running."""

from __future__ import annotations

import itertools
import logging
import sys

import pytest

from app.cli.supervisor import Child, Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def children():
    web, worker = Child(SLEEPER), Child(SLEEPER)
    web.restart()
    worker.restart()
    yield web, worker
    for child in (web, worker):
        if child.process is not None and child.process.poll() is None:
            child.process.kill()
            child.process.wait()


def test_a_dead_child_is_restarted_and_the_other_keeps_running(children, caplog) -> None:
    web, worker = children
    clock = _Clock()
    supervisor = Supervisor([("web", web), ("worker", worker)], clock=clock)
    assert supervisor.check() == []
    assert worker.process is not None and web.process is not None
    worker_pid, web_pid = worker.process.pid, web.process.pid

    worker.process.kill()
    worker.process.wait()
    with caplog.at_level(logging.WARNING, logger="otklik.run"):
        assert supervisor.check() == ["worker"]
    assert "worker is down: restarting it" in caplog.text
    assert worker.running() and worker.process.pid != worker_pid
    assert web.running() and web.process.pid == web_pid


def test_a_part_that_keeps_dying_is_retried_with_growing_pauses(children) -> None:
    web, _ = children
    clock = _Clock()
    supervisor = Supervisor([("web", web)], clock=clock)
    restarts = []
    for _ in range(4):
        assert web.process is not None
        web.process.kill()
        web.process.wait()
        while not supervisor.check():
            clock.now += 0.5
        restarts.append(clock.now)
    pauses = [b - a for a, b in itertools.pairwise(restarts)]
    assert pauses == [1.0, 2.0, 4.0]
