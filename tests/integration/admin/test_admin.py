"""The administrator's part of the portal: settings, staff, regulation, accounts, tokens."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.db.tables import (
    Absence,
    ApiToken,
    Department,
    Event,
    Membership,
    Organisation,
    SocialAccount,
    User,
)
from app.domain.worktime.year_table import table_cells, year_table
from app.identity.organisations import organisation_rules
from tests.integration.cases_helpers import MSK, Clock, department, message, org_id
from tests.integration.conftest import csrf_token, sign_in
from tests.integration.services_helpers import routed_case

pytestmark = pytest.mark.usefixtures("demo")
PENZA = "/o/penza/admin"
HTML = {"accept": "text/html"}


@pytest.fixture
def app() -> Litestar:
    """The app of the `client` fixture."""
    return create_app(use_db_pool=False)


def second_browser() -> AsyncTestClient[Litestar]:
    """Another person's browser at the same time (its own app: its own Redis client and loop)."""
    return AsyncTestClient(app=create_app(use_db_pool=False))


async def admin_client(
    client: AsyncTestClient[Litestar], login: str = "admin", password: str = "otklik-demo"
) -> str:
    """Sign in and return the CSRF token for posts."""
    assert (await sign_in(client, login, password)).status_code == 302
    return await csrf_token(client)


async def post(client: AsyncTestClient[Litestar], token: str, url: str, data: dict | list):
    """A form post as the browser sends it."""
    return await client.post(
        url,
        data={"_csrf_token": token, **dict(data)}
        if isinstance(data, dict)
        else [("_csrf_token", token), *data],
        headers=HTML,
        follow_redirects=False,
    )


async def user_id(login: str) -> int:
    row = await User.select(User.id).where(User.login == login).first()
    assert row is not None
    return int(row["id"])


async def admin_events() -> list[dict]:
    """The administrator's events (the demo's enabling of networks, at its loading, aside)."""
    return await Event.select(Event.kind, Event.actor_role, Event.organisation).where(
        Event.kind.like("admin_%") & (Event.kind != "admin_networks_enabled")
    )


SCHEDULE = {f"day_{d}": "09:00–13:00, 14:00–18:00" for d in ("mon", "tue", "wed", "thu", "fri")}
ORG_FORM = {"name": "Администрация города Пензы", "timezone": "Europe/Moscow", **SCHEDULE}


async def test_every_admin_page_renders_with_its_tabs(client) -> None:
    await admin_client(client)
    for path in (
        "/",
        "/organisation",
        "/departments",
        "/users",
        "/absences",
        "/profile",
        "/accounts",
        "/tokens",
    ):
        response = await client.get(PENZA + path, headers=HTML)
        assert response.status_code == 200, path
        for tab in (
            "Организация и график",
            "Подразделения",
            "Пользователи и роли",
            "Отсутствия и замещения",
            "Регламент",
            "Аккаунты",
            "API-токены",
        ):
            assert tab in response.text, (path, tab)
    overview = await client.get(PENZA, headers=HTML)
    assert 'data-testid="role-page" data-role="admin"' in overview.text
    assert "Пенза-2020" in overview.text or "penza-2020" in overview.text


@pytest.mark.parametrize(
    ("day", "typed", "fragment"),
    [
        ("mon", "09:00–13:00, 12:00–18:00", "пересекаются (понедельник)"),
        ("tue", "18:00–09:00", "заканчивается раньше, чем начинается"),
        ("wed", "9 утра – 6 вечера", "не читается"),
        ("thu", "25:00–26:00", "Не удалось прочитать время"),
    ],
)
async def test_schedule_errors_are_the_engines_russian_messages_next_to_the_day(
    client, day: str, typed: str, fragment: str
) -> None:
    token = await admin_client(client)
    form = {**ORG_FORM, f"day_{day}": typed, "name": "Новое название"}
    response = await post(client, token, f"{PENZA}/organisation", form)
    assert response.status_code == 400
    assert fragment in response.text
    assert f'id="day_{day}-error"' in response.text
    # Nothing typed is lost, nothing is stored.
    assert "Новое название" in response.text
    assert typed.replace("–", "–") in response.text
    org = await Organisation.objects().get(Organisation.slug == "penza")
    assert org.name == "Администрация города Пензы"
    assert await admin_events() == []


