"""The reports count how long messages waited unscreened (issue #12): median and 90th
percentile of the working minutes from collection to the screening decision."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import actions as cases
from app.domain.regulation.model import Importance, RefusalReason
from app.reporting.figures import Scope
from app.reporting.figures.screening import screening_wait
from tests.integration.cases_helpers import MSK, Clock, new_message, org_id, person

pytestmark = pytest.mark.usefixtures("demo")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=MSK)


async def test_median_and_90th_percentile_of_the_working_wait() -> None:
    specialist = await person("parfino-specialist", "parfino")
    clock = Clock(at(17, 9))
    waits = [10, 20, 30, 40, 50, 60, 70, 80, 90, 600]  # working minutes
    for n, wait in enumerate(waits):
        clock.set(at(17, 9))
        message_id = await new_message("parfino", f"Сообщение {n}: не убран снег")
        # 600 working minutes from Monday 9:00 = Monday (8 h) + Tuesday 11:00.
        clock.set(at(18, 11) if wait == 600 else at(17, 9 + wait // 60, wait % 60))
        if n % 2:
            await cases.refuse(specialist, message_id, 1, RefusalReason.NO_REACTION)
        else:
            await cases.mark_for_reaction(specialist, message_id, 1, ["ЖКХ"], Importance.NORMAL)
    scope = Scope(await org_id("parfino"), at(17, 0), at(24, 0))
    figure = await screening_wait(scope)
    assert (figure.screened, figure.median_minutes, figure.longest_minutes) == (10, 55, 600)
    assert figure.p90_minutes == 141  # between the 9th and 10th: 90 + 0.1 × (600 − 90)
    empty = await screening_wait(Scope(await org_id("penza"), at(17, 0), at(24, 0)))
    assert (empty.screened, empty.median_minutes) == (0, None)
