"""Reminders of duties no step clock tracks (issue #12), each once per message.

- Unscreened too long: deadlines start only when a message is marked, so a backlog would
  push every deadline back unseen; the specialists and officials are told.
- High importance without the immediate report: where «высокая» is exactly the report's
  trigger (Parfino p.9 = p.24), the specialists are reminded when none was sent in time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from redis.asyncio import Redis

from app.db.tables import Message
from app.deadlines.texts import case_url, excerpt, minutes_ru, when
from app.domain.escalation import Staff
from app.domain.regulation.model import HighImportanceReport
from app.domain.roles import Role
from app.domain.timers import AlertSettings, working_minutes
from app.identity.organisations import OrganisationRules
from app.notify.notifications import Kind, NewNotification, create_notifications

# Older waiting messages were alerted about already (or the alert is moot after this long).
LOOKBACK = timedelta(days=30)


async def alert_unscreened(
    rules: OrganisationRules,
    settings: AlertSettings,
    staff: Staff,
    now: datetime,
    redis: Redis | None = None,
) -> int:
    """Notify the specialists and officials of each message waiting past the limit; once."""
    limit = settings.unscreened_limit
    # Working time never exceeds calendar time: only messages older than the limit can qualify.
    rows = await Message.select(Message.id, Message.collected_at, Message.text).where(
        (Message.organisation == rules.id)
        & (Message.state == "collected")
        & (Message.collected_at <= now - limit)
        & (Message.collected_at > now - LOOKBACK)
    )
    watchers = [*staff.holders(Role.SPECIALIST), *staff.holders(Role.OFFICIAL)]
    people = staff.with_substitutes(watchers)
    notes: list[NewNotification] = []
    for r in rows:
        if rules.calendar.add(r["collected_at"], limit) > now:
            continue
        waited = minutes_ru(working_minutes(rules.calendar, r["collected_at"], now))
        title = f"Сообщение № {r['id']} ждёт рассмотрения {waited} рабочего времени"
        body = (
            f"«{excerpt(r['text'])}». Собрано {when(rules, r['collected_at'])} и до сих пор не "
            "рассмотрено: сроки ответа начинаются только после отметки специалиста."
        )
        notes += _about_case(rules, r["id"], people, Kind.WARNING, "unscreened", title, body)
    return len(await create_notifications(notes, redis))


async def remind_immediate_report(
    rules: OrganisationRules,
    settings: AlertSettings,
    staff: Staff,
    now: datetime,
    redis: Redis | None = None,
) -> int:
    """Remind the specialists of each high-importance message with no immediate report sent
    within the organisation's limit after marking (profiles that require it); once."""
    if rules.profile.high_importance_report is not HighImportanceReport.REQUIRED:
        return 0
    limit = settings.immediate_report_limit
    rows = await Message.raw(
        "SELECT m.id, m.detected_at, m.text FROM message m WHERE m.organisation = {} "
        "AND m.importance = 'high' AND m.state NOT IN ('collected', 'refused') "
        "AND m.detected_at <= {} AND m.detected_at > {} "
        "AND NOT EXISTS (SELECT 1 FROM immediate_report r WHERE r.message = m.id)",
        rules.id,
        now - limit,
        now - LOOKBACK,
    )
    clause = rules.profile.reports.immediate.clause
    notes: list[NewNotification] = []
    for r in rows:
        if rules.calendar.add(r["detected_at"], limit) > now:
            continue
        title = f"Сообщение № {r['id']} высокой важности: доклад главе не отправлен"
        body = (
            f"«{excerpt(r['text'])}». Отмечено {when(rules, r['detected_at'])}. По п. {clause} "
            f"Положения ({rules.profile.name}) о нём докладывают главе незамедлительно."
        )
        specialists = staff.step_people(Role.SPECIALIST)
        notes += _about_case(
            rules, r["id"], specialists, Kind.IMMEDIATE, "immediate_due", title, body
        )
    return len(await create_notifications(notes, redis))


def _about_case(
    rules: OrganisationRules,
    message_id: int,
    users: list[int],
    kind: Kind,
    code: str,
    title: str,
    body: str,
) -> list[NewNotification]:
    """One reminder about a case for each person, exactly once (`code:message:user`)."""
    url = case_url(rules, message_id)
    return [
        NewNotification(
            user, kind, title, body, url, f"{code}:{message_id}:u{user}", rules.id, message_id
        )
        for user in users
    ]
