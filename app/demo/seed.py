"""Demo data from both regulations: two organisations, their departments and one user per role.

Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.admin.organisation import save_networks
from app.core import clock
from app.core.config import get_settings
from app.db.tables import Department, Organisation, User
from app.demo.cases import load_demo_cases
from app.demo.history import load_histories
from app.demo.password import DEMO_PASSWORD
from app.domain.regulation import load_profile
from app.domain.roles import Role
from app.identity.accounts import create_user, grant_role
from app.identity.passwords import cached_hash
from app.identity.substitutes import actor_context
from app.intake.topics import add_topics
from app.signature.keys import ensure_demo_keys

# A five-day 40-hour week (Labour Code art. 91) with a lunch hour.
FIVE_DAY_40H = {
    day: [["09:00", "13:00"], ["14:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
}
# A typical administration's week: Mon–Thu 9:00–18:00, Fri 9:00–16:45, lunch 13:00–13:48.
PENZA_SCHEDULE = {
    **{day: [["09:00", "13:00"], ["13:48", "18:00"]] for day in ("mon", "tue", "wed", "thu")},
    "fri": [["09:00", "13:00"], ["13:48", "16:45"]],
}


@dataclass(frozen=True)
class DemoOrganisation:
    """One demo organisation with its departments and demo users."""

    slug: str
    name: str
    profile_code: str
    schedule: dict[str, list[list[str]]]
    departments: tuple[tuple[str, tuple[str, ...]], ...]
    roles: tuple[Role, ...]
    executor_department: str
    # Today's networks beyond the 2020 profile's list (its demo messages come from Telegram).
    enabled_networks: tuple[str, ...] = ("telegram", "max")


# Parfino departments: the distribution list («Указатель рассылки») of the Parfino seed.
# Penza departments: plausible city units (the Penza seed names only the
# information-analytical department, whose specialist screens messages, p.6).
DEMO_ORGANISATIONS = (
    DemoOrganisation(
        slug="penza",
        name="Администрация города Пензы",
        profile_code="penza-2020",
        schedule=PENZA_SCHEDULE,
        departments=(
            ("Информационно-аналитический отдел", ()),
            ("Управление жилищно-коммунального хозяйства", ("ЖКХ", "Отопление", "Водоснабжение")),
            ("Управление транспорта и связи", ("Общественный транспорт", "Дороги")),
            ("Управление образования", ("Школы", "Детские сады")),
            ("Управление культуры", ("Культура",)),
            ("Управление благоустройства и экологии", ("Благоустройство", "Мусор", "Озеленение")),
            ("Управление социальной политики", ("Социальная поддержка",)),
            ("Администрация Ленинского района", ("Ленинский район",)),
            ("Администрация Октябрьского района", ("Октябрьский район",)),
        ),
        roles=(Role.SPECIALIST, Role.EXECUTOR, Role.OFFICIAL, Role.HEAD),
        executor_department="Управление жилищно-коммунального хозяйства",
    ),
    DemoOrganisation(
        slug="parfino",
        name="Администрация Парфинского муниципального района",
        profile_code="parfino-2020",
        schedule=FIVE_DAY_40H,
        departments=(
            ("Отдел по организационным и общим вопросам", ("Работа администрации",)),
            ("Комитет по управлению муниципальным имуществом", ("Имущество", "Земля")),
            (
                "Комитет ЖКХ, строительства, дорожного хозяйства и благоустройства",
                ("ЖКХ", "Дороги", "Благоустройство"),
            ),
            ("Комитет финансов", ("Бюджет",)),
            (
                "Управление экономического развития, сельского хозяйства и природопользования",
                ("Экономика", "Сельское хозяйство"),
            ),
            ("Отдел правовой и кадровой работы", ("Правовые вопросы",)),
            ("Отдел культуры и архивного дела", ("Культура", "Архив")),
            ("Отдел ЗАГС", ("ЗАГС",)),
            ("Отдел бухгалтерского учета", ()),
            ("Специалист ГО и ЧС", ("ЧС", "Гражданская оборона")),
        ),
        roles=(Role.SPECIALIST, Role.COORDINATOR, Role.EXECUTOR, Role.OFFICIAL, Role.HEAD),
        executor_department="Комитет ЖКХ, строительства, дорожного хозяйства и благоустройства",
    ),
)

DEMO_NAMES = {
    Role.SPECIALIST: "Смирнова Анна Петровна",
    Role.COORDINATOR: "Кузнецов Игорь Сергеевич",
    Role.EXECUTOR: "Волков Дмитрий Андреевич",
    Role.OFFICIAL: "Орлова Марина Викторовна",
    Role.HEAD: "Белов Сергей Николаевич",
}


def demo_logins() -> list[str]:
    """Every demo login, in the order `make run` prints them."""
    logins = [f"{org.slug}-{role.value}" for org in DEMO_ORGANISATIONS for role in org.roles]
    return [*logins, "admin"]


async def _user(login: str, full_name: str) -> User:
    existing = await User.objects().where(User.login == login).first()
    if existing is not None:
        return existing
    return await create_user(login, full_name, "", password_hash=cached_hash(DEMO_PASSWORD))


async def load_demo(*, with_cases: bool | None = None, with_history: bool | None = None) -> None:
    """Create the demo organisations, departments and users unless they exist, then cases,
    then three months of history (app/demo/history.py)."""
    admin = await _user("admin", "Администратор системы")
    for spec in DEMO_ORGANISATIONS:
        organisation = await Organisation.objects().get_or_create(
            Organisation.slug == spec.slug,
            defaults={
                Organisation.name: spec.name,
                Organisation.profile_code: spec.profile_code,
                Organisation.schedule: spec.schedule,
                Organisation.calendar_options: {"include_decree_days": False, "region": None},
            },
        )
        departments: dict[str, Department] = {}
        for name, topics in spec.departments:
            departments[name] = await Department.objects().get_or_create(
                (Department.organisation == organisation.id) & (Department.name == name),
                defaults={Department.topics: list(topics)},
            )
        for role in spec.roles:
            user = await _user(f"{spec.slug}-{role.value}", DEMO_NAMES[role])
            department = departments[spec.executor_department] if role == Role.EXECUTOR else None
            await grant_role(user, organisation, role, department)
        await grant_role(admin, organisation, Role.ADMIN)
        if organisation._was_created:
            # Through the administrator's logged setting, as a real organisation would.
            ctx = await actor_context(admin.id, organisation.id, clock.now().date())
            networks = load_profile(spec.profile_code).networks
            await save_networks(ctx, networks, list(spec.enabled_networks))
        # The topic dictionary starts from the departments' topics (Parfino p.7).
        await add_topics(organisation.id, (t for _, topics in spec.departments for t in topics))
    # Demo messages in every state; by default not under OTKLIK_ENV=test, where tests
    # build exactly the cases they assert on (test_demo_cases asks for them explicitly).
    if with_cases if with_cases is not None else get_settings().env != "test":
        await load_demo_cases()
    # The same default: tests that need the history load it themselves (tests/integration/demo).
    # After the cases, so that their repeat finds its own earlier case, not a history one.
    if with_history if with_history is not None else get_settings().env != "test":
        await load_histories([spec.slug for spec in DEMO_ORGANISATIONS])
    await ensure_demo_keys()  # reports are signed with a self-signed demo certificate
