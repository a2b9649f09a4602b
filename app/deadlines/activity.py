"""Heightened activity (Penza p.21, Parfino p.24) and the monthly report reminder (Parfino p.22).

Both run in the sweep; an ActivityAlert is unique per organisation, topic and working-time
window, the reminder per organisation, month and person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.asyncio import Redis

from app.core import links
from app.db.json_columns import json_value
from app.db.rows import view_of
from app.db.tables import ActivityAlert, Violation
from app.deadlines.texts import local
from app.domain.activity import ActivityRule, Surge, detect_surge, window_block
from app.domain.escalation import Staff, report_period_for, violations_report_due
from app.domain.regulation.model import ReportPeriod
from app.domain.roles import Role
from app.domain.worktime.year_table import MONTHS_RU
from app.identity.organisations import OrganisationRules
from app.notify.notifications import Kind, NewNotification, create_notifications

_COUNTS = """
SELECT t.topic AS topic,
       count(*) FILTER (WHERE m.at >= {}) AS recent,
       count(*) FILTER (WHERE m.at < {}) AS before,
       coalesce(array_agg(m.id ORDER BY m.id) FILTER (WHERE m.at >= {}), ARRAY[]::int[]) AS ids
FROM (SELECT id, topics, coalesce(posted_at, collected_at) AS at
      FROM message WHERE organisation = {} AND state <> 'refused') AS m
CROSS JOIN LATERAL unnest(m.topics) AS t(topic)
WHERE m.at >= {} AND m.at <= {}
GROUP BY t.topic
"""


async def detect_activity(
    rules: OrganisationRules, rule: ActivityRule, staff: Staff, now: datetime, redis: Redis | None
) -> int:
    """Record an alert for each topic with heightened activity and tell the specialists."""
    if not rule.enabled:
        return 0
    calendar = rules.calendar
    window_start = calendar.add(now, -rule.window)
    baseline_start = window_start - timedelta(days=rule.baseline_days)
    baseline_hours = calendar.between(baseline_start, window_start).total_seconds() / 3600
    rows = await ActivityAlert.raw(
        _COUNTS, window_start, window_start, window_start, rules.id, baseline_start, now
    )
    year_start = local(rules, now).replace(month=1, day=1, hour=0, minute=0, second=0)
    block = window_block(calendar.between(year_start, now), rule)
    created = 0
    for row in rows:
        surge = detect_surge(row["topic"], row["recent"], row["before"], baseline_hours, rule)
        if surge is None:
            continue
        inserted = (
            await ActivityAlert.insert(
                ActivityAlert(
                    organisation=rules.id,
                    topic=surge.topic[:120],
                    window_start=window_start,
                    window_end=now,
                    message_count=surge.count,
                    usual=surge.usual,
                    reason=str(surge.reason),
                    message_ids=list(row["ids"]),
                    created_at=now,
                    dedup_key=f"{rules.id}:{surge.topic}:{year_start.year}:{block}"[:300],
                )
            )
            .on_conflict(target=ActivityAlert.dedup_key, action="DO NOTHING")
            .returning(ActivityAlert.id)
        )
        if inserted:
            created += 1
            await _tell_specialists(rules, rule, staff, surge, inserted[0]["id"], redis)
    return created


async def _tell_specialists(
    rules: OrganisationRules,
    rule: ActivityRule,
    staff: Staff,
    surge: Surge,
    alert_id: int,
    redis: Redis | None,
) -> None:
    clause = rules.profile.reports.immediate.clause
    hours = f"{rule.window_hours:g}"
    title = f"Повышенная активность по теме «{surge.topic}»"
    body = (
        f"За последние {hours} рабочих ч поступило {surge.count} сообщений по теме "
        f"«{surge.topic}» (обычно около {surge.usual:.1f}). Предлагается незамедлительный "
        f"доклад главе (п. {clause} Положения)."
    )
    notes = [
        NewNotification(
            user,
            Kind.ACTIVITY,
            title,
            body,
            links.activity(rules.slug, alert_id),
            f"activity:{alert_id}:u{user}",
            rules.id,
        )
        for user in staff.step_people(Role.SPECIALIST)
    ]
    await create_notifications(notes, redis)


async def remind_violations_report(
    rules: OrganisationRules, staff: Staff, now: datetime, redis: Redis | None
) -> int:
    """Parfino p.22: once a month ends with violations, remind the compiler of the report's
    due date (the 5th of the next month), once per month and person."""
    report = rules.profile.reports.violations
    if report.period is not ReportPeriod.MONTHLY:
        return 0
    start, end = report_period_for(local(rules, now).date())
    tz = rules.calendar.tz
    start_at = datetime(start.year, start.month, start.day, tzinfo=tz)
    end_at = datetime(end.year, end.month, end.day, tzinfo=tz)
    count = await Violation.count().where(
        (Violation.organisation == rules.id)
        & (Violation.due_at >= start_at)
        & (Violation.due_at < end_at)
    )
    due = violations_report_due(rules.profile, start)
    if not count or due is None:
        return 0
    month = f"{MONTHS_RU[start.month - 1].lower()} {start.year}"
    title = f"Отчёт о нарушениях за {month}: до {due:%d.%m.%Y}"
    body = (
        f"За {month} зафиксировано нарушений: {count}. Информацию о них нужно направить "
        f"{report.recipients_ru.lower()} не позднее {due:%d.%m.%Y} (п. {report.clause} Положения)."
    )
    compiler = report.compiler or Role.SPECIALIST
    notes = [
        NewNotification(
            user,
            Kind.REPORT_DUE,
            title,
            body,
            links.violations(rules.slug, f"{start:%Y-%m}"),
            f"report_due:{rules.id}:{start:%Y-%m}:u{user}",
            rules.id,
        )
        for user in staff.step_people(compiler)
    ]
    return len(await create_notifications(notes, redis))


@dataclass(frozen=True)
class ActivityAlertView:
    """A surge of messages on one topic (Penza p.21, Parfino p.24) and the messages in it."""

    id: int
    topic: str
    window_start: datetime
    window_end: datetime
    message_count: int
    usual: float | None
    reason: str
    message_ids: list[int]
    created_at: datetime


async def list_activity_alerts(
    organisation_id: int, limit: int = 50, alert_id: int | None = None
) -> list[ActivityAlertView]:
    """The organisation's activity alerts, newest first (one of them with `alert_id`)."""
    query = ActivityAlert.select().where(ActivityAlert.organisation == organisation_id)
    if alert_id is not None:
        query = query.where(ActivityAlert.id == alert_id)
    rows = await query.order_by(ActivityAlert.id, ascending=False).limit(limit)
    return [
        view_of(ActivityAlertView, r, message_ids=list(json_value(r["message_ids"]) or []))
        for r in rows
    ]
