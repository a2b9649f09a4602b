"""Breaches other than a missed deadline, and the official's decision on any breach
(Penza pp.18–19, Parfino pp.21–22).

The timers record missed deadlines by themselves. The official also records breaches the
clock cannot see — an inaccurate or off-topic answer, a refusal without grounds, an answer
without the photo or video the author asked for — against a case and a person; and every
breach, either kind, can carry the official's decision and the measures taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.core.errors import FieldErrors


class BreachKind(StrEnum):
    """What was breached; stored in `Violation.kind` (never rename a value)."""

    DEADLINE = "deadline"  # recorded by the timers
    INACCURATE_ANSWER = "inaccurate_answer"
    OFF_TOPIC_ANSWER = "off_topic_answer"
    REFUSAL_WITHOUT_GROUNDS = "refusal_without_grounds"
    MISSING_MEDIA = "missing_media"
    OTHER = "other"


BREACH_TITLES: dict[BreachKind, str] = {
    BreachKind.DEADLINE: "Нарушение срока",
    BreachKind.INACCURATE_ANSWER: "Недостоверный ответ",
    BreachKind.OFF_TOPIC_ANSWER: "Ответ не по существу вопроса",
    BreachKind.REFUSAL_WITHOUT_GROUNDS: "Необоснованный отказ в обработке",
    BreachKind.MISSING_MEDIA: "Ответ без запрошенных фото- или видеоматериалов",
    BreachKind.OTHER: "Иное нарушение Положения",
}

# Kinds a person records by hand (the deadline kind is the timers').
RECORDED_KINDS = tuple(k for k in BreachKind if k is not BreachKind.DEADLINE)
MAX_TEXT = 2000


@dataclass(frozen=True)
class BreachNote:
    """What the official wrote about a breach: what was wrong, or the decision and measures."""

    description: str = ""
    decision: str = ""
    measures: str = ""


def _clean(text: str) -> str:
    return text.replace("\x00", "").strip()


def checked_breach(kind: str, description: str) -> tuple[BreachKind, str]:
    """A recorded breach's kind and description, or Russian errors per field."""
    errors: dict[str, str] = {}
    try:
        breach = BreachKind(kind)
    except ValueError:
        breach = BreachKind.OTHER
        errors["kind"] = "Выберите вид нарушения."
    if breach is BreachKind.DEADLINE:
        errors["kind"] = "Нарушения сроков фиксируются автоматически."
    text = _clean(description)
    if not text:
        errors["description"] = "Опишите, в чём состоит нарушение."
    elif len(text) > MAX_TEXT:
        errors["description"] = f"Не более {MAX_TEXT} знаков."
    if errors:
        raise FieldErrors(errors)
    return breach, text


def checked_decision(decision: str, measures: str) -> BreachNote:
    """The official's decision and the measures taken, or Russian errors per field."""
    errors: dict[str, str] = {}
    decision, measures = _clean(decision), _clean(measures)
    if not decision:
        errors["decision"] = "Укажите принятое решение."
    for name, value in (("decision", decision), ("measures", measures)):
        if len(value) > MAX_TEXT:
            errors[name] = f"Не более {MAX_TEXT} знаков."
    if errors:
        raise FieldErrors(errors)
    return BreachNote(decision=decision, measures=measures)
