"""Reading and writing a regulation profile as a mapping (the TOML files and the stored JSON)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from app.domain.regulation.model import (
    Duty,
    HighImportanceReport,
    ProfileError,
    RefusalReason,
    RegulationProfile,
    RepeatProcedure,
    ReportPeriod,
    ReportRule,
    Reports,
    TimeBasis,
    Timing,
    Timings,
)
from app.domain.roles import Role

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

OPTIONAL_TIMINGS = (
    "hand_over",
    "route",
    "return_outside_competence",
    "publish",
    "publish_window",
)
REQUIRED_TIMINGS = (
    "answer_normal",
    "answer_high",
    "draft_lead_normal",
    "draft_lead_high",
    "review",
    "revise",
    "final_after_intermediate",
)


def _bad(where: str, what: str) -> ProfileError:
    return ProfileError(f"profile: {where}: {what}", f"Регламент: поле «{where}»: {what}.")


def _get(data: Mapping[str, Any], key: str, kind: type[T], where: str = "") -> T:
    path = f"{where}.{key}" if where else key
    if key not in data:
        raise _bad(path, "не заполнено")
    value = data[key]
    # bool is an int in Python: a budget of `true` minutes is refused, not read as 1.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _bad(path, f"ожидается {_KIND_RU.get(kind, kind.__name__)}")
    return value


_KIND_RU: dict[type, str] = {str: "строка", int: "целое число", bool: "да/нет", dict: "таблица"}


def _enum(cls: type[E], value: object, where: str) -> E:
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return cls(value)
    except ValueError:
        raise _bad(where, f"неизвестное значение «{value}»") from None


def _enums(cls: type[E], values: object, where: str) -> tuple[E, ...]:
    if not isinstance(values, list):
        raise _bad(where, "ожидается список")
    return tuple(_enum(cls, v, where) for v in values)


def _timing(raw: object, where: str) -> Timing:
    if not isinstance(raw, Mapping):
        raise _bad(where, "ожидается таблица {minutes|working_days, clause}")
    unknown = set(raw) - {"minutes", "working_days", "clause"}
    if unknown:
        raise _bad(where, f"лишние поля {sorted(unknown)}")
    minutes = _get(raw, "minutes", int, where) if "minutes" in raw else 0
    days = _get(raw, "working_days", int, where) if "working_days" in raw else 0
    return Timing(clause=_get(raw, "clause", str, where), minutes=minutes, working_days=days)


def _timings(raw: Mapping[str, Any]) -> Timings:
    unknown = set(raw) - set(OPTIONAL_TIMINGS) - set(REQUIRED_TIMINGS)
    if unknown:
        raise _bad("timings", f"неизвестные сроки {sorted(unknown)}")
    values = {k: _timing(_get(raw, k, dict, "timings"), f"timings.{k}") for k in REQUIRED_TIMINGS}
    optional = {k: _timing(raw[k], f"timings.{k}") for k in OPTIONAL_TIMINGS if k in raw}
    return Timings(**values, **optional)


def _report(raw: Mapping[str, Any], name: str) -> ReportRule:
    where = f"reports.{name}"
    compiler = raw.get("compiler")
    due_day = _get(raw, "due_day", int, where) if "due_day" in raw else None
    triggers = raw.get("triggers_ru", [])
    if not isinstance(triggers, list) or not all(isinstance(t, str) for t in triggers):
        raise _bad(f"{where}.triggers_ru", "ожидается список строк")
    return ReportRule(
        clause=_get(raw, "clause", str, where),
        period=_enum(ReportPeriod, _get(raw, "period", str, where), f"{where}.period"),
        recipients=_enums(Role, raw.get("recipients"), f"{where}.recipients"),
        recipients_ru=_get(raw, "recipients_ru", str, where),
        compiler=None if compiler is None else _enum(Role, compiler, f"{where}.compiler"),
        due_day=due_day,
        triggers_ru=tuple(triggers),
        covers=_enums(Role, raw.get("covers", []), f"{where}.covers"),
    )


def _repeat(raw: object) -> RepeatProcedure | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise _bad("repeat", "ожидается таблица значений")
    duty = raw.get("next_duty")
    return RepeatProcedure(
        clause=_get(raw, "clause", str, "repeat"),
        procedure_ru=_get(raw, "procedure_ru", str, "repeat"),
        answer_ru=_get(raw, "answer_ru", str, "repeat"),
        next_duty=None if duty is None else _enum(Duty, duty, "repeat.next_duty"),
    )


def _repeat_out(r: RepeatProcedure) -> dict[str, Any]:
    out: dict[str, Any] = {
        "clause": r.clause,
        "procedure_ru": r.procedure_ru,
        "answer_ru": r.answer_ru,
    }
    if r.next_duty is not None:
        out["next_duty"] = str(r.next_duty)
    return out


def _str_map(raw: Mapping[str, Any], where: str, key: Callable[[str], T]) -> dict[T, str]:
    if not all(isinstance(v, str) for v in raw.values()):
        raise _bad(where, "ожидаются строки")
    return {key(k): v for k, v in raw.items()}


def profile_from_mapping(data: Mapping[str, Any]) -> RegulationProfile:
    """Build a profile from its mapping form (TOML file or stored JSON); ProfileError if bad."""
    if not isinstance(data, Mapping):
        raise ProfileError("profile: expected a mapping", "Регламент: ожидается таблица значений.")
    duties_raw = _get(data, "duties", dict)
    duties = {_enum(Duty, k, "duties"): v for k, v in duties_raw.items()}
    reports = _get(data, "reports", dict)
    refusal = _get(data, "refusal", dict)
    return RegulationProfile(
        code=_get(data, "code", str),
        name=_get(data, "name", str),
        source_ru=_get(data, "source_ru", str),
        clause_count=_get(data, "clause_count", int),
        role_titles=_str_map(
            _get(data, "role_titles", dict), "role_titles", lambda k: _enum(Role, k, "role_titles")
        ),
        duties={
            d: _enums(Role, _get(v, "roles", list, f"duties.{d}"), d) for d, v in duties.items()
        },
        duty_clauses={d: _get(v, "clause", str, f"duties.{d}") for d, v in duties.items()},
        timings=_timings(_get(data, "timings", dict)),
        answer_basis=_enum(TimeBasis, _get(data, "answer_basis", str), "answer_basis"),
        answer_basis_note=str(data.get("answer_basis_note", "")),
        clarification_pauses=_get(data, "clarification_pauses", bool),
        clarification_clause=_get(data, "clarification_clause", str),
        refusal_reasons=_enums(RefusalReason, refusal.get("reasons"), "refusal.reasons"),
        refusal_clause=_get(refusal, "clause", str, "refusal"),
        reports=Reports(
            **{
                name: _report(_get(reports, name, dict, "reports"), name)
                for name in ("summary", "violations", "immediate")
            }
        ),
        screening_undo_minutes=_get(data, "screening_undo_minutes", int),
        high_importance_report=_enum(
            HighImportanceReport,
            data.get("high_importance_report", str(HighImportanceReport.PROMPTED)),
            "high_importance_report",
        ),
        networks=tuple(str(n) for n in data.get("networks", [])),
        topic_required=bool(data.get("topic_required", False)),
        clauses=_str_map(data.get("clauses", {}), "clauses", str),
        repeat=_repeat(data.get("repeat")),
    )


def _timing_out(t: Timing) -> dict[str, Any]:
    out: dict[str, Any] = {"clause": t.clause}
    if t.working_days:
        out["working_days"] = t.working_days
    else:
        out["minutes"] = t.minutes
    return out


def _report_out(r: ReportRule) -> dict[str, Any]:
    out: dict[str, Any] = {
        "clause": r.clause,
        "period": str(r.period),
        "recipients": [str(x) for x in r.recipients],
        "recipients_ru": r.recipients_ru,
        "triggers_ru": list(r.triggers_ru),
    }
    if r.compiler is not None:
        out["compiler"] = str(r.compiler)
    if r.due_day is not None:
        out["due_day"] = r.due_day
    if r.covers:
        out["covers"] = [str(x) for x in r.covers]
    return out


def profile_to_mapping(p: RegulationProfile) -> dict[str, Any]:
    """The JSON-ready mapping form of a profile; `profile_from_mapping` reads it back."""
    timings = {
        name: _timing_out(t)
        for name in (*REQUIRED_TIMINGS, *OPTIONAL_TIMINGS)
        if (t := getattr(p.timings, name)) is not None
    }
    return {
        "code": p.code,
        "name": p.name,
        "source_ru": p.source_ru,
        "clause_count": p.clause_count,
        "role_titles": {str(k): v for k, v in p.role_titles.items()},
        "duties": {
            str(d): {"roles": [str(r) for r in roles], "clause": p.duty_clauses.get(d, "")}
            for d, roles in p.duties.items()
        },
        "timings": timings,
        "answer_basis": str(p.answer_basis),
        "answer_basis_note": p.answer_basis_note,
        "clarification_pauses": p.clarification_pauses,
        "clarification_clause": p.clarification_clause,
        "refusal": {"reasons": [str(r) for r in p.refusal_reasons], "clause": p.refusal_clause},
        "reports": {
            "summary": _report_out(p.reports.summary),
            "violations": _report_out(p.reports.violations),
            "immediate": _report_out(p.reports.immediate),
        },
        "screening_undo_minutes": p.screening_undo_minutes,
        "high_importance_report": str(p.high_importance_report),
        "networks": list(p.networks),
        "topic_required": p.topic_required,
        "clauses": dict(p.clauses),
        **({"repeat": _repeat_out(p.repeat)} if p.repeat is not None else {}),
    }
