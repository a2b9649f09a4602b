"""Secrets at rest never come back in a page: not the SMTP password, not the signing key's
password, not their sealed tokens (every page of the administrator)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.db.sealed import SMTP_PASSWORD, put_secret
from app.db.tables import SigningKey, StoredSecret
from app.signature.keys import store_signing_key
from app.signature.pades import demo_pkcs12
from tests.integration.cases_helpers import org_id
from tests.integration.conftest import sign_in

pytestmark = pytest.mark.usefixtures("demo")
PAGES = (
    "admin", "admin/organisation", "admin/absences", "admin/departments", "admin/users",
    "admin/profile", "admin/accounts", "admin/tokens", "admin/topics", "admin/reports",
)  # fmt: skip


async def test_no_page_shows_a_secret(client: AsyncTestClient[Litestar]) -> None:
    await put_secret(SMTP_PASSWORD, "page-smtp-password-1357")
    data, password = demo_pkcs12("Администрация г. Пензы", datetime.now(UTC))
    await store_signing_key(await org_id("penza"), data, password.decode(), None)
    tokens = [r["sealed_value"] for r in await StoredSecret.select()]
    for row in await SigningKey.select():
        tokens += [row["sealed_pkcs12"], row["sealed_password"]]
    assert (await sign_in(client, "admin")).status_code == 302
    for page in PAGES:
        response = await client.get(f"/o/penza/{page}", headers={"accept": "text/html"})
        assert response.status_code == 200, page
        body = response.text
        assert "page-smtp-password-1357" not in body and password.decode() not in body, page
        assert not any(token[-40:] in body for token in tokens), page
