"""Load benchmark: many clients mixing page loads and API intake, as an afternoon of work.

Run: python -m bench.load [--clients 50] [--seconds 120] [--web 2]

Builds a fresh database in var/bench-load/ (embedded PostgreSQL and Redis) with the demo
organisations and cases, starts `otklik serve` with WEB_CONCURRENCY web processes and one
`otklik worker`, then runs N clients for the given time over HTTP on loopback. Each client
signs in as a demo user and, in a loop, opens its role's pages (queue, a case, the official's
page, the register) or — one request in four — posts a new message through the intake API.
Prints throughput, p50/p95/p99 of the response time and the errors (any 5xx, a refused
request or a transport error). Target on the 2-core machine: 0 errors, p95 ≤ 300 ms.
Figures are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

from bench.portal import _free_port

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-load"
PASSWORD = "otklik-demo"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
# (login, pages the role opens); {case} is filled with a case of that organisation.
ROLES = (
    ("penza-specialist", ("/o/penza/specialist", "/o/penza/specialist/work", "{case}")),
    ("penza-executor", ("/o/penza/executor", "{case}")),
    ("penza-official", ("/o/penza/official", "/o/penza/violations", "{case}")),
    ("parfino-specialist", ("/o/parfino/specialist", "/o/parfino/specialist/work", "{case}")),
    ("parfino-coordinator", ("/o/parfino/coordinator", "{case}")),
    ("parfino-official", ("/o/parfino/official", "/o/parfino/violations")),
)


async def prepare() -> dict[str, str]:
    """Migrations, the demo (without the three months of history) and an API token each."""
    from app.cli.servers import migrate
    from app.db.piccolo_conf import DB
    from app.db.tables import Organisation
    from app.demo.seed import load_demo
    from app.identity.api_tokens import issue_token

    await migrate()
    await DB.start_connection_pool(min_size=1, max_size=4)
    try:
        await load_demo(with_cases=True, with_history=False)
        tokens = {}
        for slug in ("penza", "parfino"):
            org = await Organisation.objects().where(Organisation.slug == slug).first()
            assert org is not None, slug
            tokens[slug] = await issue_token(org, "Нагрузочный тест", created_by=None)
        return tokens
    finally:
        await DB.close_connection_pool()


async def sign_in(client: httpx.AsyncClient, login: str) -> None:
    form = (await client.get("/login")).text
    token = CSRF.search(form)
    assert token, "the sign-in form carries a CSRF token"
    response = await client.post(
        "/login", data={"login": login, "password": PASSWORD, "_csrf_token": token.group(1)}
    )
    assert response.status_code in (200, 302, 303), (login, response.status_code)


async def a_case(client: httpx.AsyncClient, queue: str) -> str:
    """The address of one case listed on a queue page (or the queue itself)."""
    page = (await client.get(queue)).text
    found = re.search(r'href="(/o/[a-z]+/cases/\d+)/?"', page)
    return found.group(1) if found else queue


class Tally:
    """Response times and errors of every request."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.errors: Counter[str] = Counter()

    def record(self, started: float, status: int | None, what: str) -> None:
        self.times.append(time.perf_counter() - started)
        if status is None or status >= 500 or status in (400, 403, 404, 422, 429):
            self.errors[f"{what}: {status or 'transport error'}"] += 1


async def sessions(base: str) -> dict[str, httpx.Cookies]:
    """One signed-in session per demo role, shared by that role's clients (the sign-in
    throttle rightly refuses 50 sign-ins at once from one address)."""
    out = {}
    for login, _ in ROLES:
        async with httpx.AsyncClient(base_url=base, follow_redirects=True, timeout=30) as client:
            await sign_in(client, login)
            out[login] = client.cookies
    return out


async def client_loop(
    number: int,
    base: str,
    tokens: dict[str, str],
    cookies: dict[str, httpx.Cookies],
    until: float,
    tally: Tally,
) -> None:
    rng = random.Random(number)
    login, pages = ROLES[number % len(ROLES)]
    slug = login.split("-")[0]
    async with httpx.AsyncClient(
        base_url=base, follow_redirects=True, timeout=30, cookies=cookies[login]
    ) as client:
        case = await a_case(client, pages[0])
        sent = 0
        while time.perf_counter() < until:
            started = time.perf_counter()
            try:
                if rng.random() < 0.25:
                    sent += 1
                    body = {
                        "network": "vk",
                        "external_id": f"load-{number}-{sent}-{rng.randrange(10**9)}",
                        "text": f"Нагрузочный тест {number}/{sent}: не убран снег во дворе",
                        "author_name": "Житель",
                    }
                    response = await client.post(
                        "/api/v1/messages",
                        json=body,
                        headers={"authorization": f"Bearer {tokens[slug]}"},
                    )
                    tally.record(started, response.status_code, "API")
                else:
                    path = rng.choice(pages).replace("{case}", case)
                    response = await client.get(path)
                    tally.record(started, response.status_code, path.split("/")[-1] or path)
            except httpx.HTTPError:
                tally.record(started, None, "transport")


def report(tally: Tally, seconds: float, clients: int, web: int) -> None:
    ordered = sorted(tally.times)
    count = len(ordered)

    def pct(share: float) -> float:
        return ordered[min(int(share * (count - 1)), count - 1)] * 1000 if ordered else 0.0

    print(
        f"{clients} clients, {seconds:.0f} s, {web} web processes + 1 worker: {count} requests, "
        f"{count / seconds:.1f} req/s; p50 {pct(0.5):.0f} ms, p95 {pct(0.95):.0f} ms, "
        f"p99 {pct(0.99):.0f} ms; errors {sum(tally.errors.values())}"
    )
    for what, n in tally.errors.most_common(10):
        print(f"  {n} × {what}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--web", type=int, default=2)
    args = parser.parse_args()

    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    os.environ.update(OTKLIK_ENV="test", OTKLIK_VAR_DIR=str(VAR))
    from app.core.embedded import EmbeddedServers

    servers = EmbeddedServers(VAR, database="otklik_load")
    database_url, redis_url = servers.start()
    os.environ.update(DATABASE_URL=database_url, REDIS_URL=redis_url)
    children: list[subprocess.Popen[bytes]] = []
    try:
        tokens = asyncio.run(prepare())
        port = _free_port()
        env = {
            **os.environ,
            "PORT": str(port),
            "LOG_LEVEL": "warning",
            "WEB_CONCURRENCY": str(args.web),
        }
        for command in ("serve", "worker"):
            children.append(subprocess.Popen([sys.executable, "-m", "app.cli", command], env=env))
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        tally = Tally()

        async def run() -> None:
            cookies = await sessions(base)
            until = time.perf_counter() + args.seconds
            await asyncio.gather(
                *(client_loop(n, base, tokens, cookies, until, tally) for n in range(args.clients))
            )

        started = time.perf_counter()
        asyncio.run(run())
        report(tally, time.perf_counter() - started, args.clients, args.web)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(15)
        servers.stop()


if __name__ == "__main__":
    main()
