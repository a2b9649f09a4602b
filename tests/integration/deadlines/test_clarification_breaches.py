"""No false breach after a clarification (Penza p.11; Parfino pp.10–12), and clocks on the
final answer after an intermediate one (Penza pp.12–14), through the services and the sweep."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import actions as cases
from app.db.tables import Message
from app.domain.lifecycle import DraftKind
from app.domain.regulation.model import Importance
from tests.integration.cases_helpers import MSK, Clock, person
from tests.integration.timers_helpers import (
    act,
    parfino_case,
    penza_case,
    pooled,  # noqa: F401 — fixture
    sweep_at,
    violations,
)

pytestmark = pytest.mark.usefixtures("demo")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """March 2025 in Moscow: Monday 17 is an ordinary working week."""
    return datetime(2025, 3, day, hour, minute, tzinfo=MSK)


async def charged(message_id: int) -> list[tuple[str, str]]:
    """(step, responsible role) of every violation of the case."""
    return sorted((v["step"], v["responsible_role"]) for v in await violations(message_id))


async def binding(message_id: int) -> tuple[str, datetime | None]:
    row = await Message.select(Message.binding_step, Message.binding_due_at).where(
        Message.id == message_id
    )
    return row[0]["binding_step"], row[0]["binding_due_at"]


async def answer_in_full(slug: str, publisher: str, assignment_id: int, version: int) -> None:
    executor = await person(f"{slug}-executor", slug)
    specialist = await person(f"{slug}-specialist", slug)
    await cases.submit_draft(executor, assignment_id, version, DraftKind.FINAL, "Отремонтируем.")
    await cases.approve(specialist, assignment_id, version + 1)
    poster = await person(publisher, slug)
    await cases.publish(poster, assignment_id, version + 2, "https://vk.com/wall-1_1?r=9")


async def reply(slug: str, assignment_id: int, version: int) -> None:
    executor = await person(f"{slug}-executor", slug)
    await cases.record_reply(executor, assignment_id, version, "Дом 5, подъезд 2")


async def test_penza_p11_reply_after_the_draft_deadline_charges_nobody() -> None:
    # Detected Mon 10:00: draft due Mon 15:48, answer Tue 9:48. The clarification is out by
    # 11:00; the author replies Tue 9:30 — after the draft deadline, before p.10's.
    clock = Clock(at(17, 10))
    message_id, assignment_id = await penza_case(clock)
    assert assignment_id is not None
    clock.set(at(17, 11))
    await act("penza", assignment_id, "submit", "approve", "publish", kind=DraftKind.CLARIFICATION)
    await sweep_at(clock, at(18, 9, 29))
    clock.set(at(18, 9, 30))
    await reply("penza", assignment_id, 4)
    # The answer deadline still binds the case and is shown; no p.11 deadline is reborn.
    assert await binding(message_id) == ("answer", at(18, 9, 48))
    await sweep_at(clock, at(18, 9, 40))
    clock.set(at(18, 9, 45))
    await answer_in_full("penza", "penza-specialist", assignment_id, 5)
    await sweep_at(clock, at(18, 12))
    assert await charged(message_id) == []


async def test_penza_p10_reply_after_the_answer_deadline_leaves_that_breach() -> None:
    clock = Clock(at(17, 10))
    message_id, assignment_id = await penza_case(clock)
    assert assignment_id is not None
    clock.set(at(17, 11))
    await act("penza", assignment_id, "submit", "approve", "publish", kind=DraftKind.CLARIFICATION)
    await sweep_at(clock, at(18, 11))  # p.10 ran out at Tue 9:48 while waiting: a real breach
    clock.set(at(18, 11, 30))
    await reply("penza", assignment_id, 4)
    await sweep_at(clock, at(18, 12))
    assert await charged(message_id) == [("answer", "specialist")]


async def test_parfino_p12_little_time_left_at_the_pause_is_no_breach_at_the_reply() -> None:
    # High importance, detected Mon 10:00: answer due 15:00 (p.9), draft 12:00 (p.12). The
    # clarification is submitted 11:50, approved 12:15, posted 12:40: 1 h 20 min were left,
    # under the 2-hour lead. The reply comes Wed 17:00: the answer is due Thu 9:20, and
    # nobody is charged p.12 for a draft the clarification already fulfilled.
    clock = Clock(at(17, 10))
    message_id, assignment_id = await parfino_case(clock, Importance.HIGH)
    assert assignment_id is not None
    executor = await person("parfino-executor", "parfino")
    specialist = await person("parfino-specialist", "parfino")
    coordinator = await person("parfino-coordinator", "parfino")
    clock.set(at(17, 11, 50))
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.CLARIFICATION, "Адрес?")
    clock.set(at(17, 12, 15))
    await cases.approve(specialist, assignment_id, 2)
    clock.set(at(17, 12, 40))
    await cases.publish(coordinator, assignment_id, 3, "https://vk.com/wall-1_1?r=3")
    await sweep_at(clock, at(19, 16, 59))
    clock.set(at(19, 17))
    await reply("parfino", assignment_id, 4)
    await sweep_at(clock, at(19, 17, 1))
    assert await charged(message_id) == []
    assert await binding(message_id) == ("answer", at(20, 9, 20))
    clock.set(at(20, 9, 10))
    await answer_in_full("parfino", "parfino-coordinator", assignment_id, 5)
    await sweep_at(clock, at(20, 12))
    assert await charged(message_id) == []


async def test_penza_p12_p14_final_answer_after_intermediate_has_clocks() -> None:
    # Intermediate answer Monday; the final draft is reviewed within 1 working hour (p.12)
    # and, once approved, posted within the organisation's window (1 working hour).
    clock = Clock(at(17, 10))
    message_id, assignment_id = await penza_case(clock)
    assert assignment_id is not None
    clock.set(at(17, 11))
    await act("penza", assignment_id, "submit", "approve", "publish", kind=DraftKind.INTERMEDIATE)
    executor = await person("penza-executor", "penza")
    specialist = await person("penza-specialist", "penza")
    clock.set(at(19, 10))
    await cases.submit_draft(executor, assignment_id, 4, DraftKind.FINAL, "Отремонтировали.")
    assert await binding(message_id) == ("review", at(19, 11))
    await sweep_at(clock, at(19, 11, 1))
    assert await charged(message_id) == [("review", "specialist")]
    clock.set(at(19, 11, 30))
    await cases.approve(specialist, assignment_id, 5)
    assert await binding(message_id) == ("publish", at(19, 12, 30))
    await sweep_at(clock, at(19, 15))  # six weeks or three hours: the window has passed
    assert await charged(message_id) == [("publish", "specialist"), ("review", "specialist")]


async def test_an_empty_author_reply_is_refused_and_the_clock_stays_paused() -> None:
    """Issue 16, item 7: «Автор ответил» with nothing recorded is refused (it used to resume
    the clock with nothing recorded)."""
    from app.cases.transaction import CaseError
    from app.db.tables import Assignment

    clock = Clock(at(17, 10))
    _message_id, assignment_id = await penza_case(clock)
    assert assignment_id is not None
    clock.set(at(17, 11))
    await act("penza", assignment_id, "submit", "approve", "publish", kind=DraftKind.CLARIFICATION)
    executor = await person("penza-executor", "penza")
    for empty in ("", "   \n "):
        with pytest.raises(CaseError) as refused:
            await cases.record_reply(executor, assignment_id, 4, empty)
        assert refused.value.code == "reply_required" and "ответ автора" in str(refused.value)
    row = (
        await Assignment.select(Assignment.pauses, Assignment.version)
        .where(Assignment.id == assignment_id)
        .output(load_json=True)
    )
    assert row[0]["version"] == 4  # nothing recorded: the clarification still waits
    await reply("penza", assignment_id, 4)  # a real reply is recorded as before
