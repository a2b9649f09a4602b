"""The sweep: the database is the source of truth, so a worker that was down catches up.

Every minute (tasks.timers) and for every open case: warnings when a share of a step's budget
is left, the deadline notice at its due instant, a Violation once it has passed; then the
escalation of new violations (Penza p.19), heightened activity (Penza p.21, Parfino p.24) and
the reminder of the monthly violations report (Parfino p.22). Each is exactly-once by a unique
key (INSERT … ON CONFLICT DO NOTHING): two sweeps at once, or a sweep after a Redis restart,
produce nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from redis.asyncio import Redis

from app.core import clock
from app.db.json_columns import json_value
from app.db.tables import Message, Organisation, Violation
from app.deadlines.activity import detect_activity, remind_violations_report
from app.deadlines.reminders import alert_unscreened, remind_immediate_report
from app.deadlines.texts import case_url, local, step_text, violation_text
from app.deadlines.violations import AssignmentRefs, assignment_refs, record_violation
from app.domain.escalation import violation_recipients
from app.domain.regulation.model import Importance
from app.domain.roles import Role
from app.domain.timers import (
    Alarm,
    AlarmKind,
    AlertSettings,
    OpenStep,
    step_alarms,
    step_basis,
    step_budget,
)
from app.identity.organisations import OrganisationRules, organisation_rules
from app.identity.staff import load_staff
from app.notify.notifications import Kind, NewNotification, create_notifications

log = logging.getLogger(__name__)

OPEN_STATES = ("handing_over", "routing", "in_work")


@dataclass
class SweepResult:
    """What one sweep created (0 everywhere when it had already been done)."""

    notifications: int = 0
    violations: int = 0
    escalated: int = 0
    alerts: int = 0
    errors: list[str] = field(default_factory=list)


def _settings(raw: Any, organisation_id: int) -> AlertSettings:
    try:
        return AlertSettings.from_mapping(json_value(raw))
    except (TypeError, ValueError):
        log.warning("organisation %s: bad alert_settings, defaults used", organisation_id)
        return AlertSettings()


async def alert_settings(organisation_id: int) -> AlertSettings:
    """The organisation's timer and alert settings (defaults where unset or malformed)."""
    row = (
        await Organisation.select(Organisation.alert_settings)
        .where(Organisation.id == organisation_id)
        .first()
    )
    return _settings(row["alert_settings"] if row else None, organisation_id)


async def sweep(redis: Redis | None = None) -> SweepResult:
    """Sweep every organisation at the clock's now; one failing organisation stops no other."""
    now = clock.now()
    result = SweepResult()
    rows = await Organisation.select(Organisation.id, Organisation.alert_settings)
    for row in rows:
        try:
            await sweep_organisation(row["id"], now, result, redis, row["alert_settings"])
        except Exception as error:
            log.exception("sweep of organisation %s failed", row["id"])
            result.errors.append(f"{row['id']}: {error}")
    return result


async def sweep_organisation(
    organisation_id: int,
    now: datetime,
    result: SweepResult,
    redis: Redis | None = None,
    raw_settings: Any = None,
) -> None:
    """Timers, escalation and activity of one organisation."""
    rules = await organisation_rules(organisation_id)
    settings = _settings(raw_settings, organisation_id)
    staff = await load_staff(organisation_id, local(rules, now).date())
    messages = await Message.select(
        Message.id, Message.deadlines, Message.importance, Message.screened_by, Message.text
    ).where(
        (Message.organisation == organisation_id)
        & Message.state.is_in(list(OPEN_STATES))
        & Message.binding_due_at.is_not_null()
    )
    refs = await assignment_refs([m["id"] for m in messages])
    recorded = await _recorded(organisation_id, [m["id"] for m in messages])
    notes: list[NewNotification] = []
    for m in messages:
        raw = json_value(m["deadlines"])
        for step in (OpenStep.from_json(m["id"], d) for d in raw or ()):
            if step.due_at is None or step.conditional:
                continue  # paused (Parfino p.10), or binds only if taken (Penza p.9)
            ref = refs.get(step.assignment_id) if step.assignment_id else None
            notes += _step_notes(rules, settings, staff, step, ref, m, now)
            if now > step.due_at and _new_violation(step, recorded):
                vid = await record_violation(rules, staff, step, ref, m["screened_by"], now)
                result.violations += vid is not None
    result.notifications += len(await create_notifications(notes, redis))
    await escalate(rules, staff, now, result, redis)
    result.alerts += await detect_activity(rules, settings.activity, staff, now, redis)
    result.notifications += await alert_unscreened(rules, settings, staff, now, redis)
    result.notifications += await remind_immediate_report(rules, settings, staff, now, redis)
    result.notifications += await remind_violations_report(rules, staff, now, redis)


