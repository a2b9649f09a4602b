"""Read models for the role pages: queues sorted by their nearest deadline, with countdowns."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from app.core import clock
from app.db.json_columns import json_value
from app.db.rows import view_of
from app.db.tables import Department, Message
from app.deadlines.sweep import alert_settings
from app.deadlines.texts import minutes_ru
from app.domain.intake import NETWORKS
from app.domain.lifecycle import STATE_TITLES, STEP_TITLES, Entity, Step
from app.domain.timers import working_minutes
from app.domain.worktime import WorkCalendar, WorktimeError
from app.identity.organisations import OrganisationRules
from app.web.forms import to_int

PAGE_SIZE = 50
OPEN_MESSAGE_STATES = ("handing_over", "routing", "in_work")
CLOSED_ASSIGNMENT_STATES = ("done", "returned_outside_competence")
# Search input is untrusted: bounded before it reaches plainto_tsquery.
MAX_QUERY = 200
# The countdown turns amber when less than this share of the step's budget is left.
WARN_SHARE = 0.25
SEARCH_VECTOR = "to_tsvector('russian', coalesce(m.text, '') || ' ' || coalesce(m.author_name, ''))"


@dataclass(frozen=True)
class Countdown:
    """Working time left until a step's deadline (negative when overdue)."""

    step: str
    due_at: datetime
    remaining_seconds: int
    budget_seconds: int
    computed_at: datetime  # the server's now when remaining_seconds was computed

    @property
    def step_title(self) -> str:
        """Russian name of the step."""
        return STEP_TITLES.get(Step(self.step), self.step) if self.step else ""

    @property
    def level(self) -> str:
        """ok / warn (under a quarter of the budget left) / overdue."""
        if self.remaining_seconds < 0:
            return "overdue"
        if self.budget_seconds and self.remaining_seconds < WARN_SHARE * self.budget_seconds:
            return "warn"
        return "ok"


def countdown(
    calendar: WorkCalendar, step: str, due_at: datetime | None, started_at: datetime | None
) -> Countdown | None:
    """The countdown of a step, in the organisation's working time."""
    if due_at is None:
        return None
    now = clock.now()
    try:
        remaining = calendar.between(now, due_at)
        budget = calendar.between(started_at, due_at) if started_at else timedelta(0)
    except WorktimeError:
        return None
    return Countdown(step, due_at, int(remaining.total_seconds()), int(budget.total_seconds()), now)


def _started(deadlines: Any, step: str, assignment_id: int | None = None) -> datetime | None:
    for item in json_value(deadlines) or []:
        if item["step"] == step and (
            assignment_id is None or item["assignment_id"] == assignment_id
        ):
            return datetime.fromisoformat(item["started_at"]) if item.get("started_at") else None
    return None


@dataclass(frozen=True)
class DepartmentOption:
    """A department in a filter or form list."""

    id: int
    name: str


async def department_options(
    organisation_id: int, active_only: bool = True
) -> list[DepartmentOption]:
    """Departments of the organisation for filter and form lists: id and name, by name."""
    query = Department.select(Department.id, Department.name).where(
        Department.organisation == organisation_id
    )
    if active_only:
        query = query.where(Department.is_active.eq(True))
    return [view_of(DepartmentOption, r) for r in await query.order_by(Department.name)]


@dataclass(frozen=True)
class QueueFilters:
    """Filters of the «В работе» queue; every value is optional and validated."""

    department_id: int | None = None
    network: str | None = None
    importance: str | None = None
    topic: str | None = None
    query: str | None = None

    @classmethod
    def parse(cls, raw: dict[str, str | None]) -> QueueFilters:
        """Keep only well-formed values (bad ones are ignored, never an error page)."""
        department = raw.get("department") or ""
        network = raw.get("network")
        importance = raw.get("importance")
        return cls(
            department_id=to_int(department),
            network=network if network in NETWORKS else None,
            importance=importance if importance in ("normal", "high") else None,
            topic=(raw.get("topic") or "").strip()[:120] or None,
            query=(raw.get("q") or "").strip()[:MAX_QUERY] or None,
        )


