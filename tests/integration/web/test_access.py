"""Every route × every demo role: allowed exactly where the route declares it."""

from __future__ import annotations

import re
from datetime import UTC

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.demo.seed import demo_logins
from app.domain.roles import Role
from tests.integration.conftest import csrf_token, sign_in

PARAM = re.compile(r"\{(\w+):\w+\}")


def declared_routes(app: Litestar) -> list[tuple[str, str, dict]]:
    """(path, method, opt) of every handler the app serves."""
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append((route.path, method, handler.opt))
    return found


def test_every_route_declares_its_access(app: Litestar) -> None:
    for path, method, opt in declared_routes(app):
        assert opt.get("access") in ("public", "signed_in", "roles", "api"), f"{method} {path}"
        if opt["access"] == "roles":
            assert "{org_slug:str}" in path, f"{method} {path} has roles but no organisation"


# What each demo login holds: (organisation, role).
MEMBERSHIPS = {
    "admin": {("penza", Role.ADMIN), ("parfino", Role.ADMIN)},
    **{
        login: {(login.split("-")[0], Role(login.split("-", 1)[1]))}
        for login in demo_logins()
        if login != "admin"
    },
}


def test_every_demo_login_is_checked() -> None:
    assert set(MEMBERSHIPS) == set(demo_logins())


# One test per login (~2 × 90 requests each), so that parallel test processes share them.
@pytest.mark.parametrize("login", sorted(MEMBERSHIPS))
async def test_org_routes_allow_exactly_the_declared_roles(app: Litestar, demo, login) -> None:
    held = MEMBERSHIPS[login]
    # Endless streams (SSE) are checked against a real server in e2e/test_live.py.
    org_routes = [
        r for r in declared_routes(app) if r[2]["access"] == "roles" and not r[2].get("stream")
    ]
    assert len(org_routes) >= 20
    checked = 0
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, login)
        token = await csrf_token(client)
        for path, method, opt in org_routes:
            for slug in ("penza", "parfino"):
                url = PARAM.sub(lambda m, s=slug: s if m.group(1) == "org_slug" else "1", path)
                response = await client.request(
                    method, url, headers={"x-csrftoken": token}, follow_redirects=False
                )
                allowed = any((slug, role) in held for role in opt["roles"])
                if allowed:
                    assert response.status_code not in (401, 403), f"{login} {method} {url}"
                else:
                    assert response.status_code == 403, f"{login} {method} {url}"
                checked += 1
    assert checked == len(org_routes) * 2


async def test_anonymous_is_sent_to_sign_in_on_every_non_public_route(app: Litestar, demo) -> None:
    async with AsyncTestClient(app=app) as client:
        token = await csrf_token(client)
        for path, method, opt in declared_routes(app):
            if opt["access"] == "public" or opt.get("stream"):
                continue
            if opt["access"] == "api":
                response = await client.request(method, path, json={})
                assert response.status_code == 401, f"{method} {path}"
                continue
            url = PARAM.sub(lambda m: "penza" if m.group(1) == "org_slug" else "1", path)
            response = await client.request(
                method, url, headers={"x-csrftoken": token}, follow_redirects=False
            )
            assert response.status_code in (302, 401), f"{method} {url}"


async def test_forbidden_page_is_russian(client, demo) -> None:
    await sign_in(client, "penza-executor")
    response = await client.get("/o/parfino/executor", headers={"accept": "text/html"})
    assert response.status_code == 403
    assert "Доступ запрещён" in response.text


async def test_penza_p7_substitute_reaches_the_absent_executors_page_only_while_absent(
    client, demo
) -> None:
    from datetime import date, datetime, timedelta

    from app.core import clock
    from app.db.tables import Absence, Organisation, User
    from app.identity.accounts import create_user

    penza = await Organisation.objects().where(Organisation.slug == "penza").first()
    absent = await User.objects().where(User.login == "penza-executor").first()
    stand_in = await create_user("stand-in", "Заместитель", "пароль-надёжный")
    # 00:30 in Moscow on the first day of the absence is still the previous day in UTC.
    first_day = date(2026, 3, 2)
    await Absence(
        organisation=penza.id,
        user=absent.id,
        starts_on=first_day,
        ends_on=first_day,
        reason="illness",
        substitute=stand_in.id,
    ).save()
    moscow_half_past_midnight = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)
    clock.set_clock(lambda: moscow_half_past_midnight)
    await sign_in(client, "stand-in", "пароль-надёжный")
    landing = await client.get("/", follow_redirects=False)
    assert landing.headers["location"] == "/o/penza/executor"
    assert (await client.get("/o/penza/executor")).status_code == 200
    clock.set_clock(lambda: moscow_half_past_midnight + timedelta(days=1))
    assert (await client.get("/o/penza/executor")).status_code == 403
