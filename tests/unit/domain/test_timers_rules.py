"""Pure timer rules: warning instants, lateness, closed-late steps, activity, escalation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.activity import ActivityRule, SurgeReason, detect_surge, window_block
from app.domain.escalation import (
    Member,
    Staff,
    report_period_for,
    violation_recipients,
    violations_report_due,
)
from app.domain.lifecycle.model import Step
from app.domain.regulation import load_profile
from app.domain.regulation.model import TimeBasis
from app.domain.roles import Role
from app.domain.timers import (
    AlertSettings,
    OpenStep,
    closed_late,
    late_minutes,
    step_alarms,
)
from app.domain.worktime import ProductionCalendar, WeeklySchedule, WorkCalendar

MSK = ZoneInfo("Europe/Moscow")
CAL = WorkCalendar(WeeklySchedule.five_day_40h(), ProductionCalendar.russia(), tz="Europe/Moscow")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=MSK)


def step(start: datetime, due: datetime | None, **kw: object) -> OpenStep:
    values: dict = {"role": "executor", "assignment_id": 7, "clause": "13"} | kw
    return OpenStep(1, values.pop("step", Step.REVISE), due_at=due, started_at=start, **values)


@pytest.mark.parametrize(
    ("start", "due", "budget_min", "warn50", "warn20"),
    [
        # 1 working hour from 11:00: 50 % at 11:30, 20 % at 11:48.
        (at(3, 17, 11), at(3, 17, 12), 60, at(3, 17, 11, 30), at(3, 17, 11, 48)),
        # Across lunch (13:00–14:00): 30 min back from 14:30 is 14:00 (a boundary counted
        # back belongs to the later interval), not 13:00.
        (at(3, 17, 12, 30), at(3, 17, 14, 30), 60, at(3, 17, 14, 0), at(3, 17, 14, 18)),
        # Across a weekend: Friday 17:30 + 1 h → Monday 9:30; 50 % left at Monday 9:00.
        (at(3, 21, 17, 30), at(3, 24, 9, 30), 60, at(3, 24, 9, 0), at(3, 24, 9, 18)),
        # Shortened pre-holiday Wednesday 30 April (until 17:00), then 1–4 May off.
        (at(4, 30, 16, 0), at(5, 5, 10, 0), 120, at(5, 5, 9, 0), at(5, 5, 9, 36)),
    ],
)
def test_warning_instants_count_back_in_working_time(
    start: datetime, due: datetime, budget_min: int, warn50: datetime, warn20: datetime
) -> None:
    alarms = step_alarms(CAL, step(start, due), timedelta(minutes=budget_min))
    assert [(a.code, a.at) for a in alarms] == [
        ("warning50", warn50),
        ("warning20", warn20),
        ("deadline", due),
    ]


def test_warning_counted_back_over_a_weekend_lands_on_friday() -> None:
    # 75 % of 2 h = 1 h 30 before Monday 10:00: 1 h on Monday, 30 min before Friday 18:00.
    alarms = step_alarms(CAL, step(at(3, 21, 16), at(3, 24, 10)), timedelta(hours=2), [0.75])
    assert alarms[0].at == at(3, 21, 17, 30)


def test_calendar_basis_counts_elapsed_time_and_no_warning_precedes_the_start() -> None:
    s = step(at(3, 17, 22), at(3, 18, 6), step=Step.ANSWER)
    alarms = step_alarms(CAL, s, timedelta(hours=8), [0.5], TimeBasis.CALENDAR)
    assert alarms[0].at == at(3, 18, 2)
    late = step(at(3, 17, 11), at(3, 17, 12))
    assert step_alarms(CAL, late, timedelta(hours=4), [0.8])[0].at == at(3, 17, 11)


def test_paused_step_has_no_alarms() -> None:
    assert step_alarms(CAL, step(at(3, 17, 11), None), timedelta(hours=1)) == []


def test_late_minutes_are_working_minutes() -> None:
    assert late_minutes(CAL, at(3, 21, 17, 30), at(3, 24, 9, 30)) == 60
    assert late_minutes(CAL, at(3, 21, 17, 30), at(3, 21, 17, 0)) == 0


def test_alert_settings_defaults_and_validation() -> None:
    assert AlertSettings.from_mapping({}).warning_shares == (0.5, 0.2)
    custom = AlertSettings.from_mapping(
        {"warning_shares": [0.1, 0.75], "activity": {"threshold": 3}}
    )
    assert custom.warning_shares == (0.75, 0.1) and custom.activity.threshold == 3
    with pytest.raises(ValueError):
        AlertSettings.from_mapping({"warning_shares": [1.5]})
    with pytest.raises(ValueError):
        AlertSettings.from_mapping({"activity": {"rate_factor": 0.5}})


def test_closed_late_records_only_steps_closed_after_due() -> None:
    now = at(3, 17, 12, 30)
    review = step(at(3, 17, 11), at(3, 17, 11, 30), step=Step.REVIEW, role="specialist")
    revise = step(at(3, 17, 11, 50), at(3, 17, 12, 50))
    assert closed_late([review, revise], [revise], now) == [review]
    # A still-open step is the sweep's business; a step due later is not late.
    assert closed_late([review], [review], now) == []
    assert closed_late([revise], [], now) == []


def test_case_level_step_carried_on_by_an_assignment_is_not_closed() -> None:
    now = at(3, 17, 19)
    case_answer = step(at(3, 17, 10), at(3, 17, 18), step=Step.ANSWER, assignment_id=None)
    carried = step(at(3, 17, 10), at(3, 17, 18), step=Step.ANSWER, assignment_id=9)
    assert closed_late([case_answer], [carried], now) == []
    assert closed_late([case_answer], [], now) == [case_answer]


def test_penza_p9_conditional_return_is_a_violation_only_when_taken() -> None:
    now = at(3, 17, 11)
    ret = step(
        at(3, 17, 10), at(3, 17, 10, 30), step=Step.RETURN_OUTSIDE_COMPETENCE, conditional=True
    )
    assert closed_late([ret], [], now) == []  # a draft closed it: it never bound
    assert closed_late([ret], [], now, returned_assignments=[7]) == [ret]


RULE = ActivityRule(window_hours=4, threshold=10, rate_factor=3, min_count=5, baseline_weeks=4)


# Since issue #15 the usual count is the mean of the same weekday-hours of earlier weeks
# (was: a rate per working hour over 28 days); `threshold` applies only where it is set.
@pytest.mark.parametrize(
    ("count", "weekly", "reason"),
    [
        (10, [250, 250, 250, 250], SurgeReason.THRESHOLD),  # the threshold fires whatever
        (9, [1, 1, 1, 1], SurgeReason.RATE),  # usual 1 per window: 9 > 3 × 1
        (5, [0, 0, 0, 0], SurgeReason.RATE),  # a new topic with five messages
        (4, [0, 0, 0, 0], None),  # below the minimum count
        (9, [4, 4, 4, 4], None),  # usual 4 per window: 9 ≤ 3 × 4 … not above 12
    ],
)
def test_activity_surge(count: int, weekly: list[int], reason: SurgeReason | None) -> None:
    surge = detect_surge("Дороги", count, weekly, RULE)
    assert (surge.reason if surge else None) == reason


def test_activity_disabled_and_window_blocks() -> None:
    off = ActivityRule.from_mapping({"enabled": False})
    assert detect_surge("Дороги", 100, [0], off) is None
    assert window_block(timedelta(hours=3, minutes=59), RULE) == 0
    assert window_block(timedelta(hours=4), RULE) == 1


STAFF = Staff(
    members=(
        Member(1, Role.OFFICIAL),  # the first deputy head: curates everything
        Member(2, Role.OFFICIAL, curated_department_ids=(10,)),
        Member(3, Role.OFFICIAL, curated_department_ids=(20,)),
        Member(4, Role.EXECUTOR, 10),
        Member(5, Role.EXECUTOR, 10),
        Member(6, Role.SPECIALIST),
    ),
    substitutes={4: 7, 1: 8},
    curators={10: 9},
)


def test_penza_p19_violation_goes_to_first_deputy_and_curators_with_substitutes() -> None:
    penza = load_profile("penza-2020")
    assert violation_recipients(penza, STAFF, 10) == [1, 8, 2, 9]
    assert violation_recipients(penza, STAFF, None) == [1, 8]


def test_parfino_p22_violations_wait_for_the_monthly_report_due_by_the_5th() -> None:
    parfino = load_profile("parfino-2020")
    assert violation_recipients(parfino, STAFF, 10) == []
    assert violations_report_due(parfino, date(2025, 3, 1)) == date(2025, 4, 5)
    assert violations_report_due(parfino, date(2025, 12, 1)) == date(2026, 1, 5)
    assert violations_report_due(load_profile("penza-2020"), date(2025, 3, 1)) is None
    assert report_period_for(date(2025, 4, 3)) == (date(2025, 3, 1), date(2025, 4, 1))
    assert report_period_for(date(2025, 1, 1)) == (date(2024, 12, 1), date(2025, 1, 1))


def test_step_people_executor_substitute_and_attribution() -> None:
    assert STAFF.step_people(Role.EXECUTOR, 10) == [4, 7, 5]
    assert STAFF.step_people(Role.EXECUTOR, 10, executor_id=5) == [5]
    assert STAFF.step_people(Role.SPECIALIST) == [6]
    assert STAFF.step_people(Role.EXECUTOR) == []  # not routed yet
    assert STAFF.responsible(Role.SPECIALIST, None, None) == 6
    assert STAFF.responsible(Role.EXECUTOR, 10, 5) == 5
    assert STAFF.responsible(Role.EXECUTOR, 10, None) is None


def test_clock_offset_for_demos() -> None:
    from app.core.clock import parse_offset

    assert parse_offset("+3d") == timedelta(days=3)
    assert parse_offset("-90m") == timedelta(minutes=-90)
    assert parse_offset("3600") == timedelta(hours=1)
    assert parse_offset("") == timedelta(0)
    with pytest.raises(ValueError):
        parse_offset("tomorrow")
