"""Validation of a regulation profile: impossible values are refused, tight budgets are warned."""

from __future__ import annotations

import re
from datetime import timedelta

from app.domain.regulation.model import (
    DUTY_TITLES,
    PRODUCT_RULE_TIMINGS,
    Duty,
    Importance,
    ProfileError,
    ProfileWarning,
    RegulationProfile,
    ReportPeriod,
    ReportRule,
    TimeBasis,
    Timing,
)

REQUIRED_DUTIES = (
    Duty.SCREEN,
    Duty.ROUTE,
    Duty.DRAFT,
    Duty.APPROVE,
    Duty.PUBLISH,
    Duty.RECORD_REPLY,
)
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
IMPORTANCE_RU = {Importance.NORMAL: "обычной важности", Importance.HIGH: "высокой важности"}


def _hours(d: timedelta) -> str:
    minutes = int(d.total_seconds() // 60)
    h, m = divmod(minutes, 60)
    return f"{h} ч {m} мин" if h and m else (f"{h} ч" if h else f"{m} мин")


def _refuse(message_ru: str) -> ProfileError:
    return ProfileError(f"invalid profile: {message_ru}", message_ru)


def _check_clause(profile: RegulationProfile, clause: str, what: str) -> None:
    numbers = [int(n) for n in re.findall(r"\d+", clause)]
    if not numbers:
        raise _refuse(f"Для «{what}» не указан пункт Положения.")
    if bad := [n for n in numbers if not 1 <= n <= profile.clause_count]:
        raise _refuse(f"Для «{what}» указан несуществующий пункт {bad[0]}.")


def _check_timing(profile: RegulationProfile, name: str, t: Timing, days: bool) -> None:
    if t.clause or name not in PRODUCT_RULE_TIMINGS:
        _check_clause(profile, t.clause, name)
    if days and (t.working_days <= 0 or t.minutes):
        raise _refuse(f"Срок «{name}» задаётся положительным числом рабочих дней.")
    if not days and (t.minutes <= 0 or t.working_days):
        raise _refuse(f"Срок «{name}» должен быть положительным числом минут.")


def _check_timings(profile: RegulationProfile) -> None:
    timings = profile.timings
    for name in timings.__dataclass_fields__:
        t = getattr(timings, name)
        if t is not None:
            _check_timing(profile, name, t, days=name == "final_after_intermediate")
    for imp in Importance:
        answer, lead = timings.answer(imp).duration, timings.draft_lead(imp).duration
        if lead >= answer:
            raise _refuse(
                f"Проект ответа {IMPORTANCE_RU[imp]} должен поступать за {_hours(lead)} до срока "
                f"ответа ({_hours(answer)}), то есть не позже момента выявления."
            )
    if timings.hand_over is not None and not profile.has_hand_over:
        raise _refuse("Задан срок передачи ответственному работнику, но не указано, кто передаёт.")


def _check_duties(profile: RegulationProfile) -> None:
    for duty in REQUIRED_DUTIES:
        if not profile.roles_for(duty):
            raise _refuse(f"Не указано, какая роль отвечает за «{DUTY_TITLES[duty]}».")
    for duty, clause in profile.duty_clauses.items():
        _check_clause(profile, clause, f"duties.{duty}")


def _check_report(profile: RegulationProfile, name: str, rule: ReportRule) -> None:
    _check_clause(profile, rule.clause, f"reports.{name}")
    if not rule.recipients:
        raise _refuse(f"У отчёта «{name}» нет получателей.")
    limits = {ReportPeriod.MONTHLY: 28, ReportPeriod.WEEKLY: 7}
    if rule.due_day is not None:
        top = limits.get(rule.period)
        if top is None or not 1 <= rule.due_day <= top:
            raise _refuse(f"У отчёта «{name}» неверный день представления {rule.due_day}.")


def _refuse_impossible(profile: RegulationProfile) -> None:
    if not CODE_RE.match(profile.code):
        raise _refuse(f"Код регламента «{profile.code}»: латиница, цифры и дефис, 2–40 знаков.")
    if profile.clause_count < 1:
        raise _refuse("Число пунктов Положения должно быть положительным.")
    _check_timings(profile)
    _check_duties(profile)
    if not profile.refusal_reasons or len(set(profile.refusal_reasons)) != len(
        profile.refusal_reasons
    ):
        raise _refuse("Причины отказа в обработке должны быть заданы и не повторяться.")
    _check_clause(profile, profile.refusal_clause, "refusal")
    _check_clause(profile, profile.clarification_clause, "clarification")
    if profile.screening_undo_minutes < 0:
        raise _refuse("Срок отмены решения по сообщению не может быть отрицательным.")
    reports = profile.reports
    for name, rule in (
        ("summary", reports.summary),
        ("violations", reports.violations),
        ("immediate", reports.immediate),
    ):
        _check_report(profile, name, rule)


def _fit_warnings(profile: RegulationProfile, imp: Importance) -> list[ProfileWarning]:
    t = profile.timings
    answer, lead = t.answer(imp), t.draft_lead(imp)
    window = answer.duration - lead.duration  # detection -> draft due
    out: list[ProfileWarning] = []
    first = t.route or t.hand_over
    if first is not None and first.duration > window:
        out.append(
            ProfileWarning(
                "route_after_draft_due",
                f"Для сообщений {IMPORTANCE_RU[imp]} направление может занять "
                f"{_hours(first.duration)} (п. {first.clause}), а проект ответа должен поступить "
                f"на согласование через {_hours(window)} после выявления "
                f"(п. {answer.clause}, п. {lead.clause}).",
                (first.clause, answer.clause, lead.clause),
                imp,
            )
        )
    round_trip = 2 * t.review.duration + t.revise.duration
    if t.publish is not None:
        round_trip += t.publish.duration
    if round_trip > lead.duration:
        clauses = (t.review.clause, t.revise.clause, *((t.publish.clause,) if t.publish else ()))
        out.append(
            ProfileWarning(
                "revision_round_does_not_fit",
                f"Для сообщений {IMPORTANCE_RU[imp]} согласование с одной доработкой"
                f"{' и размещение' if t.publish else ''} занимает {_hours(round_trip)} "
                f"(пп. {', '.join(clauses)}), а проект поступает лишь за {_hours(lead.duration)} "
                f"до срока ответа (п. {lead.clause}).",
                (*clauses, lead.clause),
                imp,
            )
        )
    return out


def validate_profile(profile: RegulationProfile) -> list[ProfileWarning]:
    """Refuse impossible values (ProfileError); return the budgets that cannot fit."""
    _refuse_impossible(profile)
    warnings = [w for imp in Importance for w in _fit_warnings(profile, imp)]
    t = profile.timings
    if profile.answer_basis is TimeBasis.CALENDAR:
        warnings.append(
            ProfileWarning(
                "calendar_answer_working_draft",
                "Срок ответа считается в календарных часах, а срок проекта — в рабочих "
                f"(п. {t.draft_lead_normal.clause}): у сообщений, выявленных вечером или в "
                "выходной, проект будет просрочен сразу после выявления.",
                (t.answer_normal.clause, t.draft_lead_normal.clause),
            )
        )
    if t.answer_high.duration > t.answer_normal.duration:
        warnings.append(
            ProfileWarning(
                "high_slower_than_normal",
                "Срок ответа на сообщения высокой важности больше, чем обычной.",
                (t.answer_high.clause, t.answer_normal.clause),
            )
        )
    return warnings
