"""Every response carries the security headers; pages with personal data are not cached."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.web.security import CONTENT_SECURITY_POLICY
from tests.integration.conftest import sign_in


async def test_pages_api_and_static_files_carry_the_security_headers(
    demo: None, client: AsyncTestClient[Litestar]
) -> None:
    await sign_in(client, "penza-specialist")
    for path in ("/login", "/o/penza/specialist", "/api/schema/openapi.json", "/healthz"):
        headers = (await client.get(path, follow_redirects=False)).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "'unsafe-inline'" not in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # only in production, behind TLS
    assert (await client.get("/o/penza/specialist")).headers["cache-control"] == "no-store"
    static = await client.get("/static/css/otklik.css")
    assert static.status_code == 200 and static.headers.get("cache-control") != "no-store"
