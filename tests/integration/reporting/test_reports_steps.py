"""Steps completed in a period, on time or late: the per-step timeliness of the summary."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import actions as cases
from app.cases.actions import RouteTarget
from app.domain.lifecycle import DraftKind
from app.domain.regulation import load_profile
from app.domain.regulation.model import Importance
from app.reporting.figures import Scope
from app.reporting.figures.steps import steps_done, timed_steps_of
from tests.integration.cases_helpers import (
    MSK,
    Clock,
    assignments,
    department,
    new_message,
    org_id,
    person,
)

pytestmark = pytest.mark.usefixtures("demo")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=MSK)


async def test_penza_p12_review_done_once_on_time_and_once_late_is_counted_per_step() -> None:
    clock = Clock(at(17, 10))
    specialist = await person("penza-specialist", "penza")
    executor = await person("penza-executor", "penza")
    message_id = await new_message("penza", "Сломана скамейка в сквере")
    await cases.mark_for_reaction(specialist, message_id, 1, ["Благоустройство"], Importance.NORMAL)
    clock.set(at(17, 11))
    housing = await department("penza", "Управление жилищно")
    await cases.route(specialist, message_id, 2, [RouteTarget(housing, "Скамейка")])
    assignment_id = (await assignments(message_id))[0]["id"]
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Починим")
    clock.set(at(17, 11, 30))
    await cases.return_for_revision(specialist, assignment_id, 2, "Когда именно?")  # on time
    clock.set(at(17, 12))
    await cases.resubmit(executor, assignment_id, 3, "Починим 18.03")  # on time (1 h)
    clock.set(at(17, 15))  # p.12: one working hour to review — 15:00 is late
    await cases.approve(specialist, assignment_id, 4)

    scope = Scope(await org_id("penza"), at(17, 0), at(18, 0))
    rows = {
        s.step: (s.completed, s.on_time, s.late)
        for s in await steps_done(scope, timed_steps_of(load_profile("penza-2020")))
    }
    assert rows["route"] == (1, 1, 0)
    assert rows["draft"] == (1, 1, 0)
    assert rows["review"] == (2, 1, 1)
    assert rows["revise"] == (1, 1, 0)
    assert "hand_over" not in rows and "publish" not in rows  # not timed in Penza-2020
    later = Scope(scope.organisation_id, at(18, 0), at(19, 0))
    assert await steps_done(later, timed_steps_of(load_profile("penza-2020"))) == []
