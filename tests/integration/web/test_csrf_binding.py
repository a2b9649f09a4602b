"""The CSRF token is bound to the session (issue #13 item 8): a matching cookie and token
planted from outside (cookie tossing from a sibling subdomain) do not pass for a signed-in
session; the browser's own pair keeps working."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.conftest import sign_in

pytestmark = pytest.mark.usefixtures("demo")
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def _pair(client: AsyncTestClient[Litestar]) -> tuple[str, str]:
    """A fresh browser's CSRF cookie and the matching form token."""
    page = await client.get("/login")
    token = CSRF.search(page.text)
    assert token is not None
    return client.cookies["otklik_csrf"], token.group(1)


async def test_a_planted_csrf_pair_is_refused_for_a_signed_in_session(app: Litestar) -> None:
    async with AsyncTestClient(app=app) as attacker:
        planted_cookie, planted_token = await _pair(attacker)
    async with AsyncTestClient(app=app) as victim:
        await sign_in(victim, "penza-specialist")
        own = CSRF.search((await victim.get("/notifications/")).text)
        assert own is not None
        form = {"_csrf_token": own.group(1)}
        ok = await victim.post(
            "/notifications/read", data={**form, "all": "1"}, follow_redirects=False
        )
        assert ok.status_code < 400  # the browser's own pair works
        victim.cookies.set("otklik_csrf", planted_cookie)
        refused = await victim.post(
            "/notifications/read",
            data={"_csrf_token": planted_token, "all": "1"},
            follow_redirects=False,
        )
        assert refused.status_code == 403
        assert "обновите страницу" in refused.text