async def _recorded(organisation_id: int, message_ids: list[int]) -> set[str]:
    """Keys of violations already recorded for these cases, and `case:step:due` of case-level
    ones (an assignment carrying on a case-level late step is not charged again)."""
    if not message_ids:
        return set()
    v = Violation
    rows = await v.select(v.dedup_key, v.message, v.assignment, v.step, v.due_at).where(
        (v.organisation == organisation_id) & v.message.is_in(message_ids)
    )
    keys = {r["dedup_key"] for r in rows}
    keys |= {
        f"case:{r['message']}:{r['step']}:{r['due_at'].isoformat()}"
        for r in rows
        if r["assignment"] is None
    }
    return keys


def _new_violation(step: OpenStep, recorded: set[str]) -> bool:
    if step.key in recorded:
        return False
    assert step.due_at is not None
    return f"case:{step.message_id}:{step.step}:{step.due_at.isoformat()}" not in recorded


def _step_notes(
    rules: OrganisationRules,
    settings: AlertSettings,
    staff: Any,
    step: OpenStep,
    ref: AssignmentRefs | None,
    message: dict[str, Any],
    now: datetime,
) -> list[NewNotification]:
    """Notifications of the alarms of a step that have fallen due, for each responsible person."""
    if step.started_at > now:
        return []
    importance = Importance(message["importance"])
    budget = step_budget(rules.profile, rules.calendar, step, importance)
    basis = step_basis(rules.profile, step)
    alarms = step_alarms(rules.calendar, step, budget, settings.warning_shares, basis)
    due: list[Alarm] = [a for a in alarms if a.at <= now]
    if not due:
        return []
    department = ref.department_id if ref else None
    people = staff.step_people(Role(step.role), department, ref.executor_id if ref else None)
    out = []
    for alarm in due:
        title, body = step_text(rules, step, alarm, message["text"])
        kind = Kind.WARNING if alarm.kind is AlarmKind.WARNING else Kind.DEADLINE
        for user in people:
            out.append(
                NewNotification(
                    user,
                    kind,
                    title,
                    body,
                    case_url(rules, step.message_id),
                    f"{alarm.code}:{step.key}:u{user}",
                    rules.id,
                    step.message_id,
                )
            )
    return out


async def escalate(
    rules: OrganisationRules, staff: Any, now: datetime, result: SweepResult, redis: Redis | None
) -> None:
    """New violations go at once to the first deputy and the curating deputy (Penza p.19);
    profiles with a monthly report (Parfino p.22) only mark them handled."""
    rows = await Violation.select(
        Violation.id,
        Violation.message,
        Violation.step,
        Violation.due_at,
        Violation.clause,
        Violation.department,
        Violation.department.name.as_alias("department_name"),
        Violation.responsible_user.full_name.as_alias("responsible_name"),
        Violation.late_minutes,
    ).where((Violation.organisation == rules.id) & Violation.escalated_at.is_null())
    if not rows:
        return
    notes = []
    for v in rows:
        title, body = violation_text(rules, v)
        for user in violation_recipients(rules.profile, staff, v["department"]):
            notes.append(
                NewNotification(
                    user,
                    Kind.VIOLATION,
                    title,
                    body,
                    case_url(rules, v["message"]),
                    f"violation:{v['id']}:u{user}",
                    rules.id,
                    v["message"],
                )
            )
    created = await create_notifications(notes, redis)
    result.notifications += len(created)
    result.escalated += len(rows)
    await Violation.update({Violation.escalated_at: now}).where(
        Violation.id.is_in([v["id"] for v in rows]) & Violation.escalated_at.is_null()
    )