async def test_empty_week_and_unknown_zone_are_refused(client) -> None:
    token = await admin_client(client)
    form = {"name": "Пенза", "timezone": "Europe/Penza"}
    response = await post(client, token, f"{PENZA}/organisation", form)
    assert response.status_code == 400
    assert "В графике нет ни одного рабочего часа в неделю." in response.text
    assert "Неизвестный часовой пояс" in response.text
    response = await post(client, token, f"{PENZA}/organisation", {**ORG_FORM, "name": " "})
    assert "Заполните поле «Название»." in response.text


async def test_schedule_change_recomputes_the_year_table_and_open_deadlines(client) -> None:
    Clock(datetime(2025, 3, 17, 10, 0, tzinfo=MSK))  # Monday
    message_id, _ = await routed_case("penza")
    before = (await message(message_id))["answer_due_at"]
    assert before == datetime(2025, 3, 18, 9, 48, tzinfo=MSK)  # 8 working hours, Penza week
    token = await admin_client(client)
    # Mon–Fri 08:00–12:00 and 13:00–17:00, Saturday 10:00–14:00, Tatarstan holidays.
    form = {
        **ORG_FORM,
        **{k: "08:00-12:00; 13:00-17:00" for k in SCHEDULE},
        "day_sat": "10:00—14:00",
        "region": "tatarstan",
        "include_decree_days": "1",
    }
    response = await post(client, token, f"{PENZA}/organisation", form)
    assert response.status_code == 302
    assert response.headers["location"] == f"{PENZA}/organisation?done=saved"
    rules = await organisation_rules(await org_id("penza"))
    assert rules.calendar.schedule.weekly_hours() == 44
    assert rules.calendar.calendar.regions == ("tatarstan",)
    # The open case runs on the new week: 2 h Monday morning, 4 h afternoon, 2 h on Tuesday.
    assert (await message(message_id))["answer_due_at"] == datetime(2025, 3, 18, 10, 0, tzinfo=MSK)
    page = await client.get(f"{PENZA}/organisation?done=saved&year=2025", headers=HTML)
    cells = table_cells(year_table(rules.calendar, 2025))
    assert "Региональные праздники: tatarstan" in page.text
    for row in (cells[0], cells[-1]):  # January and the total, as `otklik calendar` prints them
        assert (
            "".join(f"<td>{c}</td>" for c in row) in page.text
            or "".join(f"<th>{c}</th>" for c in row) in page.text
        )
    assert "Изменения сохранены." in page.text
    events = (
        await Event.select(Event.kind, Event.actor_role, Event.before, Event.after)
        .where(Event.kind == "admin_organisation_saved")
        .output(load_json=True)
    )
    assert len(events) == 1 and events[0]["actor_role"] == "admin"
    assert events[0]["after"]["schedule"]["sat"] == [["10:00", "14:00"]]


async def test_date_overrides_day_off_and_working_day(client) -> None:
    token = await admin_client(client)
    url = f"{PENZA}/organisation/overrides"
    response = await post(client, token, url, {"date": "2025-03-17", "kind": "day_off"})
    assert response.status_code == 302
    response = await post(
        client, token, url, {"date": "2025-03-22", "kind": "working", "intervals": "10:00–15:00"}
    )
    assert response.status_code == 302
    rules = await organisation_rules(await org_id("penza"))
    assert not rules.calendar.is_working_day(datetime(2025, 3, 17).date())
    assert rules.calendar.working_time_on(datetime(2025, 3, 22).date()) == timedelta(hours=5)
    again = await post(client, token, url, {"date": "2025-03-17", "kind": "day_off"})
    assert again.status_code == 400 and "уже задано исключение" in again.text
    bad = await post(client, token, url, {"date": "2025-03-23", "kind": "working", "intervals": ""})
    assert bad.status_code == 400 and "нужен хотя бы один интервал" in bad.text
    removed = await post(client, token, f"{url}/delete", {"date": "2025-03-17"})
    assert removed.status_code == 302
    rules = await organisation_rules(await org_id("penza"))
    assert rules.calendar.is_working_day(datetime(2025, 3, 17).date())