@dataclass(frozen=True)
class CaseRow:
    """One open or new case in a queue."""

    id: int
    version: int
    network: str
    author_name: str
    text: str
    topics: list[str]
    importance: str
    state: str
    collected_at: datetime
    countdown: Countdown | None = None
    departments: list[str] = field(default_factory=list)
    waited_minutes: int | None = None  # unscreened: working minutes since collection
    waited_too_long: bool = False  # past the organisation's unscreened limit

    @property
    def waited(self) -> str:
        """«1 ч 05 мин» of working time waited unscreened."""
        return minutes_ru(self.waited_minutes or 0)

    @property
    def network_title(self) -> str:
        """Russian name of the network."""
        return NETWORKS.get(self.network, self.network)

    @property
    def state_title(self) -> str:
        """Russian name of the state."""
        return STATE_TITLES[Entity.MESSAGE].get(self.state, self.state)


def _row(rules: OrganisationRules, r: dict[str, Any], departments: list[str]) -> CaseRow:
    step = r.get("binding_step") or ""
    return CaseRow(
        id=r["id"],
        version=r["version"],
        network=r["network"],
        author_name=r["author_name"],
        text=r["text"],
        topics=list(r["topics"] or []),
        importance=r["importance"],
        state=r["state"],
        collected_at=r["collected_at"],
        countdown=countdown(
            rules.calendar, step, r.get("binding_due_at"), _started(r.get("deadlines"), step)
        )
        if step
        else None,
        departments=departments,
    )


async def _departments_of(message_ids: list[int]) -> dict[int, list[str]]:
    if not message_ids:
        return {}
    rows = await Message.raw(
        "SELECT a.message, d.name FROM assignment a JOIN department d ON d.id = a.department "
        "WHERE a.message = ANY({}) AND a.state <> 'returned_outside_competence' ORDER BY a.id",
        message_ids,
    )
    out: dict[int, list[str]] = {}
    for row in rows:
        out.setdefault(row["message"], []).append(row["name"])
    return out


_ROW_COLUMNS = (
    "m.id, m.version, m.network, m.author_name, left(m.text, 600) AS text, m.topics, "
    "m.importance, m.state, m.collected_at, m.binding_due_at, m.binding_step, m.deadlines"
)


async def new_messages(rules: OrganisationRules, limit: int = PAGE_SIZE) -> list[CaseRow]:
    """Collected messages waiting for screening, oldest first, with their wait in working time
    (deadlines start only at screening, so the longest-waiting come first)."""
    rows = await Message.raw(
        f"SELECT {_ROW_COLUMNS} FROM message m WHERE m.organisation = {{}} "  # noqa: S608
        "AND m.state = 'collected' ORDER BY m.collected_at, m.id LIMIT {}",
        rules.id,
        limit,
    )
    settings = await alert_settings(rules.id)
    now = clock.now()
    out = []
    for r in rows:
        waited = working_minutes(rules.calendar, r["collected_at"], now)
        too_long = waited >= settings.unscreened_minutes
        out.append(replace(_row(rules, r, []), waited_minutes=waited, waited_too_long=too_long))
    return out


async def open_cases(
    rules: OrganisationRules,
    filters: QueueFilters = QueueFilters(),
    states: tuple[str, ...] = OPEN_MESSAGE_STATES,
    limit: int = PAGE_SIZE,
) -> list[CaseRow]:
    """Open cases sorted by their nearest binding deadline (the «В работе» queue)."""
    where = ["m.organisation = {}", "m.state = ANY({})"]
    args: list[Any] = [rules.id, list(states)]
    if filters.network:
        where.append("m.network = {}")
        args.append(filters.network)
    if filters.importance:
        where.append("m.importance = {}")
        args.append(filters.importance)
    if filters.topic:
        where.append("{} = ANY(m.topics)")
        args.append(filters.topic)
    if filters.department_id:
        where.append(
            "EXISTS (SELECT 1 FROM assignment a WHERE a.message = m.id AND a.department = {} "
            "AND a.state <> ALL({}))"
        )
        args += [filters.department_id, list(CLOSED_ASSIGNMENT_STATES)]
    if filters.query:
        where.append(f"{SEARCH_VECTOR} @@ plainto_tsquery('russian', {{}})")
        args.append(filters.query)
    sql = (
        f"SELECT {_ROW_COLUMNS} FROM message m WHERE {' AND '.join(where)} "  # noqa: S608
        "ORDER BY m.binding_due_at NULLS LAST, m.id LIMIT {}"
    )
    rows = await Message.raw(sql, *args, limit)
    departments = await _departments_of([r["id"] for r in rows])
    return [_row(rules, r, departments.get(r["id"], [])) for r in rows]


