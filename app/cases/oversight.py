"""Figures for the official's oversight page: per department, this week and this month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core import clock
from app.db.tables import Message
from app.identity.organisations import OrganisationRules


@dataclass(frozen=True)
class DepartmentFigures:
    """One department's assignments in a period, and what is open or overdue now."""

    department: str
    received: int
    answered: int
    returned_outside: int
    revision_rounds: int
    open_now: int
    overdue_now: int


def period_starts(rules: OrganisationRules) -> tuple[datetime, datetime]:
    """Local midnight of this ISO week's Monday and of the month's first day."""
    local = clock.now().astimezone(rules.calendar.tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=local.weekday()), midnight.replace(day=1)


async def department_figures(rules: OrganisationRules, since: datetime) -> list[DepartmentFigures]:
    """Every active department's figures since `since` (counts are of assignments)."""
    # Piccolo numbers the {} placeholders in order: since ×4, now, organisation.
    rows = await Message.raw(
        """
        SELECT d.name,
          count(a.id) FILTER (WHERE a.assigned_at >= {}) AS received,
          count(a.id) FILTER (WHERE a.done_at >= {}) AS answered,
          count(a.id) FILTER (WHERE a.returned_outside_at >= {}) AS returned_outside,
          coalesce(sum(a.revision_rounds) FILTER (WHERE a.assigned_at >= {}), 0) AS rounds,
          count(a.id) FILTER (WHERE a.state NOT IN ('done', 'returned_outside_competence'))
            AS open_now,
          count(a.id) FILTER (WHERE a.state NOT IN ('done', 'returned_outside_competence')
            AND a.due_at < {}) AS overdue_now
        FROM department d LEFT JOIN assignment a ON a.department = d.id
        WHERE d.organisation = {} AND d.is_active
        GROUP BY d.id, d.name ORDER BY overdue_now DESC, open_now DESC, d.name
        """,
        *(since,) * 4,
        clock.now(),
        rules.id,
    )
    return [
        DepartmentFigures(
            r["name"],
            r["received"],
            r["answered"],
            r["returned_outside"],
            int(r["rounds"]),
            r["open_now"],
            r["overdue_now"],
        )
        for r in rows
    ]
