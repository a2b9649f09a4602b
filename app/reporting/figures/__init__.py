"""The report's figures: one SQL function per figure, called by the web page, PDF, XLSX, tests.

The cases of a period are the messages marked as needing a reaction (detected_at) in
[start, end) of the organisation's zone; refused messages count by their screening instant.
Lateness comes from the Violation rows the timers record (one per missed step); the
violations of a period are those whose step was due in it (`period_violations`, the same
rows as the violations report and the register), and every table counting violations groups
exactly those rows (`grouping`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np

from app.db.tables import Message
from app.deadlines.violations import ViolationView, list_violations
from app.domain.breaches import BreachKind
from app.domain.roles import ROLE_TITLES, Role
from app.domain.worktime import WorkCalendar
from app.reporting.figures.grouping import (
    AssignmentCounts,
    GroupRow,
    StepRow,
    by_department,
    by_person,
    by_step,
    total,
)


@dataclass(frozen=True)
class Scope:
    """Whose figures: an organisation in [start, end), optionally one department."""

    organisation_id: int
    start: datetime
    end: datetime
    department_id: int | None = None


def _cases_sql(scope: Scope) -> tuple[str, list[Any]]:
    """The period's cases as a CTE body, and its parameters (always passed, never formatted)."""
    sql = (
        "SELECT m.* FROM message m WHERE m.organisation = {} AND m.detected_at >= {} "
        "AND m.detected_at < {} AND m.state <> 'refused'"
    )
    params: list[Any] = [scope.organisation_id, scope.start, scope.end]
    if scope.department_id is not None:
        sql += (
            " AND EXISTS (SELECT 1 FROM assignment x WHERE x.message = m.id AND x.department = {})"
        )
        params.append(scope.department_id)
    return sql, params


def _assignments_where(scope: Scope) -> tuple[str, list[Any]]:
    if scope.department_id is None:
        return "", []
    return " AND a.department = {}", [scope.department_id]


async def _raw(sql: str, *params: Any) -> list[dict[str, Any]]:
    return list(await Message.raw(sql, *params))


# -- timeliness --------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeliness:
    """Cases of the period: answered on time, late, open; working time to answer."""

    cases: int
    answered_on_time: int
    answered_late: int
    open: int
    open_late: int
    median_minutes: int | None
    p90_minutes: int | None
    by_step: list[StepRow] = field(default_factory=list)
    by_department: list[GroupRow] = field(default_factory=list)
    by_executor: list[GroupRow] = field(default_factory=list)

    @property
    def violations(self) -> int:
        """Violations of the period (the per-step table's total)."""
        return sum(s.violations for s in self.by_step)

    @property
    def department_total(self) -> GroupRow:
        """The department table's «Итого» row."""
        return total(self.by_department)

    @property
    def executor_total(self) -> GroupRow:
        """The staff table's «Итого» row."""
        return total(self.by_executor)

    @property
    def on_time_share(self) -> float | None:
        """Share of answered cases answered on time (None when nothing was answered)."""
        answered = self.answered_on_time + self.answered_late
        return self.answered_on_time / answered if answered else None


_CASE_ROWS = """
WITH c AS ({cases})
SELECT c.id, c.state, c.detected_at,
  (SELECT max(a.done_at) FROM assignment a WHERE a.message = c.id AND a.state = 'done')
    AS answered_at,
  EXISTS (SELECT 1 FROM violation v WHERE v.message = c.id AND v.step = 'answer') AS late
FROM c
"""


def working_minutes(calendar: WorkCalendar, starts: list[datetime], ends: list[datetime]) -> Any:
    """Working minutes between paired instants (vectorised WorkCalendar.between)."""
    if not starts:
        return np.zeros(0)
    s = np.array([t.timestamp() * 1e6 for t in starts], dtype=np.int64)
    e = np.array([t.timestamp() * 1e6 for t in ends], dtype=np.int64)
    spans = calendar.batch.between(s.view("M8[us]"), e.view("M8[us]"))
    return spans.astype("m8[us]").view(np.int64) / 60e6


