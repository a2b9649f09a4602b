"""The regulation editor's form: timings with their clauses and the profile's switches.

Storage, validation, events and switching are app.admin.profiles; this module turns
the editor's form into a profile mapping and the mapping into rows for the page.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from app.admin import profiles
from app.admin.common import AdminError
from app.domain.regulation import ProfileError, ProfileWarning
from app.domain.regulation.profile_io import OPTIONAL_TIMINGS
from app.web.forms import to_int

TIMING_TITLES = {
    "hand_over": "Передача ответственному работнику после выявления",
    "route": "Направление в подразделения после выявления",
    "return_outside_competence": "Возврат не по компетенции после получения",
    "answer_normal": "Размещение ответа, обычная важность",
    "answer_high": "Размещение ответа, высокая важность",
    "draft_lead_normal": "Проект на согласование до срока ответа, обычная",
    "draft_lead_high": "Проект на согласование до срока ответа, высокая",
    "review": "Согласование или возврат проекта",
    "revise": "Доработка возвращённого проекта",
    "publish": "Размещение согласованного ответа",
    "publish_window": "Размещение согласованного окончательного ответа после промежуточного "
    "(правило организации, если регламент срок не задаёт)",
    "final_after_intermediate": "Окончательный ответ после промежуточного",
}
TIMING_ORDER = (
    "hand_over",
    "route",
    "return_outside_competence",
    "answer_normal",
    "answer_high",
    "draft_lead_normal",
    "draft_lead_high",
    "review",
    "revise",
    "publish",
    "publish_window",
    "final_after_intermediate",
)
MAX_MINUTES = 60 * 24 * 30
MAX_DAYS = 60


@dataclass(frozen=True)
class TimingRow:
    """One step budget as the editor shows it (value in minutes, or in working days)."""

    key: str
    title: str
    clause: str
    value: str
    in_days: bool
    optional: bool


def timing_rows(mapping: dict[str, Any], form: dict[str, str] | None = None) -> list[TimingRow]:
    """Every known step budget, with what the form typed taking precedence over the mapping."""
    rows = []
    timings = mapping.get("timings") or {}
    for key in TIMING_ORDER:
        stored = timings.get(key) or {}
        in_days = key == "final_after_intermediate"
        value = str(stored.get("working_days" if in_days else "minutes", "")) if stored else ""
        clause = str(stored.get("clause", ""))
        if form is not None:
            value, clause = form.get(f"t_{key}", value), form.get(f"c_{key}", clause)
        rows.append(
            TimingRow(key, TIMING_TITLES[key], clause, value, in_days, key in OPTIONAL_TIMINGS)
        )
    return rows


def _number(text: str, key: str, top: int) -> int:
    number = to_int(text)
    if number is None or number > top:
        raise AdminError({f"t_{key}": f"Целое число от 0 до {top}."})
    return number


def apply_form(mapping: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
    """The mapping with the form's name, timings and switches; malformed numbers refused."""
    result = copy.deepcopy(mapping)
    errors: dict[str, str] = {}
    timings: dict[str, Any] = {}
    for key in TIMING_ORDER:
        text, clause = form.get(f"t_{key}", "").strip(), form.get(f"c_{key}", "").strip()[:30]
        if not text and key in OPTIONAL_TIMINGS:
            continue  # the regulation sets no separate budget for this step
        in_days = key == "final_after_intermediate"
        try:
            number = _number(text, key, MAX_DAYS if in_days else MAX_MINUTES)
        except AdminError as error:
            errors.update(error.errors)
            continue
        timings[key] = {"clause": clause, ("working_days" if in_days else "minutes"): number}
    name = form.get("name", "").strip()
    if not name or len(name) > 300:
        errors["name"] = "Название: от 1 до 300 символов."
    if form.get("answer_basis") not in ("working", "calendar"):
        errors["answer_basis"] = "Выберите, в каких часах считается срок ответа."
    if errors:
        raise AdminError(errors)
    result.update(
        name=name,
        timings=timings,
        answer_basis=form["answer_basis"],
        clarification_pauses=form.get("clarification_pauses") == "1",
        topic_required=form.get("topic_required") == "1",
    )
    return result


def warnings_of(mapping: dict[str, Any]) -> tuple[list[ProfileWarning], str]:
    """The profile's warnings, or the Russian reason it cannot be used."""
    try:
        return profiles.checked_profile(mapping), ""
    except ProfileError as error:
        return [], error.message_ru
