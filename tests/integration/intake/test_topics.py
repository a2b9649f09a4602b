"""Topics from the organisation's dictionary (Parfino p.7): required, synonyms, suggestions."""

from __future__ import annotations

import pytest

from app.admin import topics as admin_topics
from app.admin.common import AdminError
from app.admin.departments import DepartmentForm, save_department
from app.cases import actions as cases
from app.cases.actions import CaseError, RouteTarget
from app.db.tables import Event, Organisation, Topic
from app.domain.regulation.model import Importance
from app.domain.roles import Role
from app.identity.accounts import create_user, grant_role
from app.identity.passwords import cached_hash
from app.intake.topics import TopicError
from tests.integration.admin.test_admin import admin_client, post
from tests.integration.cases_helpers import (
    assignments,
    department,
    message,
    new_message,
    org_id,
    person,
)
from tests.integration.conftest import csrf_token, sign_in

pytestmark = pytest.mark.usefixtures("demo")


async def topic_id(slug: str, name: str) -> int:
    row = await Topic.select(Topic.id).where(
        (Topic.organisation == await org_id(slug)) & (Topic.name == name)
    )
    assert row, name
    return int(row[0]["id"])


async def test_demo_dictionaries_start_from_the_departments_topics() -> None:
    names = await Topic.select(Topic.name).where(Topic.organisation == await org_id("parfino"))
    assert {"ЖКХ", "Дороги", "Благоустройство", "ЗАГС"} <= {r["name"] for r in names}


async def test_parfino_p7_marking_without_a_topic_is_refused_and_nothing_is_saved() -> None:
    specialist = await person("parfino-specialist", "parfino")
    message_id = await new_message("parfino")
    with pytest.raises(CaseError, match=r"Укажите тему сообщения.*п\. 7") as refused:
        await cases.mark_for_reaction(specialist, message_id, 1, ["  "], Importance.NORMAL)
    assert refused.value.code == "topic_required"
    row = await message(message_id)
    assert (row["state"], row["version"], row["topics"], row["detected_at"]) == (
        "collected", 1, [], None
    )  # fmt: skip
    assert [
        e["kind"] for e in await Event.select(Event.kind).where(Event.message == message_id)
    ] == ["message_collected"]
    # Penza's «Положение» names no topic: marking without one is allowed.
    penza_message = await new_message("penza")
    penza = await person("penza-specialist", "penza")
    await cases.mark_for_reaction(penza, penza_message, 1, [], Importance.NORMAL)
    assert (await message(penza_message))["state"] == "routing"


async def test_parfino_p7_reclassifying_to_no_topic_is_refused() -> None:
    specialist = await person("parfino-specialist", "parfino")
    message_id = await new_message("parfino")
    await cases.mark_for_reaction(specialist, message_id, 1, ["ЖКХ"], Importance.NORMAL)
    with pytest.raises(CaseError, match="Укажите тему"):
        await cases.reclassify(specialist, message_id, 2, [], Importance.HIGH)
    assert (await message(message_id))["importance"] == "normal"


async def test_synonym_is_stored_as_its_canonical_topic() -> None:
    admin = await person("admin", "parfino")
    await admin_topics.add_topic(admin, "Общественный транспорт", "Транспорт, автобусы")
    specialist = await person("parfino-specialist", "parfino")
    message_id = await new_message("parfino")
    await cases.mark_for_reaction(
        specialist, message_id, 1, ["транспорт", "жкх", "Автобусы"], Importance.NORMAL
    )
    assert (await message(message_id))["topics"] == ["Общественный транспорт", "ЖКХ"]
    assert await Topic.count().where(Topic.is_suggestion.eq(True)) == 0


async def test_unknown_topic_becomes_a_suggestion_and_merging_rewrites_the_cases() -> None:
    specialist = await person("parfino-specialist", "parfino")
    coordinator = await person("parfino-coordinator", "parfino")
    first, second = await new_message("parfino", "Фонари"), await new_message("parfino", "Темно")
    await cases.mark_for_reaction(specialist, first, 1, ["Освещение", "ЖКХ"], Importance.NORMAL)
    await cases.mark_for_reaction(specialist, second, 1, ["освещение"], Importance.NORMAL)
    assert (await message(second))["topics"] == ["Освещение"]  # the suggestion's spelling
    suggestions = await Topic.select(Topic.name, Topic.suggested_by).where(
        Topic.is_suggestion.eq(True)
    )
    assert [s["name"] for s in suggestions] == ["Освещение"]
    await cases.hand_over(specialist, first, 2)
    target = await department("parfino", "Комитет ЖКХ")
    await cases.route(coordinator, first, 3, [RouteTarget(target, "Освещение")])

    admin = await person("admin", "parfino")
    merged = await admin_topics.merge_topic(
        admin, await topic_id("parfino", "Освещение"), await topic_id("parfino", "Благоустройство")
    )
    assert merged == 2
    assert (await message(first))["topics"] == ["Благоустройство", "ЖКХ"]
    assert (await message(second))["topics"] == ["Благоустройство"]
    assert [a["topic"] for a in await assignments(first)] == ["Благоустройство"]
    assert await Topic.count().where(Topic.name == "Освещение") == 0
    # The merged spelling now finds the topic it went into.
    third = await new_message("parfino", "Опять темно")
    await cases.mark_for_reaction(specialist, third, 1, ["ОСВЕЩЕНИЕ"], Importance.NORMAL)
    assert (await message(third))["topics"] == ["Благоустройство"]
    kinds = await Event.select(Event.kind).where(Event.kind == "admin_topic_merged")
    assert len(kinds) == 1


