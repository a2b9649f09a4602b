"""Fault tests: servers killed under the running app, as an operator or the OOM killer would.

Redis: each test gets a Redis of its own (killed and restarted freely; the app points to it).
PostgreSQL: this pytest process's test server is killed and restarted (the data survives, as it
must); under pytest-xdist each process has a server of its own, so the others' tests go on.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from litestar import Litestar

from app.asgi import create_app
from app.core.config import get_settings
from app.core.embedded import EmbeddedPostgres, EmbeddedRedis
from conftest import TEST_VAR

TEST_PGDATA = TEST_VAR / "pgdata"  # this pytest process's own server (see conftest.py)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    """A Redis for this test alone; REDIS_URL points to it while the test runs."""
    server = EmbeddedRedis(tmp_path / "redis")
    server.start()
    saved = os.environ["REDIS_URL"]
    os.environ["REDIS_URL"] = server.url
    get_settings.cache_clear()
    try:
        yield server
    finally:
        os.environ["REDIS_URL"] = saved
        get_settings.cache_clear()
        server.stop()


@pytest.fixture
def app(own_redis: EmbeddedRedis) -> Litestar:
    """The web app, its Redis being the test's own."""
    return create_app(use_db_pool=False)


@pytest.fixture
def shared_postgres(servers: None) -> Iterator[EmbeddedPostgres]:
    """The shared test PostgreSQL, running again when the test ends whatever happened."""
    postgres = EmbeddedPostgres(TEST_PGDATA, database="postgres")
    postgres.start()  # joins the running server
    try:
        yield postgres
    finally:
        if not postgres.running():
            postgres.restart()


def kill_redis(server: EmbeddedRedis) -> None:
    """SIGKILL: no goodbye, no final snapshot."""
    assert server.process is not None
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(5)


def kill_postgres(pgdata: Path = TEST_PGDATA) -> None:
    """SIGKILL the postmaster and its backends, as a crash of the whole server would."""
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    assert info is not None and info.pid is not None
    postmaster = psutil.Process(info.pid)
    processes = [postmaster, *postmaster.children(recursive=True)]
    for process in processes:
        process.kill()
    psutil.wait_procs(processes, timeout=5)
