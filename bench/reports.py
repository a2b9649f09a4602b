"""Benchmark of the reports: a monthly summary to a signed PDF, one organisation and region-wide.

Run: python -m bench.reports [--orgs 50] [--cases 200000] [--big 20000] [--signing]

Builds a fresh database in var/bench-reports/ (embedded PostgreSQL): organisation 0 has
`--big` cases in October 2026, the other organisations share the rest (200,000 in all), each
case with an assignment, a published answer for the done ones and a violation for ~12 %.
Measures, in this process (as the worker does it):
- one organisation's monthly summary (figures → HTML → PDF → signature → archive), target ≤ 5 s;
- every organisation's monthly summary one after another (region-wide), target ≤ 60 s;
- with --signing: how long signing the big summary takes, PAdES (pyHanko, RSA-2048) against
  a detached GOST R 34.10-2012 signature (OpenSSL's gost engine), PDF and XLSX.
Figures are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-reports"
MSK = ZoneInfo("Europe/Moscow")
TOPICS = ["ЖКХ", "Дороги", "Благоустройство", "Транспорт", "Школы", "Мусор", "Отопление"]


async def _organisation(conn: object, o: int) -> tuple[int, list[int], list[int]]:
    from app.demo.seed import PENZA_SCHEDULE

    org_id = await conn.fetchval(  # type: ignore[attr-defined]
        "INSERT INTO organisation (name, slug, timezone, profile_code, schedule, "
        "calendar_options, alert_settings, created_at) VALUES ($1, $2, 'Europe/Moscow', "
        "'penza-2020', $3, '{}', '{}', now()) RETURNING id",
        f"Администрация №{o}",
        f"org{o}",
        json.dumps(PENZA_SCHEDULE),
    )
    departments = [
        await conn.fetchval(  # type: ignore[attr-defined]
            "INSERT INTO department (organisation, name, short_name, topics, is_active) "
            "VALUES ($1, $2, '', '{}', true) RETURNING id",
            org_id,
            f"Управление №{d}",
        )
        for d in range(10)
    ]
    people = [
        await conn.fetchval(  # type: ignore[attr-defined]
            "INSERT INTO app_user (login, full_name, email, password_hash, is_active, created_at)"
            " VALUES ($1, $2, '', '-', true, now()) RETURNING id",
            f"ex{o}-{p}",
            f"Исполнитель {p} ({o})",
        )
        for p in range(20)
    ]
    return org_id, departments, people


async def populate(orgs: int, cases: int, big: int) -> None:
    """Bulk-load the organisations and their October with COPY and INSERT … SELECT."""
    import asyncpg

    from app.cli.servers import migrate

    await migrate()
    conn = await asyncpg.connect(os.environ["DATABASE_URL"])
    rng = random.Random(7)
    start = datetime(2026, 9, 1, tzinfo=MSK)  # September too: the previous period
    span = int((datetime(2026, 11, 1, tzinfo=MSK) - start).total_seconds() // 60)
    try:
        for o in range(orgs):
            org_id, departments, people = await _organisation(conn, o)
            count = big if o == 0 else (cases - big) // max(orgs - 1, 1)
            count = count * 61 // 31  # October's share is `count`; September gets as many
            messages, assignments = [], []
            for i in range(count):
                detected = start + timedelta(minutes=rng.randrange(span))
                done = rng.random() < 0.9
                messages.append(
                    (
                        org_id,
                        rng.choice(["vk", "ok", "telegram"]),
                        f"Сообщение {i}",
                        detected,
                        detected,
                        rng.choice(TOPICS),
                        rng.choice(["normal"] * 5 + ["high"]),
                        "done" if done else "in_work",
                        f"{o}:{i}",
                    )
                )
            columns = [list(c) for c in zip(*messages, strict=True)]
            ids = await conn.fetch(
                "INSERT INTO message (organisation, network, text, collected_at, detected_at,"
                " topics, importance, state, dedup_key, attachments, deadlines) "
                "SELECT o, n, t, c, d, ARRAY[tp]::varchar[], imp, st, dk, '[]', '[]' "
                "FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[], "
                "$5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[]) "
                "AS u(o, n, t, c, d, tp, imp, st, dk) RETURNING id, detected_at, state",
                *columns,
            )
            for r in ids:
                done_at = r["detected_at"] + timedelta(minutes=rng.randint(20, 900))
                assignments.append(
                    (
                        org_id,
                        r["id"],
                        rng.choice(departments),
                        rng.choice(people),
                        "done" if r["state"] == "done" else "assigned",
                        r["detected_at"],
                        done_at if r["state"] == "done" else None,
                        done_at - timedelta(minutes=10) if r["state"] == "done" else None,
                        rng.choice([0] * 6 + [1, 1, 2]),
                    )
                )
            await conn.copy_records_to_table(
                "assignment",
                records=assignments,
                columns=[
                    "organisation",
                    "message",
                    "department",
                    "executor",
                    "state",
                    "assigned_at",
                    "done_at",
                    "approved_at",
                    "revision_rounds",
                ],
            )
            await conn.execute(
                "WITH d AS (INSERT INTO draft (organisation, assignment, kind, number, text, "
                "attachments, state, created_at) SELECT organisation, id, 'final', 1, 'Ответ', "
                "CASE WHEN id % 3 = 0 THEN '[{\"kind\": \"photo\"}]'::jsonb ELSE '[]' END, "
                "'approved', done_at FROM assignment WHERE organisation = $1 AND state = 'done' "
                "RETURNING id, assignment, created_at) "
                "INSERT INTO publication (organisation, message, assignment, draft, kind, url, "
                "external_id, published_at) SELECT $1, a.message, a.id, d.id, 'final', '', '', "
                "d.created_at FROM d JOIN assignment a ON a.id = d.assignment",
                org_id,
            )
            await conn.execute(
                "INSERT INTO violation (organisation, message, assignment, step, clause, "
                "started_at, due_at, responsible_role, responsible_user, department, "
                "recorded_at, late_minutes, resolved_at, final_late_minutes, dedup_key) "
                "SELECT organisation, message, id, 'answer', '10', assigned_at, "
                "assigned_at + interval '8 hours', 'executor', executor, department, "
                "assigned_at + interval '8 hours', 0, done_at, 30 + id % 300, 'b' || id "
                "FROM assignment WHERE organisation = $1 AND id % 8 = 0",
                org_id,
            )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def measure(orgs: int) -> tuple[float, float, float]:
    """(one organisation's seconds, region-wide seconds, the slowest organisation's)."""
    from app.db.piccolo_conf import DB
    from app.identity.organisations import organisation_rules
    from app.reporting.archive import produce
    from app.reporting.periods import parse_period
    from app.signature.keys import ensure_demo_keys

    await DB.start_connection_pool(min_size=1, max_size=4)
    try:
        await ensure_demo_keys()
        october = parse_period("2026-10")
        rules = [await organisation_rules(i) for i in range(1, orgs + 1)]
        await produce(rules[1], "summary", october)  # warm-up: imports, fonts, templates
        started = time.perf_counter()
        made = await produce(rules[0], "summary", october)
        one = time.perf_counter() - started
        assert made is not None and made.signer
        slowest = 0.0
        started = time.perf_counter()
        for r in rules:
            t = time.perf_counter()
            await produce(r, "summary", october)
            slowest = max(slowest, time.perf_counter() - t)
        return one, time.perf_counter() - started, slowest
    finally:
        await DB.close_connection_pool()


async def measure_signing() -> list[str]:
    """Signing the big organisation's summary: PAdES, then GOST (a test CA made here)."""
    from app.core.config import get_settings
    from app.db.piccolo_conf import DB
    from app.identity.organisations import organisation_rules
    from app.reporting.archive import render
    from app.reporting.periods import parse_period
    from app.signature.openssl_certs import issue_gost_certificate, make_gost_ca
    from app.signature.profiles import use_gost_openssl

    await DB.start_connection_pool(min_size=1, max_size=4)
    lines: list[str] = []
    try:
        october, rules = parse_period("2026-10"), await organisation_rules(1)
        folder = get_settings().var_dir / "bench-gost"
        ca = make_gost_ca(folder, "Бенчмарк УЦ")
        now = datetime.now(MSK)
        key, cert = issue_gost_certificate(
            folder, *ca, {"C": "RU", "O": "Администрация №0", "CN": "Глава"},
            now - timedelta(days=1), now + timedelta(days=365),
        )  # fmt: skip
        for label in ("PAdES", "GOST"):
            if label == "GOST":
                await use_gost_openssl(1, key.read_bytes(), cert.read_bytes(), None)
            for file_format in ("pdf", "xlsx"):
                started = time.perf_counter()
                signed = await render(rules, "summary", october, file_format)
                total = time.perf_counter() - started
                lines.append(
                    f"{label} {file_format}: {len(signed.data) / 1024:.0f} KiB, signing "
                    f"{signed.seconds * 1000:.0f} ms of {total:.2f} s in all"
                    + ("" if signed.signer else " (unsigned: PAdES signs PDFs only)")
                )
    finally:
        await DB.close_connection_pool()
    return lines


