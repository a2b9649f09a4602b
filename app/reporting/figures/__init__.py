"""The report's figures: one SQL function per figure, called by the web page, PDF, XLSX, tests.

The cases of a period are the messages marked as needing a reaction (detected_at) in
[start, end) of the organisation's zone; refused messages count by their screening instant.
Lateness comes from the Violation rows the timers record (one per missed step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from app.db.tables import Message
from app.domain.worktime import WorkCalendar


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
class GroupRow:
    """Assignments of one department or executor: received, on time, late, open, returned."""

    name: str
    received: int
    on_time: int
    late: int
    open: int
    returned_outside: int


@dataclass(frozen=True)
class StepRow:
    """Missed steps of one kind in the period (violations due in it)."""

    step: str
    clause: str
    violations: int
    resolved: int
    unresolved: int
    median_late_minutes: int


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


_STEPS = """
SELECT v.step, min(v.clause) AS clause, count(*) AS total,
  count(*) FILTER (WHERE v.resolved_at IS NOT NULL) AS resolved,
  percentile_disc(0.5) WITHIN GROUP (ORDER BY coalesce(v.final_late_minutes, v.late_minutes))
    AS median_late
FROM violation v
WHERE v.organisation = {} AND v.due_at >= {} AND v.due_at < {}
"""


async def steps_late(scope: Scope) -> list[StepRow]:
    """Per step: violations due in the period, resolved (done late) or still open."""
    sql = _STEPS
    params: list[Any] = [scope.organisation_id, scope.start, scope.end]
    if scope.department_id is not None:
        sql += " AND v.department = {}"
        params.append(scope.department_id)
    rows = await _raw(sql + " GROUP BY v.step ORDER BY total DESC, v.step", *params)
    return [
        StepRow(
            r["step"],
            r["clause"],
            r["total"],
            r["resolved"],
            r["total"] - r["resolved"],
            int(r["median_late"] or 0),
        )
        for r in rows
    ]


_GROUPS = """
WITH c AS ({cases}),
a AS (
  SELECT a.*, coalesce(a.executor, (SELECT d.author FROM draft d WHERE d.assignment = a.id
      AND d.author IS NOT NULL ORDER BY d.number DESC LIMIT 1)) AS person,
    EXISTS (SELECT 1 FROM violation v WHERE v.assignment = a.id) AS late
  FROM assignment a JOIN c ON c.id = a.message WHERE TRUE {where}
)
SELECT {key} AS name, count(*) AS received,
  count(*) FILTER (WHERE a.state = 'done' AND NOT a.late) AS on_time,
  count(*) FILTER (WHERE a.late) AS late,
  count(*) FILTER (WHERE a.state NOT IN ('done', 'returned_outside_competence')) AS open,
  count(*) FILTER (WHERE a.returned_outside_at IS NOT NULL) AS returned_outside
FROM a {join}
GROUP BY 1 ORDER BY late DESC, received DESC, 1
"""

_KEYS = {
    "department": ("dep.name", "JOIN department dep ON dep.id = a.department"),
    "executor": (
        "coalesce(u.full_name, 'не назначен')",
        "LEFT JOIN app_user u ON u.id = a.person",
    ),
}


async def assignment_groups(scope: Scope, by: str) -> list[GroupRow]:
    """Assignments of the period's cases per department or per executor ('by')."""
    cases, params = _cases_sql(scope)
    where, extra = _assignments_where(scope)
    key, join = _KEYS[by]
    sql = (
        _GROUPS.replace("{cases}", cases)
        .replace("{where}", where)
        .replace("{key}", key)
        .replace("{join}", join)
    )
    rows = await _raw(sql, *params, *extra)
    return [
        GroupRow(
            r["name"], r["received"], r["on_time"], r["late"], r["open"], r["returned_outside"]
        )
        for r in rows
    ]


async def timeliness(scope: Scope, calendar: WorkCalendar) -> Timeliness:
    """Every timeliness figure of the period (cases, steps, departments, executors)."""
    base = await case_timeliness(scope, calendar)
    return Timeliness(
        **{k: getattr(base, k) for k in base.__dataclass_fields__ if not k.startswith("by_")},
        by_step=await steps_late(scope),
        by_department=await assignment_groups(scope, "department"),
        by_executor=await assignment_groups(scope, "executor"),
    )
