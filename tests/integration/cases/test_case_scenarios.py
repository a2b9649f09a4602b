"""Lifecycle scenarios through the service layer, for both profiles (issue #4)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import pytest

from app.cases import actions as cases
from app.cases.actions import CaseError, RouteTarget
from app.db.tables import Absence, Draft, Event, Publication, User
from app.domain.lifecycle import DraftKind
from app.domain.regulation.model import Importance, RefusalReason
from app.identity.accounts import create_user, grant_role
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

pytestmark = pytest.mark.usefixtures("demo")

# Monday 17 March 2025, 10:00 in Moscow: an ordinary working week.
MONDAY_10 = datetime(2025, 3, 17, 10, 0, tzinfo=MSK)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=MSK)


async def events(message_id: int) -> list[str]:
    rows = await Event.select(Event.kind).where(Event.message == message_id).order_by(Event.id)
    return [r["kind"] for r in rows]


async def penza_marked(clock: Clock, importance: Importance = Importance.NORMAL) -> int:
    specialist = await person("penza-specialist", "penza")
    message_id = await new_message("penza")
    await cases.mark_for_reaction(specialist, message_id, 1, ["ЖКХ"], importance)
    return message_id


async def penza_routed(clock: Clock, importance: Importance = Importance.NORMAL) -> tuple[int, int]:
    message_id = await penza_marked(clock, importance)
    specialist = await person("penza-specialist", "penza")
    housing = await department("penza", "Управление жилищно")
    await cases.route(specialist, message_id, 2, [RouteTarget(housing, "ЖКХ")])
    return message_id, (await assignments(message_id))[0]["id"]


async def test_penza_normal_case_from_intake_to_publication() -> None:
    clock = Clock(MONDAY_10)
    message_id, assignment_id = await penza_routed(clock)
    row = await message(message_id)
    # p.10: 8 working hours on Penza's schedule (lunch 13:00–13:48): Tuesday 09:48.
    assert row["answer_due_at"] == at(18, 9, 48)
    executor = await person("penza-executor", "penza")
    specialist = await person("penza-specialist", "penza")
    clock.advance(hours=1)
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Фонари починят завтра.")
    clock.advance(minutes=20)
    await cases.approve(specialist, assignment_id, 2)
    outcome = await cases.publish(specialist, assignment_id, 3, "https://vk.com/wall-1_100?reply=5")
    assert outcome.state == "done"
    assert (await message(message_id))["state"] == "done"
    assert (await message(message_id))["binding_due_at"] is None
    publication = await Publication.objects().where(Publication.message == message_id).first()
    assert publication.url == "https://vk.com/wall-1_100?reply=5"
    assert await events(message_id) == [
        "message_collected",
        "marked",
        "routed",
        "draft_submitted",
        "draft_approved",
        "published",
        "message_complete",
    ]


async def test_penza_p10_p11_high_importance_binding_deadline_is_draft_after_one_hour() -> None:
    clock = Clock(MONDAY_10)
    message_id = await penza_marked(clock, Importance.HIGH)
    row = await message(message_id)
    assert row["answer_due_at"] == at(17, 14, 48)  # 4 working hours with the 48-minute lunch
    # p.11: the draft is due 3 h before: 11:00, earlier than routing's 2 h (p.8) — shown.
    assert row["binding_due_at"] == at(17, 11, 0)
    assert row["binding_step"] == "draft"
    steps = {d["step"] for d in row["deadlines"]}
    assert {"route", "answer", "draft"} <= steps


async def test_importance_change_recomputes_deadlines() -> None:
    clock = Clock(MONDAY_10)
    message_id = await penza_marked(clock)
    specialist = await person("penza-specialist", "penza")
    await cases.reclassify(specialist, message_id, 2, ["ЖКХ"], Importance.HIGH)
    assert (await message(message_id))["answer_due_at"] == at(17, 14, 48)


async def test_returned_for_revision_twice_keeps_every_version() -> None:
    clock = Clock(MONDAY_10)
    message_id, assignment_id = await penza_routed(clock)
    executor = await person("penza-executor", "penza")
    specialist = await person("penza-specialist", "penza")
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Версия 1")
    await cases.return_for_revision(specialist, assignment_id, 2, "Добавьте сроки работ.")
    row = (await assignments(message_id))[0]
    assert row["due_step"] == "revise"
    assert row["due_at"] == at(17, 11, 0)  # p.13: one working hour
    await cases.resubmit(executor, assignment_id, 3, "Версия 2")
    await cases.return_for_revision(specialist, assignment_id, 4, "Укажите ответственного.")
    await cases.resubmit(executor, assignment_id, 5, "Версия 3")
    await cases.approve(specialist, assignment_id, 6)
    drafts = (
        await Draft.select(Draft.number, Draft.text, Draft.state, Draft.review_comment)
        .where(Draft.assignment == assignment_id)
        .order_by(Draft.number)
    )
    assert [(d["number"], d["text"], d["state"]) for d in drafts] == [
        (1, "Версия 1", "returned"),
        (2, "Версия 2", "returned"),
        (3, "Версия 3", "approved"),
    ]
    assert drafts[0]["review_comment"] == "Добавьте сроки работ."
    assert (await assignments(message_id))[0]["revision_rounds"] == 2


async def test_penza_p9_outside_competence_goes_back_to_routing() -> None:
    clock = Clock(MONDAY_10)
    message_id, assignment_id = await penza_routed(clock)
    executor = await person("penza-executor", "penza")
    with pytest.raises(CaseError, match="почему"):
        await cases.return_outside_competence(executor, assignment_id, 1, "  ")
    await cases.return_outside_competence(executor, assignment_id, 1, "Это дороги, не ЖКХ")
    assert (await message(message_id))["state"] == "routing"
    specialist = await person("penza-specialist", "penza")
    roads = await department("penza", "Управление транспорта")
    version = (await message(message_id))["version"]
    await cases.route(specialist, message_id, version, [RouteTarget(roads, "Дороги")])
    rows = await assignments(message_id)
    assert [r["state"] for r in rows] == ["returned_outside_competence", "assigned"]


async def test_parfino_split_across_three_departments_each_with_its_own_answer() -> None:
    Clock(MONDAY_10)
    specialist = await person("parfino-specialist", "parfino")
    coordinator = await person("parfino-coordinator", "parfino")
    message_id = await new_message("parfino", "Нет света, яма на дороге и не вывозят мусор")
    await cases.mark_for_reaction(specialist, message_id, 1, ["ЖКХ", "Дороги"], Importance.NORMAL)
    # Parfino p.7: the specialist hands over within 30 minutes; routing is the coordinator's.
    row = await message(message_id)
    assert row["state"] == "handing_over"
    assert row["binding_step"] == "hand_over" and row["binding_due_at"] == at(17, 10, 30)
    with pytest.raises(CaseError, match="Действие «Направить исполнителям» недоступно"):
        await cases.route(specialist, message_id, 2, [RouteTarget(1)])
    await cases.hand_over(specialist, message_id, 2)
    targets = [
        RouteTarget(await department("parfino", "Комитет ЖКХ"), "ЖКХ"),
        RouteTarget(await department("parfino", "Отдел по организационным"), "Работа"),
        RouteTarget(await department("parfino", "Специалист ГО"), "ЧС"),
    ]
    await cases.route(coordinator, message_id, 3, targets)
    rows = await assignments(message_id)
    assert len(rows) == 3 and {r["state"] for r in rows} == {"assigned"}
    # Each has its own answer clock: 8 working hours (Parfino p.8) → Tuesday 10:00.
    deadlines = (await message(message_id))["deadlines"]
    answers = [d for d in deadlines if d["step"] == "answer"]
    assert {d["assignment_id"] for d in answers} == {r["id"] for r in rows}


async def test_intermediate_then_final_answer_due_in_seven_working_days() -> None:
    clock = Clock(MONDAY_10)
    message_id, assignment_id = await penza_routed(clock)
    executor = await person("penza-executor", "penza")
    specialist = await person("penza-specialist", "penza")
    await cases.submit_draft(
        executor, assignment_id, 1, DraftKind.INTERMEDIATE, "Проверяем, ответим позже."
    )
    await cases.approve(specialist, assignment_id, 2)
    await cases.publish(specialist, assignment_id, 3, "https://vk.com/wall-1_1?reply=1")
    row = (await assignments(message_id))[0]
    assert row["state"] == "awaiting_final"
    # p.14: seven working days from Monday 17 March: the end of Wednesday 26 March.
    assert row["due_step"] == "final_draft"
    assert row["due_at"] == at(26, 18, 0)
    assert (await message(message_id))["state"] == "in_work"
    await cases.submit_draft(executor, assignment_id, 4, DraftKind.FINAL, "Фонари заменены.")
    await cases.approve(specialist, assignment_id, 5)
    await cases.publish(specialist, assignment_id, 6, "https://vk.com/wall-1_1?reply=2")
    assert (await message(message_id))["state"] == "done"
    assert await Publication.count().where(Publication.message == message_id) == 2


async def test_parfino_p10_clarification_pauses_the_answer_clock_until_the_reply() -> None:
    clock = Clock(MONDAY_10)
    specialist = await person("parfino-specialist", "parfino")
    coordinator = await person("parfino-coordinator", "parfino")
    executor = await person("parfino-executor", "parfino")
    message_id = await new_message("parfino")
    await cases.mark_for_reaction(specialist, message_id, 1, ["ЖКХ"], Importance.NORMAL)
    await cases.hand_over(specialist, message_id, 2)
    housing = await department("parfino", "Комитет ЖКХ")
    await cases.route(coordinator, message_id, 3, [RouteTarget(housing, "ЖКХ")])
    assignment_id = (await assignments(message_id))[0]["id"]
    assert (await message(message_id))["answer_due_at"] == at(18, 10, 0)
    clock.set(at(17, 11, 0))
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.CLARIFICATION, "Уточните адрес")
    await cases.approve(specialist, assignment_id, 2)
    await cases.publish(coordinator, assignment_id, 3, "https://vk.com/wall-1_7?reply=3")
    row = await message(message_id)
    assert row["answer_due_at"] is None  # paused: no due instant while waiting
    answer = next(d for d in row["deadlines"] if d["step"] == "answer")
    assert answer["due_at"] is None and answer["remaining_seconds"] == 7 * 3600
    clock.set(at(17, 15, 0))  # the author answers four hours later
    await cases.record_reply(executor, assignment_id, 4, "ул. Мира, 5")
    # 7 working hours left from Monday 15:00: 3 h on Monday, 4 h on Tuesday → 13:00.
    assert (await message(message_id))["answer_due_at"] == at(18, 13, 0)


async def test_penza_clarification_does_not_pause_the_clock() -> None:
    clock = Clock(MONDAY_10)
    message_id, assignment_id = await penza_routed(clock)
    executor = await person("penza-executor", "penza")
    specialist = await person("penza-specialist", "penza")
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.CLARIFICATION, "Какой адрес?")
    await cases.approve(specialist, assignment_id, 2)
    await cases.publish(specialist, assignment_id, 3, "https://vk.com/wall-1_7?reply=3")
    assert (await message(message_id))["answer_due_at"] == at(18, 9, 48)


async def test_repeat_message_is_linked_to_the_earlier_case() -> None:
    clock = Clock(MONDAY_10)
    earlier = await penza_marked(clock)
    specialist = await person("penza-specialist", "penza")
    repeat = await new_message("penza", "Опять не горят фонари, уже писал")
    await cases.mark_for_reaction(specialist, repeat, 1, ["ЖКХ"], Importance.NORMAL, earlier)
    assert (await message(repeat))["repeat_of"] == earlier
    with pytest.raises(CaseError, match="не найдено"):
        await cases.mark_for_reaction(
            specialist, await new_message("penza", "x"), 1, [], Importance.NORMAL, 999_999
        )


async def test_refusal_and_undo_within_ten_minutes_by_the_same_person() -> None:
    clock = Clock(MONDAY_10)
    specialist = await person("penza-specialist", "penza")
    message_id = await new_message("penza", "Грубое сообщение")
    await cases.refuse(specialist, message_id, 1, RefusalReason.OBSCENE, "мат")
    row = await message(message_id)
    assert row["state"] == "refused" and row["refusal_reason"] == "obscene_language"
    admin_user = await create_user("second-spec", "Второй специалист", "пароль-длинный")
    from app.db.tables import Organisation

    penza = await Organisation.objects().where(Organisation.slug == "penza").first()
    from app.domain.roles import Role

    await grant_role(admin_user, penza, Role.SPECIALIST)
    other = await person("second-spec", "penza")
    with pytest.raises(CaseError, match="только тот, кто его принял"):
        await cases.undo_screening(other, message_id, 2)
    clock.advance(minutes=9)
    await cases.undo_screening(specialist, message_id, 2)
    assert (await message(message_id))["state"] == "collected"
    await cases.refuse(specialist, message_id, 3, RefusalReason.NO_REACTION)
    clock.advance(minutes=11)
    with pytest.raises(CaseError, match="больше 10 минут"):
        await cases.undo_screening(specialist, message_id, 4)
    assert await events(message_id) == [
        "message_collected",
        "refused",
        "screening_undone",
        "refused",
    ]


async def test_substitute_acts_for_an_absent_executor_and_the_log_says_so() -> None:
    clock = Clock(MONDAY_10)
    _, assignment_id = await penza_routed(clock)
    absent = await User.objects().where(User.login == "penza-executor").first()
    stand_in = await create_user("zamena", "Петрова Ирина", "пароль-длинный")
    await Absence(
        organisation=await org_id("penza"),
        user=absent.id,
        starts_on=date(2025, 3, 17),
        ends_on=date(2025, 3, 21),
        reason="vacation",
        substitute=stand_in.id,
    ).save()
    substitute = await person("zamena", "penza")
    await cases.submit_draft(substitute, assignment_id, 1, DraftKind.FINAL, "Ответ заместителя")
    event = await Event.objects().where(Event.kind == "draft_submitted").first()
    assert event.actor == stand_in.id and event.substitute_for == absent.id
    assert event.actor_role == "executor"
    # After the absence the stand-in has no executor duty any more.
    clock.set(datetime(2025, 3, 24, 10, 0, tzinfo=MSK))
    later = await person("zamena", "penza")
    assert not later.roles


async def test_wrong_role_other_department_and_other_organisation_change_nothing() -> None:
    clock = Clock(MONDAY_10)
    message_id, assignment_id = await penza_routed(clock)
    executor = await person("penza-executor", "penza")
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Ответ")
    version = (await message(message_id))["version"]
    with pytest.raises(CaseError, match="его выполняет «Специалист»"):
        await cases.approve(executor, assignment_id, 2)
    parfino = await person("parfino-specialist", "parfino")
    with pytest.raises(CaseError, match="не найдено"):
        await cases.mark_for_reaction(parfino, message_id, version, [], Importance.NORMAL)
    with pytest.raises(CaseError, match="не найдено"):
        await cases.approve(parfino, assignment_id, 2)
    assert (await assignments(message_id))[0]["state"] == "draft_submitted"
    assert (await message(message_id))["version"] == version


async def test_stale_version_is_refused() -> None:
    clock = Clock(MONDAY_10)
    message_id = await penza_marked(clock)
    specialist = await person("penza-specialist", "penza")
    with pytest.raises(CaseError, match="уже изменено другим пользователем") as error:
        await cases.reclassify(specialist, message_id, 1, ["ЖКХ"], Importance.HIGH)
    assert error.value.code == "stale"


async def test_two_people_act_on_one_assignment_at_once_one_wins() -> None:
    clock = Clock(MONDAY_10)
    message_id, assignment_id = await penza_routed(clock)
    executor = await person("penza-executor", "penza")
    specialist = await person("penza-specialist", "penza")
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Ответ")
    results = await asyncio.gather(
        cases.approve(specialist, assignment_id, 2),
        cases.return_for_revision(specialist, assignment_id, 2, "Доработать"),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, CaseError)]
    assert len(errors) == 1 and errors[0].code == "stale"
    kinds = await events(message_id)
    assert kinds.count("draft_approved") + kinds.count("draft_returned") == 1