async def test_rename_keeps_the_old_name_as_a_synonym_and_switched_off_topic_is_refused() -> None:
    admin = await person("admin", "penza")
    specialist = await person("penza-specialist", "penza")
    message_id = await new_message("penza")
    await cases.mark_for_reaction(specialist, message_id, 1, ["Мусор"], Importance.NORMAL)
    garbage = await topic_id("penza", "Мусор")
    await admin_topics.save_topic(admin, garbage, "Вывоз мусора", "ТКО")
    assert (await message(message_id))["topics"] == ["Вывоз мусора"]
    row = await Topic.select(Topic.synonyms).where(Topic.id == garbage)
    assert row[0]["synonyms"] == ["ТКО", "Мусор"]
    with pytest.raises(AdminError, match="уже есть в словаре"):
        await admin_topics.add_topic(admin, "мусор")
    await admin_topics.set_topic_state(admin, garbage, False)
    other = await new_message("penza", "Контейнеры переполнены")
    with pytest.raises(TopicError, match="отключена администратором"):
        await cases.mark_for_reaction(specialist, other, 1, ["ТКО"], Importance.NORMAL)
    assert (await message(other))["state"] == "collected"


async def test_topics_page_is_for_the_admin_of_that_organisation_only(client) -> None:
    # An administrator of Penza only.
    user = await create_user(
        "penza-admin", "Админ Пензы", "", password_hash=cached_hash("pw-12345")
    )
    penza = await org_id("penza")
    await grant_role(user, await Organisation.objects().get(Organisation.id == penza), Role.ADMIN)
    token = await admin_client(client, "penza-admin", "pw-12345")
    page = await client.get("/o/penza/admin/topics")
    assert page.status_code == 200 and "Темы сообщений" in page.text and "Мусор" in page.text
    added = await post(
        client, token, "/o/penza/admin/topics", {"name": "Снег", "synonyms": "Уборка снега"}
    )
    assert added.status_code in (302, 303)
    assert await Topic.count().where((Topic.organisation == penza) & (Topic.name == "Снег")) == 1
    assert (await client.get("/o/parfino/admin/topics")).status_code == 403
    parfino_topic = await topic_id("parfino", "ЗАГС")
    refused = await post(
        client, token, f"/o/parfino/admin/topics/{parfino_topic}/state", {"active": "0"}
    )
    assert refused.status_code == 403
    # A forged id of another organisation's topic under one's own organisation: not found.
    forged = await post(client, token, f"/o/penza/admin/topics/{parfino_topic}/state", {})
    assert forged.status_code == 404
    assert (await Topic.select(Topic.is_active).where(Topic.id == parfino_topic))[0]["is_active"]


async def test_specialist_may_not_open_the_topics_page_but_gets_suggestions(client) -> None:
    assert (await sign_in(client, "parfino-specialist")).status_code == 302
    assert (await client.get("/o/parfino/admin/topics")).status_code == 403
    response = await client.get("/o/parfino/topics/suggest", params={"topics": "ЖКХ, дор"})
    assert response.status_code == 200
    assert 'data-topic-pick="Дороги"' in response.text
    assert "ЖКХ" not in response.text  # only the piece being typed is matched
    assert (await client.get("/o/penza/topics/suggest", params={"topics": "д"})).status_code == 403
    assert await csrf_token(client)


async def test_a_departments_topics_join_the_dictionary_once() -> None:
    admin = await person("admin", "penza")
    form = DepartmentForm(name="Управление ГО и ЧС", topics="Гражданская оборона, дороги")
    await save_department(admin, None, form)
    names = [
        r["name"]
        for r in await Topic.select(Topic.name).where(Topic.organisation == await org_id("penza"))
    ]
    assert "Гражданская оборона" in names
    assert [n for n in names if n.casefold() == "дороги"] == ["Дороги"]
