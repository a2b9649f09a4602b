"""Benchmark of the portal's queues and live updates at regional scale.

Run: python -m bench.portal [--orgs 50] [--messages 200000] [--open 20000] [--sse 200]

Builds a fresh database in var/bench/ (embedded PostgreSQL and Redis): 50 organisations with
10 departments each, 200,000 messages of which 20,000 are open (with assignments and stored
deadlines), then starts `otklik serve` and measures, over HTTP on loopback:
- the specialist's «В работе» (first 50 rows by nearest deadline) and the executor's inbox:
  p50/p95 of the response time (an upper bound of the server time; targets p95 ≤ 100 ms);
- one state change reaching N open SSE connections: p50/p95 from the change to each client's
  event (target p95 ≤ 1 s).
Figures are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PASSWORD = "bench-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def populate(orgs: int, messages: int, open_cases: int) -> None:
    """Bulk-load organisations, departments, users and messages with COPY."""
    import asyncpg

    from app.cli.servers import migrate
    from app.demo.seed import PENZA_SCHEDULE
    from app.identity.passwords import hash_password

    await migrate()
    conn = await asyncpg.connect(os.environ["DATABASE_URL"])
    rng = random.Random(11)
    now = datetime.now(UTC)
    password_hash = await hash_password(PASSWORD)
    try:
        for o in range(orgs):
            org_id = await conn.fetchval(
                "INSERT INTO organisation (name, slug, timezone, profile_code, schedule, "
                "calendar_options, created_at) VALUES ($1, $2, 'Europe/Moscow', 'penza-2020', "
                "$3, '{}', now()) RETURNING id",
                f"Администрация №{o}",
                f"org{o}",
                json.dumps(PENZA_SCHEDULE),
            )
            departments = [
                await conn.fetchval(
                    "INSERT INTO department (organisation, name, short_name, topics, is_active) "
                    "VALUES ($1, $2, '', '{}', true) RETURNING id",
                    org_id,
                    f"Управление №{d}",
                )
                for d in range(10)
            ]
            for role, department in (("specialist", None), ("executor", departments[0])):
                user_id = await conn.fetchval(
                    "INSERT INTO app_user (login, full_name, email, password_hash, is_active, "
                    "created_at) VALUES ($1, $1, '', $2, true, now()) RETURNING id",
                    f"{role}{o}",
                    password_hash,
                )
                await conn.execute(
                    'INSERT INTO membership ("user", organisation, role, department, '
                    "curated_department_ids, position, created_at) "
                    "VALUES ($1, $2, $3, $4, '{}', '', now())",
                    user_id,
                    org_id,
                    role,
                    department,
                )
            per_org = messages // orgs
            open_here = open_cases // orgs
            rows = []
            for i in range(per_org):
                is_open = i < open_here
                detected = now - timedelta(minutes=rng.randint(1, 60 * 24 * 5))
                due = detected + timedelta(hours=rng.randint(1, 30))
                deadlines = (
                    json.dumps(
                        [
                            {
                                "step": "answer",
                                "clause": "10",
                                "due_at": due.isoformat(),
                                "started_at": detected.isoformat(),
                                "role": "specialist",
                                "assignment_id": None,
                                "remaining_seconds": None,
                                "conditional": False,
                            }
                        ]
                    )
                    if is_open
                    else "[]"
                )
                rows.append(
                    (
                        org_id,
                        rng.choice(["vk", "ok", "telegram"]),
                        f"{o}-{i}",
                        "",
                        f"Житель {i}",
                        "",
                        "",
                        f"Сообщение {i}: во дворе яма, прошу помочь. " * 3,
                        "[]",
                        detected,
                        detected,
                        detected if is_open else None,
                        ["ЖКХ"],
                        rng.choice(["normal", "high"]),
                        "in_work" if is_open else "done",
                        "",
                        "",
                        due if is_open else None,
                        due if is_open else None,
                        "answer" if is_open else "",
                        deadlines,
                        f"{o}:{i}",
                        1,
                    )
                )
            await conn.copy_records_to_table(
                "message",
                records=rows,
                columns=[
                    "organisation",
                    "network",
                    "external_id",
                    "url",
                    "author_name",
                    "author_url",
                    "author_external_id",
                    "text",
                    "attachments",
                    "posted_at",
                    "collected_at",
                    "detected_at",
                    "topics",
                    "importance",
                    "state",
                    "refusal_reason",
                    "refusal_comment",
                    "answer_due_at",
                    "binding_due_at",
                    "binding_step",
                    "deadlines",
                    "dedup_key",
                    "version",
                ],
            )
            await conn.execute(
                "INSERT INTO assignment (organisation, message, department, topic, state, "
                "assigned_at, returned_reason, pauses, revision_rounds, due_at, due_step, version) "
                "SELECT organisation, id, $2, 'ЖКХ', 'assigned', detected_at, '', '[]', 0, "
                "binding_due_at, 'draft', 1 FROM message WHERE organisation = $1 "
                "AND state = 'in_work'",
                org_id,
                departments[0],
            )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def sign_in(client: httpx.Client, login: str) -> None:
    """Sign in through the form as a browser would."""
    form = client.get("/login").text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form)
    assert token
    response = client.post(
        "/login", data={"login": login, "password": PASSWORD, "_csrf_token": token.group(1)}
    )
    assert response.status_code in (200, 302), response.status_code


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def time_pages(base: str, orgs: int, requests: int) -> dict[str, tuple[float, float]]:
    """Response times of the two queues for random organisations."""
    rng = random.Random(3)
    results: dict[str, list[float]] = {"В работе": [], "Поручения исполнителя": []}
    clients = {}
    for o in range(orgs):
        for role in ("specialist", "executor"):
            client = httpx.Client(base_url=base, follow_redirects=True, timeout=30)
            sign_in(client, f"{role}{o}")
            clients[(o, role)] = client
    for _ in range(requests):
        o = rng.randrange(orgs)
        for title, role, path in (
            ("В работе", "specialist", f"/o/org{o}/specialist/work"),
            ("Поручения исполнителя", "executor", f"/o/org{o}/executor"),
        ):
            started = time.perf_counter()
            response = clients[(o, role)].get(path)
            results[title].append(time.perf_counter() - started)
            assert response.status_code == 200 and response.text.count("<tr") >= 50
    for client in clients.values():
        client.close()
    return {k: percentiles(v) for k, v in results.items()}


def session_cookies(base: str, login: str) -> dict[str, str]:
    """Cookies of a signed-in session."""
    with httpx.Client(base_url=base, follow_redirects=True) as client:
        sign_in(client, login)
        return dict(client.cookies)


async def time_fan_out(base: str, connections: int, cookies: dict[str, str]) -> tuple[float, float]:
    """From one published change to its arrival on every open SSE connection."""
    from app.journal.live import publish_change

    arrived: list[float] = []
    ready = asyncio.Event()
    connected = 0
    published_at = 0.0

    async def listen(session: httpx.AsyncClient) -> None:
        nonlocal connected
        async with session.stream("GET", "/o/org0/live") as response:
            async for line in response.aiter_lines():
                if line == "event: ready":
                    connected += 1
                    if connected == connections:
                        ready.set()
                if line == "event: change":
                    arrived.append(time.perf_counter() - published_at)
                    return

    limits = httpx.Limits(max_connections=connections + 10)
    async with httpx.AsyncClient(
        base_url=base, cookies=cookies, timeout=60, limits=limits
    ) as session:
        tasks = [asyncio.create_task(listen(session)) for _ in range(connections)]
        await asyncio.wait_for(ready.wait(), 60)
        published_at = time.perf_counter()
        await publish_change(1, 1, "bench")
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
    return percentiles(arrived)


def main() -> None:
    """Build the data, start the server, measure, print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--open", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sse", type=int, default=200)
    args = parser.parse_args()

    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    os.environ.update(OTKLIK_ENV="test", OTKLIK_VAR_DIR=str(VAR))
    from app.core.embedded import EmbeddedServers

    servers = EmbeddedServers(VAR, database="otklik_bench")
    database_url, redis_url = servers.start()
    os.environ.update(DATABASE_URL=database_url, REDIS_URL=redis_url)
    server = None
    try:
        started = time.perf_counter()
        asyncio.run(populate(args.orgs, args.messages, args.open))
        print(
            f"data: {args.messages} messages, {args.open} open, {args.orgs} organisations "
            f"loaded in {time.perf_counter() - started:.0f} s"
        )
        port = _free_port()
        env = {**os.environ, "PORT": str(port), "LOG_LEVEL": "warning"}
        server = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], env=env)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        for title, (p50, p95) in time_pages(base, args.orgs, args.requests).items():
            print(f"{title}: first 50 rows, p50 {p50:.1f} ms, p95 {p95:.1f} ms (target ≤ 100)")
        cookies = session_cookies(base, "specialist0")
        p50, p95 = asyncio.run(time_fan_out(base, args.sse, cookies))
        print(
            f"one change → {args.sse} SSE clients: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
            "(target ≤ 1000)"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        servers.stop()


if __name__ == "__main__":
    main()