async def test_departments_create_edit_and_deactivate_when_used(client) -> None:
    token = await admin_client(client)
    url = f"{PENZA}/departments"
    empty = await post(client, token, url, {"name": "", "topics": "Парки, Скверы"})
    assert empty.status_code == 400 and "Заполните поле «Название»." in empty.text
    assert "Парки, Скверы" in empty.text
    official = await user_id("penza-official")
    form = {
        "name": "Управление парков",
        "topics": "Парки,  Скверы, парки",
        "is_active": "1",
        "curator": str(official),
    }
    assert (await post(client, token, url, form)).status_code == 302
    created = await Department.objects().get(Department.name == "Управление парков")
    assert created.topics == ["Парки", "Скверы"] and created.curator == official
    duplicate = await post(client, token, url, form)
    assert "уже есть" in duplicate.text
    edit = {**form, "name": "Управление парков и скверов", "short_name": "УПС", "is_active": ""}
    assert (await post(client, token, f"{url}/{created.id}", edit)).status_code == 302
    saved = await Department.objects().get(Department.id == created.id)
    assert (saved.name, saved.short_name, saved.is_active) == (
        "Управление парков и скверов",
        "УПС",
        False,
    )
    deleted = await post(client, token, f"{url}/{created.id}/delete", {})
    assert deleted.headers["location"].endswith("done=deleted")
    assert not await Department.exists().where(Department.id == created.id)
    housing = await department("penza", "Управление жилищно")  # the demo executor works here
    used = await post(client, token, f"{url}/{housing}/delete", {})
    assert used.headers["location"].endswith("done=deactivated")
    assert (await Department.objects().get(Department.id == housing)).is_active is False
    kinds = [e["kind"] for e in await admin_events()]
    assert (
        kinds.count("admin_department_saved") == 2 and kinds.count("admin_department_removed") == 2
    )


async def test_an_admin_of_penza_cannot_touch_parfino_even_with_forged_ids(client) -> None:
    # A Penza-only administrator, created by the demo admin through the page.
    async with second_browser() as root:
        token = await admin_client(root)
        form = {
            "login": "penza-admin",
            "full_name": "Админ Пензы",
            "password": "long-enough-pw",
            "role": "admin",
        }
        assert (await post(root, token, f"{PENZA}/users", form)).status_code == 302
    token = await admin_client(client, "penza-admin", "long-enough-pw")
    assert (await client.get("/o/parfino/admin", headers=HTML)).status_code == 403
    assert (
        await post(client, token, "/o/parfino/admin/departments", {"name": "X"})
    ).status_code == 403
    parfino = await org_id("parfino")
    parfino_department = await department("parfino", "Отдел ЗАГС")
    parfino_user = await user_id("parfino-executor")
    parfino_membership = (
        await Membership.select(Membership.id).where(Membership.user == parfino_user).first()
    )
    await SocialAccount(organisation=parfino, network="vk", name="Парфино ВК").save()
    parfino_account = (await SocialAccount.select(SocialAccount.id).first())["id"]
    parfino_token = await ApiToken(organisation=parfino, name="P", token_hash="x" * 64).save()
    forged = [
        (f"{PENZA}/departments/{parfino_department}", {"name": "Захвачено", "is_active": "1"}),
        (f"{PENZA}/departments/{parfino_department}/delete", {}),
        (f"{PENZA}/users/{parfino_user}/active", {"active": "0"}),
        (f"{PENZA}/users/{parfino_user}/roles", {"role": "admin"}),
        (f"{PENZA}/users/{parfino_user}/roles/revoke", {"membership": parfino_membership["id"]}),
        (f"{PENZA}/accounts/{parfino_account}", {"network": "vk", "name": "Захвачено"}),
        (f"{PENZA}/accounts/{parfino_account}/delete", {}),
        (f"{PENZA}/tokens/{parfino_token[0]['id']}/revoke", {}),
    ]
    for url, form in forged:
        response = await post(client, token, url, form)
        assert response.status_code == 404, url
        assert "Такой записи нет." in response.text
    assert (
        await client.get(f"{PENZA}/departments/{parfino_department}", headers=HTML)
    ).status_code == 404
    # Ids of Parfino people in Penza's forms are refused as "not our staff".
    penza_user = await user_id("penza-executor")
    absence = {
        "user": parfino_user,
        "substitute": penza_user,
        "starts_on": "2025-03-17",
        "ends_on": "2025-03-18",
        "reason": "illness",
    }
    response = await post(client, token, f"{PENZA}/absences", absence)
    assert response.status_code == 400 and "из сотрудников организации" in response.text
    curated = {"role": "official", "curated": str(parfino_department)}
    response = await post(client, token, f"{PENZA}/users/{penza_user}/roles", curated)
    assert response.status_code == 400 and "Выберите подразделение организации." in response.text
    zags = await Department.objects().get(Department.id == parfino_department)
    assert zags.name == "Отдел ЗАГС" and zags.is_active
    assert (await User.objects().get(User.id == parfino_user)).is_active
    assert await Membership.exists().where(Membership.id == parfino_membership["id"])
    assert await SocialAccount.exists().where(SocialAccount.name == "Парфино ВК")
    assert await ApiToken.exists().where(ApiToken.revoked_at.is_null())
    assert await Absence.count() == 0


