"""What screening assistance suggests for one message: plain data, stored as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

# Bumped when the rules change in a way that makes stored assessments worth redoing.
ASSESSMENT_VERSION = 1


class FlagCode(StrEnum):
    """The refusal reasons the profiles use (Penza p.17, Parfino p.20), as suggestion flags."""

    harm_intent = "harm_intent"
    obscene_language = "obscene_language"
    insulting_language = "insulting_language"
    threat_to_official = "threat_to_official"


@dataclass(frozen=True)
class Evidence:
    """Why a flag or the importance was suggested: a fragment of the text and a reason.

    `start`/`end` are character offsets into the message text as stored (so the page can
    highlight them); `code` is a FlagCode or "importance"."""

    code: str
    start: int
    end: int
    fragment: str
    why_ru: str


@dataclass(frozen=True)
class Place:
    """A place named in the message: `label` is the normalised address shown and stored in
    Message.places («ул. Ленина, 5»); `kind` is street | house | district | settlement."""

    kind: str
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class Suggestion:
    """A department or topic suggested for routing, its confidence 0..1 and the words behind it."""

    name: str
    score: float
    why: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    """Everything suggested for one message."""

    flags: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    importance: str = "normal"  # "high" | "normal"
    importance_evidence: tuple[Evidence, ...] = ()
    places: tuple[Place, ...] = ()
    topics: tuple[Suggestion, ...] = ()
    departments: tuple[Suggestion, ...] = field(default=())
    version: int = ASSESSMENT_VERSION

    def to_json(self) -> dict[str, Any]:
        """The assessment as JSON-ready data (Message.screening)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Assessment | None:
        """The stored assessment, or None when the message has not been assessed."""
        if not data:
            return None
        return cls(
            flags=tuple(data.get("flags", ())),
            evidence=tuple(Evidence(**e) for e in data.get("evidence", ())),
            importance=data.get("importance", "normal"),
            importance_evidence=tuple(Evidence(**e) for e in data.get("importance_evidence", ())),
            places=tuple(Place(**p) for p in data.get("places", ())),
            topics=tuple(_suggestion(s) for s in data.get("topics", ())),
            departments=tuple(_suggestion(s) for s in data.get("departments", ())),
            version=int(data.get("version", 0)),
        )


def _suggestion(data: dict[str, Any]) -> Suggestion:
    return Suggestion(str(data["name"]), float(data["score"]), tuple(data.get("why", ())))
