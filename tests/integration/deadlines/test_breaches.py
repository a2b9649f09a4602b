"""Other breaches and the official's decision on any breach (Penza p.19, Parfino p.22)."""

from __future__ import annotations

import pytest

from app.core.errors import FieldErrors
from app.db.tables import Event, User, Violation
from app.deadlines.breaches import BreachError, case_breaches, decide_breach, record_breach
from app.deadlines.violations import list_violations
from tests.integration.cases_helpers import MSK, Clock, org_id, person
from tests.integration.services_helpers import routed_case
from tests.integration.timers_helpers import (
    penza_case,
    pooled,  # noqa: F401 — fixture
    sweep_at,
    user_id,
    violations,
)

pytestmark = pytest.mark.usefixtures("demo")


async def test_official_records_an_inaccurate_answer_against_the_executor() -> None:
    message_id, assignment_id = await routed_case("penza")
    official = await person("penza-official", "penza")
    executor = await user_id("penza-executor")
    vid = await record_breach(
        official,
        message_id,
        "inaccurate_answer",
        "В ответе указан неверный срок ремонта.",
        executor,
        assignment_id,
    )
    [breach] = await case_breaches(await org_id("penza"), message_id)
    executor_name = (await User.select(User.full_name).where(User.id == executor))[0]
    assert (breach.id, breach.kind_title, breach.responsible_name) == (
        vid,
        "Недостоверный ответ",
        executor_name["full_name"],
    )
    register = await list_violations(await org_id("penza"))
    row = next(r for r in register if r.id == vid)
    assert row.step_title == "Недостоверный ответ" and row.responsible_user_id == executor
    assert row.department_id is not None and not row.is_deadline
    events = await Event.select(Event.kind).where(Event.message == message_id)
    assert "breach_recorded" in {e["kind"] for e in events}


@pytest.mark.parametrize("login", ["penza-specialist", "penza-executor"])
async def test_only_overseers_record_breaches(login: str) -> None:
    message_id, _ = await routed_case("penza")
    actor = await person(login, "penza")
    with pytest.raises(BreachError, match="должностное лицо"):
        await record_breach(actor, message_id, "off_topic_answer", "Не по существу", None)
    assert await Violation.count() == 0


async def test_a_breach_without_description_or_of_the_deadline_kind_is_refused() -> None:
    message_id, _ = await routed_case("parfino")
    official = await person("parfino-official", "parfino")
    with pytest.raises(FieldErrors) as refused:
        await record_breach(official, message_id, "deadline", "  ", None)
    assert set(refused.value.errors) == {"kind", "description"}
    with pytest.raises(FieldErrors):
        await record_breach(official, message_id, "missing_media", "x" * 2001, None)
    assert await Violation.count() == 0


async def test_another_organisations_case_or_person_is_refused() -> None:
    penza_message, _ = await routed_case("penza")
    official = await person("parfino-official", "parfino")
    with pytest.raises(BreachError, match="не найдено"):
        await record_breach(official, penza_message, "other", "Чужое", None)
    parfino_message, _ = await routed_case("parfino")
    stranger = await user_id("penza-executor")
    with pytest.raises(BreachError, match="не найден"):
        await record_breach(official, parfino_message, "other", "Чужой", stranger)


async def test_the_official_decides_on_a_missed_deadline() -> None:
    from datetime import datetime

    clock = Clock(datetime(2025, 3, 17, 10, tzinfo=MSK))
    message_id, _ = await penza_case(clock, route=False)
    await sweep_at(clock, datetime(2025, 3, 17, 12, 1, tzinfo=MSK))  # p.8 missed
    [missed] = await violations(message_id)
    official = await person("penza-official", "penza")
    with pytest.raises(FieldErrors):
        await decide_breach(official, message_id, missed["id"], "", "Меры")
    await decide_breach(
        official, message_id, missed["id"], "Замечание специалисту", "Назначен дежурный"
    )
    row = next(r for r in await list_violations(await org_id("penza")) if r.id == missed["id"])
    assert (row.decision, row.measures, row.is_deadline) == (
        "Замечание специалисту",
        "Назначен дежурный",
        True,
    )
    assert row.decided_at is not None and row.decided_by_name
    other, _ = await routed_case("penza", "Снег не убран у школы")
    with pytest.raises(BreachError, match="не найдено"):  # the id must belong to the case
        await decide_breach(official, other, missed["id"], "Решение", "")
