"""Scheduled reports: each organisation's summary and violations report for the period just
ended, made once (unique key) and delivered to the profile's recipients in-app and by e-mail.

Made when `app.domain.report_schedule` says: Penza (weekly, p.20) on Monday morning for the
past week; Parfino (monthly, p.23 and p.22: «не позднее 5 числа») on the first working
morning of the month for the past one, or, when no working day comes by the 5th (January),
on the last working day of the reported month after working hours. Penza's violations go to
its officials at once (p.19, the timers' escalation); the weekly compilation comes with the
summary.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from app.core import clock, links
from app.core.config import get_settings
from app.db.tables import Organisation, Report
from app.domain.regulation.model import ReportPeriod, ReportRule
from app.domain.worktime import OutOfCalendarError
from app.identity.organisations import OrganisationRules, organisation_rules
from app.identity.report_recipients import report_recipients
from app.notify.notifications import Kind, NewNotification, create_notifications
from app.reporting.archive import TITLES, ReportFile, produce
from app.reporting.periods import Period, containing, kind_of
from app.reporting.summary import schedule_of

log = logging.getLogger(__name__)


@dataclass
class DeliveryResult:
    """What one run made and sent."""

    reports: int = 0
    notifications: int = 0
    errors: list[str] = field(default_factory=list)


def schedule_period(rules: OrganisationRules, rule: ReportRule) -> str:
    """week | month: the rule's own period, or the summary's for a report due at once."""
    period = rule.period
    if period is ReportPeriod.IMMEDIATE:
        period = rules.profile.reports.summary.period
    return kind_of(str(period))


def due_at(rules: OrganisationRules, rule: ReportRule, period: Period) -> datetime | None:
    """When the worker makes the period's report (None: beyond the production calendar)."""
    try:
        return schedule_of(rules, rule, period).make_at
    except OutOfCalendarError:
        log.warning("no production calendar for the report of %s", period.code)
        return None


def candidate_periods(rules: OrganisationRules, kind: str, now: datetime) -> list[Period]:
    """The last complete period of this kind at `now` (in the organisation's zone) and the
    current one (made before its end when its due day comes before any working day)."""
    current = containing(kind, now.astimezone(rules.calendar.tz).date())
    return [current.previous(), current]


def _key(rules: OrganisationRules, kind: str, period: Period, file_format: str) -> str:
    return f"scheduled:{rules.id}:{kind}:{period.code}:{file_format}"


async def _notify(rules: OrganisationRules, rule: ReportRule, kind: str, made: ReportFile) -> int:
    title = f"{TITLES[kind]}: {made.period_title}"
    relative = made.path.relative_to(get_settings().var_dir).as_posix()
    items = [
        NewNotification(
            user_id=user,
            kind=Kind.REPORT,
            title=title,
            body=f"{rules.name}: {TITLES[kind].lower()} (п. {rule.clause}, {rules.profile.name}) "
            "подписана электронной подписью и приложена к письму.",
            url=links.report_file(rules.slug, made.id),
            dedup_key=f"report:{rules.id}:{kind}:{made.period}:{user}",
            organisation_id=rules.id,
            attachment=relative,
        )
        for user in await report_recipients(
            rules.id, kind, rule, clock.now().astimezone(rules.calendar.tz).date()
        )
    ]
    return len(await create_notifications(items))


async def deliver_organisation(
    rules: OrganisationRules, now: datetime, result: DeliveryResult, since: datetime
) -> None:
    """Make and deliver the organisation's due reports that are not made yet; none for a
    period that ended before the organisation was set up (`since`): it had no work then."""
    for kind in ("summary", "violations"):
        rule: ReportRule = getattr(rules.profile.reports, kind)
        for period in candidate_periods(rules, schedule_period(rules, rule), now):
            due = due_at(rules, rule, period)
            if due is None or now < due or period.bounds(rules.calendar.tz)[1] <= since:
                continue
            await _deliver(rules, rule, kind, period, result)


async def _deliver(
    rules: OrganisationRules, rule: ReportRule, kind: str, period: Period, result: DeliveryResult
) -> None:
    """Make the period's report (PDF and XLSX) once and notify its recipients."""
    if await Report.exists().where(Report.dedup_key == _key(rules, kind, period, "pdf")):
        return
    made = await produce(rules, kind, period, "pdf", dedup_key=_key(rules, kind, period, "pdf"))
    if made is None:  # another worker made it a moment ago
        return
    await produce(rules, kind, period, "xlsx", dedup_key=_key(rules, kind, period, "xlsx"))
    result.reports += 1
    result.notifications += await _notify(rules, rule, kind, made)


async def deliver_due() -> DeliveryResult:
    """Every organisation's due reports; one failing organisation stops no other."""
    now = clock.now()
    result = DeliveryResult()
    for row in await Organisation.select(Organisation.id, Organisation.created_at):
        try:
            rules = await organisation_rules(row["id"])
            await deliver_organisation(rules, now, result, row["created_at"])
        except Exception as error:
            log.exception("reports of organisation %s failed", row["id"])
            result.errors.append(f"{row['id']}: {error}")
    return result
