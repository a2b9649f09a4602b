"""The period's violations and assignments grouped into the report's tables (pure).

Every table that counts violations counts the same rows: the violations of the period
(`app.reporting.figures.period_violations`, a step whose deadline fell in the period). The
per-step table, the department table and the staff table group those rows three ways, so
each one's total is the number of violations of the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from math import ceil

from app.deadlines.violations import ViolationView

NO_DEPARTMENT = "Без подразделения (этапы до направления в подразделение)"


@dataclass(frozen=True)
class StepRow:
    """Violations of one kind of step in the period."""

    step: str
    clause: str
    violations: int
    resolved: int
    unresolved: int
    median_late_minutes: int


@dataclass(frozen=True)
class AssignmentCounts:
    """Assignments of the period's cases held by one department or person (from SQL)."""

    key: int | None  # department id or person id; None: no person
    name: str
    received: int
    done: int
    on_time: int
    open: int
    returned_outside: int


@dataclass(frozen=True)
class GroupRow:
    """One row of the department or staff table."""

    name: str
    received: int  # assignments of the period's cases
    done: int  # … answered (the assignment is done)
    on_time: int  # … answered with no step of it late
    open: int  # … not answered yet
    returned_outside: int  # … returned as outside the department's competence
    violations: int  # violations of the period charged to this department or person


def lower_median(values: Sequence[int]) -> int:
    """The lower middle value (PostgreSQL percentile_disc(0.5)); 0 for none."""
    ordered = sorted(values)
    return ordered[max(ceil(len(ordered) * 0.5) - 1, 0)] if ordered else 0


def by_step(rows: Iterable[ViolationView]) -> list[StepRow]:
    """Per step: violations, resolved (done late), still open, median lateness."""
    groups: dict[str, list[ViolationView]] = defaultdict(list)
    for row in rows:
        groups[row.step].append(row)
    out = [
        StepRow(
            step,
            min(v.clause for v in items),
            len(items),
            sum(1 for v in items if v.resolved_at is not None),
            sum(1 for v in items if v.resolved_at is None),
            lower_median([v.lateness_minutes for v in items]),
        )
        for step, items in groups.items()
    ]
    return sorted(out, key=lambda s: (-s.violations, s.step))


def merge(
    counts: Iterable[AssignmentCounts],
    violations: dict[int | None, int],
    names: dict[int | None, str],
) -> list[GroupRow]:
    """Assignment counts and violation counts on one key; a key with violations only (a
    case of an earlier period, a step before routing) gets a row of its own."""
    rows: dict[int | None, GroupRow] = {}
    for c in counts:
        rows[c.key] = GroupRow(
            c.name,
            c.received,
            c.done,
            c.on_time,
            c.open,
            c.returned_outside,
            violations.get(c.key, 0),
        )
    for key, n in violations.items():
        if key not in rows:
            rows[key] = GroupRow(names[key], 0, 0, 0, 0, 0, n)
    return sorted(rows.values(), key=lambda g: (-g.violations, -g.received, g.name))


def by_department(
    counts: Iterable[AssignmentCounts], rows: Iterable[ViolationView]
) -> list[GroupRow]:
    """The department table: assignments and the period's violations per department."""
    violations: dict[int | None, int] = defaultdict(int)
    names: dict[int | None, str] = {}
    for v in rows:
        violations[v.department_id] += 1
        names[v.department_id] = v.department_name or NO_DEPARTMENT
    return merge(counts, dict(violations), names)


def by_person(
    counts: Iterable[AssignmentCounts],
    rows: Iterable[ViolationView],
    unassigned: Callable[[str], str],
) -> list[GroupRow]:
    """The staff table: assignments per executor and the period's violations per person
    charged; `unassigned(role)` names a step nobody was charged with («Исполнитель (не
    назначен)»). Keys: a user id; None for an unassigned executor; a negative number per
    other role nobody was charged for."""
    violations: dict[int | None, int] = defaultdict(int)
    names: dict[int | None, str] = {}
    role_keys: dict[str, int] = {}
    for v in rows:
        key: int | None = v.responsible_user_id
        if key is None:
            # Unassigned executors share the row of unassigned assignments (key None).
            if v.responsible_role == "executor":
                key = None
            else:
                key = role_keys.setdefault(v.responsible_role, -1 - len(role_keys))
        violations[key] += 1
        names[key] = v.responsible_name or unassigned(v.responsible_role)
    return merge(counts, dict(violations), names)


def total(rows: Sequence[GroupRow]) -> GroupRow:
    """The «Итого» row of a table."""
    return GroupRow(
        "Итого",
        sum(r.received for r in rows),
        sum(r.done for r in rows),
        sum(r.on_time for r in rows),
        sum(r.open for r in rows),
        sum(r.returned_outside for r in rows),
        sum(r.violations for r in rows),
    )
