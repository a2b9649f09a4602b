"""Users and their roles in an organisation: create, (de)activate, grant and revoke roles."""

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
    require_department,
)
from app.db.tables import Department, Membership, User
from app.domain.roles import ROLE_TITLES, Role
from app.identity.accounts import AccountError, create_user, validate_new_password
from app.identity.actor import ActorContext


@dataclass
class RoleForm:
    """A role to grant: the role, the executor's department, the official's departments."""

    role: str = ""
    department_id: int | None = None
    curated_ids: list[int] = field(default_factory=list)


@dataclass
class UserForm:
    """A new user with a first role."""

    login: str = ""
    full_name: str = ""
    email: str = ""
    password: str = ""
    grant: RoleForm = field(default_factory=RoleForm)


@dataclass(frozen=True)
class MemberRole:
    """One role of a member here: the executor's department, the official's curated ones."""

    id: int
    role: str
    title: str
    department: str | None
    curated: list[str]


@dataclass(frozen=True)
class MemberRow:
    """A member of the organisation with every role they hold here."""

    id: int
    login: str
    full_name: str
    email: str
    is_active: bool
    roles: list[MemberRole]


async def list_members(organisation_id: int) -> list[MemberRow]:
    """Members of the organisation with their roles here (department, curated departments)."""
    rows = await (
        Membership.select(
            Membership.id,
            Membership.role,
            Membership.curated_department_ids,
            Membership.department.name,
            Membership.user.id,
            Membership.user.login,
            Membership.user.full_name,
            Membership.user.email,
            Membership.user.is_active,
        )
        .where(Membership.organisation == organisation_id)
        .order_by(Membership.user.full_name)
        .order_by(Membership.id)
    )
    names = {
        d["id"]: d["name"]
        for d in await Department.select(Department.id, Department.name).where(
            Department.organisation == organisation_id
        )
    }
    people: dict[int, MemberRow] = {}
    for r in rows:
        person = people.setdefault(
            r["user.id"],
            MemberRow(
                r["user.id"],
                r["user.login"],
                r["user.full_name"],
                r["user.email"],
                r["user.is_active"],
                [],
            ),
        )
        curated = [names.get(int(d), "?") for d in r["curated_department_ids"] or ()]
        person.roles.append(
            MemberRole(
                r["id"], r["role"], ROLE_TITLES[Role(r["role"])], r["department.name"], curated
            )
        )
    return list(people.values())


async def _checked_role(organisation_id: int, form: RoleForm) -> dict[str, Any]:
    try:
        role = Role(form.role)
    except ValueError:
        raise refuse("role", "Выберите роль.") from None
    department = None
    if role is Role.EXECUTOR:
        department = await require_department(organisation_id, form.department_id, "department")
    curated: list[int] = []
    if role is Role.OFFICIAL:
        for department_id in form.curated_ids:
            curated.append(await require_department(organisation_id, department_id, "curated"))
    return {"role": role, "department": department, "curated": sorted(set(curated))}


async def _grant(ctx: ActorContext, user_id: int, checked: dict[str, Any]) -> None:
    role: Role = checked["role"]
    existing = (
        await Membership.objects()
        .where(
            (Membership.user == user_id)
            & (Membership.organisation == ctx.organisation_id)
            & (Membership.role == role.value)
        )
        .first()
    )
    membership = existing or Membership(
        user=user_id, organisation=ctx.organisation_id, role=role.value
    )
    membership.department = checked["department"]
    membership.curated_department_ids = checked["curated"]
    await membership.save()
    await log_change(
        ctx,
        "admin_role_granted",
        after={
            "user": user_id,
            "role": role.value,
            "department": checked["department"],
            "curated": checked["curated"],
        },
    )


async def create_member(ctx: ActorContext, form: UserForm) -> int:
    """Create a user with a first role in the organisation; returns the user's id."""
    errors: dict[str, str] = {}
    checked: dict[str, Any] = {}
    try:
        bounded(form.full_name, "full_name", 200, "ФИО")
        if form.email and ("@" not in form.email or len(form.email) > 254):
            raise refuse("email", "Укажите адрес электронной почты вида name@example.ru.")
    except AdminError as error:
        errors.update(error.errors)
    try:
        validate_new_password(form.password)
    except AccountError as error:
        errors["password"] = str(error)
    try:
        checked = await _checked_role(ctx.organisation_id, form.grant)
    except AdminError as error:
        errors.update(error.errors)
    if errors:
        raise AdminError(errors)
    async with User._meta.db.transaction():
        try:
            user = await create_user(form.login, form.full_name, form.password, form.email)
        except AccountError as error:
            raise refuse("login", str(error)) from None
        await log_change(ctx, "admin_user_created", after={"user": user.id, "login": user.login})
        await _grant(ctx, int(user.id), checked)
    return int(user.id)


async def _member(ctx: ActorContext, user_id: int) -> int:
    if user_id not in await member_ids(ctx.organisation_id):
        raise AdminNotFound(user_id)
    return user_id


async def grant_member_role(ctx: ActorContext, user_id: int, form: RoleForm) -> None:
    """Give a member another role (or change the department of the role they have)."""
    await _member(ctx, user_id)
    checked = await _checked_role(ctx.organisation_id, form)
    async with Membership._meta.db.transaction():
        await _grant(ctx, user_id, checked)


async def revoke_member_role(ctx: ActorContext, user_id: int, membership_id: int | None) -> None:
    """Take a role away; nobody removes their own admin role of the organisation."""
    await _member(ctx, user_id)
    row = (
        await Membership.select(Membership.id, Membership.role)
        .where(
            (Membership.id == (membership_id or 0))
            & (Membership.user == user_id)
            & (Membership.organisation == ctx.organisation_id)
        )
        .first()
    )
    if row is None:
        raise refuse("membership", "Выберите роль, которую нужно снять.")
    if user_id == ctx.user_id and row["role"] == Role.ADMIN.value:
        raise refuse("membership", "Нельзя снять с себя роль администратора этой организации.")
    async with Membership._meta.db.transaction():
        await Membership.delete().where(Membership.id == row["id"])
        await log_change(ctx, "admin_role_revoked", before={"user": user_id, "role": row["role"]})


async def set_member_active(ctx: ActorContext, user_id: int, active: bool | None) -> None:
    """Let a member sign in or not; refused for oneself and for people of other organisations."""
    await _member(ctx, user_id)
    if active is None:
        raise refuse("active", "Выберите: включить или отключить пользователя.")
    if user_id == ctx.user_id:
        raise refuse("active", "Нельзя отключить самого себя.")
    elsewhere = await Membership.exists().where(
        (Membership.user == user_id) & (Membership.organisation != ctx.organisation_id)
    )
    if elsewhere:
        raise refuse(
            "active",
            "Сотрудник работает и в другой организации: снимите его роли здесь вместо отключения.",
        )
    async with User._meta.db.transaction():
        await User.update({User.is_active: active}).where(User.id == user_id)
        await log_change(
            ctx,
            "admin_user_activated" if active else "admin_user_deactivated",
            after={"user": user_id},
        )