@dataclass(frozen=True)
class AssignmentRow:
    """One assignment in an executor's inbox or a review/publication queue."""

    id: int
    version: int
    message_id: int
    department: str
    state: str
    text: str
    author_name: str
    network: str
    importance: str
    draft_kind: str | None
    draft_text: str | None
    countdown: Countdown | None
    answer: Countdown | None

    @property
    def state_title(self) -> str:
        """Russian name of the assignment's state."""
        return STATE_TITLES[Entity.ASSIGNMENT].get(self.state, self.state)

    @property
    def network_title(self) -> str:
        """Russian name of the network."""
        return NETWORKS.get(self.network, self.network)


async def assignments(
    rules: OrganisationRules,
    states: tuple[str, ...] | None = None,
    department_ids: frozenset[int] | None = None,
    limit: int = PAGE_SIZE,
) -> list[AssignmentRow]:
    """Open assignments (optionally of some states / departments) by their nearest deadline."""
    where = ["a.organisation = {}", "a.state <> ALL({})"]
    args: list[Any] = [rules.id, list(CLOSED_ASSIGNMENT_STATES)]
    if states is not None:
        where.append("a.state = ANY({})")
        args.append(list(states))
    if department_ids is not None:
        where.append("a.department = ANY({})")
        args.append(list(department_ids))
    # Only placeholders are formatted in; every value travels as a query argument.
    sql = (
        "SELECT a.id, a.version, a.message, a.state, a.due_at, a.due_step, d.name AS department, "  # noqa: S608
        "left(m.text, 600) AS text, m.author_name, m.network, m.importance, m.deadlines, "
        "m.answer_due_at, dr.kind AS draft_kind, left(dr.text, 2000) AS draft_text "
        "FROM assignment a JOIN message m ON m.id = a.message "
        "JOIN department d ON d.id = a.department "
        "LEFT JOIN LATERAL (SELECT kind, text FROM draft WHERE draft.assignment = a.id "
        "ORDER BY number DESC LIMIT 1) dr ON true "
        f"WHERE {' AND '.join(where)} ORDER BY a.due_at NULLS LAST, a.id LIMIT {{}}"
    )
    rows = await Message.raw(sql, *args, limit)
    out = []
    for r in rows:
        step = r["due_step"] or ""
        own = countdown(rules.calendar, step, r["due_at"], _started(r["deadlines"], step, r["id"]))
        answer = _answer_countdown(rules, r["deadlines"], r["id"])
        out.append(
            AssignmentRow(
                id=r["id"],
                version=r["version"],
                message_id=r["message"],
                department=r["department"],
                state=r["state"],
                text=r["text"],
                author_name=r["author_name"],
                network=r["network"],
                importance=r["importance"],
                draft_kind=r["draft_kind"],
                draft_text=r["draft_text"],
                countdown=own,
                answer=answer,
            )
        )
    return out


def _answer_countdown(
    rules: OrganisationRules, deadlines: Any, assignment_id: int
) -> Countdown | None:
    for d in json_value(deadlines) or []:
        if d["step"] == "answer" and d["assignment_id"] == assignment_id and d["due_at"]:
            due = datetime.fromisoformat(d["due_at"])
            return countdown(rules.calendar, "answer", due, datetime.fromisoformat(d["started_at"]))
    return None


# Countdowns tick in the browser between server refreshes (every minute and on every change);
# ten days of working intervals cover any page left open over a long holiday.
INTERVAL_HORIZON = timedelta(days=10)


def working_intervals_for(rules: OrganisationRules) -> dict[str, Any]:
    """The server's now and the coming working intervals (ISO) for countdowns in the browser."""
    now = clock.now()
    try:
        intervals = rules.calendar.working_intervals(now, now + INTERVAL_HORIZON)
    except WorktimeError:
        intervals = []
    return {
        "now": now.isoformat(),
        "intervals": [(a.isoformat(), b.isoformat()) for a, b in intervals],
    }
