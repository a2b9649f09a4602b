"""The lifecycle table for both profiles: paths, roles, clock effects, refusals."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.lifecycle import (
    TABLE,
    AssignmentAction,
    AssignmentState,
    ClockOp,
    DraftKind,
    Effect,
    LifecycleError,
    MessageAction,
    MessageState,
    Step,
    Transition,
    apply,
    available_actions,
    check_undo_screening,
    follow_up,
)
from app.domain.regulation import Duty, RegulationProfile, load_profile
from app.domain.roles import Role

PENZA = load_profile("penza-2020")
PARFINO = load_profile("parfino-2020")
SPEC, COORD, EXEC = {Role.SPECIALIST}, {Role.COORDINATOR}, {Role.EXECUTOR}
MS, MA, AS, AA = MessageState, MessageAction, AssignmentState, AssignmentAction


def ops(t: Transition) -> set[tuple[ClockOp, Step]]:
    return {(e.op, e.step) for e in t.effects}


def walk(
    profile: RegulationProfile,
    state: MessageState | AssignmentState,
    steps: Sequence[tuple[MessageAction | AssignmentAction, set[Role], DraftKind | None]],
) -> list[str]:
    """Apply steps in turn; the visited states."""
    seen = [str(state)]
    for action, roles, kind in steps:
        state = apply(state, action, roles, profile, kind).target
        seen.append(str(state))
    return seen


# -- vocabulary -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "enum", [MessageState, MessageAction, AssignmentState, AssignmentAction, DraftKind, Step]
)
def test_stored_values_are_short_snake_case(enum: type) -> None:
    for member in enum:
        assert re.fullmatch(r"[a-z][a-z_]{1,29}", member.value), member


def test_draft_kinds_match_the_database_choices() -> None:
    from app.db.tables import Draft

    assert {k.value for k in DraftKind} == {k.value for k in Draft.Kind}


def test_table_has_no_ambiguous_rows() -> None:
    keys = [(r.entity, r.source, r.action, r.kind, r.when) for r in TABLE]
    assert len(keys) == len(set(keys))


# -- message: screening, hand-over, routing ------------------------------------------------


def test_penza_p8_specialist_marks_and_routes_to_departments() -> None:
    path = walk(PENZA, MS.COLLECTED, [(MA.MARK, SPEC, None), (MA.ROUTE, SPEC, None)])
    assert path == ["collected", "routing", "in_work"]
    marked = apply(MS.COLLECTED, MA.MARK, SPEC, PENZA)
    assert ops(marked) == {(ClockOp.START, Step.ROUTE), (ClockOp.START, Step.ANSWER)}


def test_parfino_p7_specialist_hands_over_to_coordinator_who_routes() -> None:
    path = walk(
        PARFINO,
        MS.COLLECTED,
        [(MA.MARK, SPEC, None), (MA.HAND_OVER, SPEC, None), (MA.ROUTE, COORD, None)],
    )
    assert path == ["collected", "handing_over", "routing", "in_work"]
    marked = apply(MS.COLLECTED, MA.MARK, SPEC, PARFINO)
    assert ops(marked) == {(ClockOp.START, Step.HAND_OVER), (ClockOp.START, Step.ANSWER)}


def test_parfino_p7_specialist_may_not_route_itself() -> None:
    with pytest.raises(LifecycleError) as err:
        apply(MS.ROUTING, MA.ROUTE, SPEC, PARFINO)
    assert err.value.code == "role"
    assert "«Ответственный работник» (пп. 7, 17 регламента Парфино-2020)" in err.value.message_ru


def test_penza_has_no_hand_over_step() -> None:
    with pytest.raises(LifecycleError) as err:
        apply(MS.HANDING_OVER, MA.HAND_OVER, SPEC, PENZA)
    assert err.value.code == "not_in_profile"
    assert "Пенза-2020" in err.value.message_ru


def test_penza_p8_coordinator_role_does_not_route_in_penza() -> None:
    with pytest.raises(LifecycleError) as err:
        apply(MS.ROUTING, MA.ROUTE, COORD, PENZA)
    assert "«Специалист»" in err.value.message_ru


@pytest.mark.parametrize("profile", [PENZA, PARFINO], ids=["penza", "parfino"])
def test_penza_p17_parfino_p20_refused_message_is_closed(profile: RegulationProfile) -> None:
    assert apply(MS.COLLECTED, MA.REFUSE, SPEC, profile).target is MS.REFUSED
    for action in (MA.MARK, MA.ROUTE, MA.REFUSE):
        with pytest.raises(LifecycleError):
            apply(MS.REFUSED, action, SPEC, profile)
    assert apply(MS.REFUSED, MA.UNDO_SCREENING, SPEC, profile).target is MS.COLLECTED


def test_penza_p6_only_the_specialist_screens() -> None:
    for roles in (EXEC, COORD, {Role.OFFICIAL, Role.HEAD, Role.ADMIN}):
        with pytest.raises(LifecycleError) as err:
            apply(MS.COLLECTED, MA.MARK, roles, PENZA)
        assert err.value.code == "role"


def test_parfino_p9_importance_change_recomputes_the_answer_clock() -> None:
    t = apply(MS.IN_WORK, MA.RECLASSIFY, SPEC, PARFINO)
    assert (t.target, ops(t)) == (MS.IN_WORK, {(ClockOp.RECOMPUTE, Step.ANSWER)})


def test_parfino_p17_coordinator_adds_departments_to_a_message_in_work() -> None:
    t = apply(MS.IN_WORK, MA.ROUTE, COORD, PARFINO)
    assert t.target is MS.IN_WORK and (ClockOp.START, Step.DRAFT) in ops(t)


# -- undo of screening ----------------------------------------------------------------------

T0 = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "same", "code"),
    [
        (timedelta(minutes=10), False, "undo_other_person"),
        (timedelta(minutes=10, seconds=1), True, "undo_expired"),
        (timedelta(seconds=-1), True, "undo_expired"),
    ],
)
def test_screening_undo_refused(after: timedelta, same: bool, code: str) -> None:
    with pytest.raises(LifecycleError) as err:
        check_undo_screening(T0, T0 + after, 7, 7 if same else 8, PENZA)
    assert err.value.code == code


@pytest.mark.parametrize("after", [timedelta(0), timedelta(minutes=10)])
def test_screening_undo_by_the_same_person_within_10_minutes(after: timedelta) -> None:
    check_undo_screening(T0, T0 + after, 7, 7, PARFINO)


def test_undo_after_routing_is_not_offered() -> None:
    assert MA.UNDO_SCREENING not in available_actions(MS.IN_WORK, SPEC, PENZA)


# -- assignment: drafts, review, publication ----------------------------------------------

REVISED_TWICE = [
    (AA.SUBMIT_DRAFT, EXEC, DraftKind.FINAL),
    (AA.RETURN_FOR_REVISION, SPEC, None),
    (AA.RESUBMIT, EXEC, None),
    (AA.RETURN_FOR_REVISION, SPEC, None),
    (AA.RESUBMIT, EXEC, None),
    (AA.APPROVE, SPEC, None),
]


def test_penza_p11_to_p13_returned_for_revision_twice_then_published_by_specialist() -> None:
    path = walk(PENZA, AS.ASSIGNED, [*REVISED_TWICE, (AA.PUBLISH, SPEC, DraftKind.FINAL)])
    assert path[-3:] == ["draft_submitted", "approved", "done"]
    assert path.count("returned_for_revision") == 2


def test_parfino_p13_to_p15_revised_twice_then_published_by_coordinator() -> None:
    path = walk(PARFINO, AS.ASSIGNED, [*REVISED_TWICE, (AA.PUBLISH, COORD, DraftKind.FINAL)])
    assert path[-1] == "done"


def test_penza_p12_approval_starts_no_publication_clock() -> None:
    t = apply(AS.DRAFT_SUBMITTED, AA.APPROVE, SPEC, PENZA)
    assert ops(t) == {(ClockOp.STOP, Step.REVIEW)}


def test_parfino_p15_approval_starts_the_30_minute_publication_clock() -> None:
    t = apply(AS.DRAFT_SUBMITTED, AA.APPROVE, SPEC, PARFINO)
    assert ops(t) == {(ClockOp.STOP, Step.REVIEW), (ClockOp.START, Step.PUBLISH)}


def test_parfino_p15_specialist_may_not_publish() -> None:
    with pytest.raises(LifecycleError) as err:
        apply(AS.APPROVED, AA.PUBLISH, SPEC, PARFINO, DraftKind.FINAL)
    assert "«Ответственный работник» (п. 15" in err.value.message_ru


def test_penza_p13_revision_clock_runs_from_return() -> None:
    t = apply(AS.DRAFT_SUBMITTED, AA.RETURN_FOR_REVISION, SPEC, PENZA)
    assert ops(t) == {(ClockOp.STOP, Step.REVIEW), (ClockOp.START, Step.REVISE)}
    t = apply(AS.RETURNED_FOR_REVISION, AA.RESUBMIT, EXEC, PENZA)
    assert ops(t) == {(ClockOp.STOP, Step.REVISE), (ClockOp.START, Step.REVIEW)}


def test_penza_p18_executor_may_not_approve_own_draft() -> None:
    with pytest.raises(LifecycleError):
        apply(AS.DRAFT_SUBMITTED, AA.APPROVE, EXEC, PENZA)


def test_penza_p9_executor_returns_outside_competence_back_to_routing() -> None:
    t = apply(AS.ASSIGNED, AA.RETURN_OUTSIDE_COMPETENCE, EXEC, PENZA)
    assert t.target is AS.RETURNED_OUTSIDE_COMPETENCE
    assert (ClockOp.STOP, Step.RETURN_OUTSIDE_COMPETENCE) in ops(t)
    action = follow_up(MS.IN_WORK, [AS.RETURNED_OUTSIDE_COMPETENCE])
    assert action is MA.ASSIGNMENT_RETURNED
    assert apply(MS.IN_WORK, action, None, PENZA).target is MS.ROUTING


def test_penza_p9_no_return_after_a_draft_was_submitted() -> None:
    with pytest.raises(LifecycleError):
        apply(AS.DRAFT_SUBMITTED, AA.RETURN_OUTSIDE_COMPETENCE, EXEC, PENZA)


def test_parfino_outside_competence_return_has_no_timed_step() -> None:
    t = apply(AS.ASSIGNED, AA.RETURN_OUTSIDE_COMPETENCE, EXEC, PARFINO)
    assert Step.RETURN_OUTSIDE_COMPETENCE not in {e.step for e in t.effects}


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([AS.DONE, AS.DONE, AS.DONE], MA.COMPLETE),
        ([AS.DONE, AS.RETURNED_OUTSIDE_COMPETENCE], MA.COMPLETE),
        ([AS.DONE, AS.AWAITING_FINAL], None),
        ([AS.RETURNED_OUTSIDE_COMPETENCE, AS.ASSIGNED], None),
        ([AS.RETURNED_OUTSIDE_COMPETENCE] * 2, MA.ASSIGNMENT_RETURNED),
    ],
)
def test_parfino_p17_message_closes_when_every_split_assignment_is_answered(
    states: list[AssignmentState], expected: MessageAction | None
) -> None:
    assert follow_up(MS.IN_WORK, states) is expected
    assert follow_up(MS.ROUTING, states) is None


def test_system_actions_are_not_for_people_and_people_actions_not_for_the_system() -> None:
    with pytest.raises(LifecycleError) as err:
        apply(MS.IN_WORK, MA.COMPLETE, SPEC, PENZA)
    assert err.value.code == "system_only"
    with pytest.raises(LifecycleError) as err:
        apply(AS.DRAFT_SUBMITTED, AA.APPROVE, None, PENZA)
    assert err.value.code == "person_only"


@pytest.mark.parametrize("profile", [PENZA, PARFINO], ids=["penza", "parfino"])
def test_penza_p14_parfino_p16_intermediate_answer_then_final(profile: RegulationProfile) -> None:
    publisher = set(profile.roles_for(Duty.PUBLISH))
    t = apply(AS.APPROVED, AA.PUBLISH, publisher, profile, DraftKind.INTERMEDIATE)
    assert t.target is AS.AWAITING_FINAL
    assert {(ClockOp.STOP, Step.ANSWER), (ClockOp.START, Step.FINAL_DRAFT)} <= ops(t)
    with pytest.raises(LifecycleError) as err:
        apply(AS.AWAITING_FINAL, AA.SUBMIT_DRAFT, EXEC, profile, DraftKind.INTERMEDIATE)
    assert err.value.code == "wrong_kind"
    assert "окончательный ответ" in err.value.message_ru
    t = apply(AS.AWAITING_FINAL, AA.SUBMIT_DRAFT, EXEC, profile, DraftKind.FINAL)
    assert ops(t) == {(ClockOp.STOP, Step.FINAL_DRAFT), (ClockOp.START, Step.REVIEW)}


def test_parfino_p10_published_clarification_pauses_answer_clock() -> None:
    t = apply(AS.APPROVED, AA.PUBLISH, COORD, PARFINO, DraftKind.CLARIFICATION)
    assert t.target is AS.AWAITING_REPLY
    assert Effect(ClockOp.PAUSE, Step.ANSWER) in [Effect(e.op, e.step) for e in t.effects]
    t = apply(AS.AWAITING_REPLY, AA.RECORD_REPLY, EXEC, PARFINO)
    assert (t.target, ops(t)) == (
        AS.ASSIGNED,
        {(ClockOp.RESUME, Step.ANSWER), (ClockOp.START, Step.DRAFT)},
    )


def test_penza_p11_clarification_does_not_pause_answer_clock() -> None:
    t = apply(AS.APPROVED, AA.PUBLISH, SPEC, PENZA, DraftKind.CLARIFICATION)
    assert (t.target, ops(t)) == (AS.AWAITING_REPLY, set())
    t = apply(AS.AWAITING_REPLY, AA.RECORD_REPLY, SPEC, PENZA)
    assert ops(t) == {(ClockOp.START, Step.DRAFT)}


def test_parfino_p10_executor_may_go_on_without_the_reply_and_the_pause_ends() -> None:
    t = apply(AS.AWAITING_REPLY, AA.SUBMIT_DRAFT, EXEC, PARFINO, DraftKind.FINAL)
    assert (ClockOp.RESUME, Step.ANSWER) in ops(t)


def test_publish_needs_the_draft_kind() -> None:
    with pytest.raises(LifecycleError) as err:
        apply(AS.APPROVED, AA.PUBLISH, SPEC, PENZA)
    assert err.value.code == "kind_required"


def test_wrong_entity_is_refused() -> None:
    with pytest.raises(LifecycleError) as err:
        apply(AS.APPROVED, MA.MARK, SPEC, PENZA)
    assert err.value.code == "wrong_entity"


def test_illegal_action_message_names_the_current_state() -> None:
    with pytest.raises(LifecycleError) as err:
        apply(AS.DONE, AA.APPROVE, SPEC, PENZA)
    assert err.value.message_ru == (
        "Действие «Согласовать» недоступно: текущее состояние — «Ответ размещён»."
    )


# -- buttons -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "state", "roles", "expected"),
    [
        (PENZA, MS.COLLECTED, SPEC, [MA.MARK, MA.REFUSE]),
        (PENZA, MS.ROUTING, SPEC, [MA.REFUSE, MA.UNDO_SCREENING, MA.RECLASSIFY, MA.ROUTE]),
        (PARFINO, MS.ROUTING, SPEC, [MA.REFUSE, MA.UNDO_SCREENING, MA.RECLASSIFY]),
        (PARFINO, MS.ROUTING, COORD, [MA.ROUTE]),
        (
            PARFINO,
            MS.HANDING_OVER,
            SPEC,
            [MA.REFUSE, MA.UNDO_SCREENING, MA.RECLASSIFY, MA.HAND_OVER],
        ),
        (PENZA, AS.ASSIGNED, EXEC, [AA.RETURN_OUTSIDE_COMPETENCE, AA.SUBMIT_DRAFT]),
        (PENZA, AS.APPROVED, SPEC, [AA.PUBLISH]),
        (PARFINO, AS.APPROVED, SPEC, []),
        (PARFINO, AS.AWAITING_REPLY, COORD, [AA.RECORD_REPLY]),
        (PENZA, AS.DONE, SPEC | EXEC, []),
        (PENZA, MS.IN_WORK, {Role.OFFICIAL, Role.HEAD}, []),
    ],
)
def test_available_actions(
    profile: RegulationProfile,
    state: MessageState | AssignmentState,
    roles: set[Role],
    expected: list[MessageAction | AssignmentAction],
) -> None:
    assert available_actions(state, roles, profile) == expected


# -- reachability and the table as a whole ------------------------------------------------


def _reachable(profile: RegulationProfile, start: MessageState | AssignmentState) -> set[str]:
    everyone = set(Role)
    seen, todo = {str(start)}, [start]
    while todo:
        state = todo.pop()
        for rule in TABLE:
            if str(rule.source) != str(state) or type(rule.source) is not type(state):
                continue
            try:
                t = apply(
                    state, rule.action, None if rule.duty is None else everyone, profile, rule.kind
                )
            except LifecycleError:
                continue
            if str(t.target) not in seen:
                seen.add(str(t.target))
                todo.append(t.target)
    return seen


def test_every_state_is_reachable_in_parfino() -> None:
    assert _reachable(PARFINO, MS.COLLECTED) == {s.value for s in MS}
    assert _reachable(PARFINO, AS.ASSIGNED) == {s.value for s in AS}


def test_every_state_but_hand_over_is_reachable_in_penza() -> None:
    assert _reachable(PENZA, MS.COLLECTED) == {s.value for s in MS} - {"handing_over"}
    assert _reachable(PENZA, AS.ASSIGNED) == {s.value for s in AS}


STATES: list[MessageState | AssignmentState] = [*MS, *AS]
ACTIONS: list[MessageAction | AssignmentAction] = [*MA, *AA]


@settings(max_examples=600, deadline=None)
@given(
    profile=st.sampled_from([PENZA, PARFINO]),
    state=st.sampled_from(STATES),
    action=st.sampled_from(ACTIONS),
    roles=st.none() | st.sets(st.sampled_from(list(Role))),
    kind=st.none() | st.sampled_from(list(DraftKind)),
)
def test_every_move_follows_the_table_or_is_refused(
    profile: RegulationProfile,
    state: MessageState | AssignmentState,
    action: MessageAction | AssignmentAction,
    roles: set[Role] | None,
    kind: DraftKind | None,
) -> None:
    try:
        t = apply(state, action, roles, profile, kind)
    except LifecycleError as err:
        assert err.message_ru.startswith("Действие «")
        return
    rules = [
        r
        for r in TABLE
        if type(r.source) is type(state)
        and r.source == state
        and type(r.action) is type(action)
        and r.action == action
        and r.target == t.target
        and r.kind in (None, kind)
    ]
    assert rules, (state, action, t)
    rule = rules[0]
    if rule.duty is None:
        assert roles is None and t.role is None
    else:
        assert roles is not None and t.role in roles and t.role in profile.roles_for(rule.duty)
        assert action in available_actions(state, roles, profile)
    assert set(t.effects) <= set(rule.effects)
