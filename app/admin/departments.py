"""Departments of an organisation: name, short name, topics, curator, active flag."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.admin.common import (
    AdminError,
    AdminNotFound,
    bounded,
    log_change,
    member_ids,
    refuse,
    remove_or_deactivate,
)
from app.db.rows import view_of
from app.db.tables import Assignment, Department, Membership
from app.identity.actor import ActorContext
from app.intake.topics import add_topics

MAX_TOPICS = 50
MAX_TOPIC = 120


@dataclass
class DepartmentForm:
    """The department form as typed."""

    name: str = ""
    short_name: str = ""
    topics: str = ""  # comma-separated
    curator_id: int | None = None
    is_active: bool = True
    errors: dict[str, str] = field(default_factory=dict)


def parse_topics(text: str) -> list[str]:
    """Comma-separated topics, de-duplicated, each at most MAX_TOPIC characters."""
    topics: list[str] = []
    for raw in text.split(","):
        topic = " ".join(raw.split())
        if not topic:
            continue
        if len(topic) > MAX_TOPIC:
            raise refuse("topics", f"Тема «{topic[:30]}…» длиннее {MAX_TOPIC} символов.")
        if topic.casefold() not in {t.casefold() for t in topics}:
            topics.append(topic)
    if len(topics) > MAX_TOPICS:
        raise refuse("topics", f"Не более {MAX_TOPICS} тем.")
    return topics


@dataclass(frozen=True)
class DepartmentRow:
    """A department as the admin's list shows it."""

    id: int
    name: str
    short_name: str
    topics: list[str]
    is_active: bool
    curator_name: str | None
    executors: int


async def list_departments(organisation_id: int) -> list[DepartmentRow]:
    """Every department with its curator's name and how many executors it has."""
    rows = await (
        Department.select(
            Department.id,
            Department.name,
            Department.short_name,
            Department.topics,
            Department.is_active,
            Department.curator.id,
            Department.curator.full_name,
        )
        .where(Department.organisation == organisation_id)
        .order_by(Department.is_active, ascending=False)
        .order_by(Department.name)
    )
    members = await Membership.select(Membership.department).where(
        (Membership.organisation == organisation_id) & Membership.department.is_not_null()
    )
    counts: dict[int, int] = {}
    for m in members:
        counts[m["department"]] = counts.get(m["department"], 0) + 1
    return [
        view_of(
            DepartmentRow,
            r,
            curator_name=r["curator.full_name"],
            executors=counts.get(r["id"], 0),
        )
        for r in rows
    ]


async def department(organisation_id: int, department_id: int) -> dict[str, Any]:
    """One department of this organisation, else AdminNotFound."""
    row = (
        await Department.select()
        .where((Department.id == department_id) & (Department.organisation == organisation_id))
        .first()
    )
    if row is None:
        raise AdminNotFound(department_id)
    return row


def department_form(row: dict[str, Any]) -> DepartmentForm:
    """A stored department as the form shows it."""
    return DepartmentForm(
        name=row["name"],
        short_name=row["short_name"],
        topics=", ".join(row["topics"] or ()),
        curator_id=row["curator"],
        is_active=row["is_active"],
    )


async def _values(organisation_id: int, form: DepartmentForm) -> dict[Any, Any]:
    errors: dict[str, str] = {}
    values: dict[Any, Any] = {}
    checks: list[tuple[Any, Any]] = [
        (Department.name, lambda: bounded(form.name, "name", 300, "Название")),
        (Department.short_name, lambda: bounded(form.short_name, "short_name", 120, "", False)),
        (Department.topics, lambda: parse_topics(form.topics)),
    ]
    for column, check in checks:
        try:
            values[column] = check()
        except AdminError as error:
            errors.update(error.errors)
    if form.curator_id is not None and form.curator_id not in await member_ids(organisation_id):
        errors["curator"] = "Куратором может быть только сотрудник организации."
    if errors:
        raise AdminError(errors)
    values[Department.curator] = form.curator_id
    values[Department.is_active] = form.is_active
    return values


def _plain(values: dict[Any, Any]) -> dict[str, Any]:
    return {column._meta.name: value for column, value in values.items()}


async def save_department(
    ctx: ActorContext, department_id: int | None, form: DepartmentForm
) -> int:
    """Create (id None) or update a department of the acting admin's organisation."""
    values = await _values(ctx.organisation_id, form)
    duplicate = Department.exists().where(
        (Department.organisation == ctx.organisation_id)
        & (Department.name == values[Department.name])
        & (Department.id != (department_id or 0))
    )
    if await duplicate:
        raise refuse("name", "Подразделение с таким названием уже есть.")
    async with Department._meta.db.transaction():
        if department_id is None:
            row = Department(organisation=ctx.organisation_id, **_plain(values))
            await row.save()
            department_id, before = int(row.id), {}
        else:
            old = await department(ctx.organisation_id, department_id)
            before = {k: old[k] for k in _plain(values)}
            await Department.update(values).where(Department.id == department_id)
        await log_change(
            ctx, "admin_department_saved", before, _plain(values), comment=str(department_id)
        )
        # A department's topics are topics of the dictionary «Темы» (Parfino p.7).
        await add_topics(ctx.organisation_id, values[Department.topics])
    return department_id


async def remove_department(ctx: ActorContext, department_id: int) -> str:
    """Delete an unused department; one with assignments or executors is deactivated."""
    row = await department(ctx.organisation_id, department_id)
    used = await Assignment.exists().where(Assignment.department == department_id) or (
        await Membership.exists().where(Membership.department == department_id)
    )
    return await remove_or_deactivate(ctx, Department, row, bool(used), "admin_department_removed")