async def test_nobody_removes_their_own_admin_role_or_switches_themselves_off(client) -> None:
    token = await admin_client(client)
    me = await user_id("admin")
    penza = await org_id("penza")
    own = (
        await Membership.select(Membership.id)
        .where((Membership.user == me) & (Membership.organisation == penza))
        .first()
    )
    response = await post(
        client, token, f"{PENZA}/users/{me}/roles/revoke", {"membership": own["id"]}
    )
    assert response.status_code == 400
    assert "Нельзя снять с себя роль администратора этой организации." in response.text
    assert await Membership.exists().where(Membership.id == own["id"])
    response = await post(client, token, f"{PENZA}/users/{me}/active", {"active": "0"})
    assert response.status_code == 400 and "Нельзя отключить самого себя." in response.text
    # Another person's role can be taken away.
    head = await user_id("penza-head")
    theirs = await Membership.select(Membership.id).where(Membership.user == head).first()
    response = await post(
        client, token, f"{PENZA}/users/{head}/roles/revoke", {"membership": theirs["id"]}
    )
    assert response.status_code == 302
    assert not await Membership.exists().where(Membership.id == theirs["id"])


async def test_new_executor_signs_in_on_the_executor_page(client) -> None:
    token = await admin_client(client)
    housing = await department("penza", "Управление жилищно")
    form = {
        "login": "ivanov",
        "full_name": "Иванов Иван",
        "password": "short",
        "role": "executor",
        "email": "ivanov@example.ru",
    }
    response = await post(client, token, f"{PENZA}/users", form)
    assert response.status_code == 400
    assert "Пароль должен содержать не менее" in response.text
    assert "Исполнителю нужно указать подразделение." in response.text or (
        "Выберите подразделение организации." in response.text
    )
    assert (
        'value="Иванов Иван"' in response.text
        and "short" not in response.text.split("user-form")[1]
    )
    form.update(password="correct-horse-battery", department=str(housing))
    assert (await post(client, token, f"{PENZA}/users", form)).status_code == 302
    taken = await post(client, token, f"{PENZA}/users", form)
    assert "уже существует" in taken.text
    async with second_browser() as other:
        assert (await sign_in(other, "ivanov", "correct-horse-battery")).status_code == 302
        landing = await other.get("/", follow_redirects=False)
        assert landing.headers["location"] == "/o/penza/executor"
        assert (await other.get("/o/penza/executor")).status_code == 200
        # Switched off: the session stops working at once.
        ivanov = await user_id("ivanov")
        off = await post(client, token, f"{PENZA}/users/{ivanov}/active", {"active": "0"})
        assert off.status_code == 302
        assert (await other.get("/o/penza/executor", follow_redirects=False)).status_code == 302
    kinds = {e["kind"] for e in await admin_events()}
    assert {"admin_user_created", "admin_role_granted", "admin_user_deactivated"} <= kinds


