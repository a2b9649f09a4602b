"""Breaches in the reports (Penza p.19, Parfino p.22): the executors' missed deadlines, the
other steps apart and labelled, the official's other breaches and decisions; the summary
states them and the wait before screening."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import actions as cases
from app.deadlines.breaches import decide_breach, record_breach
from app.domain.regulation.model import Importance
from app.identity.organisations import organisation_rules
from app.reporting.periods import parse_period
from app.reporting.rendering import render_html
from app.reporting.summary import build_summary, build_violations
from tests.integration.cases_helpers import MSK, Clock, department, new_message, org_id, person
from tests.integration.reporting.test_reports_plain_russian import visible
from tests.integration.timers_helpers import (
    parfino_case,
    pooled,  # noqa: F401 — fixture
    sweep_at,
    user_id,
)

pytestmark = pytest.mark.usefixtures("demo")
MARCH = parse_period("2025-03")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=MSK)


async def _month() -> int:
    """A Parfino case whose hand-over (the specialist's, p.7) and draft (the executor's,
    p.11) are late, and an inaccurate answer the official records and decides on."""
    clock = Clock(at(17, 10))
    message_id, _ = await parfino_case(clock, route=False)
    await sweep_at(clock, at(17, 10, 31))  # p.7: hand-over due 10:30
    specialist = await person("parfino-specialist", "parfino")
    coordinator = await person("parfino-coordinator", "parfino")
    await cases.hand_over(specialist, message_id, 2)
    housing = await department("parfino", "Комитет ЖКХ")
    await cases.route(coordinator, message_id, 3, [cases.RouteTarget(housing, "ЖКХ")])
    await sweep_at(clock, at(17, 15, 1))  # p.11: the draft was due 15:00
    official = await person("parfino-official", "parfino")
    clock.set(at(18, 12))
    breach = await record_breach(
        official,
        message_id,
        "inaccurate_answer",
        "Указан не тот подрядчик",
        await user_id("parfino-executor"),
    )
    await decide_breach(official, message_id, breach, "Замечание исполнителю", "Ответ уточнён")
    return message_id


async def test_parfino_p22_executors_breaches_first_other_steps_apart_decisions_shown() -> None:
    await _month()
    rules = await organisation_rules(await org_id("parfino"))
    report = await build_violations(rules, MARCH)
    assert [r.step for r in report.deadline_rows] == ["draft"]
    assert [r.step for r in report.other_step_rows] == ["hand_over"]
    assert [r.step_title for r in report.breach_rows] == ["Недостоверный ответ"]
    assert report.decided == 1
    text = visible(
        render_html("reporting/violations_pdf.html", report=report, header=report.header)
    )
    assert "Нарушений сроков: 1" in text and "иных нарушений: 1" in text
    assert "на других этапах — для сведения" in text
    assert "Замечание исполнителю" in text and "Меры: Ответ уточнён" in text
    assert "решение не принято" in text  # the missed deadlines have none yet


async def test_summary_states_other_breaches_and_the_wait_before_screening() -> None:
    await _month()
    clock = Clock(at(19, 9))
    waiting = await new_message("parfino", "Не работает светофор на ул. Мира")
    clock.set(at(19, 11))
    specialist = await person("parfino-specialist", "parfino")
    await cases.mark_for_reaction(specialist, waiting, 1, ["Транспорт"], Importance.HIGH)
    rules = await organisation_rules(await org_id("parfino"))
    summary = await build_summary(rules, MARCH)
    assert summary.screening is not None and summary.screening.screened == 2
    assert summary.screening.longest_minutes == 120
    assert [b.step_title for b in summary.breaches] == ["Недостоверный ответ"]
    html = render_html(
        "reporting/summary_pdf.html", report=summary, header=summary.header, charts={}
    )
    text = visible(html)
    assert "Ожидание рассмотрения" in text and "Иные нарушения Положения" in text
    assert "решений принято: 1 из 1" in text
    # The deadline tables count deadlines only: the other breach is not a «Нарушение срока».
    assert summary.timeliness.violations == 2
