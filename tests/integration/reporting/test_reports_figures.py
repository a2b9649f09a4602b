"""Report figures against a hand-built week (tests/integration/reports_helpers.py).

Every expected number is worked out by hand in the helper's comments; the summary object
that the PDF, the XLSX and the web page render is the one checked here.
"""

from __future__ import annotations

import pytest

from app.identity.organisations import organisation_rules
from app.reporting.figures import Scope, steps_late, timeliness
from app.reporting.figures.dynamics import dynamics
from app.reporting.figures.quality import quality
from app.reporting.periods import PeriodError, parse_period
from app.reporting.summary import build_summary, build_violations
from tests.integration.reports_helpers import build_week, msk
from tests.integration.timers_helpers import pooled  # noqa: F401

W47 = parse_period("2026-W47")


def test_periods_parse_weeks_and_months_in_the_zone() -> None:
    from zoneinfo import ZoneInfo

    start, end = W47.bounds(ZoneInfo("Europe/Moscow"))
    assert (start, end) == (msk(16, 0), msk(23, 0))
    assert W47.previous().code == "2026-W46" and W47.title == "неделя 47, 16–22 ноября 2026"
    assert parse_period("2026-W49").title == "неделя 49, 30 ноября – 6 декабря 2026"
    assert parse_period("2026-W53").title == "неделя 53, 28 декабря 2026 – 3 января 2027"
    month = parse_period("2026-11")
    assert month.bounds(ZoneInfo("Europe/Moscow")) == (msk(1, 0), msk(1, 0, month=12))
    assert month.title == "ноябрь 2026" and month.previous().code == "2026-10"
    assert [p.code for p in parse_period("2026-01").history(3)] == [
        "2025-11",
        "2025-12",
        "2026-01",
    ]
    for bad in ("2026-13", "2026-W54", "ноябрь", ""):
        with pytest.raises(PeriodError):
            parse_period(bad)


async def _scope(department: int | None = None) -> tuple[Scope, object]:
    w = await build_week()
    rules = await organisation_rules(w.org)
    start, end = W47.bounds(rules.calendar.tz)
    return Scope(w.org, start, end, department), rules, w  # type: ignore[return-value]


async def test_timeliness_of_the_hand_built_week(demo: None) -> None:
    scope, rules, _w = await _scope()
    t = await timeliness(scope, rules.calendar)  # type: ignore[attr-defined]
    assert (t.cases, t.answered_on_time, t.answered_late, t.open, t.open_late) == (5, 2, 1, 2, 1)
    # Working minutes to answer: M1 120, M4 180, M2 672 → median 180, p90 = 180 + 0.8·492.
    assert (t.median_minutes, t.p90_minutes) == (180, 574)
    assert [
        (s.step, s.violations, s.resolved, s.unresolved, s.median_late_minutes) for s in t.by_step
    ] == [("answer", 2, 1, 1, 60), ("draft", 1, 0, 1, 30)]
    # received, done, done with no step late, open, returned outside, violations of the week
    deps = {
        g.name[:20]: (g.received, g.done, g.on_time, g.open, g.returned_outside, g.violations)
        for g in t.by_department
    }
    assert deps == {
        "Управление транспорт": (2, 0, 0, 1, 1, 2),
        "Управление жилищно-к": (4, 3, 2, 1, 0, 1),
    }
    people = {g.name: (g.received, g.done, g.on_time, g.open, g.violations) for g in t.by_executor}
    assert people == {
        "roads-executor": (1, 0, 0, 1, 2),
        "Волков Дмитрий Андреевич": (4, 3, 2, 1, 1),
        "Исполнитель (не назначен)": (1, 0, 0, 0, 0),
    }
    assert t.violations == t.department_total.violations == t.executor_total.violations == 3


async def test_quality_of_the_hand_built_week(demo: None) -> None:
    scope, _, _ = await _scope()
    q = await quality(scope)
    assert (q.approved, q.first_pass, q.revision_rounds, q.revised_assignments) == (3, 2, 2, 1)
    assert (q.outside_returns, q.repeats) == (1, 1)
    assert (q.intermediate, q.intermediate_final_on_time) == (1, 1)
    assert (q.answers, q.answers_with_media) == (3, 2)
    assert q.refused_by_reason == {"obscene_language": 2, "no_reaction_needed": 1}
    assert round(q.first_pass_rate or 0, 4) == round(2 / 3, 4)


