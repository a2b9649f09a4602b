"""What the report pages show: the archive, the default period, the summary with charts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core import clock
from app.identity.organisations import OrganisationRules
from app.reporting.archive import summary_charts
from app.reporting.periods import Period, PeriodError, containing, kind_of, parse_period
from app.reporting.summary import build_summary, build_violations


def default_period(rules: OrganisationRules) -> Period:
    """The last complete period of the profile's summary (last week or last month)."""
    today = clock.now().astimezone(rules.calendar.tz).date()
    return containing(kind_of(rules.profile.reports.summary.period), today).previous()


def chosen_period(rules: OrganisationRules, raw: str | None) -> tuple[Period, str]:
    """The period asked for (else the default) and an error text when it was malformed."""
    if not raw:
        return default_period(rules), ""
    try:
        return parse_period(raw), ""
    except PeriodError:
        return default_period(rules), "Период указывается как 2026-W47 (неделя) или 2026-11."


@dataclass(frozen=True)
class ReportPage:
    """A report computed for the web page (the same objects the PDF renders)."""

    template: str
    context: dict[str, Any]


async def report_page(
    rules: OrganisationRules, kind: str, period: Period, department_id: int | None
) -> ReportPage:
    """The summary (with charts) or the violations report for the web page."""
    if kind == "violations":
        violations = await build_violations(rules, period)
        return ReportPage(
            "reporting/_violations_body.html", {"report": violations, "header": violations.header}
        )
    summary = await build_summary(rules, period, department_id)
    return ReportPage(
        "reporting/_summary_body.html",
        {"report": summary, "header": summary.header, "charts": summary_charts(summary)},
    )
