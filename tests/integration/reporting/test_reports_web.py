"""Report pages over HTTP: the head's page, on-demand reports, downloads checked by
organisation and role, «Срочный доклад главе» from a case, acknowledging, signature check."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.db.tables import ImmediateReport, Report
from tests.integration.cases_helpers import new_message
from tests.integration.conftest import csrf_token, sign_in
from tests.integration.reports_helpers import build_week, with_reports

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def app() -> Litestar:
    """The web app with the reports controllers."""
    return with_reports(create_app(use_db_pool=False))


async def _as(client: AsyncTestClient[Litestar], login: str) -> str:
    await sign_in(client, login)
    return await csrf_token(client)


async def test_summary_page_and_on_demand_pdf_then_archive_download(
    client: AsyncTestClient[Litestar],
) -> None:
    await build_week()
    token = await _as(client, "penza-official")
    page = await client.get("/o/penza/reports/summary?period=2026-W47")
    assert page.status_code == 200
    assert "неделя 47, 16–22 ноября 2026" in page.text and "data:image/svg+xml;base64," in page.text
    assert "Волков Дмитрий Андреевич" in page.text and "66,7" in page.text
    assert (await client.get("/o/penza/reports/violations?period=2026-W47")).status_code == 200
    made = await client.post(
        "/o/penza/reports",
        data={"kind": "summary", "period": "2026-W47", "format": "pdf", "_csrf_token": token},
    )
    assert made.status_code == 201 and made.content.startswith(b"%PDF")
    report = await Report.select().first()
    assert report is not None and report["created_by"] is not None
    archive = await client.get("/o/penza/reports")
    assert f"/o/penza/reports/files/{report['id']}" in archive.text
    got = await client.get(f"/o/penza/reports/files/{report['id']}")
    assert got.status_code == 200 and got.content == made.content
    assert (await client.get("/o/parfino/reports/files/1")).status_code in (403, 404)


async def test_executor_and_other_organisation_cannot_download(
    client: AsyncTestClient[Litestar],
) -> None:
    await _as(client, "penza-executor")
    assert (await client.get("/o/penza/reports")).status_code == 403
    assert (await client.get("/o/penza/reports/files/1")).status_code == 403


async def test_immediate_report_from_the_case_page_and_acknowledged_on_the_head_page(
    client: AsyncTestClient[Litestar],
) -> None:
    message_id = await new_message("penza", "<script>alert(1)</script> прорыв трубы")
    token = await _as(client, "penza-specialist")
    sent = await client.post(
        "/o/penza/immediate",
        data={"message_id": str(message_id), "comment": "<b>Срочно</b>", "_csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert sent.status_code == 200 and "направлен главе" in sent.text
    report = await ImmediateReport.select().first()
    assert report is not None
    client.cookies.clear()
    token = await _as(client, "penza-head")
    head = await client.get("/o/penza/head")
    assert head.status_code == 200 and "&lt;b&gt;Срочно&lt;/b&gt;" in head.text
    assert "Принято к сведению" in head.text
    ack = await client.post(
        f"/o/penza/immediate/{report['id']}/acknowledge",
        data={"_csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert ack.status_code == 200 and 'data-testid="acknowledged"' in ack.text
    assert (await ImmediateReport.select().first())["acknowledged_at"] is not None  # type: ignore[index]


async def test_verify_page_says_who_signed_and_whether_intact(
    client: AsyncTestClient[Litestar],
) -> None:
    from app.identity.organisations import organisation_rules
    from app.reporting.archive import produce
    from app.reporting.periods import parse_period
    from tests.integration.cases_helpers import org_id

    made = await produce(
        await organisation_rules(await org_id("penza")), "violations", parse_period("2026-W47")
    )
    assert made is not None
    token = await _as(client, "parfino-executor")  # any signed-in user
    data = made.path.read_bytes()
    good = await client.post(
        "/verify", data={"_csrf_token": token}, files={"file": ("r.pdf", data, "application/pdf")}
    )
    assert good.status_code == 200 and "Файл совпадает с подписанным" in good.text
    assert "Подпись действительна" in good.text
    assert "Администрация города Пензы (демо)" in good.text
    broken = bytearray(data)
    broken[len(broken) // 3] ^= 1
    bad = await client.post(
        "/verify",
        data={"_csrf_token": token},
        files={"file": ("r.pdf", bytes(broken), "application/pdf")},
    )
    assert "Файл НЕ совпадает с подписанным" in bad.text and "Подпись не подтверждена" in bad.text
