"""Immediate reports to the head (Penza p.21, Parfino p.24): a specialist's «Срочный доклад
главе» on a case or on a heightened-activity alert. The head and the profile's other
recipients get it at once in-app and by e-mail with a one-page signed PDF; the head
acknowledges it; unacknowledged after REMIND_AFTER, one reminder. Every step is an event."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.core import clock, links
from app.core.config import get_settings
from app.core.errors import UserError
from app.db.tables import ActivityAlert, ImmediateReport, Message, User
from app.deadlines.alerts import subject_ru
from app.domain.activity import SurgeKind
from app.domain.roles import Role
from app.domain.signature.certificate import SigningError
from app.identity.actor import ActorContext
from app.identity.organisations import OrganisationRules, organisation_rules
from app.identity.staff import load_staff
from app.journal.events import EventActor, record_event
from app.notify.notifications import Kind, NewNotification, create_notifications
from app.reporting.archive import archive, sign
from app.reporting.rendering import render_pdf
from app.signature.signer import stamp_for

log = logging.getLogger(__name__)

REMIND_AFTER = timedelta(minutes=30)  # issue #7: a reminder when not acknowledged in 30 min
MAX_COMMENT = 2000
SENDERS = frozenset({Role.SPECIALIST, Role.COORDINATOR, Role.OFFICIAL})


class ImmediateError(UserError):
    """A report that cannot be sent or acknowledged."""


@dataclass(frozen=True)
class ImmediateView:
    """An immediate report as the head's page lists it."""

    id: int
    subject: str
    comment: str
    author: str
    created_at: datetime
    message_id: int | None
    alert_id: int | None
    report_id: int | None
    acknowledged_at: datetime | None
    acknowledged_by: str
    reminded_at: datetime | None
    has_signature_file: bool = False  # a detached .sig beside the PDF (GOST profiles)


async def _subject(
    organisation_id: int, message_id: int | None, alert_id: int | None
) -> dict[str, Any]:
    """The case or alert the report is about (refused when it is another organisation's)."""
    if (message_id is None) == (alert_id is None):
        raise ImmediateError("Доклад делается по одному сообщению или одному сигналу активности.")
    if message_id is not None:
        row = (
            await Message.select()
            .where((Message.id == message_id) & (Message.organisation == organisation_id))
            .first()
        )
        if row is None:
            raise ImmediateError("Сообщение не найдено.")
        return {"message": row}
    row = (
        await ActivityAlert.select()
        .where((ActivityAlert.id == alert_id) & (ActivityAlert.organisation == organisation_id))
        .first()
    )
    if row is None:
        raise ImmediateError("Сигнал повышенной активности не найден.")
    return {"alert": row}


def _title(subject: dict[str, Any]) -> str:
    if "message" in subject:
        return f"Срочный доклад по сообщению № {subject['message']['id']}"
    alert = subject["alert"]
    return f"Срочный доклад: повышенная активность {_alert_subject(alert)}"


def _alert_subject(alert: dict[str, Any]) -> str:
    """«по теме «Дороги»» or «по адресу «ул. Ленина, 5»» of an ActivityAlert row."""
    place = alert.get("place") or ""
    return subject_ru(SurgeKind.PLACE if place else SurgeKind.TOPIC, place or alert["topic"])


async def recipients(rules: OrganisationRules) -> list[int]:
    """The profile's recipients of immediate reports (the head), with substitutes today."""
    staff = await load_staff(rules.id, clock.now().astimezone(rules.calendar.tz).date())
    users: list[int] = []
    for role in rules.profile.reports.immediate.recipients:
        users.extend(staff.holders(role))
    return staff.with_substitutes(users)


def _actor(ctx: ActorContext, allowed: frozenset[Role]) -> EventActor:
    role = next((r for r in sorted(ctx.roles) if r in allowed), None)
    if role is None:
        raise ImmediateError("Недостаточно прав для этого действия.")
    return EventActor(ctx.user_id, str(role), ctx.substitute_for(role))


async def send_immediate_report(
    ctx: ActorContext,
    *,
    message_id: int | None = None,
    alert_id: int | None = None,
    comment: str,
) -> int:
    """Record, render and sign the one-page report, notify the recipients; its id."""
    actor = _actor(ctx, SENDERS)
    organisation_id = ctx.organisation_id
    text = comment.strip()
    if not text:
        raise ImmediateError("Напишите, о чём доклад: комментарий обязателен.")
    if len(text) > MAX_COMMENT:
        raise ImmediateError(f"Комментарий — не больше {MAX_COMMENT} символов.")
    rules = await organisation_rules(organisation_id)
    subject = await _subject(organisation_id, message_id, alert_id)
    now = clock.now()
    row = ImmediateReport(
        organisation=organisation_id,
        message=message_id,
        alert=alert_id,
        comment=text,
        created_by=actor.user_id,
        created_at=now,
    )
    await row.save()
    author = await User.select(User.full_name).where(User.id == actor.user_id).first()
    pdf = await render_pdf(
        "reporting/immediate_pdf.html",
        rules=rules,
        subject=subject,
        comment=text,
        now=now,
        author=author["full_name"] if author else "",
        report_id=row.id,
        title=_title(subject),
        header={"organisation": rules.name, "period": None},
        stamp=await stamp_for(organisation_id),
    )
    try:
        signed = await sign(rules, pdf, "pdf", _title(subject))
    except SigningError as error:
        # Not sent unsigned: the sender sees why and can tell the head another way.
        await ImmediateReport.delete().where(ImmediateReport.id == row.id)
        raise ImmediateError(f"Доклад не отправлен: {error.message_ru}") from error
    made = await archive(
        organisation_id,
        "immediate",
        signed,
        "pdf",
        period=None,
        bounds=None,
        created_by=actor.user_id,
        dedup_key=f"immediate:{row.id}",
    )
    await ImmediateReport.update({ImmediateReport.report: made.id if made else None}).where(
        ImmediateReport.id == row.id
    )
    await record_event(
        organisation_id,
        "immediate_report_sent",
        actor,
        message_id=message_id,
        after={"immediate_report_id": row.id, "alert_id": alert_id},
        comment=text,
    )
    attachment = made.path.relative_to(get_settings().var_dir).as_posix() if made else ""
    await _notify(rules, row.id, _title(subject), text, attachment, message_id, "sent")
    return int(row.id)


