"""Screening latency: a message stored on intake → its assessment stored by a running worker.

Run: python -m bench.screening_latency [--messages 200] [--rate 5]

Builds a fresh database in var/bench-screening/ (embedded PostgreSQL and Redis) with the demo
organisations, starts ONE `otklik worker` and stores messages through the one intake path
(`intake_message`, as the API, the connectors and the import do) at `--rate` per second,
alternating the two organisations and drawing texts from bench.screening's mix. For each it
waits until `Message.assessed_at` is set and prints p50 / p95 / max of intake → assessed
(target: within 1 s). Figures are recorded in docs/screening.md «Speed».
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

VAR = Path("var") / "bench-screening"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def prepare() -> dict[str, int]:
    from app.cli.servers import migrate
    from app.db.tables import Organisation
    from app.demo.seed import load_demo

    await migrate()
    await load_demo(with_cases=False, with_history=False)
    rows = await Organisation.select(Organisation.id, Organisation.slug)
    return {r["slug"]: r["id"] for r in rows}


async def wait_for_worker(deadline_s: float = 120) -> None:
    from redis.asyncio import Redis

    from app.core.redis import WORKER_HEARTBEAT_KEY

    redis = Redis.from_url(os.environ["REDIS_URL"])
    started = time.monotonic()
    try:
        while not await redis.exists(WORKER_HEARTBEAT_KEY):
            if time.monotonic() - started > deadline_s:
                raise SystemExit("the worker did not start")
            await asyncio.sleep(0.2)
    finally:
        await redis.aclose()


async def measure(orgs: dict[str, int], count: int, rate: float) -> list[float]:
    from app.db.tables import Message
    from app.domain.intake import validate_incoming
    from app.intake.messages import intake_message
    from app.journal.events import EventActor
    from bench.screening import messages

    texts = messages(count, 0.3, seed=21)
    slugs = ["penza", "parfino"]
    stored: dict[int, float] = {}
    latencies: list[float] = []

    async def watch() -> None:
        while len(latencies) < count:
            pending = [i for i in stored if i not in done]
            if pending:
                rows = await Message.select(Message.id, Message.assessed_at).where(
                    Message.id.is_in(pending) & Message.assessed_at.is_not_null()
                )
                now = time.monotonic()
                for row in rows:
                    done.add(row["id"])
                    latencies.append(now - stored[row["id"]])
            await asyncio.sleep(0.01)

    done: set[int] = set()
    watcher = asyncio.create_task(watch())
    for n, text in enumerate(texts):
        raw = {"network": "vk", "text": text, "author_name": "Житель", "external_id": f"b{n}"}
        started = time.monotonic()
        message_id, _ = await intake_message(
            orgs[slugs[n % 2]], validate_incoming(raw), EventActor.system()
        )
        stored[message_id] = started
        await asyncio.sleep(1 / rate)
    await asyncio.wait_for(watcher, timeout=120)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--rate", type=float, default=5.0, help="messages stored per second")
    args = parser.parse_args()

    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    os.environ.update(OTKLIK_ENV="test", OTKLIK_VAR_DIR=str(VAR))
    from app.core.embedded import EmbeddedServers

    servers = EmbeddedServers(VAR, database="otklik_screening")
    database_url, redis_url = servers.start()
    os.environ.update(DATABASE_URL=database_url, REDIS_URL=redis_url)
    worker: subprocess.Popen[bytes] | None = None

    async def setup() -> dict[str, int]:
        from app.db.piccolo_conf import DB

        await DB.start_connection_pool(min_size=1, max_size=4)
        try:
            return await prepare()
        finally:
            await DB.close_connection_pool()

    async def run(orgs: dict[str, int]) -> None:
        from app.db.piccolo_conf import DB

        await DB.start_connection_pool(min_size=1, max_size=4)
        await wait_for_worker()
        await asyncio.sleep(2)  # the startup crons out of the way
        latencies = await measure(orgs, args.messages, args.rate)
        print(
            f"{len(latencies)} messages at {args.rate:.0f}/s, intake → assessed by the worker: "
            f"p50 {pct(latencies, 0.5) * 1000:.0f} ms, p95 {pct(latencies, 0.95) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms"
        )
        await DB.close_connection_pool()

    try:
        orgs = asyncio.run(setup())
        worker = subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], env=os.environ)
        asyncio.run(run(orgs))
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        servers.stop()


if __name__ == "__main__":
    main()
