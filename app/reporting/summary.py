"""The summary and violations reports as data: what the web page, PDF and XLSX all show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.core import clock
from app.db.tables import Department
from app.deadlines.violations import ViolationView, violations_for_period
from app.domain.regulation.model import RegulationProfile, ReportRule
from app.domain.report_schedule import ReportSchedule, report_schedule
from app.domain.worktime import OutOfCalendarError
from app.domain.worktime.zones import zone_short, zone_title
from app.identity.organisations import OrganisationRules
from app.reporting.figures import Scope, Timeliness, case_timeliness, timeliness
from app.reporting.figures.dynamics import Dynamics, dynamics
from app.reporting.figures.quality import Quality, quality
from app.reporting.figures.steps import StepDone, steps_done, timed_steps_of
from app.reporting.formatting import responsible
from app.reporting.periods import Period

TREND_PERIODS = 8


@dataclass(frozen=True)
class ReportHeader:
    """What every report states: who, which period, its boundaries and the rules used."""

    organisation: str
    department: str
    period: Period
    start: datetime
    end: datetime
    timezone: str
    profile_name: str
    clause: str
    generated_at: datetime
    note: str = ""  # why the report was made before its period ended (empty: it was not)
    profile: RegulationProfile | None = None  # names the roles («Исполнитель (не назначен)»)

    @property
    def zone(self) -> str:
        """The organisation's zone as read: «Москва, МСК (UTC+3)»."""
        return zone_title(self.timezone, self.start)

    @property
    def zone_short(self) -> str:
        """«МСК», «МСК+2»: printed after local times."""
        return zone_short(self.timezone, self.start)

    @property
    def bounds_text(self) -> str:
        """«с 16.11.2026 00:00 по 23.11.2026 00:00 (не включая), время: Москва, МСК (UTC+3)»."""
        fmt = "%d.%m.%Y %H:%M"
        start, end = self.start, self.end
        return f"с {start:{fmt}} по {end:{fmt}} (не включая), время: {self.zone}"


@dataclass(frozen=True)
class SummaryReport:
    """The summary report (Penza p.20, Parfino p.23)."""

    header: ReportHeader
    timeliness: Timeliness
    quality: Quality
    dynamics: Dynamics
    previous: Timeliness
    steps_done: list[StepDone]


@dataclass(frozen=True)
class ViolationsReport:
    """The violations report (Penza p.19, Parfino p.22): every violation due in the period."""

    header: ReportHeader
    rows: list[ViolationView]

    @property
    def unresolved(self) -> int:
        """Violations whose step is still open."""
        return sum(1 for r in self.rows if r.resolved_at is None)


def schedule_of(rules: OrganisationRules, rule: ReportRule, period: Period) -> ReportSchedule:
    """When the period's report is made (app.domain.report_schedule; the due day counts for
    monthly reports only)."""
    due_day = rule.due_day if period.kind == "month" else None
    return report_schedule(rules.calendar, period.last_excl, due_day)


def early_note(
    rules: OrganisationRules, rule: ReportRule, period: Period, now: datetime, end: datetime
) -> str:
    """The sentence a report made before its period ended carries: why (the January
    holidays before the due day) or, on demand, that the figures are those of the moment."""
    if now >= end:
        return ""
    try:
        schedule = schedule_of(rules, rule, period)
    except OutOfCalendarError:
        schedule = None
    if schedule and schedule.before_period_end and now >= schedule.make_at:
        return schedule.note_ru(rule.clause)
    return "Отчётный период ещё не закончился: данные — на момент формирования."


async def _header(
    rules: OrganisationRules, period: Period, rule: ReportRule, department_id: int | None
) -> ReportHeader:
    start, end = period.bounds(rules.calendar.tz)
    now = clock.now()
    department = ""
    if department_id is not None:
        row = (
            await Department.select(Department.name)
            .where((Department.id == department_id) & (Department.organisation == rules.id))
            .first()
        )
        department = row["name"] if row else ""
    return ReportHeader(
        rules.name,
        department,
        period,
        start,
        end,
        rules.timezone,
        rules.profile.name,
        rule.clause,
        now,
        early_note(rules, rule, period, now, end),
        rules.profile,
    )


async def build_summary(
    rules: OrganisationRules, period: Period, department_id: int | None = None
) -> SummaryReport:
    """Compute every figure of the summary for the period (and department)."""
    header = await _header(rules, period, rules.profile.reports.summary, department_id)
    scope = Scope(rules.id, header.start, header.end, department_id)
    prev = period.previous()
    p_start, p_end = prev.bounds(rules.calendar.tz)
    prev_scope = Scope(rules.id, p_start, p_end, department_id)
    history = [(p.short, *p.bounds(rules.calendar.tz)) for p in period.history(TREND_PERIODS)]
    return SummaryReport(
        header=header,
        timeliness=await timeliness(
            scope, rules.calendar, lambda role: responsible("", role, rules.profile)
        ),
        quality=await quality(scope),
        dynamics=await dynamics(scope, prev_scope, history),
        previous=await case_timeliness(prev_scope, rules.calendar),
        steps_done=await steps_done(scope, timed_steps_of(rules.profile)),
    )


async def build_violations(rules: OrganisationRules, period: Period) -> ViolationsReport:
    """Every violation due in the period, with who, step, clause, lateness and outcome."""
    header = await _header(rules, period, rules.profile.reports.violations, None)
    rows = await violations_for_period(rules.id, header.start, header.end)
    return ViolationsReport(header, sorted(rows, key=lambda r: (r.due_at, r.id)))
