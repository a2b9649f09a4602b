"""Heightened activity (Penza p.21, Parfino p.24) and the monthly report reminder (Parfino p.22).

Both run in the sweep. Messages are counted per topic and per address (Message.places) in
the window and in the same weekday-hours of earlier weeks (app.domain.activity decides); an
ActivityAlert is unique per organisation, subject and working-time window, the reminder per
organisation, month and person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.asyncio import Redis

from app.core import links
from app.db.tables import ActivityAlert, Violation
from app.deadlines.alerts import (
    NOTIFY_SAMPLES,
    alert_messages,
    list_activity_alerts,
    subject_ru,
)
from app.deadlines.texts import local
from app.domain.activity import ActivityRule, Surge, SurgeKind, detect_surge, window_block
from app.domain.escalation import Staff, report_period_for, violations_report_due
from app.domain.regulation.model import ReportPeriod
from app.domain.roles import Role
from app.domain.worktime.year_table import MONTHS_RU
from app.identity.organisations import OrganisationRules
from app.notify.notifications import Kind, NewNotification, create_notifications

__all__ = ["count_subjects", "detect_activity", "list_activity_alerts", "remind_violations_report"]

# The window (k = 0) and the same weekday-hours of earlier weeks (k = 1 … N), counted per
# topic and per address; only subjects present in the window are counted back.
_COUNTS = """
WITH w AS (
    SELECT * FROM unnest({}::int[], {}::timestamptz[], {}::timestamptz[]) AS w(k, s, e)
), m AS (
    SELECT id, topics, places, coalesce(posted_at, collected_at) AS at
    FROM message
    WHERE organisation = {} AND state <> 'refused'
      AND coalesce(posted_at, collected_at) >= {} AND coalesce(posted_at, collected_at) <= {}
), keyed AS (
    SELECT 'topic' AS kind, t AS subject, m.id, m.at
    FROM m CROSS JOIN LATERAL unnest(m.topics) AS t
    UNION ALL
    SELECT 'place' AS kind, p AS subject, m.id, m.at
    FROM m CROSS JOIN LATERAL unnest(m.places) AS p WHERE {}
), recent AS (
    SELECT DISTINCT kind, subject FROM keyed JOIN w ON w.k = 0 AND keyed.at BETWEEN w.s AND w.e
)
SELECT keyed.kind, keyed.subject, w.k, count(*) AS n,
       coalesce(array_agg(keyed.id ORDER BY keyed.id) FILTER (WHERE w.k = 0),
                ARRAY[]::int[]) AS ids
FROM keyed
JOIN recent ON recent.kind = keyed.kind AND recent.subject = keyed.subject
JOIN w ON keyed.at BETWEEN w.s AND w.e
GROUP BY keyed.kind, keyed.subject, w.k
"""


@dataclass(frozen=True)
class Counted:
    """One topic or address: its messages in the window and its counts in earlier weeks."""

    kind: SurgeKind
    subject: str
    ids: list[int]
    weekly: list[int]


async def count_subjects(
    rules: OrganisationRules, rule: ActivityRule, window_start: datetime, now: datetime
) -> list[Counted]:
    """Messages per topic and per address in the window and the same window of earlier weeks."""
    shifts = [timedelta(0), *rule.shifts()]
    rows = await ActivityAlert.raw(
        _COUNTS,
        list(range(len(shifts))),
        [window_start - s for s in shifts],
        [now - s for s in shifts],
        rules.id,
        window_start - shifts[-1],
        now,
        rule.by_place,
    )
    found: dict[tuple[str, str], Counted] = {}
    for row in rows:
        key = (row["kind"], row["subject"])
        item = found.setdefault(
            key, Counted(SurgeKind(row["kind"]), row["subject"], [], [0] * rule.baseline_weeks)
        )
        if row["k"] == 0:
            item.ids.extend(row["ids"])
        else:
            item.weekly[row["k"] - 1] = int(row["n"])
    return sorted(found.values(), key=lambda c: (c.kind, c.subject))


async def detect_activity(
    rules: OrganisationRules, rule: ActivityRule, staff: Staff, now: datetime, redis: Redis | None
) -> int:
    """Record an alert for each topic or address with heightened activity and tell the
    specialists (once per subject and working-time window)."""
    if not rule.enabled:
        return 0
    window_start = rules.calendar.add(now, -rule.window)
    year_start = local(rules, now).replace(month=1, day=1, hour=0, minute=0, second=0)
    block = window_block(rules.calendar.between(year_start, now), rule)
    created = 0
    for counted in await count_subjects(rules, rule, window_start, now):
        surge = detect_surge(counted.subject, len(counted.ids), counted.weekly, rule, counted.kind)
        if surge is None:
            continue
        prefix = "" if surge.kind is SurgeKind.TOPIC else "place:"
        inserted = (
            await ActivityAlert.insert(
                ActivityAlert(
                    organisation=rules.id,
                    topic=surge.topic[:120],
                    place=surge.place[:200],
                    window_start=window_start,
                    window_end=now,
                    message_count=surge.count,
                    usual=surge.usual,
                    reason=str(surge.reason),
                    message_ids=counted.ids,
                    created_at=now,
                    dedup_key=f"{rules.id}:{prefix}{surge.subject}:{year_start.year}:{block}"[:300],
                )
            )
            .on_conflict(target=ActivityAlert.dedup_key, action="DO NOTHING")
            .returning(ActivityAlert.id)
        )
        if inserted:
            created += 1
            await _tell_specialists(rules, rule, staff, surge, inserted[0]["id"], counted, redis)
    return created


async def _tell_specialists(
    rules: OrganisationRules,
    rule: ActivityRule,
    staff: Staff,
    surge: Surge,
    alert_id: int,
    counted: Counted,
    redis: Redis | None,
) -> None:
    clause = rules.profile.reports.immediate.clause
    hours = f"{rule.window_hours:g}"
    subject = subject_ru(surge.kind, surge.subject)
    samples = await alert_messages(rules.id, counted.ids[:NOTIFY_SAMPLES])
    listed = "; ".join(f"№{m.id} ({m.network_title}): «{m.excerpt}»" for m in samples)
    more = len(counted.ids) - len(samples)
    title = f"Повышенная активность {subject}"
    body = (
        f"За последние {hours} рабочих ч поступило {surge.count} сообщений {subject} "
        f"(обычно в эти часы около {surge.usual:.1f}): {listed}"
        f"{f' и ещё {more}' if more > 0 else ''}. Предлагается незамедлительный "
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
