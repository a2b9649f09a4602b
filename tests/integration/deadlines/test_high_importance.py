"""High importance is tied to the immediate report (Parfino p.9 = p.24; Penza p.21 prompts):
the specialist is reminded once when none was sent in time, and the case page tracks it."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import actions as cases
from app.cases.case_view import case_view
from app.domain.regulation.model import Importance
from app.identity.organisations import organisation_rules
from app.reporting.immediate import acknowledge, send_immediate_report
from tests.integration.cases_helpers import MSK, Clock, new_message, org_id, person
from tests.integration.timers_helpers import (
    notes,
    pooled,  # noqa: F401 — fixture
    sweep_at,
    user_id,
)

pytestmark = pytest.mark.usefixtures("demo")


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, 17, hour, minute, tzinfo=MSK)  # an ordinary Monday


async def marked(slug: str, text: str, importance: Importance = Importance.HIGH) -> int:
    message_id = await new_message(slug, text)
    specialist = await person(f"{slug}-specialist", slug)
    await cases.mark_for_reaction(specialist, message_id, 1, ["ЖКХ"], importance)
    return message_id


async def test_parfino_high_importance_without_the_report_reminds_the_specialist_once() -> None:
    clock = Clock(at(10))
    message_id = await marked("parfino", "Прорыв теплотрассы, без отопления три дома")
    await sweep_at(clock, at(10, 29))
    assert not await notes(message_id, "immediate_due")
    await sweep_at(clock, at(10, 30))
    reminded = await notes(message_id, "immediate_due")
    assert {n["user"] for n in reminded} == {await user_id("parfino-specialist")}
    assert "доклад главе не отправлен" in reminded[0]["title"]
    await sweep_at(clock, at(11, 30))
    assert len(await notes(message_id, "immediate_due")) == 1


async def test_parfino_report_sent_in_time_means_no_reminder_and_the_case_tracks_it() -> None:
    clock = Clock(at(10))
    message_id = await marked("parfino", "Обрушение балкона на ул. Мира")
    specialist = await person("parfino-specialist", "parfino")
    rules = await organisation_rules(await org_id("parfino"))
    view = await case_view(rules, specialist, message_id)
    assert view is not None and "высокой важности" in view.immediate_comment
    assert "Обрушение балкона" in view.immediate_comment
    clock.set(at(10, 10))
    report_id = await send_immediate_report(
        specialist, message_id=message_id, comment=view.immediate_comment
    )
    await sweep_at(clock, at(11))
    assert not await notes(message_id, "immediate_due")
    view = await case_view(rules, specialist, message_id)
    assert view is not None
    [sent] = view.immediate
    assert sent.created_at == at(10, 10) and sent.acknowledged_at is None
    head = await person("parfino-head", "parfino")
    clock.set(at(10, 20))
    await acknowledge(head, report_id)
    view = await case_view(rules, specialist, message_id)
    assert view is not None and view.immediate[0].acknowledged_at == at(10, 20)


async def test_penza_prompts_but_does_not_require_and_normal_importance_is_left_alone() -> None:
    clock = Clock(at(10))
    high = await marked("penza", "Во дворе прорвало трубу, вода во всех подвалах")
    normal = await marked("parfino", "Скамейка сломана", Importance.NORMAL)
    await sweep_at(clock, at(12))
    assert not await notes(high, "immediate_due") and not await notes(normal, "immediate_due")
