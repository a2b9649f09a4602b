"""Regulation profiles: the shipped data against the seeds' clauses, mapping form, validation."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.regulation import (
    REFUSAL_TITLES,
    Duty,
    Importance,
    ProfileError,
    RefusalReason,
    RegulationProfile,
    ReportPeriod,
    TimeBasis,
    builtin_profiles,
    load_profile,
    profile_from_mapping,
    profile_to_mapping,
    validate_profile,
)
from app.domain.roles import Role

H = timedelta(hours=1)
MIN = timedelta(minutes=1)


@pytest.fixture(scope="module")
def penza() -> RegulationProfile:
    return load_profile("penza-2020")


@pytest.fixture(scope="module")
def parfino() -> RegulationProfile:
    return load_profile("parfino-2020")


def test_builtin_profiles_load_and_carry_their_clause_counts() -> None:
    assert [(p.code, p.clause_count) for p in builtin_profiles()] == [
        ("penza-2020", 21),
        ("parfino-2020", 24),
    ]


def test_unknown_profile_code_is_refused_in_russian() -> None:
    with pytest.raises(ProfileError) as err:
        load_profile("moscow-2030")
    assert "Неизвестный регламент" in err.value.message_ru


@pytest.mark.parametrize("code", ["penza-2020", "parfino-2020"])
def test_profile_survives_json_round_trip(code: str) -> None:
    profile = load_profile(code)
    stored = json.loads(json.dumps(profile_to_mapping(profile), ensure_ascii=False))
    assert profile_from_mapping(stored) == profile


# -- Penza-2020 ---------------------------------------------------------------------------


def test_penza_p4_networks(penza: RegulationProfile) -> None:
    assert penza.networks == ("ok", "vk", "facebook", "twitter", "instagram")
    assert penza.clauses["networks"] == "4"


def test_penza_p5_official_accounts_clause(penza: RegulationProfile) -> None:
    assert penza.clauses["accounts"] == "5"


def test_penza_p6_specialist_screens_routes_and_approves(penza: RegulationProfile) -> None:
    for duty in (Duty.SCREEN, Duty.ROUTE, Duty.APPROVE):
        assert penza.roles_for(duty) == (Role.SPECIALIST,)
        assert "6" in penza.duty_clauses[duty]
    assert penza.title(Role.SPECIALIST) == "Специалист"
    assert not penza.has_hand_over  # no «ответственный работник» in Penza


def test_penza_p7_executor_and_official_titles_and_substitutes(penza: RegulationProfile) -> None:
    assert penza.title(Role.EXECUTOR) == "Исполнитель"
    assert "заместителя главы" in penza.title(Role.OFFICIAL)
    assert penza.roles_for(Duty.DRAFT) == (Role.EXECUTOR,)
    assert penza.clauses["substitutes"] == "7"


def test_penza_p8_route_within_2_working_hours(penza: RegulationProfile) -> None:
    route = penza.timings.route
    assert route is not None and (route.duration, route.clause) == (2 * H, "8")
    assert penza.timings.hand_over is None


def test_penza_p9_return_outside_competence_within_30_minutes(penza: RegulationProfile) -> None:
    roc = penza.timings.return_outside_competence
    assert roc is not None and (roc.duration, roc.clause) == (30 * MIN, "9")


def test_penza_p10_answer_8_hours_normal_4_hours_high(penza: RegulationProfile) -> None:
    t = penza.timings
    assert (t.answer(Importance.NORMAL).duration, t.answer(Importance.NORMAL).clause) == (
        8 * H,
        "10",
    )
    assert (t.answer(Importance.HIGH).duration, t.answer(Importance.HIGH).clause) == (4 * H, "10")


def test_penza_p10_ships_working_hours_with_the_reason_documented(penza: RegulationProfile) -> None:
    assert penza.answer_basis is TimeBasis.WORKING
    assert "п. 11" in penza.answer_basis_note and "calendar" in penza.answer_basis_note


def test_penza_p11_draft_3_working_hours_before_answer(penza: RegulationProfile) -> None:
    for imp in Importance:
        lead = penza.timings.draft_lead(imp)
        assert (lead.duration, lead.clause) == (3 * H, "11")


def test_penza_p11_clarification_does_not_pause_the_clock(penza: RegulationProfile) -> None:
    assert not penza.clarification_pauses
    assert penza.clarification_clause == "11"


def test_penza_p12_review_within_1_working_hour(penza: RegulationProfile) -> None:
    assert (penza.timings.review.duration, penza.timings.review.clause) == (H, "12")


def test_penza_p13_revise_within_1_working_hour(penza: RegulationProfile) -> None:
    assert (penza.timings.revise.duration, penza.timings.revise.clause) == (H, "13")


def test_penza_p14_final_after_intermediate_in_7_working_days(penza: RegulationProfile) -> None:
    final = penza.timings.final_after_intermediate
    assert (final.working_days, final.clause) == (7, "14")


def test_penza_p15_p16_repeat_and_answer_format_clauses(penza: RegulationProfile) -> None:
    assert penza.clauses["repeat"] == "15"
    assert penza.clauses["answer_format"] == penza.clauses["attachments"] == "16"


def test_penza_p16_specialist_publishes_untimed(penza: RegulationProfile) -> None:
    assert penza.roles_for(Duty.PUBLISH) == (Role.SPECIALIST,)
    assert not penza.publish_timed  # bound only by p.10


def test_penza_p17_refusal_categories(penza: RegulationProfile) -> None:
    assert penza.refusal_clause == "17"
    assert set(penza.refusal_reasons) == set(RefusalReason)
    assert REFUSAL_TITLES[RefusalReason.OBSCENE] == "Нецензурные выражения"


def test_penza_p18_responsibility_clause(penza: RegulationProfile) -> None:
    assert penza.clauses["responsibility"] == "18"


def test_penza_p19_violations_at_once_to_first_deputy_and_curators(
    penza: RegulationProfile,
) -> None:
    rule = penza.reports.violations
    assert (rule.period, rule.recipients, rule.clause) == (
        ReportPeriod.IMMEDIATE,
        (Role.OFFICIAL,),
        "19",
    )
    assert "курируемым" in rule.recipients_ru


def test_penza_p20_weekly_summary_to_head_and_first_deputy(penza: RegulationProfile) -> None:
    rule = penza.reports.summary
    assert (rule.period, set(rule.recipients), rule.compiler, rule.clause) == (
        ReportPeriod.WEEKLY,
        {Role.HEAD, Role.OFFICIAL},
        Role.SPECIALIST,
        "20",
    )
    assert rule.due_day is None  # «еженедельно», no day named


def test_penza_p21_immediate_report_to_head(penza: RegulationProfile) -> None:
    rule = penza.reports.immediate
    assert (rule.period, rule.recipients, rule.clause) == (
        ReportPeriod.IMMEDIATE,
        (Role.HEAD,),
        "21",
    )
    assert any("активност" in t for t in rule.triggers_ru)


# -- Parfino-2020 -------------------------------------------------------------------------


def test_parfino_p3_networks_without_twitter(parfino: RegulationProfile) -> None:
    assert parfino.networks == ("ok", "vk", "facebook", "instagram")


def test_parfino_p4_own_accounts_clause(parfino: RegulationProfile) -> None:
    assert parfino.clauses["accounts"] == "4"


def test_parfino_p5_monitoring_officer_screens_and_approves(parfino: RegulationProfile) -> None:
    assert parfino.roles_for(Duty.SCREEN) == parfino.roles_for(Duty.APPROVE) == (Role.SPECIALIST,)
    assert parfino.title(Role.SPECIALIST) == "Ответственный за мониторинг"


def test_parfino_p6_role_titles_and_substitutes(parfino: RegulationProfile) -> None:
    assert parfino.title(Role.COORDINATOR) == "Ответственный работник"
    assert parfino.title(Role.OFFICIAL) == "Ответственное должностное лицо"
    assert parfino.title(Role.HEAD) == "Глава Парфинского муниципального района"
    assert parfino.clauses["substitutes"] == "6"


def test_parfino_p7_hand_over_to_coordinator_within_30_minutes(parfino: RegulationProfile) -> None:
    t = parfino.timings.hand_over
    assert t is not None and (t.duration, t.clause) == (30 * MIN, "7")
    assert parfino.roles_for(Duty.HAND_OVER) == (Role.SPECIALIST,)
    assert parfino.roles_for(Duty.ROUTE) == (Role.COORDINATOR,)
    assert parfino.timings.route is None  # the coordinator's forwarding has no budget


def test_parfino_p8_answer_within_8_working_hours(parfino: RegulationProfile) -> None:
    t = parfino.timings.answer(Importance.NORMAL)
    assert (t.duration, t.clause, parfino.answer_basis) == (8 * H, "8", TimeBasis.WORKING)


def test_parfino_p9_high_importance_answer_within_4_working_hours(
    parfino: RegulationProfile,
) -> None:
    t = parfino.timings.answer(Importance.HIGH)
    assert (t.duration, t.clause) == (4 * H, "9")


def test_parfino_p10_clarification_pauses_the_answer_clock(parfino: RegulationProfile) -> None:
    assert parfino.clarification_pauses and parfino.clarification_clause == "10"


def test_parfino_p11_draft_4_working_hours_before_answer(parfino: RegulationProfile) -> None:
    t = parfino.timings.draft_lead(Importance.NORMAL)
    assert (t.duration, t.clause) == (4 * H, "11")


def test_parfino_p12_high_draft_2_working_hours_before_answer(parfino: RegulationProfile) -> None:
    t = parfino.timings.draft_lead(Importance.HIGH)
    assert (t.duration, t.clause) == (2 * H, "12")


def test_parfino_p13_review_within_30_working_minutes(parfino: RegulationProfile) -> None:
    assert (parfino.timings.review.duration, parfino.timings.review.clause) == (30 * MIN, "13")


def test_parfino_p14_revise_within_1_working_hour(parfino: RegulationProfile) -> None:
    assert (parfino.timings.revise.duration, parfino.timings.revise.clause) == (H, "14")


def test_parfino_p15_coordinator_publishes_within_30_minutes(parfino: RegulationProfile) -> None:
    t = parfino.timings.publish
    assert t is not None and (t.duration, t.clause) == (30 * MIN, "15")
    assert parfino.roles_for(Duty.PUBLISH) == (Role.COORDINATOR,)


def test_parfino_p16_final_after_intermediate_in_7_working_days(
    parfino: RegulationProfile,
) -> None:
    final = parfino.timings.final_after_intermediate
    assert (final.working_days, final.clause) == (7, "16")


def test_parfino_p17_coordinator_splits_by_topic(parfino: RegulationProfile) -> None:
    assert "17" in parfino.duty_clauses[Duty.ROUTE]
    assert parfino.clauses["split"] == "17"


def test_parfino_p18_p19_p21_informational_clauses(parfino: RegulationProfile) -> None:
    assert (
        parfino.clauses["repeat"],
        parfino.clauses["attachments"],
        parfino.clauses["responsibility"],
    ) == ("18", "19", "21")


def test_parfino_p20_refusal_categories(parfino: RegulationProfile) -> None:
    assert parfino.refusal_clause == "20"
    assert set(parfino.refusal_reasons) == set(RefusalReason)


def test_parfino_p22_violations_monthly_by_the_5th_to_official(parfino: RegulationProfile) -> None:
    rule = parfino.reports.violations
    assert (rule.period, rule.due_day, rule.recipients, rule.clause) == (
        ReportPeriod.MONTHLY,
        5,
        (Role.OFFICIAL,),
        "22",
    )


def test_parfino_p23_summary_monthly_by_the_5th_to_official(parfino: RegulationProfile) -> None:
    rule = parfino.reports.summary
    assert (rule.period, rule.due_day, rule.recipients, rule.compiler, rule.clause) == (
        ReportPeriod.MONTHLY,
        5,
        (Role.OFFICIAL,),
        Role.SPECIALIST,
        "23",
    )


def test_parfino_p24_immediate_report_to_head(parfino: RegulationProfile) -> None:
    rule = parfino.reports.immediate
    assert (rule.recipients, rule.clause) == ((Role.HEAD,), "24")


# -- validation ---------------------------------------------------------------------------


def test_penza_p8_p10_p11_high_importance_conflict_is_warned(penza: RegulationProfile) -> None:
    warnings = validate_profile(penza)
    assert [(w.code, w.importance) for w in warnings] == [
        ("route_after_draft_due", Importance.HIGH)
    ]
    assert "2 ч (п. 8)" in warnings[0].message_ru and "через 1 ч" in warnings[0].message_ru


def test_parfino_p12_to_p15_high_importance_revision_round_is_warned(
    parfino: RegulationProfile,
) -> None:
    warnings = validate_profile(parfino)
    assert [(w.code, w.importance) for w in warnings] == [
        ("revision_round_does_not_fit", Importance.HIGH)
    ]
    assert "2 ч 30 мин" in warnings[0].message_ru


def _penza_mapping() -> dict[str, Any]:
    return copy.deepcopy(profile_to_mapping(load_profile("penza-2020")))


def _set(path: str, value: object) -> dict[str, Any]:
    data = _penza_mapping()
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return data


_DELETE = object()

# mapping edit -> a word the Russian error must contain
REFUSED = [
    ("timings.review.minutes", 0, "положительным"),
    ("timings.revise.minutes", -60, "положительным"),
    ("timings.review.minutes", True, "целое число"),
    ("timings.final_after_intermediate", {"minutes": 60, "clause": "14"}, "рабочих дней"),
    ("timings.draft_lead_high.minutes", 240, "не позже момента выявления"),
    ("timings.draft_lead_normal.minutes", 600, "не позже момента выявления"),
    ("timings.answer_high", _DELETE, "не заполнено"),
    ("timings.publish_soon", {"minutes": 5, "clause": "1"}, "неизвестные сроки"),
    ("timings.hand_over", {"minutes": 30, "clause": "8"}, "кто передаёт"),
    ("timings.review.clause", "22", "несуществующий пункт"),
    ("timings.review.clause", "", "не указан пункт"),
    ("duties.publish.roles", [], "«размещение ответов»"),
    ("duties.route.roles", ["mayor"], "неизвестное значение"),
    ("duties.approve", {"roles": ["specialist"]}, "не заполнено"),
    ("refusal.reasons", ["spam"], "неизвестное значение"),
    ("refusal.reasons", [], "Причины отказа"),
    ("reports.summary.due_day", 9, "день представления"),
    ("reports.immediate.due_day", 1, "день представления"),
    ("reports.violations.recipients", [], "нет получателей"),
    ("answer_basis", "lunar", "неизвестное значение"),
    ("code", "Пенза", "Код регламента"),
    ("screening_undo_minutes", -1, "отмены"),
    ("clarification_pauses", "yes", "да/нет"),
]


@pytest.mark.parametrize(("path", "value", "word"), REFUSED)
def test_impossible_profile_values_are_refused_in_russian(
    path: str, value: object, word: str
) -> None:
    with pytest.raises(ProfileError) as err:
        validate_profile(profile_from_mapping(_set(path, value)))
    assert word in err.value.message_ru


def test_penza_p10_calendar_hours_switch_is_accepted_with_a_warning() -> None:
    profile = profile_from_mapping(_set("answer_basis", "calendar"))
    assert profile.answer_basis is TimeBasis.CALENDAR
    assert "calendar_answer_working_draft" in [w.code for w in validate_profile(profile)]


def test_high_answer_longer_than_normal_is_warned() -> None:
    profile = profile_from_mapping(_set("timings.answer_high.minutes", 600))
    assert "high_slower_than_normal" in [w.code for w in validate_profile(profile)]


def test_non_mapping_is_refused() -> None:
    with pytest.raises(ProfileError):
        profile_from_mapping([])  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(
    answer=st.integers(-60, 900),
    lead=st.integers(-60, 900),
    route=st.integers(-60, 900),
    review=st.integers(-10, 300),
)
def test_any_budgets_are_either_refused_or_valid_with_consistent_warnings(
    answer: int, lead: int, route: int, review: int
) -> None:
    data = _penza_mapping()
    data["timings"]["answer_high"]["minutes"] = answer
    data["timings"]["draft_lead_high"]["minutes"] = lead
    data["timings"]["route"]["minutes"] = route
    data["timings"]["review"]["minutes"] = review
    profile = profile_from_mapping(data)
    try:
        warnings = validate_profile(profile)
    except ProfileError:
        assert min(answer, lead, route, review) <= 0 or lead >= answer
        return
    assert min(answer, lead, route, review) > 0 and lead < answer
    route_warned = any(
        w.code == "route_after_draft_due" and w.importance is Importance.HIGH for w in warnings
    )
    assert route_warned == (route > answer - lead)
    assert profile_from_mapping(profile_to_mapping(profile)) == profile