async def test_api_token_is_shown_once_and_accepted_until_revoked(client) -> None:
    token = await admin_client(client)
    empty = await post(client, token, f"{PENZA}/tokens", {"name": ""})
    assert empty.status_code == 400 and "Заполните поле" in empty.text
    issued = await post(client, token, f"{PENZA}/tokens", {"name": "Медиалогия"})
    assert issued.status_code == 201
    assert issued.headers["cache-control"] == "no-store"
    value = issued.text.split('data-testid="token-value"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert value.startswith("otk_")
    listing = await client.get(f"{PENZA}/tokens", headers=HTML)
    assert value not in listing.text and "Медиалогия" in listing.text
    assert "не использовался" in listing.text
    payload = {
        "network": "vk",
        "text": "Нет света во дворе",
        "author_name": "Житель",
        "url": "https://vk.com/wall-1_7",
    }
    api = await client.post(
        "/api/v1/messages", json=payload, headers={"authorization": f"Bearer {value}"}
    )
    assert api.status_code == 201
    listing = await client.get(f"{PENZA}/tokens", headers=HTML)
    assert "не использовался" not in listing.text
    token_id = (await ApiToken.select(ApiToken.id).first())["id"]
    revoked = await post(client, token, f"{PENZA}/tokens/{token_id}/revoke", {})
    assert revoked.headers["location"].endswith("done=revoked")
    again = await client.post(
        "/api/v1/messages", json=payload, headers={"authorization": f"Bearer {value}"}
    )
    assert again.status_code == 401
    assert (await post(client, token, f"{PENZA}/tokens/{token_id}/revoke", {})).status_code == 404
    kinds = [e["kind"] for e in await admin_events()]
    assert kinds == ["admin_token_issued", "admin_token_revoked"]


async def test_absences_are_validated_and_let_the_substitute_act(client) -> None:
    Clock(datetime(2025, 3, 17, 10, 0, tzinfo=MSK))
    token = await admin_client(client)
    executor, specialist = await user_id("penza-executor"), await user_id("penza-specialist")
    base = {"user": executor, "substitute": specialist, "reason": "vacation"}
    cases = [
        (
            {"starts_on": "2025-03-20", "ends_on": "2025-03-17"},
            "Дата окончания раньше даты начала.",
        ),
        (
            {"starts_on": "2025-03-17", "ends_on": "2025-03-21", "substitute": executor},
            "Сотрудник не может замещать сам себя.",
        ),
        ({"starts_on": "", "ends_on": "2025-03-21"}, "Укажите дату."),
        (
            {"starts_on": "2025-03-17", "ends_on": "2025-03-21", "reason": "party"},
            "Выберите причину отсутствия.",
        ),
    ]
    for extra, fragment in cases:
        response = await post(client, token, f"{PENZA}/absences", {**base, **extra})
        assert response.status_code == 400 and fragment in response.text, fragment
    # Before the absence the specialist cannot open the executor's page.
    async with second_browser() as substitute:
        await sign_in(substitute, "penza-specialist")
        assert (await substitute.get("/o/penza/executor")).status_code == 403
        ok = {**base, "starts_on": "2025-03-17", "ends_on": "2025-03-21"}
        assert (await post(client, token, f"{PENZA}/absences", ok)).status_code == 302
        overlap = {**base, "starts_on": "2025-03-21", "ends_on": "2025-03-25"}
        response = await post(client, token, f"{PENZA}/absences", overlap)
        assert "У сотрудника уже есть отсутствие в эти дни." in response.text
        assert (await substitute.get("/o/penza/executor")).status_code == 200
    page = await client.get(f"{PENZA}/absences", headers=HTML)
    assert "Отпуск" in page.text and "сейчас" in page.text
    absence_id = (await Absence.select(Absence.id).first())["id"]
    assert (
        await post(client, token, f"{PENZA}/absences/{absence_id}/delete", {})
    ).status_code == 302
    assert await Absence.count() == 0
    assert (
        await post(client, token, f"{PENZA}/absences/{absence_id}/delete", {})
    ).status_code == 404


async def test_regulation_clone_edit_with_warnings_refusals_and_switch(client) -> None:
    token = await admin_client(client)
    page = await client.get(f"{PENZA}/profile", headers=HTML)
    assert "п. 10" in page.text and "Размещение ответа, обычная важность" in page.text
    bad = await post(client, token, f"{PENZA}/profile/clone", {"code": "penza-2020"})
    assert bad.status_code == 400 and "занят встроенным регламентом" in bad.text
    made = await post(
        client, token, f"{PENZA}/profile/clone", {"code": "penza-local", "name": "Пенза-местный"}
    )
    assert made.headers["location"] == f"{PENZA}/profile?code=penza-local&done=added"
    page = await client.get(made.headers["location"], headers=HTML)
    assert 'data-testid="profile-form"' in page.text and "Пенза-местный" in page.text
    form = {k: v for k, v in _profile_form(page.text).items()}
    form.update(t_answer_normal="abc")
    refused = await post(client, token, f"{PENZA}/profile/save", form)
    assert refused.status_code == 400 and "Целое число от 0 до" in refused.text
    assert 'value="abc"' in refused.text  # nothing typed is lost
    form.update(t_answer_normal="240", t_answer_high="300")
    saved = await post(client, token, f"{PENZA}/profile/save", form)
    assert saved.status_code == 302, re.findall(r'(?:field-error|"error")[^>]*>([^<]+)', saved.text)
    page = await client.get(saved.headers["location"], headers=HTML)
    assert "Срок ответа на сообщения высокой важности больше, чем обычной." in page.text
    form = _profile_form(page.text)
    form.update(t_review="0")
    refused = await post(client, token, f"{PENZA}/profile/save", form)
    assert refused.status_code == 400 and 'data-testid="profile-error"' in refused.text
    switched = await post(client, token, f"{PENZA}/profile/switch", {"code": "penza-local"})
    assert switched.headers["location"].endswith("done=switched")
    rules = await organisation_rules(await org_id("penza"))
    assert (
        rules.profile.code == "penza-local" and rules.profile.timings.answer_normal.minutes == 240
    )
    unknown = await post(client, token, f"{PENZA}/profile/switch", {"code": "nope"})
    assert unknown.status_code == 400 and "не найден" in unknown.text


def _profile_form(html: str) -> dict[str, str]:
    """The editor's inputs as the browser would submit them (text inputs and selects)."""
    part = html.split('data-testid="profile-form"')[1].split("</form>")[0]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)" value="([^"]*)"', part))
    fields = {k: v for k, v in fields.items() if k != "_csrf_token"}
    fields["answer_basis"] = "working"
    if 'name="clarification_pauses" value="1" checked' in part:
        fields["clarification_pauses"] = "1"
    return fields


async def test_social_accounts_are_validated_and_kept_when_used(client) -> None:
    token = await admin_client(client)
    url = f"{PENZA}/accounts"
    bad = await post(
        client, token, url, {"network": "myspace", "name": "", "url": "javascript:alert(1)"}
    )
    assert bad.status_code == 400
    for fragment in ("Выберите социальную сеть.", "Заполните поле «Название».", "https://"):
        assert fragment in bad.text
    form = {
        "network": "vk",
        "name": "Администрация Пензы",
        "url": "https://vk.com/penza",
        "external_id": "-1",
        "is_active": "1",
    }
    assert (await post(client, token, url, form)).status_code == 302
    account = await SocialAccount.objects().first()
    assert account is not None and account.name == "Администрация Пензы"
    edit = {**form, "name": "<script>alert(1)</script>"}
    assert (await post(client, token, f"{url}/{account.id}", edit)).status_code == 302
    page = await client.get(url, headers=HTML)
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert (await post(client, token, f"{url}/{account.id}/delete", {})).status_code == 302
    assert await SocialAccount.count() == 0


async def test_non_admins_are_refused_and_missing_ids_are_404(client) -> None:
    token = await admin_client(client, "penza-specialist")
    assert (await client.get(f"{PENZA}/users", headers=HTML)).status_code == 403
    assert (await post(client, token, f"{PENZA}/tokens", {"name": "x"})).status_code == 403
    async with second_browser() as admin:
        token = await admin_client(admin)
        for url in ("/departments/9999", "/accounts/9999"):
            assert (await admin.get(PENZA + url, headers=HTML)).status_code == 404
        for url in (
            "/departments/9999/delete",
            "/absences/9999/delete",
            "/tokens/9999/revoke",
            "/users/9999/active",
            "/accounts/9999/delete",
        ):
            assert (await post(admin, token, PENZA + url, {})).status_code == 404, url
    assert await ApiToken.count() == 0
