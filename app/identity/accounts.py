"""Users, their memberships and sign-in (with throttling of failed attempts)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core import links
from app.core.errors import UserError
from app.db.tables import Department, Membership, Organisation, User
from app.domain.roles import LANDING_ORDER, ROLE_TITLES, Role
from app.identity.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    verify_password,
)

# Penalty window and limit for failed sign-ins per login and IP address.
MAX_LOGIN_LENGTH = 80


class AccountError(UserError):
    """A user-facing refusal; the message is Russian."""


@dataclass(frozen=True)
class MembershipView:
    """One role of the signed-in user in one organisation."""

    organisation_id: int
    organisation_slug: str
    organisation_name: str
    role: Role
    department_id: int | None
    department_name: str | None

    @property
    def role_title(self) -> str:
        """Russian title of the role."""
        return ROLE_TITLES[self.role]

    @property
    def home_path(self) -> str:
        """The page of this role in this organisation."""
        return links.role_home(self.organisation_slug, self.role.value)


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user with every membership, loaded once per request."""

    id: int
    login: str
    full_name: str
    memberships: tuple[MembershipView, ...]

    def roles_in(self, organisation_slug: str) -> set[Role]:
        """Roles this user holds in the organisation."""
        return {m.role for m in self.memberships if m.organisation_slug == organisation_slug}

    def landing_path(self) -> str | None:
        """Where the user lands after sign-in: the first role in LANDING_ORDER."""
        for role in LANDING_ORDER:
            for membership in self.memberships:
                if membership.role == role:
                    return membership.home_path
        return None


async def load_current_user(user_id: int) -> CurrentUser | None:
    """The active user with memberships, or None (deleted or deactivated since sign-in)."""
    user = await User.objects().where((User.id == user_id) & (User.is_active.eq(True))).first()
    if user is None:
        return None
    rows = (
        await Membership.select(
            Membership.organisation.id,
            Membership.organisation.slug,
            Membership.organisation.name,
            Membership.role,
            Membership.department.id,
            Membership.department.name,
        )
        .where(Membership.user == user_id)
        .order_by(Membership.organisation.name)
        .order_by(Membership.id)
    )
    memberships = tuple(
        MembershipView(
            organisation_id=row["organisation.id"],
            organisation_slug=row["organisation.slug"],
            organisation_name=row["organisation.name"],
            role=Role(row["role"]),
            department_id=row["department.id"],
            department_name=row["department.name"],
        )
        for row in rows
    )
    return CurrentUser(user.id, user.login, user.full_name, memberships)


async def authenticate(login: str, password: str) -> int | None:
    """The user id for a correct login and password of an active user, else None.

    Throttling (app.identity.throttle) is the caller's: it reserves the attempt first."""
    login = login.strip()[:MAX_LOGIN_LENGTH]
    user = await User.objects().where(User.login == login).first() if login else None
    ok = await verify_password(user.password_hash if user else None, password[:1024])
    return int(user.id) if user is not None and ok and user.is_active else None


def validate_new_password(password: str) -> None:
    """Refuse a password that is too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Пароль должен содержать не менее {MIN_PASSWORD_LENGTH} символов.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Пароль должен содержать не более {MAX_PASSWORD_LENGTH} символов.")


async def create_user(
    login: str, full_name: str, password: str, email: str = "", password_hash: str | None = None
) -> User:
    """Create an active user; refuses a taken or malformed login."""
    login = login.strip()
    if (
        not login
        or len(login) > MAX_LOGIN_LENGTH
        or not all(c.isalnum() or c in "-_." for c in login)
    ):
        raise AccountError("Логин: от 1 до 80 символов — буквы, цифры, «-», «_», «.».")
    if await User.exists().where(User.login == login):
        raise AccountError(f"Пользователь с логином «{login}» уже существует.")
    if password_hash is None:
        validate_new_password(password)
        password_hash = await hash_password(password)
    user = User(
        login=login,
        full_name=full_name.strip()[:200] or login,
        email=email.strip()[:254],
        password_hash=password_hash,
    )
    await user.save()
    return user


async def grant_role(
    user: User, organisation: Organisation, role: Role, department: Department | None = None
) -> Membership:
    """Give a user a role in an organisation (idempotent)."""
    if role == Role.EXECUTOR and department is None:
        raise AccountError("Исполнителю нужно указать подразделение.")
    query = Membership.objects().where(
        (Membership.user == user.id)
        & (Membership.organisation == organisation.id)
        & (Membership.role == role.value)
    )
    existing = await query.first()
    if existing is not None:
        return existing
    membership = Membership(
        user=user.id,
        organisation=organisation.id,
        role=role.value,
        department=department.id if department else None,
    )
    await membership.save()
    return membership