async def case_timeliness(scope: Scope, calendar: WorkCalendar) -> Timeliness:
    """Cases answered on time / late / open; median and p90 working minutes to answer."""
    cases, params = _cases_sql(scope)
    rows = await _raw(_CASE_ROWS.replace("{cases}", cases), *params)
    done = [r for r in rows if r["state"] == "done" and r["answered_at"] is not None]
    late_done = sum(1 for r in done if r["late"])
    open_rows = [r for r in rows if r["state"] != "done"]
    minutes = working_minutes(
        calendar, [r["detected_at"] for r in done], [r["answered_at"] for r in done]
    )
    median = round(float(np.median(minutes))) if len(minutes) else None
    p90 = round(float(np.percentile(minutes, 90))) if len(minutes) else None
    return Timeliness(
        cases=len(rows),
        answered_on_time=len(done) - late_done,
        answered_late=late_done,
        open=len(open_rows),
        open_late=sum(1 for r in open_rows if r["late"]),
        median_minutes=median,
        p90_minutes=p90,
    )


async def period_violations(scope: Scope) -> list[ViolationView]:
    """The violations of the period: a step due in [start, end) (and, for one department,
    charged to it). The same query as the violations report and the register."""
    return await list_violations(
        scope.organisation_id,
        start=scope.start,
        end=scope.end,
        department_id=scope.department_id,
        kind=BreachKind.DEADLINE,
        limit=1_000_000,
    )


async def period_breaches(scope: Scope) -> list[ViolationView]:
    """Breaches other than deadlines the official recorded in the period (Penza p.19)."""
    rows = await list_violations(
        scope.organisation_id,
        start=scope.start,
        end=scope.end,
        department_id=scope.department_id,
        limit=1_000_000,
    )
    return [r for r in rows if not r.is_deadline]


async def steps_late(scope: Scope) -> list[StepRow]:
    """Per step: violations of the period, resolved (done late) or still open."""
    return by_step(await period_violations(scope))


_GROUPS = """
WITH c AS ({cases}),
a AS (
  SELECT a.*, coalesce(a.executor, (SELECT d.author FROM draft d WHERE d.assignment = a.id
      AND d.author IS NOT NULL ORDER BY d.number DESC LIMIT 1)) AS person,
    EXISTS (SELECT 1 FROM violation v WHERE v.assignment = a.id AND v.kind = 'deadline') AS late
  FROM assignment a JOIN c ON c.id = a.message WHERE TRUE {where}
)
SELECT {key} AS key, {name} AS name, count(*) AS received,
  count(*) FILTER (WHERE a.state = 'done') AS done,
  count(*) FILTER (WHERE a.state = 'done' AND NOT a.late) AS on_time,
  count(*) FILTER (WHERE a.state NOT IN ('done', 'returned_outside_competence')) AS open,
  count(*) FILTER (WHERE a.returned_outside_at IS NOT NULL) AS returned_outside
FROM a {join}
GROUP BY 1, 2 ORDER BY received DESC, 2
"""

_KEYS = {
    "department": ("dep.id", "dep.name", "JOIN department dep ON dep.id = a.department"),
    "executor": ("u.id", "coalesce(u.full_name, '')", "LEFT JOIN app_user u ON u.id = a.person"),
}


async def assignment_groups(scope: Scope, by: str) -> list[AssignmentCounts]:
    """Assignments of the period's cases per department or per executor ('by'): received,
    done, done with no step late (whenever due), open, returned outside competence."""
    cases, params = _cases_sql(scope)
    where, extra = _assignments_where(scope)
    key, name, join = _KEYS[by]
    sql = (
        _GROUPS.replace("{cases}", cases)
        .replace("{where}", where)
        .replace("{key}", key)
        .replace("{name}", name)
        .replace("{join}", join)
    )
    rows = await _raw(sql, *params, *extra)
    return [
        AssignmentCounts(
            r["key"],
            r["name"],
            r["received"],
            r["done"],
            r["on_time"],
            r["open"],
            r["returned_outside"],
        )
        for r in rows
    ]


def generic_title(role: str) -> str:
    """A role nobody was charged with, by its generic title: «Исполнитель (не назначен)»."""
    return f"{ROLE_TITLES[Role(role)]} (не назначен)" if role in set(Role) else "не назначен"


async def timeliness(
    scope: Scope, calendar: WorkCalendar, unassigned: Callable[[str], str] = generic_title
) -> Timeliness:
    """Every timeliness figure of the period (cases, steps, departments, staff); the three
    violation tables group the same rows (`period_violations`)."""
    base = await case_timeliness(scope, calendar)
    violations = await period_violations(scope)
    people = await assignment_groups(scope, "executor")
    people = [c if c.name else replace(c, name=unassigned("executor")) for c in people]
    return Timeliness(
        **{k: getattr(base, k) for k in base.__dataclass_fields__ if not k.startswith("by_")},
        by_step=by_step(violations),
        by_department=by_department(await assignment_groups(scope, "department"), violations),
        by_executor=by_person(people, violations, unassigned),
    )
