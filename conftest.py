"""Test session setup shared by tests/ and e2e/: real embedded PostgreSQL and Redis.

The servers start once per pytest session, and only when a test needs them (the pure
domain tests do not), under var/test/ apart from the dev data in var/ (var/test/gw0/, gw1/…
for the processes of pytest-xdist). The database is created fresh for the run. DATABASE_URL
is set before the first query, because the Piccolo engine reads it when it is first looked up.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# No per-example deadline: Hypothesis's 200 ms deadline is a wall-clock limit, and a test
# must not fail because the machine is busy (speed is measured in bench/, not in tests).
settings.register_profile("otklik", deadline=None)
settings.load_profile("otklik")

ROOT = Path(__file__).resolve().parent
# Under pytest-xdist (`make test` runs `-n 2`) each worker process ("gw0", "gw1"…) has a
# var/test/<worker>/ of its own: its own PostgreSQL server, Redis, media and report files.
# A server of its own, not a database on a shared one, because the fault tests kill and
# restart PostgreSQL (tests/integration/faults), which would break the other worker's tests.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
TEST_VAR = ROOT / "var" / "test" / WORKER if WORKER else ROOT / "var" / "test"
# One database per pytest process, so two runs on one machine do not drop each other's.
TEST_DATABASE = f"otklik_test_{os.getpid()}"


def run_async(coroutine_function: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run a coroutine to completion from sync code, whether or not a loop is running here."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_function())).result()


def pytest_configure(config: pytest.Config) -> None:
    """Settings for tests, before any app module reads them."""
    os.environ["OTKLIK_ENV"] = "test"
    os.environ["OTKLIK_VAR_DIR"] = str(TEST_VAR)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    TEST_VAR.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def servers() -> Iterator[None]:
    """Start the embedded servers, create a fresh test database and migrate it."""
    from app.core.embedded import EmbeddedRedis, EmbeddedServers

    embedded = EmbeddedServers(TEST_VAR, database="postgres")
    # Redis is flushed between tests: a pytest process of its own gets its own server.
    embedded.redis = EmbeddedRedis(TEST_VAR / f"redis-{os.getpid()}")
    embedded.start()
    psql = embedded.postgres.server.psql
    # No fsync on the test server: its data need not outlive a crash of the machine, only
    # one of PostgreSQL (the fault tests SIGKILL it; what it wrote is in the OS's cache and
    # survives that). Every commit and TRUNCATE waited on the disk otherwise.
    psql("ALTER SYSTEM SET fsync = off;")
    psql("ALTER SYSTEM SET full_page_writes = off;")
    psql("SELECT pg_reload_conf();")
    try:
        psql(f"DROP DATABASE IF EXISTS {TEST_DATABASE} WITH (FORCE);")
        psql(f"CREATE DATABASE {TEST_DATABASE};")
        embedded.postgres.database = TEST_DATABASE
        os.environ["DATABASE_URL"] = embedded.postgres.url
        os.environ["REDIS_URL"] = embedded.redis.url
        from app.cli.servers import migrate
        from app.core.config import get_settings

        get_settings.cache_clear()
        run_async(migrate)
        yield
    finally:
        psql(f"DROP DATABASE IF EXISTS {TEST_DATABASE} WITH (FORCE);")
        embedded.stop()
        shutil.rmtree(embedded.redis.directory, ignore_errors=True)
