"""Did the specialist agree with the suggestion? One rule per kind of decision (issue #15).

The official sees the share of agreed decisions per month: how far the suggestions can be
trusted, and where the specialists and the rules part ways."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.screening.result import FlagCode
from app.domain.worktime.year_table import MONTHS_RU


class DecisionKind(StrEnum):
    """What was suggested and then decided by a person."""

    flags = "flags"
    importance = "importance"
    topic = "topic"
    department = "department"


KIND_TITLES: dict[DecisionKind, str] = {
    DecisionKind.flags: "флаги",
    DecisionKind.importance: "важность",
    DecisionKind.topic: "темы",
    DecisionKind.department: "подразделения",
}

FLAG_CODES = frozenset(str(code) for code in FlagCode)


def decided_flags(refusal_reason: str | None) -> list[str]:
    """The abuse codes a decision amounts to: the refusal reason if it is one (a refusal as
    «не требует реагирования» or a mark for reaction says «no abuse»)."""
    return [refusal_reason] if refusal_reason in FLAG_CODES else []


def flags_agreed(suggested: Sequence[str], decided: Sequence[str]) -> bool:
    """Agreed: nothing suggested and nothing found, or the reason chosen was suggested."""
    if not decided:
        return not suggested
    return all(code in suggested for code in decided)


def importance_agreed(suggested: str, decided: str) -> bool:
    """Agreed when the importance chosen is the one suggested."""
    return suggested == decided


def top_agreed(suggested: Sequence[str], decided: Iterable[str]) -> bool:
    """Agreed when the first suggestion is among what was chosen (topics, departments)."""
    chosen = {d.casefold() for d in decided}
    return bool(suggested) and suggested[0].casefold() in chosen


@dataclass(frozen=True)
class AgreementRate:
    """One kind of decision in one month: how many, how many agreed."""

    month: str  # "2026-12"
    kind: DecisionKind
    total: int
    agreed: int

    @property
    def month_title(self) -> str:
        """«декабрь 2026»."""
        year, month = self.month.split("-")
        return f"{MONTHS_RU[int(month) - 1].lower()} {year}"

    @property
    def percent(self) -> int:
        """The agreed share, rounded to a whole percent."""
        return round(100 * self.agreed / self.total) if self.total else 0

    @property
    def text_ru(self) -> str:
        """«флаги: согласие 92 % (46 из 50)»."""
        return (
            f"{KIND_TITLES[self.kind]}: согласие {self.percent} % ({self.agreed} из {self.total})"
        )
