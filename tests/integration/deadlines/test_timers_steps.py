"""Every timed step of both profiles: its warning, deadline notice and violation fire at the
right working-time instant (Penza pp.8–14, Parfino pp.7–16)."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import actions as cases
from app.domain.lifecycle import DraftKind
from app.domain.regulation.model import Importance
from app.identity.organisations import organisation_rules
from tests.integration.cases_helpers import (
    MSK,
    Clock,
    org_id,
    person,
)
from tests.integration.timers_helpers import (
    act,
    assert_fires,
    notes,
    parfino_case,
    penza_case,
    pooled,  # noqa: F401 — fixture
    sweep_at,
    user_id,
    violations,
)

pytestmark = pytest.mark.usefixtures("demo")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """March 2025 in Moscow: Monday 17 is an ordinary working week."""
    return datetime(2025, 3, day, hour, minute, tzinfo=MSK)


# -- Penza-2020: Mon–Thu 9:00–18:00, Fri 9:00–16:45, lunch 13:00–13:48 ----------------------


async def test_penza_p8_route_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, _ = await penza_case(clock, route=False)
    await assert_fires(clock, message_id, "route", at(17, 11), at(17, 12))
    # The specialist routes: p.8 is their step (and their substitute's while absent).
    specialist = await user_id("penza-specialist")
    assert {n["user"] for n in await notes(message_id, "deadline", "route")} == {specialist}


async def test_penza_p10_answer_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, _ = await penza_case(clock)
    # 8 working hours: Tuesday 9:48; half the budget left 4 h before: Monday 14:48.
    await assert_fires(clock, message_id, "answer", at(17, 14, 48), at(18, 9, 48))


async def test_penza_p11_draft_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, _ = await penza_case(clock)
    # Draft due 3 working hours before Tuesday 9:48 → Monday 15:48; its 5 h span from
    # detection is half gone 2 h 30 before: 12:30.
    await assert_fires(clock, message_id, "draft", at(17, 12, 30), at(17, 15, 48))
    executor = await user_id("penza-executor")
    assert {n["user"] for n in await notes(message_id, "warning50", "draft")} == {executor}


async def test_penza_p12_review_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, assignment_id = await penza_case(clock)
    clock.set(at(17, 12, 30))
    await act("penza", assignment_id, "submit")
    # 1 working hour across lunch: due 14:18, half left at 13:48 (lunch skipped).
    await assert_fires(clock, message_id, "review", at(17, 13, 48), at(17, 14, 18))


async def test_penza_p13_revise_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, assignment_id = await penza_case(clock)
    clock.set(at(17, 11))
    await act("penza", assignment_id, "submit", "return")
    await assert_fires(clock, message_id, "revise", at(17, 11, 30), at(17, 12))


async def test_penza_p14_final_draft_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, assignment_id = await penza_case(clock)
    clock.set(at(17, 11))
    await act("penza", assignment_id, "submit", "approve", "publish", kind=DraftKind.INTERMEDIATE)
    # End of the 7th working day after Monday 17: Wednesday 26, 18:00. Half the span left:
    rules = await organisation_rules(await org_id("penza"))
    due = at(26, 18)
    half = rules.calendar.between(at(17, 11), due) / 2
    await assert_fires(clock, message_id, "final_draft", rules.calendar.add(due, -half), due)


async def test_penza_p9_late_return_outside_competence_is_a_violation_without_warnings() -> None:
    clock = Clock(at(17, 10))
    message_id, assignment_id = await penza_case(clock)
    executor = await person("penza-executor", "penza")
    await sweep_at(clock, at(17, 10, 29))
    assert not await notes(message_id, "", "return_outside_competence")
    clock.set(at(17, 10, 45))  # 15 working minutes after the 30-minute budget
    await cases.return_outside_competence(executor, assignment_id, 1, "Это дороги, не ЖКХ.")
    found = [v for v in await violations(message_id) if v["step"] == "return_outside_competence"]
    assert len(found) == 1
    assert found[0]["final_late_minutes"] == 15 and found[0]["clause"] == "9"


async def test_penza_p9_draft_after_the_return_budget_is_no_violation() -> None:
    clock = Clock(at(17, 10))
    message_id, assignment_id = await penza_case(clock)
    executor = await person("penza-executor", "penza")
    clock.set(at(17, 11))
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Починим.")
    await sweep_at(clock, at(17, 11, 1))
    assert not [v for v in await violations(message_id) if v["step"] != "draft"]


# -- Parfino-2020: Mon–Fri 9:00–18:00, lunch 13:00–14:00 --------------------------------------


async def test_parfino_p7_hand_over_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, _ = await parfino_case(clock, route=False)
    await assert_fires(clock, message_id, "hand_over", at(17, 10, 15), at(17, 10, 30))


async def test_parfino_p8_answer_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, _ = await parfino_case(clock)
    await assert_fires(clock, message_id, "answer", at(17, 15), at(18, 10))
    coordinator = await user_id("parfino-coordinator")  # p.15: the coordinator places answers
    assert {n["user"] for n in await notes(message_id, "deadline", "answer")} == {coordinator}


async def test_parfino_p9_high_importance_answer_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, _ = await parfino_case(clock, Importance.HIGH)
    await assert_fires(clock, message_id, "answer", at(17, 12), at(17, 15))


async def test_parfino_p11_draft_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, _ = await parfino_case(clock)
    await assert_fires(clock, message_id, "draft", at(17, 12), at(17, 15))


async def test_parfino_p12_high_importance_draft_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, _ = await parfino_case(clock, Importance.HIGH)
    await assert_fires(clock, message_id, "draft", at(17, 11), at(17, 12))


async def test_parfino_p13_review_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, assignment_id = await parfino_case(clock)
    clock.set(at(17, 11))
    await act("parfino", assignment_id, "submit")
    await assert_fires(clock, message_id, "review", at(17, 11, 15), at(17, 11, 30))


async def test_parfino_p14_revise_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, assignment_id = await parfino_case(clock)
    clock.set(at(17, 12, 30))
    await act("parfino", assignment_id, "submit", "return")
    # 1 working hour over lunch: due 14:30, half left at 14:00.
    await assert_fires(clock, message_id, "revise", at(17, 14), at(17, 14, 30))


async def test_parfino_p15_publish_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, assignment_id = await parfino_case(clock)
    clock.set(at(17, 11))
    await act("parfino", assignment_id, "submit", "approve")
    await assert_fires(clock, message_id, "publish", at(17, 11, 15), at(17, 11, 30))


async def test_parfino_p16_final_draft_warning_and_violation_instants() -> None:
    clock = Clock(at(17, 10))
    message_id, assignment_id = await parfino_case(clock)
    clock.set(at(17, 11))
    await act("parfino", assignment_id, "submit", "approve", "publish", kind=DraftKind.INTERMEDIATE)
    # 7 working days after Monday 17: Wednesday 26 at 18:00. The span is 62 working hours
    # (6 h on Monday, 7 × 8 h); half of it, 31 h, is left on Friday 21 at 10:00.
    await assert_fires(clock, message_id, "final_draft", at(21, 10), at(26, 18))


async def test_parfino_p10_paused_answer_has_no_alarms_until_the_reply() -> None:
    clock = Clock(at(17, 10))
    message_id, assignment_id = await parfino_case(clock)
    clock.set(at(17, 11))
    await act(
        "parfino", assignment_id, "submit", "approve", "publish", kind=DraftKind.CLARIFICATION
    )
    # The answer was due Tuesday 10:00; paused, nothing fires for it on Wednesday.
    await sweep_at(clock, at(19, 12))
    assert not await notes(message_id, "", "answer")
    assert not [v for v in await violations(message_id) if v["step"] == "answer"]
    clock.set(at(19, 15))  # the reply: 7 h were left → 3 h on Wednesday, 4 h on Thursday
    executor = await person("parfino-executor", "parfino")
    await cases.record_reply(executor, assignment_id, 4, "ул. Мира, 5")
    # Half of the 8-hour budget (4 h) is left when Thursday's work starts.
    await assert_fires(clock, message_id, "answer", at(20, 9), at(20, 13))
