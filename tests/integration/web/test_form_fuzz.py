"""Forged form posts to every route, as a person allowed to use it: never a 5xx.

Each POST route of the app is sent hostile values (huge, negative, beyond the id range,
superscript digits, NUL, dates out of range, markup) in every field name the templates
use, both all alike and mixed by a seeded generator, so a failure replays exactly.
"""

from __future__ import annotations

import random
import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.domain.roles import Role
from tests.integration.conftest import csrf_token, sign_in
from tests.integration.services_helpers import routed_case

FIELDS = [
    "active",
    "alert_id",
    "all",
    "answer_basis",
    "attachments",
    "author_name",
    "author_url",
    "clarification_pauses",
    "code",
    "comment",
    "curated",
    "curator",
    "date",
    "department",
    "departments",
    "email",
    "ends_on",
    "external_id",
    "format",
    "full_name",
    "ids",
    "importance",
    "include_decree_days",
    "intervals",
    "is_active",
    "keep_files",
    "kind",
    "login",
    "membership",
    "message_id",
    "month",
    "name",
    "network",
    "next",
    "password",
    "period",
    "person",
    "posted_at",
    "q",
    "reason",
    "region",
    "repeat_of",
    "reply",
    "role",
    "short_name",
    "starts_on",
    "step",
    "substitute",
    "text",
    "timezone",
    "topic",
    "topics",
    "updated_at",
    "url",
    "user",
    "version",
    "topic_1",
    "day_mon",
    "day_fri",
    "t_answer_normal",
]
HOSTILE = [
    "",
    "0",
    "-1",
    "2147483648",
    "99999999999999999999",
    "¹²",
    "1\x00",
    "\x00",
    "Ж" * 30_000,
    "<script>alert(1)</script>",
    "0001-01-01T00:00",
    "9999-12-31",
    "2026-02-30",
    "24:61–25:00",
    "null",
    "../../etc/passwd",
    "javascript:alert(1)",
    "1e309",
    "high",
    "final",
    "admin",
]
# A demo login holding each role (the route's roles say who may post to it).
LOGIN = {
    Role.SPECIALIST: "penza-specialist",
    Role.EXECUTOR: "penza-executor",
    Role.OFFICIAL: "penza-official",
    Role.HEAD: "penza-head",
    Role.ADMIN: "admin",
    Role.COORDINATOR: "parfino-coordinator",
}
SAMPLES_PER_ROUTE = 3


def _post_routes(app: Litestar) -> list[tuple[str, frozenset[Role] | None]]:
    routes = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if "POST" in handler.http_methods and handler.opt.get("access") in (
                "roles",
                "signed_in",
            ):
                routes.append((route.path, handler.opt.get("roles")))
    return routes


# One test per person (a few dozen routes × 3 posts each), so that parallel test processes
# share them; each has a generator of its own, seeded by the login, so a failure replays.
@pytest.mark.parametrize("login", sorted(set(LOGIN.values())))
async def test_hostile_form_posts_never_fail_with_a_server_error(
    demo: None, app: Litestar, login: str
) -> None:
    message_id, assignment_id = await routed_case("penza")
    ids = {
        "org_slug": "penza",
        "message_id": str(message_id),
        "assignment_id": str(assignment_id),
    }
    generator = random.Random(f"20261202:{login}")
    failures = []
    by_login: dict[str, list[tuple[str, str]]] = {}
    for path, roles in _post_routes(app):
        # Penza has every role but the coordinator's, which only Parfino has.
        penza_roles = sorted((roles or {Role.SPECIALIST}) - {Role.COORDINATOR})
        slug = "penza" if penza_roles else "parfino"
        poster = LOGIN[penza_roles[0] if penza_roles else Role.COORDINATOR]
        params = {**ids, "org_slug": slug}
        url = re.sub(r"\{(\w+):\w+\}", lambda m, p=params: p.get(m[1], "1"), path)
        by_login.setdefault(poster, []).append((path, url))
    routes = by_login.get(login, [])
    # One client for the person; signing out comes last.
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, login)
        token = await csrf_token(client)
        for _path, url in sorted(routes, key=lambda r: (r[0] == "/logout", r[0])):
            samples = [dict.fromkeys(FIELDS, v) for v in generator.sample(HOSTILE, 2)]
            samples += [
                {field: generator.choice(HOSTILE) for field in FIELDS}
                for _ in range(SAMPLES_PER_ROUTE - len(samples))
            ]
            for sample in samples:
                response = await client.post(
                    url,
                    data={**sample, "_csrf_token": token},
                    headers={"accept": "text/html"},
                    follow_redirects=False,
                )
                assert response.status_code != 403, (url, login)  # the route was exercised
                if response.status_code >= 500:
                    failures.append(
                        (url, response.status_code, {k: v[:20] for k, v in sample.items()})
                    )
    assert failures == []
