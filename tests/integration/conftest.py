"""Fixtures for service and web tests on the real embedded PostgreSQL and Redis.

Isolation is by truncation, not by a wrapping transaction: Litestar's test client runs
the app in its own thread and event loop with its own connections, which a transaction
opened by the test could not cover. Truncating a dozen small tables takes ~10 ms.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from app.asgi import create_app
from app.core import clock
from app.core.config import get_settings
from app.db.piccolo_app import APP_CONFIG
from app.demo.seed import load_demo

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


# Every table but Piccolo's record of applied migrations, and the sequences their ids use.
_TABLES_AND_SEQUENCES = """
SELECT t.relname AS table_name,
       (SELECT array_agg(s.oid::regclass::text) FROM pg_depend d
          JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
         WHERE d.refobjid = t.oid AND d.deptype IN ('a', 'i')) AS sequences
  FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p') AND t.relname <> 'migration'
"""
# Per database (the tables do not change in a run): the query naming the tables that hold
# rows, and the sequences of each table.
_tables: dict[str, tuple[str, dict[str, list[str]]]] = {}


async def truncate_all() -> None:
    """Empty every table, the append-only event log included (its triggers are bypassed),
    and restart every id at 1.

    Only the tables that hold rows are truncated: TRUNCATE gives a table and its indexes new
    files, which for all ~27 tables took ~1 s per test on this machine; a test touches a few.
    TRUNCATE, not DELETE: rows then lie in the order they were inserted again, as some tests'
    unordered queries expect. The sequences of the empty tables restart too (a test may have
    inserted and deleted), as TRUNCATE ... RESTART IDENTITY of every table made them.
    """
    url = os.environ["DATABASE_URL"]
    conn = await asyncpg.connect(url)
    try:
        if url not in _tables:
            rows = await conn.fetch(_TABLES_AND_SEQUENCES)
            holding = " UNION ALL ".join(
                f"SELECT '{r['table_name']}' WHERE EXISTS (SELECT FROM \"{r['table_name']}\")"
                for r in rows
            )
            _tables[url] = (holding, {r["table_name"]: r["sequences"] or [] for r in rows})
        holding, sequences = _tables[url]
        full = [row[0] for row in await conn.fetch(holding)]
        restarts = [
            f"SELECT setval('{sequence}', 1, false);"
            for table, names in sequences.items()
            if table not in full
            for sequence in names
        ]
        truncate = [f"TRUNCATE {', '.join(full)} RESTART IDENTITY CASCADE;"] if full else []
        await conn.execute(
            " ".join(["SET session_replication_role = replica;", *truncate, *restarts])
        )
    finally:
        await conn.close()


@pytest.fixture(autouse=True)
async def clean_state(servers: None) -> AsyncIterator[None]:
    """Every test starts with empty tables and an empty Redis."""
    await truncate_all()
    redis = Redis.from_url(os.environ["REDIS_URL"])
    await redis.flushdb()
    await redis.aclose()
    yield
    clock.set_clock(None)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    """A client of the test Redis."""
    client = Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    yield client
    await client.aclose()


# The demo data as loaded once in this run: each later test restores it with COPY (~50 ms)
# instead of building it again through the services (~1.5 s, a thousand small queries).
_demo_snapshot: dict[str, tuple[list[str], list[asyncpg.Record]]] = {}


async def _snapshot_tables(conn: asyncpg.Connection) -> dict[str, tuple[list[str], list]]:
    snapshot = {}
    for table in APP_CONFIG.table_classes:
        name = table._meta.tablename
        rows = await conn.fetch(f"SELECT * FROM {name}")
        columns = [c._meta.db_column_name for c in table._meta.columns]
        snapshot[name] = (columns, [tuple(r[c] for c in columns) for r in rows])
    return snapshot


async def _restore_tables(conn: asyncpg.Connection, snapshot: dict) -> None:
    await conn.execute("SET session_replication_role = replica")
    for name, (columns, rows) in snapshot.items():
        if rows:
            await conn.copy_records_to_table(name, records=rows, columns=columns)
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT max(id) FROM {name}))"
            )


@pytest.fixture
async def demo() -> None:
    """The demo organisations and users (loaded once per run, then restored)."""
    conn = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        if not _demo_snapshot:
            await load_demo()
            _demo_snapshot.update(await _snapshot_tables(conn))
        else:
            await _restore_tables(conn, _demo_snapshot)
    finally:
        await conn.close()


# The address networks call in webhook mode, in tests (HTTPS: what Telegram requires).
PUBLIC_URL = "https://hooks.otklik.example.ru"


@pytest.fixture
def public_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """OTKLIK_PUBLIC_URL set to PUBLIC_URL for the test."""
    monkeypatch.setenv("OTKLIK_PUBLIC_URL", PUBLIC_URL)
    get_settings.cache_clear()
    yield PUBLIC_URL
    get_settings.cache_clear()


# The last app a test used, kept for the next test with the same settings: building one
# takes ~0.5 s of CPU (Litestar reads the signature of ~190 handlers), in every web test.
# What it holds between tests is emptied by clean_state (sessions and throttles in Redis,
# the tables); its Redis clients reconnect after the client's shutdown closed them.
_spare_app: dict[str, tuple[Litestar, tuple[object, ...]]] = {}


def _shape(app: Litestar) -> tuple[object, ...]:
    """What a test could change on the app: its routes and handlers, its state."""
    handlers = tuple(
        (route.path, id(handler))
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
    )
    return handlers, tuple(sorted(app.state.keys()))


@pytest.fixture
def app() -> Iterator[Litestar]:
    """The web app without its own pool (see the module docstring)."""
    settings = repr(get_settings())
    spare = _spare_app.pop(settings, None)
    _spare_app.clear()
    app = spare[0] if spare else create_app(use_db_pool=False)
    shape = spare[1] if spare else _shape(app)
    yield app
    # A test that registered a route (or set state) changed the app: the next one gets a new.
    if _shape(app) == shape:
        _spare_app[settings] = (app, shape)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """An HTTP client talking to the app in-process."""
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def csrf_token(client: AsyncTestClient[Litestar]) -> str:
    """The CSRF token of the client's session, read from the sign-in form."""
    response = await client.get("/login")
    match = CSRF_FIELD.search(response.text)
    assert match, "the sign-in form carries a CSRF token"
    return match.group(1)


async def sign_in(client: AsyncTestClient[Litestar], login: str, password: str = "otklik-demo"):
    """Submit the sign-in form as a browser would."""
    token = await csrf_token(client)
    return await client.post(
        "/login",
        data={"login": login, "password": password, "_csrf_token": token},
        follow_redirects=False,
    )
