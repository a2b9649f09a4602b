"""The head's page with GOST signing: a report made there is archived with its `.sig`, the
signature downloads beside the file (this organisation, reader roles only), and a certificate
that ran out refuses the report with the reason on the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.db.tables import Report
from app.signature.profiles import active_profile
from tests.integration.cases_helpers import Clock
from tests.integration.conftest import csrf_token, sign_in
from tests.integration.reports_helpers import with_reports
from tests.integration.signature.conftest import GostPki
from tests.integration.signature.test_gost_reports import gost_profile

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def app() -> Litestar:
    """The web app with the reports controllers."""
    return with_reports(create_app(use_db_pool=False))


async def test_head_makes_a_gost_signed_report_and_downloads_its_signature(
    client: AsyncTestClient[Litestar], gost_pki: GostPki
) -> None:
    await gost_profile(gost_pki)
    await sign_in(client, "penza-head")
    token = await csrf_token(client)
    made = await client.post(
        "/o/penza/reports",
        data={"kind": "summary", "period": "2026-11", "format": "pdf", "_csrf_token": token},
    )
    assert made.status_code == 201 and made.content.startswith(b"%PDF")
    report = await Report.select().first()
    assert report is not None and report["signature_path"].endswith(".pdf.sig")
    page = await client.get("/o/penza/head")
    link = f"/o/penza/reports/files/{report['id']}/signature"
    assert link in page.text and "подпись .sig" in page.text
    sig = await client.get(link)
    assert sig.status_code == 200
    assert sig.headers["content-type"].startswith("application/pkcs7-signature")
    assert "otklik-summary-2026-11.pdf.sig" in sig.headers["content-disposition"]
    assert sig.content.startswith(b"\x30")  # DER
    # Another organisation's number answers nothing; an executor is not a reader.
    assert (await client.get(f"/o/parfino/reports/files/{report['id']}/signature")).status_code in (
        403,
        404,
    )
    await sign_in(client, "penza-executor")
    assert (await client.get(link)).status_code == 403


async def test_expired_certificate_refuses_the_report_on_the_page(
    client: AsyncTestClient[Litestar], gost_pki: GostPki
) -> None:
    organisation = await gost_profile(gost_pki)
    profile = await active_profile(organisation)
    assert profile.facts is not None
    Clock(profile.facts.not_after + timedelta(hours=1))
    await sign_in(client, "penza-head")
    token = await csrf_token(client)
    refused = await client.post(
        "/o/penza/reports",
        data={"kind": "summary", "period": "2026-11", "format": "pdf", "_csrf_token": token},
    )
    assert refused.status_code == 200
    assert "Отчёт не сформирован: Срок действия сертификата" in refused.text
    assert await Report.count() == 0
