"""Connectors benchmark: 1,000 communities in long poll in one worker, and queued publications.

Run: python -m bench.connectors [--communities 1000] [--events 2000] [--rate 10]
                                [--publications 200] [--publish-groups 20]

Builds a fresh database in var/bench-connectors/ (embedded PostgreSQL and Redis) with the demo
organisations, starts a fake Telegram Bot API on loopback serving one bot per community
(tests/integration/connectors/fake_telegram.py: long polling, 409 on concurrent getUpdates),
connects the communities (half to each demo organisation) and starts ONE `otklik worker`,
whose supervisor keeps a long-poll loop per community.

1. Intake: once every community's long poll is waiting, comments are offered at `--rate` per
   second, each to a random community. A watcher in this process runs the specialist queue's
   condition (the organisation's messages in state `collected`, as `app.cases.queues.
   new_messages` selects them) every 50 ms; latency = first seen − offered. At the end every
   comment must be listed by `new_messages` itself, exactly once. Target: p95 ≤ 2 s.
2. Publication: `--publications` comments offered to `--publish-groups` of Penza's groups
   and stored by the worker, each routed, answered and approved, then all queued at once
   through the outbox («Разместить через Telegram», `app.outbox.sending`), each nudging the
   worker as the page does; the worker posts them (through the Redis bucket) and records
   them. The fake records when each reply arrived: per group never more than Telegram's 20
   a minute (the bucket spaces them 3 s apart), all posted, none twice.

Figures are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from tests.integration.connectors.fake_telegram import FakeTelegram, group_comment, serve

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-connectors"
FIRST_GROUP = -1002000000000
TEXT = re.compile(r"Стенд №(\d+):")
WATCH_SECONDS = 0.05
IDLE_SECONDS = 30
RECHECKED_IDS = 300


def bot_token(n: int) -> str:
    return f"{8000000 + n}:AAH-bench-bot-{n:04d}"


def group_of(n: int) -> int:
    return FIRST_GROUP - n


def pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(share * (len(ordered) - 1)), len(ordered) - 1)] if ordered else 0.0


async def prepare(fake: FakeTelegram, communities: int) -> list[int]:
    """Migrations, the demo organisations, the communities connected; the organisations."""
    from app.cli.servers import migrate
    from app.connectors.accounts import connect_account
    from app.db.piccolo_conf import DB
    from app.demo.seed import load_demo
    from app.identity.organisations import organisation_id_by_slug

    await migrate()
    await DB.start_connection_pool(min_size=1, max_size=8)
    try:
        await load_demo(with_cases=False, with_history=False)
        orgs = [await organisation_id_by_slug(s) for s in ("penza", "parfino")]

        async def connect(n: int) -> None:
            fake.add_bot(bot_token(n))
            await connect_account(
                orgs[n % 2], "telegram", str(group_of(n)), bot_token(n), fake.base_url
            )

        for start in range(0, communities, 50):
            await asyncio.gather(*(connect(n) for n in range(start, min(start + 50, communities))))
        return orgs
    finally:
        await DB.close_connection_pool()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def intake(
    fake: FakeTelegram, orgs: list[int], args: argparse.Namespace
) -> tuple[list[float], list[float]]:
    """Offer the events, watch the queue; latencies in seconds (offered → seen in the queue,
    offered → stored by the worker, its `collected_at`)."""
    from app.db.tables import Message

    offered: dict[int, float] = {}
    offered_wall: dict[int, float] = {}
    seen: dict[int, float] = {}
    rng = random.Random(14)

    async def offer() -> None:
        started = time.monotonic()
        for k in range(args.events):
            n = rng.randrange(args.communities)
            comment = group_comment(k + 1, f"Стенд №{k}: не убран снег", chat_id=group_of(n))
            offered[k] = time.monotonic()
            offered_wall[k] = time.time()
            fake.push("message", comment, bot_token(n))
            await asyncio.sleep(max(0.0, started + (k + 1) / args.rate - time.monotonic()))

    async def watch() -> None:
        last_id = 0
        deadline = time.monotonic() + args.events / args.rate + 60
        while len(seen) < args.events and time.monotonic() < deadline:
            rows = await Message.raw(
                "SELECT id, text FROM message WHERE organisation = ANY({}) "
                "AND state = 'collected' AND id > {} ORDER BY id",
                orgs,
                max(0, last_id - RECHECKED_IDS),  # transactions commit out of id order
            )
            now = time.monotonic()
            for row in rows:
                last_id = max(last_id, int(row["id"]))
                found = TEXT.match(row["text"])
                if found:
                    seen.setdefault(int(found.group(1)), now)
            await asyncio.sleep(WATCH_SECONDS)

    await asyncio.gather(offer(), watch())
    missing = args.events - len(seen)
    if missing:
        print(f"  {missing} events never seen in the queue")
    rows = await Message.raw(
        "SELECT text, collected_at FROM message WHERE organisation = ANY({})", orgs
    )
    stored = [
        r["collected_at"].timestamp() - offered_wall[int(m.group(1))]
        for r in rows
        if (m := TEXT.match(r["text"]))
    ]
    return [seen[k] - offered[k] for k in seen], stored


async def listed_by_the_queue(orgs: list[int], events: int) -> tuple[int, int]:
    """(events listed by new_messages, rows listed in all) — each event must be there once."""
    from app.cases.queues import new_messages
    from app.identity.organisations import organisation_rules

    texts: list[str] = []
    for org_id in orgs:
        rows = await new_messages(await organisation_rules(org_id), limit=events + 100)
        texts += [r.text for r in rows]
    numbers = [m.group(1) for m in (TEXT.match(t) for t in texts) if m]
    return len(set(numbers)), len(numbers)


async def answered_cases(fake: FakeTelegram, groups: list[int], count: int) -> list[int]:
    """`count` comments offered to the groups, stored by the worker's loops, each routed,
    answered and approved in Penza; the assignments, in offer order."""
    from app.cases import actions as cases
    from app.db.tables import Message
    from app.domain.lifecycle import DraftKind
    from tests.integration.cases_helpers import person
    from tests.integration.services_helpers import route_message, version_of

    for k in range(count):
        n = groups[k % len(groups)]
        comment = group_comment(10**6 + k, f"Ответьте №{k}: когда?", chat_id=group_of(n))
        fake.push("message", comment, bot_token(n))
    deadline = time.monotonic() + 120
    while True:
        rows = await Message.raw("SELECT id, text FROM message WHERE text LIKE 'Ответьте №%'")
        if len(rows) >= count or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    order = {int(r["text"].split("№")[1].split(":")[0]): int(r["id"]) for r in rows}
    executor = await person("penza-executor", "penza")
    specialist = await person("penza-specialist", "penza")
    assignments = []
    for k in sorted(order):
        assignment_id = await route_message("penza", order[k])
        await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, f"Ответ №{k}")
        await cases.approve(specialist, assignment_id, await version_of(assignment_id))
        assignments.append(assignment_id)
    return assignments


async def publish(fake: FakeTelegram, args: argparse.Namespace) -> tuple[float, dict[str, float]]:
    """The replies queued at once through the outbox («Разместить через Telegram»), each
    nudging the worker as the page does; (seconds until all are posted, what the fake got)."""
    from app.core.jobs import nudge_worker
    from app.db.tables import OutgoingReply
    from app.outbox import sending
    from tests.integration.cases_helpers import person
    from tests.integration.services_helpers import version_of

    groups = list(range(0, 2 * args.publish_groups, 2))  # Penza's communities (even numbers)
    assignments = await answered_cases(fake, groups, args.publications)
    specialist = await person("penza-specialist", "penza")
    sent_before = len(fake.sent_at)
    started = time.time()
    for assignment_id in assignments:
        outgoing_id = await sending.publish_through_network(
            specialist, assignment_id, await version_of(assignment_id)
        )
        await nudge_worker("deliver_reply", outgoing_id)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        posted = await OutgoingReply.count().where(OutgoingReply.state == "posted")
        if posted >= len(assignments):
            break
        await asyncio.sleep(0.2)
    took = time.time() - started
    received = fake.sent_at[sent_before:]
    by_chat: dict[int, list[float]] = defaultdict(list)
    for at, _token, payload in received:
        by_chat[int(payload["chat_id"])].append(at)
    replies = {(p["chat_id"], p["reply_parameters"]["message_id"]) for _, _, p in received}
    gaps = [b - a for times in by_chat.values() for a, b in itertools.pairwise(times)]
    most_in_a_minute = max(
        (sum(1 for u in times if t <= u < t + 60) for times in by_chat.values() for t in times),
        default=0,
    )
    return took, {
        "queued": len(assignments),
        "posted": posted,
        "received": len(received),
        "distinct": len(replies),
        "shortest_gap": min(gaps) if gaps else 0.0,
        "most_in_a_minute": most_in_a_minute,
    }


async def wait_for_long_polls(fake: FakeTelegram, communities: int) -> float:
    started = time.monotonic()
    while sum(1 for n in range(communities) if fake.polling[bot_token(n)] >= 1) < communities:
        if time.monotonic() - started > 300:
            raise SystemExit("the worker did not hold every long poll within 5 minutes")
        await asyncio.sleep(0.2)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=10.0, help="events offered per second")
    parser.add_argument("--publications", type=int, default=200)
    parser.add_argument("--publish-groups", type=int, default=20)
    args = parser.parse_args()

    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    os.environ.update(OTKLIK_ENV="test", OTKLIK_VAR_DIR=str(VAR))
    from app.core.embedded import EmbeddedServers

    servers = EmbeddedServers(VAR, database="otklik_connectors")
    database_url, redis_url = servers.start()
    os.environ.update(DATABASE_URL=database_url, REDIS_URL=redis_url)
    fake_server = serve(FakeTelegram())
    fake = next(fake_server)
    worker: subprocess.Popen[bytes] | None = None

    async def run(worker: subprocess.Popen[bytes]) -> None:
        from app.db.piccolo_conf import DB

        await DB.start_connection_pool(min_size=1, max_size=4)
        held = await wait_for_long_polls(fake, args.communities)
        print(f"one worker holds {args.communities} long polls after {held:.1f} s")
        cpu_before = cpu_seconds(worker.pid)
        await asyncio.sleep(IDLE_SECONDS)
        idle = (cpu_seconds(worker.pid) - cpu_before) / IDLE_SECONDS
        print(f"idle (no events) for {IDLE_SECONDS} s: worker CPU {idle * 100:.0f} % of a core")
        cpu_before = cpu_seconds(worker.pid)
        started = time.monotonic()
        latencies, stored = await intake(fake, orgs, args)
        spent = time.monotonic() - started
        cpu = cpu_seconds(worker.pid) - cpu_before
        listed, rows = await listed_by_the_queue(orgs, args.events)
        print(
            f"intake: {len(latencies)}/{args.events} events at {args.rate:.0f}/s over "
            f"{args.communities} communities; offered → in the queue p50 "
            f"{pct(latencies, 0.5) * 1000:.0f} ms, p95 {pct(latencies, 0.95) * 1000:.0f} ms, "
            f"max {max(latencies, default=0) * 1000:.0f} ms (watched every "
            f"{WATCH_SECONDS * 1000:.0f} ms); offered → stored by the worker p50 "
            f"{pct(stored, 0.5) * 1000:.0f} ms, p95 {pct(stored, 0.95) * 1000:.0f} ms; "
            f"worker CPU {cpu / spent * 100:.0f} % of a core; "
            f"listed by new_messages: {listed} events in {rows} rows; 409 conflicts: "
            f"{fake.conflicts}"
        )
        took, figures = await publish(fake, args)
        print(
            f"publication through the outbox and the worker: {figures['queued']:.0f} answers "
            f"queued into {args.publish_groups} groups, {figures['posted']:.0f} posted in "
            f"{took:.1f} s; the fake received {figures['received']:.0f}, distinct "
            f"{figures['distinct']:.0f}; per group shortest gap {figures['shortest_gap']:.2f} s, "
            f"most in any minute {figures['most_in_a_minute']:.0f} (Telegram: 20)"
        )

    try:
        started = time.monotonic()
        orgs = asyncio.run(prepare(fake, args.communities))
        print(f"{args.communities} communities connected in {time.monotonic() - started:.1f} s")
        env = {**os.environ, "LOG_LEVEL": "warning"}
        worker = subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], env=env)
        asyncio.run(run(worker))
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        fake_server.close()
        servers.stop()


if __name__ == "__main__":
    main()
