"""Step deadlines of both regulations on the real calendar: tables of plain dates and properties.

Penza-2020 runs on its own schedule (Mon–Thu 9:00–18:00, Fri 9:00–16:45, lunch 13:00–13:48),
Parfino-2020 on the standard five-day 40-hour week (9:00–18:00, lunch 13:00–14:00).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.deadlines import (
    AssignmentFacts,
    CaseFacts,
    Pause,
    StepDeadline,
    answer_due,
    binding_deadline,
    step_deadlines,
)
from app.domain.lifecycle import AssignmentState, MessageState, Step
from app.domain.regulation import (
    Importance,
    RegulationProfile,
    TimeBasis,
    load_profile,
)
from app.domain.roles import Role
from app.domain.worktime import ProductionCalendar, WeeklySchedule, WorkCalendar

MSK = ZoneInfo("Europe/Moscow")
H, MIN = timedelta(hours=1), timedelta(minutes=1)
NORMAL, HIGH = Importance.NORMAL, Importance.HIGH
AS, MS = AssignmentState, MessageState
PENZA = load_profile("penza-2020")
PARFINO = load_profile("parfino-2020")
PENZA_CAL = dataclasses.replace(PENZA, answer_basis=TimeBasis.CALENDAR)


def msk(m: int, d: int, hh: int = 0, mm: int = 0, y: int = 2025) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=MSK)


def _penza_week() -> WeeklySchedule:
    long_day = [("09:00", "13:00"), ("13:48", "18:00")]
    friday = [("09:00", "13:00"), ("13:48", "16:45")]
    return WeeklySchedule.from_mapping(
        {0: long_day, 1: long_day, 2: long_day, 3: long_day, 4: friday}
    )


RUSSIA = ProductionCalendar.russia()
PENZA_WC = WorkCalendar(_penza_week(), RUSSIA)
PARFINO_WC = WorkCalendar(WeeklySchedule.five_day_40h(), RUSSIA)
CALENDARS = {PENZA.code: PENZA_WC, PARFINO.code: PARFINO_WC}


def steps(profile: RegulationProfile, facts: CaseFacts) -> dict[tuple[Step, int | None], datetime]:
    found = step_deadlines(profile, CALENDARS[profile.code], facts)
    return {(d.step, d.assignment_id): d.due_at for d in found if d.due_at is not None}


def one(profile: RegulationProfile, facts: CaseFacts, step: Step) -> StepDeadline:
    found = [d for d in step_deadlines(profile, CALENDARS[profile.code], facts) if d.step is step]
    assert len(found) == 1, found
    return found[0]


def routing(detected: datetime, importance: Importance = NORMAL) -> CaseFacts:
    return CaseFacts(detected, importance, MS.ROUTING)


def handing_over(detected: datetime, importance: Importance = NORMAL) -> CaseFacts:
    return CaseFacts(detected, importance, MS.HANDING_OVER)


def in_work(
    detected: datetime, *assignments: AssignmentFacts, imp: Importance = NORMAL
) -> CaseFacts:
    return CaseFacts(detected, imp, MS.IN_WORK, routed_at=detected, assignments=assignments)


# -- Penza-2020 -------------------------------------------------------------------------------


def test_penza_p8_route_due_2_working_hours_after_detection_across_lunch() -> None:
    d = one(PENZA, routing(msk(3, 12, 12)), Step.ROUTE)
    assert (d.due_at, d.clause, d.responsible_role) == (msk(3, 12, 14, 48), "8", Role.SPECIALIST)


def test_penza_p8_route_step_closes_once_routed() -> None:
    facts = dataclasses.replace(routing(msk(3, 12, 12)), routed_at=msk(3, 12, 12, 30))
    assert (Step.ROUTE, None) not in steps(PENZA, facts)


def test_penza_p9_return_outside_competence_30_working_minutes_from_receipt() -> None:
    a = AssignmentFacts(1, AS.ASSIGNED, received_at=msk(3, 12, 17, 45))
    d = one(PENZA, in_work(msk(3, 12, 17), a), Step.RETURN_OUTSIDE_COMPETENCE)
    assert (d.due_at, d.clause, d.conditional) == (msk(3, 13, 9, 15), "9", True)


def test_penza_p10_normal_answer_due_in_8_working_hours() -> None:
    d = one(PENZA, routing(msk(3, 12, 10)), Step.ANSWER)
    assert (d.due_at, d.clause) == (msk(3, 13, 9, 48), "10")


def test_penza_p10_high_importance_answer_due_in_4_working_hours() -> None:
    assert one(PENZA, routing(msk(3, 12, 10), HIGH), Step.ANSWER).due_at == msk(3, 12, 14, 48)


def test_penza_p10_answer_over_the_short_friday_and_weekend() -> None:
    # Friday 15:00–16:45 is 1 h 45 min; Monday 9:00–13:00 and 13:48–16:03 the remaining 6 h 15.
    assert one(PENZA, routing(msk(3, 14, 15)), Step.ANSWER).due_at == msk(3, 17, 16, 3)


def test_penza_p10_high_answer_over_a_shortened_pre_holiday_day_and_may_holidays() -> None:
    # 30.04.2025 ends at 17:00 (pre-holiday); 1–4 May are days off; Monday 5 May resumes.
    assert one(PENZA, routing(msk(4, 30, 14), HIGH), Step.ANSWER).due_at == msk(5, 5, 10)


@pytest.mark.parametrize(
    ("importance", "answer", "draft"),
    [(NORMAL, msk(3, 12, 18), msk(3, 12, 15)), (HIGH, msk(3, 12, 14), msk(3, 12, 10, 12))],
)
def test_penza_p10_calendar_hours_switch(
    importance: Importance, answer: datetime, draft: datetime
) -> None:
    found = steps(PENZA_CAL, routing(msk(3, 12, 10), importance))
    # p.11 still counts its three hours back in working time from the calendar-hour deadline.
    assert (found[Step.ANSWER, None], found[Step.DRAFT, None]) == (answer, draft)


def test_penza_p10_calendar_hours_run_through_the_night() -> None:
    assert one(PENZA_CAL, routing(msk(3, 14, 15)), Step.ANSWER).due_at == msk(3, 14, 23)


def test_penza_p10_calendar_hours_night_detection_makes_the_draft_due_at_once() -> None:
    # Answer Saturday 06:00; three working hours back is Friday 12:57, before detection.
    found = steps(PENZA_CAL, routing(msk(3, 14, 22)))
    assert (found[Step.ANSWER, None], found[Step.DRAFT, None]) == (msk(3, 15, 6), msk(3, 14, 22))


def test_penza_p11_draft_due_3_working_hours_before_answer_deadline() -> None:
    a = AssignmentFacts(1, AS.ASSIGNED, received_at=msk(3, 12, 11))
    d = one(PENZA, in_work(msk(3, 12, 10), a), Step.DRAFT)
    assert (d.due_at, d.clause, d.responsible_role, d.assignment_id) == (
        msk(3, 12, 15, 48),
        "11",
        Role.EXECUTOR,
        1,
    )


def test_penza_p8_p11_high_importance_conflict_draft_binds_before_routing() -> None:
    found = step_deadlines(PENZA, PENZA_WC, routing(msk(3, 12, 10), HIGH))
    assert [(d.step, d.due_at) for d in found] == [
        (Step.DRAFT, msk(3, 12, 11)),
        (Step.ROUTE, msk(3, 12, 12)),
        (Step.ANSWER, msk(3, 12, 14, 48)),
    ]
    binding = binding_deadline(found)
    assert binding is not None and binding.step is Step.DRAFT


def test_penza_p12_approve_or_return_within_1_working_hour() -> None:
    a = AssignmentFacts(1, AS.DRAFT_SUBMITTED, msk(3, 12, 11), submitted_at=msk(3, 12, 17, 30))
    d = one(PENZA, in_work(msk(3, 12, 10), a), Step.REVIEW)
    assert (d.due_at, d.clause, d.responsible_role) == (msk(3, 13, 9, 30), "12", Role.SPECIALIST)


def test_penza_p13_revise_within_1_working_hour_across_lunch() -> None:
    a = AssignmentFacts(1, AS.RETURNED_FOR_REVISION, msk(3, 12, 11), returned_at=msk(3, 12, 12, 30))
    d = one(PENZA, in_work(msk(3, 12, 10), a), Step.REVISE)
    assert (d.due_at, d.clause, d.responsible_role) == (msk(3, 12, 14, 18), "13", Role.EXECUTOR)


@pytest.mark.parametrize("profile", [PENZA, PARFINO], ids=["penza_p14", "parfino_p16"])
def test_penza_p14_parfino_p16_final_draft_due_7_working_days_after_intermediate(
    profile: RegulationProfile,
) -> None:
    # 1–4 and 8–11 May 2025 are days off: the 7th working day after 30 April is 15 May.
    a = AssignmentFacts(
        1, AS.AWAITING_FINAL, msk(4, 30, 9), intermediate_published_at=msk(4, 30, 11)
    )
    found = step_deadlines(profile, CALENDARS[profile.code], in_work(msk(4, 30, 9), a))
    assert [(d.step, d.due_at, d.clause) for d in found] == [
        (Step.FINAL_DRAFT, msk(5, 15, 18), profile.timings.final_after_intermediate.clause)
    ]  # the answer clock stopped with the intermediate answer


def test_penza_p11_clarification_pause_is_ignored() -> None:
    a = AssignmentFacts(1, AS.AWAITING_REPLY, msk(3, 12, 10), pauses=(Pause(msk(3, 12, 12), None),))
    assert one(PENZA, in_work(msk(3, 12, 10), a), Step.ANSWER).due_at == msk(3, 13, 9, 48)


def test_penza_p16_publication_has_no_separate_clock() -> None:
    a = AssignmentFacts(1, AS.APPROVED, msk(3, 12, 11), approved_at=msk(3, 12, 15))
    found = steps(PENZA, in_work(msk(3, 12, 10), a))
    assert list(found) == [(Step.ANSWER, 1)]


def _after_intermediate(state: AssignmentState, **at: datetime) -> CaseFacts:
    a = AssignmentFacts(1, state, msk(3, 12, 10), intermediate_published_at=msk(3, 12, 11), **at)
    return in_work(msk(3, 12, 10), a)


def test_penza_p12_final_draft_after_intermediate_is_reviewed_within_1_working_hour() -> None:
    facts = _after_intermediate(AS.DRAFT_SUBMITTED, submitted_at=msk(3, 17, 12, 30))
    found = step_deadlines(PENZA, PENZA_WC, facts)
    assert [(d.step, d.due_at, d.clause) for d in found] == [
        (Step.REVIEW, msk(3, 17, 14, 18), "12")
    ]


def test_penza_p13_final_draft_after_intermediate_is_revised_within_1_working_hour() -> None:
    facts = _after_intermediate(AS.RETURNED_FOR_REVISION, returned_at=msk(3, 17, 16))
    found = step_deadlines(PENZA, PENZA_WC, facts)
    assert [(d.step, d.due_at, d.clause) for d in found] == [(Step.REVISE, msk(3, 17, 17), "13")]


def test_penza_final_answer_after_intermediate_is_published_within_the_window() -> None:
    # No clause times it: the organisation's window (1 working hour, a product rule).
    facts = _after_intermediate(AS.APPROVED, approved_at=msk(3, 17, 17, 30))
    d = one(PENZA, facts, Step.PUBLISH)
    assert (d.due_at, d.clause, d.responsible_role) == (msk(3, 18, 9, 30), "", Role.SPECIALIST)
    assert PENZA.timings.publish_window is not None
    window = dataclasses.replace(PENZA.timings, publish_window=None)
    silent = dataclasses.replace(PENZA, timings=window)
    assert not step_deadlines(silent, PENZA_WC, facts)  # the window is what times it


def test_parfino_p15_applies_to_the_final_answer_after_intermediate_too() -> None:
    facts = _after_intermediate(AS.APPROVED, approved_at=msk(3, 17, 17, 50))
    assert one(PARFINO, facts, Step.PUBLISH).due_at == msk(3, 18, 9, 20)


# -- Parfino-2020 -----------------------------------------------------------------------------


def test_parfino_p7_hand_over_to_coordinator_within_30_working_minutes() -> None:
    d = one(PARFINO, handing_over(msk(3, 12, 17, 50)), Step.HAND_OVER)
    assert (d.due_at, d.clause, d.responsible_role) == (msk(3, 13, 9, 20), "7", Role.SPECIALIST)


def test_parfino_p7_coordinator_forwarding_has_no_own_clock() -> None:
    facts = dataclasses.replace(routing(msk(3, 12, 10)), handed_over_at=msk(3, 12, 10, 20))
    assert set(steps(PARFINO, facts)) == {(Step.ANSWER, None), (Step.DRAFT, None)}


def test_parfino_p8_answer_due_in_8_working_hours() -> None:
    d = one(PARFINO, handing_over(msk(3, 12, 10)), Step.ANSWER)
    assert (d.due_at, d.clause, d.responsible_role) == (msk(3, 13, 10), "8", Role.COORDINATOR)


def test_parfino_p9_high_importance_answer_due_in_4_working_hours() -> None:
    d = one(PARFINO, handing_over(msk(3, 12, 10), HIGH), Step.ANSWER)
    assert (d.due_at, d.clause) == (msk(3, 12, 15), "9")


def test_parfino_p11_draft_due_4_working_hours_before_answer() -> None:
    d = one(PARFINO, handing_over(msk(3, 12, 10)), Step.DRAFT)
    assert (d.due_at, d.clause) == (msk(3, 12, 15), "11")


def test_parfino_p12_high_importance_draft_due_2_working_hours_before_answer() -> None:
    d = one(PARFINO, handing_over(msk(3, 12, 10), HIGH), Step.DRAFT)
    assert (d.due_at, d.clause) == (msk(3, 12, 12), "12")


def test_parfino_p13_review_within_30_working_minutes() -> None:
    a = AssignmentFacts(1, AS.DRAFT_SUBMITTED, msk(3, 12, 11), submitted_at=msk(3, 12, 12, 45))
    assert one(PARFINO, in_work(msk(3, 12, 10), a), Step.REVIEW).due_at == msk(3, 12, 14, 15)


def test_parfino_p14_revise_within_1_working_hour() -> None:
    a = AssignmentFacts(1, AS.RETURNED_FOR_REVISION, msk(3, 12, 11), returned_at=msk(3, 12, 17, 30))
    assert one(PARFINO, in_work(msk(3, 12, 10), a), Step.REVISE).due_at == msk(3, 13, 9, 30)


def test_parfino_p15_publish_within_30_working_minutes_of_approval() -> None:
    a = AssignmentFacts(1, AS.APPROVED, msk(3, 14, 11), approved_at=msk(3, 14, 17, 50))
    d = one(PARFINO, in_work(msk(3, 14, 10), a), Step.PUBLISH)
    assert (d.due_at, d.clause, d.responsible_role) == (msk(3, 17, 9, 20), "15", Role.COORDINATOR)


def test_parfino_p10_clarification_pauses_answer_clock() -> None:
    # 2 h spent before the pause, 6 h left after the reply on Thursday 15:00 -> Friday 12:00.
    a = AssignmentFacts(
        1,
        AS.ASSIGNED,
        msk(3, 12, 10),
        pauses=(Pause(msk(3, 12, 12), msk(3, 13, 15)),),
        clarified=True,
    )
    found = steps(PARFINO, in_work(msk(3, 12, 10), a))
    # The clarification fulfilled pp.11–12: after the reply only the answer deadline binds.
    assert found == {(Step.ANSWER, 1): msk(3, 14, 12)}


def test_parfino_p10_p11_no_draft_breach_when_little_time_was_left_at_the_pause() -> None:
    # Detected Wed 10:00, answer due Thu 10:00; the clarification is published Wed 17:30,
    # 1 h 30 min of working time before the answer: under the 4-hour draft lead. The reply
    # comes Fri 9:00: the answer is due Fri 10:30 and no p.11 draft deadline (it would lie
    # 2 h 30 min in the past) is reborn.
    a = AssignmentFacts(
        1,
        AS.ASSIGNED,
        msk(3, 12, 10),
        pauses=(Pause(msk(3, 12, 17, 30), msk(3, 14, 9)),),
        clarified=True,
    )
    found = step_deadlines(PARFINO, PARFINO_WC, in_work(msk(3, 12, 10), a))
    assert [(d.step, d.due_at) for d in found] == [(Step.ANSWER, msk(3, 14, 10, 30))]
    assert not any(d.is_overdue(msk(3, 14, 9, 1)) for d in found)


def test_penza_p11_clarification_in_time_fulfils_the_draft_step() -> None:
    # Penza does not pause: after the author's reply the p.10 answer deadline (Thu 9:48)
    # still binds and is shown, but the p.11 draft step (Wed 15:48) does not come back.
    a = AssignmentFacts(1, AS.ASSIGNED, msk(3, 12, 10), submitted_at=msk(3, 12, 11), clarified=True)
    facts = in_work(msk(3, 12, 10), a)
    assert steps(PENZA, facts) == {(Step.ANSWER, 1): msk(3, 13, 9, 48)}
    assert binding_deadline(step_deadlines(PENZA, PENZA_WC, facts)) == one(
        PENZA, facts, Step.ANSWER
    )


def test_penza_p10_reply_after_the_answer_deadline_leaves_that_breach_real() -> None:
    a = AssignmentFacts(1, AS.ASSIGNED, msk(3, 12, 10), submitted_at=msk(3, 12, 11), clarified=True)
    answer = one(PENZA, in_work(msk(3, 12, 10), a), Step.ANSWER)
    assert answer.is_overdue(msk(3, 17, 10))  # the reply came on Monday: p.10 was missed


def test_without_a_clarification_the_draft_step_is_still_due() -> None:
    a = AssignmentFacts(1, AS.ASSIGNED, msk(3, 12, 10))
    assert steps(PENZA, in_work(msk(3, 12, 10), a))[Step.DRAFT, 1] == msk(3, 12, 15, 48)


def test_parfino_p10_open_pause_leaves_no_due_instant_only_the_budget_left() -> None:
    a = AssignmentFacts(1, AS.AWAITING_REPLY, msk(3, 12, 10), pauses=(Pause(msk(3, 12, 12)),))
    found = step_deadlines(PARFINO, PARFINO_WC, in_work(msk(3, 12, 10), a))
    assert [(d.step, d.paused, d.remaining) for d in found] == [(Step.ANSWER, True, 6 * H)]
    assert binding_deadline(found) is None


def test_parfino_p10_two_pauses_shift_by_their_working_time() -> None:
    pauses = (Pause(msk(3, 13, 9), msk(3, 13, 10)), Pause(msk(3, 12, 11), msk(3, 12, 11, 30)))
    reading = answer_due(PARFINO, PARFINO_WC, msk(3, 12, 10), NORMAL, pauses)
    assert reading.due_at == msk(3, 13, 11, 30)


def test_parfino_p10_pause_after_the_deadline_changes_nothing() -> None:
    reading = answer_due(PARFINO, PARFINO_WC, msk(3, 12, 10), HIGH, (Pause(msk(3, 12, 16)),))
    assert reading.due_at == msk(3, 12, 15)


def test_parfino_p9_importance_change_recomputes_every_derived_step() -> None:
    a = AssignmentFacts(1, AS.ASSIGNED, msk(3, 12, 10, 30))
    normal = steps(PARFINO, in_work(msk(3, 12, 10), a))
    high = steps(PARFINO, in_work(msk(3, 12, 10), a, imp=HIGH))
    assert (normal[Step.DRAFT, 1], high[Step.DRAFT, 1]) == (msk(3, 12, 15), msk(3, 12, 12))


def test_parfino_p17_split_message_has_one_set_of_steps_per_assignment() -> None:
    assignments = [
        AssignmentFacts(1, AS.ASSIGNED, msk(3, 12, 10, 30)),
        AssignmentFacts(2, AS.DRAFT_SUBMITTED, msk(3, 12, 10, 30), submitted_at=msk(3, 12, 11)),
        AssignmentFacts(3, AS.RETURNED_OUTSIDE_COMPETENCE, msk(3, 12, 10, 30)),
    ]
    found = steps(PARFINO, in_work(msk(3, 12, 10), *assignments))
    assert set(found) == {(Step.ANSWER, 1), (Step.DRAFT, 1), (Step.ANSWER, 2), (Step.REVIEW, 2)}


# -- which steps are open -----------------------------------------------------------------


@pytest.mark.parametrize("state", [MS.COLLECTED, MS.REFUSED, MS.DONE])
def test_closed_or_unscreened_messages_have_no_steps(state: MessageState) -> None:
    assert step_deadlines(PENZA, PENZA_WC, CaseFacts(msk(3, 12, 10), NORMAL, state)) == []


@pytest.mark.parametrize("state", [AS.DONE, AS.RETURNED_OUTSIDE_COMPETENCE])
def test_closed_assignments_have_no_steps(state: AssignmentState) -> None:
    a = AssignmentFacts(1, state, msk(3, 12, 11))
    assert step_deadlines(PENZA, PENZA_WC, in_work(msk(3, 12, 10), a)) == []


def test_penza_p9_after_every_return_the_case_runs_against_p10_again() -> None:
    a = AssignmentFacts(1, AS.RETURNED_OUTSIDE_COMPETENCE, msk(3, 12, 11))
    facts = CaseFacts(
        msk(3, 12, 10), NORMAL, MS.ROUTING, routed_at=msk(3, 12, 11), assignments=(a,)
    )
    assert set(steps(PENZA, facts)) == {(Step.ANSWER, None), (Step.DRAFT, None)}


def test_conditional_return_step_never_binds() -> None:
    a = AssignmentFacts(1, AS.ASSIGNED, msk(3, 12, 17, 45))
    binding = binding_deadline(step_deadlines(PENZA, PENZA_WC, in_work(msk(3, 12, 17), a)))
    assert binding is not None and binding.step is Step.DRAFT


def test_overdue_is_strictly_after_the_due_instant() -> None:
    d = one(PENZA, routing(msk(3, 12, 12)), Step.ROUTE)
    assert not d.is_overdue(msk(3, 12, 14, 48)) and d.is_overdue(msk(3, 12, 14, 49))


# -- properties ---------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2021, 1, 1), max_value=datetime(2026, 6, 30), timezones=st.just(MSK)
)
profiles = st.sampled_from([PENZA, PARFINO, PENZA_CAL])


@settings(max_examples=300, deadline=None)
@given(profile=profiles, detected=instants, importance=st.sampled_from(list(Importance)))
def test_deadlines_never_before_detection_and_draft_leads_answer_exactly(
    profile: RegulationProfile, detected: datetime, importance: Importance
) -> None:
    wc = CALENDARS[profile.code]
    facts = (handing_over if profile.has_hand_over else routing)(detected, importance)
    found = {d.step: d for d in step_deadlines(profile, wc, facts)}
    assert all(d.due_at is not None and d.due_at >= detected for d in found.values())
    answer, draft = found[Step.ANSWER].due_at, found[Step.DRAFT].due_at
    assert answer is not None and draft is not None
    lead = profile.timings.draft_lead(importance).duration
    assert draft == max(wc.add(answer, -lead), detected)
    if draft > detected:
        assert wc.between(draft, answer) == lead
    budget = profile.timings.answer(importance).duration
    spent = (
        wc.between(detected, answer)
        if profile.answer_basis is TimeBasis.WORKING
        else (answer - detected)
    )
    assert spent == budget


@settings(max_examples=300, deadline=None)
@given(
    profile=st.sampled_from(
        [PARFINO, dataclasses.replace(PARFINO, answer_basis=TimeBasis.CALENDAR)]
    ),
    detected=instants,
    importance=st.sampled_from(list(Importance)),
    offset=st.floats(0, 0.999),
    length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=12)),
)
def test_parfino_p10_pause_shifts_answer_by_exactly_the_working_time_inside_it(
    profile: RegulationProfile,
    detected: datetime,
    importance: Importance,
    offset: float,
    length: timedelta,
) -> None:
    wc = PARFINO_WC
    plain = answer_due(profile, wc, detected, importance).due_at
    assert plain is not None
    start = detected + (plain - detected) * offset  # the pause begins before the deadline
    pause = Pause(start, start + length)
    due = answer_due(profile, wc, detected, importance, [pause]).due_at
    assert due is not None and due >= plain
    budget = profile.timings.answer(importance).duration
    if profile.answer_basis is TimeBasis.WORKING:
        assert wc.between(detected, due) - wc.between(pause.start, pause.end or due) == budget
    else:
        assert (due - detected) - length == budget