async def test_dynamics_against_the_previous_week_and_the_trend(demo: None) -> None:
    scope, rules, _w = await _scope()
    prev = Scope(scope.organisation_id, *W47.previous().bounds(rules.calendar.tz))  # type: ignore[attr-defined]
    history = [(p.short, *p.bounds(rules.calendar.tz)) for p in W47.history(8)]  # type: ignore[attr-defined]
    d = await dynamics(scope, prev, history)
    assert (d.collected, d.previous_collected, d.cases, d.previous_cases) == (8, 1, 5, 1)
    assert [(r.name, r.count, r.previous) for r in d.by_topic] == [("ЖКХ", 3, 1), ("Дороги", 2, 0)]
    assert {r.name: (r.count, r.previous) for r in d.by_network} == {
        "vk": (3, 1),
        "ok": (1, 0),
        "telegram": (1, 0),
    }
    assert {r.name: r.count for r in d.by_importance} == {"normal": 4, "high": 1}
    assert {r.name[:20]: r.count for r in d.by_department} == {
        "Управление жилищно-к": 4,
        "Управление транспорт": 2,
    }
    assert len(d.trend) == 8 and d.trend[-1].label == "нед. 47"
    assert [(p.collected, p.cases, p.answer_late) for p in d.trend[-2:]] == [(1, 1, 0), (8, 5, 2)]


async def test_one_department_and_the_summary_object(demo: None) -> None:
    scope, rules, w = await _scope()
    roads = await timeliness(
        Scope(scope.organisation_id, scope.start, scope.end, w.roads), rules.calendar
    )  # type: ignore[attr-defined]
    assert (roads.cases, roads.answered_on_time, roads.open) == (2, 1, 1)
    assert [s.step for s in await steps_late(Scope(w.org, scope.start, scope.end, w.housing))] == [
        "answer"
    ]
    summary = await build_summary(rules, W47)  # type: ignore[arg-type]
    assert summary.timeliness.cases == 5 and summary.previous.answered_on_time == 1
    assert summary.previous.median_minutes == 60
    assert "Москва, МСК (UTC+3)" in summary.header.bounds_text and summary.header.clause == "20"
    assert "Europe/Moscow" not in summary.header.bounds_text


async def test_violations_report_lists_who_step_clause_lateness_outcome(demo: None) -> None:
    _, rules, w = await _scope()
    report = await build_violations(rules, W47)  # type: ignore[arg-type]
    got = [
        (
            r.message_id,
            r.step,
            r.clause,
            r.lateness_minutes,
            r.resolved_at is not None,
            r.responsible_role,
        )
        for r in report.rows
    ]
    assert got == [
        (w.m["M3"], "draft", "11", 30, False, "executor"),
        (w.m["M2"], "answer", "10", 132, True, "executor"),
        (w.m["M3"], "answer", "10", 60, False, "executor"),
    ]
    assert report.unresolved == 2 and report.header.clause == "19"


async def test_summary_lists_the_addresses_named_most(demo: None) -> None:
    """Issue #15: the places of the period's cases, each case counted once per address;
    refused messages and other periods are not counted."""
    from app.db.tables import Message

    scope, rules, w = await _scope()
    places = {
        "M1": ["ул. Ленина, 5"],
        "M3": ["ул. Ленина, 5", "ул. Мира, 1"],
        "M4": ["ул. Ленина, 5", "ул. Ленина, 5"],
        "M6": ["ул. Мира, 1"],  # the previous week
    }
    for name, labels in places.items():
        await Message.update({Message.places: labels}).where(Message.id == w.m[name])  # type: ignore[attr-defined]
    refused = await Message.select(Message.id).where(
        (Message.organisation == scope.organisation_id) & (Message.state == "refused")
    )
    assert refused, "the hand-built week has refused messages"
    await Message.update({Message.places: ["ул. Мира, 1"]}).where(
        Message.id.is_in([r["id"] for r in refused])
    )
    summary = await build_summary(rules, W47)  # type: ignore[arg-type]
    assert [(r.name, r.count, r.previous) for r in summary.dynamics.by_place] == [
        ("ул. Ленина, 5", 3, 0),
        ("ул. Мира, 1", 1, 1),
    ]
