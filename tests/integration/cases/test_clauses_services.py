"""Clauses whose behaviour lives in the services (issue #4), on the real database.

Complements tests/integration/test_case_scenarios.py (which has the normal, split, pause,
revision, outside-competence and Penza executor-substitute scenarios).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import asyncpg
import pytest

from app.cases import actions as cases
from app.core.config import get_settings
from app.db.tables import (
    Absence,
    Department,
    Draft,
    Event,
    Message,
    Organisation,
    Publication,
    User,
)
from app.domain.intake import validate_incoming
from app.domain.lifecycle import DraftKind
from app.domain.regulation.model import Importance, RefusalReason
from app.domain.roles import Role
from app.identity.accounts import create_user, grant_role
from app.intake.media import draft_attachments
from app.intake.messages import intake_message
from app.intake.repeats import earlier_cases
from app.journal.events import EventActor
from tests.integration.cases_helpers import (
    MSK,
    Clock,
    assignments,
    department,
    message,
    new_message,
    org_id,
    person,
)
from tests.integration.media_helpers import store_upload
from tests.integration.services_helpers import event_rows, routed_case, version_of

pytestmark = pytest.mark.usefixtures("demo")

MONDAY_10 = datetime(2025, 3, 17, 10, 0, tzinfo=MSK)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def frozen() -> Clock:
    return Clock(MONDAY_10)


async def absent(login: str, slug: str, substitute_login: str) -> tuple[int, int]:
    """`login` is on vacation this week; a new user substitutes. Returns (absent, substitute)."""
    holder = await User.objects().where(User.login == login).first()
    stand_in = await create_user(substitute_login, "Замещающий сотрудник", "пароль-длинный")
    await Absence(
        organisation=await org_id(slug),
        user=holder.id,
        starts_on=date(2025, 3, 17),
        ends_on=date(2025, 3, 21),
        reason="vacation",
        substitute=stand_in.id,
    ).save()
    return holder.id, stand_in.id


# -- Penza p.7, Parfino p.6: substitutes ----------------------------------------------------------


async def test_penza_p7_specialist_substitute_approves_and_the_log_says_for_whom() -> None:
    _, assignment_id = await routed_case("penza")
    await cases.submit_draft(
        await person("penza-executor", "penza"), assignment_id, 1, DraftKind.FINAL, "Ответ"
    )
    holder, stand_in = await absent("penza-specialist", "penza", "penza-zam")
    substitute = await person("penza-zam", "penza")
    assert Role.SPECIALIST in substitute.roles  # the work reaches the substitute
    await cases.approve(substitute, assignment_id, 2)
    event = (await Event.objects().where(Event.kind == "draft_approved").first()).to_dict()
    assert (event["actor"], event["substitute_for"], event["actor_role"]) == (
        stand_in,
        holder,
        "specialist",
    )


async def test_parfino_p6_coordinator_substitute_routes_for_the_absent_coordinator() -> None:
    specialist = await person("parfino-specialist", "parfino")
    message_id = await new_message("parfino", "Разбита дорога к школе")
    await cases.mark_for_reaction(specialist, message_id, 1, ["Дороги"], Importance.NORMAL)
    await cases.hand_over(specialist, message_id, 2)
    holder, stand_in = await absent("parfino-coordinator", "parfino", "parfino-zam")
    substitute = await person("parfino-zam", "parfino")
    roads = await department("parfino", "Комитет ЖКХ")
    await cases.route(substitute, message_id, 3, [cases.RouteTarget(roads, "Дороги")])
    routed = next(e for e in await event_rows(message_id) if e["kind"] == "routed")
    assert (routed["actor"], routed["substitute_for"]) == (stand_in, holder)
    # Outside the absence the substitute holds no duty of the coordinator.
    Clock(datetime(2025, 3, 24, 10, 0, tzinfo=MSK))
    assert Role.COORDINATOR not in (await person("parfino-zam", "parfino")).roles


# -- Penza p.15, Parfino p.18: repeat messages --------------------------------------------------


@pytest.mark.parametrize("slug", ["penza", "parfino"])
async def test_penza_p15_parfino_p18_repeat_is_found_linked_and_follows_the_same_procedure(
    slug: str, frozen: Clock
) -> None:
    earlier, _ = await routed_case(
        slug, "Не вывозят мусор с ул. Мира", author_url="https://vk.com/id7"
    )
    frozen.advance(hours=2)
    repeat = await new_message(slug, "Мусор так и лежит", author_url="https://vk.com/id7")
    found = await earlier_cases(await org_id(slug), repeat)
    assert found[0].id == earlier and "author" in found[0].why
    specialist = await person(f"{slug}-specialist", slug)
    await cases.mark_for_reaction(specialist, repeat, 1, ["ЖКХ"], Importance.NORMAL, earlier)
    row = await message(repeat)
    assert row["repeat_of"] == earlier
    assert row["answer_due_at"] is not None  # the ordinary deadlines apply
    marked = next(e for e in await event_rows(repeat) if e["kind"] == "marked")
    assert marked["actor"] == specialist.user_id


# -- Penza p.16, Parfino p.19: photo and video on drafts ------------------------------------------


@pytest.fixture
def media_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OTKLIK_MEDIA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    monkeypatch.delenv("OTKLIK_MEDIA_DIR")
    get_settings.cache_clear()


@pytest.mark.parametrize("slug", ["penza", "parfino"])
async def test_penza_p16_parfino_p19_answer_carries_photo_through_revision_to_publication(
    slug: str, media_dir: Path
) -> None:
    _, assignment_id = await routed_case(slug)
    organisation = await org_id(slug)
    executor = await person(f"{slug}-executor", slug)
    specialist = await person(f"{slug}-specialist", slug)
    photo = await store_upload(organisation, "яма.jpg", JPEG)
    files = await draft_attachments(organisation, [photo["id"]])
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Яму заделали", files)
    await cases.return_for_revision(specialist, assignment_id, 2, "Добавьте фото после ремонта")
    after = await store_upload(organisation, "после.jpg", JPEG + b"\x01")
    files = await draft_attachments(organisation, [photo["id"], after["id"]])
    await cases.resubmit(executor, assignment_id, 3, "Яму заделали, фото прилагаем", files)
    await cases.approve(specialist, assignment_id, 4)
    publisher = await person(f"{slug}-{'coordinator' if slug == 'parfino' else 'specialist'}", slug)
    await cases.publish(publisher, assignment_id, 5, "https://vk.com/wall-1_9?reply=1")
    drafts = (
        await Draft.select(Draft.number, Draft.attachments)
        .where(Draft.assignment == assignment_id)
        .order_by(Draft.number)
        .output(load_json=True)
    )
    assert [[a["name"] for a in d["attachments"]] for d in drafts] == [
        ["яма.jpg"],
        ["яма.jpg", "после.jpg"],
    ]
    published = await Publication.objects().where(Publication.assignment == assignment_id).first()
    assert published.draft == (await Draft.objects().where(Draft.number == 2).first()).id


# -- Penza p.17, Parfino p.20: not subject to processing ---------------------------------------


@pytest.mark.parametrize("slug", ["penza", "parfino"])
@pytest.mark.parametrize(
    "reason",
    [
        RefusalReason.HARM_INTENT,
        RefusalReason.OBSCENE,
        RefusalReason.INSULTING,
        RefusalReason.THREAT,
    ],
)
async def test_penza_p17_parfino_p20_refusal_stores_the_reason_and_keeps_the_message(
    slug: str, reason: RefusalReason
) -> None:
    message_id = await new_message(slug, "Текст, не подлежащий обработке")
    specialist = await person(f"{slug}-specialist", slug)
    await cases.refuse(specialist, message_id, 1, reason, "оскорбление должностного лица")
    row = await message(message_id)
    assert (row["state"], row["refusal_reason"]) == ("refused", str(reason))
    assert row["refusal_comment"] == "оскорбление должностного лица"
    assert row["text"] == "Текст, не подлежащий обработке"  # kept, not deleted
    refused = (await event_rows(message_id))[-1]
    assert refused["kind"] == "refused" and refused["actor"] == specialist.user_id


# -- Penza p.18, Parfino p.21: responsibility from the event log ------------------------------


@pytest.mark.parametrize("slug", ["penza", "parfino"])
async def test_penza_p18_parfino_p21_who_did_each_step_is_read_from_the_log(slug: str) -> None:
    message_id, assignment_id = await routed_case(slug)
    executor = await person(f"{slug}-executor", slug)
    specialist = await person(f"{slug}-specialist", slug)
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Ответ")
    await cases.approve(specialist, assignment_id, 2)
    log = {e["kind"]: (e["actor"], e["actor_role"]) for e in await event_rows(message_id)}
    assert log["draft_submitted"] == (executor.user_id, "executor")  # accuracy and timeliness
    assert log["draft_approved"] == (specialist.user_id, "specialist")
    assert log["message_collected"] == (None, "system")
    # The log is append-only: the database refuses to rewrite who did it.
    with pytest.raises(asyncpg.exceptions.RaiseError, match="append-only"):
        await Event.update({Event.actor: None}).where(Event.message == message_id)


# -- Parfino p.17: split, each assignment its own answer -------------------------------------


async def test_parfino_p17_each_department_publishes_its_own_answer_and_the_case_closes_last() -> (
    None
):
    message_id, housing_assignment = await routed_case("parfino", "Нет света в ДК и яма у входа")
    culture = (
        await Department.objects()
        .where(Department.id == await department("parfino", "Отдел культуры"))
        .first()
    )
    parfino = await Organisation.objects().where(Organisation.slug == "parfino").first()
    await grant_role(
        await create_user("culture", "Культура", "пароль-длинный"), parfino, Role.EXECUTOR, culture
    )
    coordinator = await person("parfino-coordinator", "parfino")
    version = (await message(message_id))["version"]
    await cases.route(coordinator, message_id, version, [cases.RouteTarget(culture.id, "ДК")])
    culture_assignment = (await assignments(message_id))[-1]["id"]
    specialist = await person("parfino-specialist", "parfino")
    answers = {
        housing_assignment: ("parfino-executor", "Яму засыпали"),
        culture_assignment: ("culture", "Свет в ДК восстановлен"),
    }
    for number, (assignment_id, (login, text)) in enumerate(answers.items()):
        executor = await person(login, "parfino")
        await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, text)
        await cases.approve(specialist, assignment_id, 2)
        await cases.publish(
            coordinator, assignment_id, 3, f"https://vk.com/wall-1_5?reply={number}"
        )
        expected = "in_work" if number == 0 else "done"
        assert (await message(message_id))["state"] == expected
    published = await Publication.select(Publication.assignment, Publication.draft).where(
        Publication.message == message_id
    )
    assert {p["assignment"] for p in published} == set(answers)
    assert len({p["draft"] for p in published}) == 2
    assert await version_of(culture_assignment) == 4


# -- intake idempotency ---------------------------------------------------------------------------


async def test_intake_is_idempotent_on_network_and_external_id_then_url() -> None:
    organisation = await org_id("penza")
    raw = {"network": "vk", "text": "Нет воды", "external_id": "wall-1_77", "author_name": "А"}
    first = await intake_message(organisation, validate_incoming(raw), EventActor.system())
    again = await intake_message(
        organisation, validate_incoming({**raw, "text": "Нет воды (изменено)"}), EventActor.system()
    )
    assert first == (first[0], True) and again == (first[0], False)
    by_url = {"network": "ok", "text": "Яма", "url": "https://ok.ru/group/1/topic/2#c"}
    one = await intake_message(organisation, validate_incoming(by_url), EventActor.system())
    two = await intake_message(
        organisation,
        validate_incoming({**by_url, "url": "https://OK.ru/group/1/topic/2"}),
        EventActor.system(),
    )
    assert two == (one[0], False)
    # The same post in another organisation is that organisation's own message.
    other = await intake_message(
        await org_id("parfino"), validate_incoming(raw), EventActor.system()
    )
    assert other[1] is True
    assert await Message.count().where(Message.organisation == organisation) == 2
    collected = await Event.count().where(Event.kind == "message_collected")
    assert collected == 3
