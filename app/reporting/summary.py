"""The summary and violations reports as data: what the web page, PDF and XLSX all show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.core import clock
from app.db.tables import Department
from app.deadlines.violations import ViolationView, violations_for_period
from app.domain.regulation.model import RegulationProfile, ReportRule
from app.domain.report_schedule import ReportSchedule, report_schedule
from app.domain.roles import Role
from app.domain.worktime import OutOfCalendarError
from app.domain.worktime.zones import zone_short, zone_title
from app.identity.organisations import OrganisationRules
from app.reporting.figures import (
    Scope,
    Timeliness,
    case_timeliness,
    period_breaches,
    timeliness,
)
from app.reporting.figures.dynamics import Dynamics, dynamics
from app.reporting.figures.quality import Quality, quality
from app.reporting.figures.screening import ScreeningWait, screening_wait
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
    screening: ScreeningWait | None = None
    breaches: list[ViolationView] = field(default_factory=list)

    @property
    def breaches_decided(self) -> int:
        """Other breaches of the period with the official's decision recorded."""
        return sum(1 for b in self.breaches if b.decided_at is not None)


@dataclass(frozen=True)
class ViolationsReport:
    """The violations report (Penza p.19, Parfino p.22): every violation due in the period."""

    header: ReportHeader
    rows: list[ViolationView]
    covers: tuple[Role, ...] = ()  # whose breaches the report is about (Parfino p.22)

    def _covered(self, r: ViolationView) -> bool:
        return not self.covers or r.responsible_role in {str(c) for c in self.covers}

    @property
    def deadline_rows(self) -> list[ViolationView]:
        """Missed deadlines of the people the report is about (everyone's in Penza)."""
        return [r for r in self.rows if r.is_deadline and self._covered(r)]

    @property
    def other_step_rows(self) -> list[ViolationView]:
        """Missed deadlines of other steps (Parfino: the monitoring officer's and the
        coordinator's), shown apart for information."""
        return [r for r in self.rows if r.is_deadline and not self._covered(r)]

    @property
    def breach_rows(self) -> list[ViolationView]:
        """Breaches other than deadlines the official recorded (Penza p.19, Parfino p.22)."""
        return [r for r in self.rows if not r.is_deadline]

    @property
    def unresolved(self) -> int:
        """Missed deadlines of the report's people whose step is still open."""
        return sum(1 for r in self.deadline_rows if r.resolved_at is None)

    @property
    def decided(self) -> int:
        """Breaches of every section with the official's decision recorded."""
        return sum(1 for r in self.rows if r.decided_at is not None)


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
        # Screening happens before any department has the message: organisation-wide only.
        screening=await screening_wait(scope) if department_id is None else None,
        breaches=await period_breaches(scope),
    )


async def build_violations(rules: OrganisationRules, period: Period) -> ViolationsReport:
    """Every violation due in the period, with who, step, clause, lateness and outcome."""
    header = await _header(rules, period, rules.profile.reports.violations, None)
    rows = await violations_for_period(rules.id, header.start, header.end)
    covers = rules.profile.reports.violations.covers
    return ViolationsReport(header, sorted(rows, key=lambda r: (r.due_at, r.id)), covers)