def main() -> None:
    """Build the data, measure, print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--big", type=int, default=20_000)
    parser.add_argument("--signing", action="store_true", help="PAdES vs GOST signing times")
    args = parser.parse_args()
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    os.environ.update(OTKLIK_ENV="test", OTKLIK_VAR_DIR=str(VAR))
    from app.core.embedded import EmbeddedServers

    servers = EmbeddedServers(VAR, database="otklik_bench_reports")
    database_url, redis_url = servers.start()
    os.environ.update(DATABASE_URL=database_url, REDIS_URL=redis_url)
    from app.core.config import get_settings

    get_settings.cache_clear()
    try:
        started = time.perf_counter()
        asyncio.run(populate(args.orgs, args.cases, args.big))
        loaded = time.perf_counter() - started
        print(
            f"data: {args.orgs} organisations, {args.cases} cases in October "
            f"(+ as many in September) loaded in {loaded:.0f} s"
        )
        one, region, slowest = asyncio.run(measure(args.orgs))
        print(f"monthly summary, {args.big} cases → signed PDF: {one:.2f} s (target ≤ 5)")
        print(
            f"region-wide, {args.orgs} summaries: {region:.1f} s (target ≤ 60); "
            f"slowest organisation {slowest:.2f} s"
        )
        if args.signing:
            print("\n".join(asyncio.run(measure_signing())))
    finally:
        servers.stop()


if __name__ == "__main__":
    main()
