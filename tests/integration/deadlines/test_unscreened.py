"""Unscreened messages do not wait unseen (issue #12): «Новые» oldest first with the wait in
working time, an alert once past the limit, and the wait stored for the reports."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import actions as cases
from app.cases.queues import new_messages
from app.db.tables import Organisation
from app.domain.regulation.model import Importance
from app.identity.organisations import organisation_rules
from tests.integration.cases_helpers import MSK, Clock, message, new_message, org_id, person
from tests.integration.timers_helpers import (
    notes,
    pooled,  # noqa: F401 — fixture
    sweep_at,
    user_id,
)

pytestmark = pytest.mark.usefixtures("demo")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """March 2025 in Moscow: Friday 14, Monday 17."""
    return datetime(2025, 3, day, hour, minute, tzinfo=MSK)


async def test_parfino_waiting_message_alerts_after_one_working_hour_once() -> None:
    # Collected Friday 17:30: 30 working minutes that day, the next 30 on Monday at 9:30.
    clock = Clock(at(14, 17, 30))
    message_id = await new_message("parfino", "Не вывезли мусор на ул. Мира")
    await sweep_at(clock, at(15, 12))  # Saturday: an hour of calendar time, none of work
    await sweep_at(clock, at(17, 9, 29))
    assert not await notes(message_id, "unscreened")
    await sweep_at(clock, at(17, 9, 30))
    told = {n["user"] for n in await notes(message_id, "unscreened")}
    assert told == {await user_id("parfino-specialist"), await user_id("parfino-official")}
    [first, *_] = await notes(message_id, "unscreened")
    assert "1 ч" in first["title"] and "ждёт рассмотрения" in first["title"]
    await sweep_at(clock, at(17, 11))
    assert len(await notes(message_id, "unscreened")) == len(told)  # exactly once


async def test_the_limit_is_the_organisations_setting() -> None:
    await Organisation.update({Organisation.alert_settings: {"unscreened_minutes": 15}}).where(
        Organisation.slug == "parfino"
    )
    clock = Clock(at(17, 10))
    message_id = await new_message("parfino", "Яма на дороге у школы")
    await sweep_at(clock, at(17, 10, 14))
    assert not await notes(message_id, "unscreened")
    await sweep_at(clock, at(17, 10, 15))
    assert await notes(message_id, "unscreened")


async def test_a_screened_message_is_not_alerted_and_keeps_its_wait() -> None:
    clock = Clock(at(14, 17, 30))
    message_id = await new_message("parfino", "Не горит фонарь у дома 5")
    clock.set(at(17, 9, 40))
    specialist = await person("parfino-specialist", "parfino")
    await cases.mark_for_reaction(specialist, message_id, 1, ["ЖКХ"], Importance.NORMAL)
    assert (await message(message_id))["screening_wait_minutes"] == 70
    await sweep_at(clock, at(17, 12))
    assert not await notes(message_id, "unscreened")


async def test_new_queue_is_oldest_first_with_the_working_wait() -> None:
    clock = Clock(at(14, 17, 30))
    older = await new_message("parfino", "Первое: течёт крыша")
    clock.set(at(17, 9, 0))
    newer = await new_message("parfino", "Второе: сломана скамейка")
    clock.set(at(17, 9, 45))
    rows = await new_messages(await organisation_rules(await org_id("parfino")))
    assert [r.id for r in rows] == [older, newer]
    assert (rows[0].waited, rows[0].waited_too_long) == ("1 ч 15 мин", True)
    assert (rows[1].waited, rows[1].waited_too_long) == ("45 мин", False)