async def _notify(
    rules: OrganisationRules,
    report_id: int,
    title: str,
    body: str,
    attachment: str,
    message_id: int | None,
    stage: str,
) -> int:
    items = [
        NewNotification(
            user_id=user,
            kind=Kind.IMMEDIATE,
            title=title,
            body=body,
            url=links.head(rules.slug, report_id),
            dedup_key=f"immediate:{stage}:{report_id}:{user}",
            organisation_id=rules.id,
            message_id=message_id,
            attachment=attachment,
        )
        for user in await recipients(rules)
    ]
    return len(await create_notifications(items))


async def acknowledge(ctx: ActorContext, report_id: int) -> bool:
    """The head marks the report as read; False when it was already acknowledged."""
    actor = _actor(ctx, frozenset({Role.HEAD}))
    organisation_id = ctx.organisation_id
    changed = (
        await ImmediateReport.update(
            {
                ImmediateReport.acknowledged_at: clock.now(),
                ImmediateReport.acknowledged_by: actor.user_id,
            }
        )
        .where(
            (ImmediateReport.id == report_id)
            & (ImmediateReport.organisation == organisation_id)
            & ImmediateReport.acknowledged_at.is_null()
        )
        .returning(ImmediateReport.message)
    )
    if not changed:
        if not await ImmediateReport.exists().where(
            (ImmediateReport.id == report_id) & (ImmediateReport.organisation == organisation_id)
        ):
            raise ImmediateError("Доклад не найден.")
        return False
    await record_event(
        organisation_id,
        "immediate_report_acknowledged",
        actor,
        message_id=changed[0]["message"],
        after={"immediate_report_id": report_id},
    )
    return True


async def remind_unacknowledged() -> int:
    """One reminder per report unacknowledged after REMIND_AFTER (exactly once: the row is
    claimed by a conditional update, the notifications by their unique keys)."""
    now = clock.now()
    claimed = (
        await ImmediateReport.update({ImmediateReport.reminded_at: now})
        .where(
            ImmediateReport.acknowledged_at.is_null()
            & ImmediateReport.reminded_at.is_null()
            & (ImmediateReport.created_at <= now - REMIND_AFTER)
        )
        .returning(
            ImmediateReport.id,
            ImmediateReport.organisation,
            ImmediateReport.message,
            ImmediateReport.alert,
        )
    )
    sent = 0
    for row in claimed:
        rules = await organisation_rules(row["organisation"])
        subject = await _subject(rules.id, row["message"], row["alert"])
        title = "Напоминание: " + _title(subject)
        body = "Доклад не отмечен как прочитанный в течение 30 минут."
        sent += await _notify(rules, row["id"], title, body, "", row["message"], "reminder")
        await record_event(
            rules.id,
            "immediate_report_reminded",
            EventActor.system(),
            message_id=row["message"],
            after={"immediate_report_id": row["id"]},
        )
    return sent


async def list_immediate(organisation_id: int, limit: int = 50) -> list[ImmediateView]:
    """The organisation's immediate reports, newest first."""
    r = ImmediateReport
    query = r.select(
        *r.all_columns(),
        r.created_by.full_name.as_alias("author"),
        r.acknowledged_by.full_name.as_alias("ack_name"),
        r.alert.topic.as_alias("topic"),
        r.alert.place.as_alias("place"),
        r.report.signature_path.as_alias("signature_path"),
    ).where(r.organisation == organisation_id)
    rows = await query.order_by(r.id, ascending=False).limit(limit)
    return [
        ImmediateView(
            x["id"],
            f"Сообщение № {x['message']}"
            if x["message"]
            else f"Активность {_alert_subject({'topic': x['topic'] or '', 'place': x['place']})}",
            x["comment"],
            x["author"] or "",
            x["created_at"],
            x["message"],
            x["alert"],
            x["report"],
            x["acknowledged_at"],
            x["ack_name"] or "",
            x["reminded_at"],
            bool(x["signature_path"]),
        )
        for x in rows
    ]
