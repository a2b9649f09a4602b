"""Immediate reports (Penza p.21, Parfino p.24): sent at once in-app and by e-mail with a
signed one-page PDF, acknowledged by the head, reminded once after 30 minutes, logged."""

from __future__ import annotations

import shutil
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from app.db.tables import ActivityAlert, Event, ImmediateReport, Notification, Report, User
from app.notify.mailer import send_pending
from app.reporting.immediate import (
    REMIND_AFTER,
    ImmediateError,
    acknowledge,
    list_immediate,
    remind_unacknowledged,
    send_immediate_report,
)
from app.signature.keys import known_roots
from app.signature.pades import verify_pdf
from tests.integration.cases_helpers import Clock, new_message, org_id, person
from tests.integration.notify.test_notifications import Inbox, inbox, smtp_env  # noqa: F401
from tests.integration.reporting.test_reports_pdf import assert_contains, layout_lines, pdf_text
from tests.integration.reports_helpers import msk
from tests.integration.timers_helpers import pooled, user_id  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo")


async def test_penza_p21_immediate_report_on_a_case_reaches_the_head_with_a_signed_pdf(
    inbox: Inbox,  # noqa: F811
    tmp_path: Path,
) -> None:
    Clock(msk(24, 10))
    await User.update({User.email: "head@penza.test"}).where(User.login == "penza-head")
    message_id = await new_message(
        "penza", "Прорыв теплотрассы на ул. Мира, без отопления 40 домов"
    )
    specialist = await person("penza-specialist", "penza")
    report_id = await send_immediate_report(
        specialist, message_id=message_id, comment="Социально значимо: 40 домов без отопления."
    )
    head = await user_id("penza-head")
    notes = await Notification.select().where(Notification.kind == "immediate")
    assert [(n["user"], n["title"]) for n in notes] == [
        (head, f"Срочный доклад по сообщению № {message_id}")
    ]
    assert notes[0]["attachment"].endswith(".pdf") and notes[0]["email_status"] == "pending"
    assert (await send_pending()).sent == 1
    mail: EmailMessage = inbox.messages[0]
    assert mail["To"] == "head@penza.test" and "Срочный доклад" in mail["Subject"]
    pdf = next(p for p in mail.iter_attachments()).get_content()
    check = await verify_pdf(pdf, await known_roots())
    assert (
        check.ok and check.signer is not None and "Администрация города Пензы" in check.signer.owner
    )
    if shutil.which("pdftotext"):  # the network, importance and zone in Russian, no codes
        (tmp_path / "immediate.pdf").write_bytes(pdf)
        text = " ".join(layout_lines(tmp_path / "immediate.pdf"))
        assert "ВКонтакте, Житель" in text and "Важность обычная" in text
        # The header's cells wrap beside the signature stamp: compared without spaces.
        assert_contains(pdf_text(tmp_path / "immediate.pdf"), "Москва, МСК (UTC+3)")
        assert "Europe/" not in text
    report = await Report.select().where(Report.kind == "immediate").first()
    assert report is not None and report["signer"]
    kinds = [e["kind"] for e in await Event.select(Event.kind).where(Event.message == message_id)]
    assert "immediate_report_sent" in kinds
    [item] = await list_immediate(await org_id("penza"))
    assert item.id == report_id and item.acknowledged_at is None and item.report_id == report["id"]


async def test_parfino_p24_alert_report_reminded_once_after_30_minutes_then_acknowledged() -> None:
    clock = Clock(msk(24, 10))
    parfino = await org_id("parfino")
    alert = ActivityAlert(
        organisation=parfino,
        topic="Дороги",
        window_start=msk(24, 9),
        window_end=msk(24, 10),
        message_count=7,
        usual=1.5,
        reason="threshold",
        message_ids=[],
        created_at=msk(24, 10),
        dedup_key="test-alert",
    )
    await alert.save()
    specialist = await person("parfino-specialist", "parfino")
    report_id = await send_immediate_report(
        specialist, alert_id=alert.id, comment="Семь жалоб за час на провал дороги."
    )
    head = await person("parfino-head", "parfino")
    clock.advance(minutes=29, seconds=59)
    assert await remind_unacknowledged() == 0
    clock.advance(seconds=1)
    assert await remind_unacknowledged() == 1  # the head
    clock.advance(minutes=30)
    assert await remind_unacknowledged() == 0  # exactly once
    reminders = await Notification.select().where(
        Notification.dedup_key.like("immediate:reminder:%")
    )
    assert [r["user"] for r in reminders] == [head.user_id]
    with pytest.raises(ImmediateError):
        await acknowledge(specialist, report_id)  # only the head acknowledges
    assert await acknowledge(head, report_id) is True
    assert await acknowledge(head, report_id) is False
    row = await ImmediateReport.select().where(ImmediateReport.id == report_id).first()
    assert row is not None and row["acknowledged_by"] == head.user_id
    kinds = {e["kind"] for e in await Event.select(Event.kind).where(Event.organisation == parfino)}
    assert {
        "immediate_report_sent",
        "immediate_report_reminded",
        "immediate_report_acknowledged",
    } <= kinds


async def test_acknowledged_in_time_means_no_reminder_and_bad_input_is_refused() -> None:
    clock = Clock(msk(24, 10))
    message_id = await new_message("penza")
    specialist = await person("penza-specialist", "penza")
    report_id = await send_immediate_report(specialist, message_id=message_id, comment="Срочно.")
    await acknowledge(await person("penza-head", "penza"), report_id)
    clock.advance(minutes=45)
    assert await remind_unacknowledged() == 0
    for kwargs in (
        {"message_id": message_id, "comment": "  "},
        {"message_id": message_id, "alert_id": 1, "comment": "x"},
        {"message_id": message_id + 999, "comment": "x"},
    ):
        with pytest.raises(ImmediateError):
            await send_immediate_report(specialist, **kwargs)  # type: ignore[arg-type]
    other = await person("parfino-specialist", "parfino")
    with pytest.raises(ImmediateError):  # another organisation's message
        await send_immediate_report(other, message_id=message_id, comment="x")
    assert timedelta(minutes=30) == REMIND_AFTER
