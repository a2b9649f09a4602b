"""The summary and violations reports as data: what the web page, PDF and XLSX all show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.core import clock
from app.db.tables import Department
from app.deadlines.violations import ViolationView, violations_for_period
from app.identity.organisations import OrganisationRules
from app.reporting.figures import Scope, Timeliness, case_timeliness, timeliness
from app.reporting.figures.dynamics import Dynamics, dynamics
from app.reporting.figures.quality import Quality, quality
from app.reporting.figures.steps import StepDone, steps_done, timed_steps_of
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

    @property
    def bounds_text(self) -> str:
        """«с 16.11.2026 00:00 по 23.11.2026 00:00 (Europe/Moscow)»."""
        fmt = "%d.%m.%Y %H:%M"
        start, end = self.start, self.end
        return f"с {start:{fmt}} по {end:{fmt}} (не включая), часовой пояс {self.timezone}"


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


async def _header(
    rules: OrganisationRules, period: Period, clause: str, department_id: int | None
) -> ReportHeader:
    start, end = period.bounds(rules.calendar.tz)
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
        clause,
        clock.now(),
    )


async def build_summary(
    rules: OrganisationRules, period: Period, department_id: int | None = None
) -> SummaryReport:
    """Compute every figure of the summary for the period (and department)."""
    header = await _header(rules, period, rules.profile.reports.summary.clause, department_id)
    scope = Scope(rules.id, header.start, header.end, department_id)
    prev = period.previous()
    p_start, p_end = prev.bounds(rules.calendar.tz)
    prev_scope = Scope(rules.id, p_start, p_end, department_id)
    history = [(p.short, *p.bounds(rules.calendar.tz)) for p in period.history(TREND_PERIODS)]
    return SummaryReport(
        header=header,
        timeliness=await timeliness(scope, rules.calendar),
        quality=await quality(scope),
        dynamics=await dynamics(scope, prev_scope, history),
        previous=await case_timeliness(prev_scope, rules.calendar),
        steps_done=await steps_done(scope, timed_steps_of(rules.profile)),
    )


async def build_violations(rules: OrganisationRules, period: Period) -> ViolationsReport:
    """Every violation due in the period, with who, step, clause, lateness and outcome."""
    header = await _header(rules, period, rules.profile.reports.violations.clause, None)
    rows = await violations_for_period(rules.id, header.start, header.end)
    return ViolationsReport(header, sorted(rows, key=lambda r: (r.due_at, r.id)))
