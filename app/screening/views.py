"""What the pages show of screening assistance: flags with their highlighted evidence, the
importance and routing suggestions with «почему», the message's places.

Plain view data for the templates; the text is cut into segments (app.domain.screening
.highlight) that the templates render with autoescape — never as markup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.db.json_columns import json_value
from app.db.tables import Message
from app.domain.regulation.model import REFUSAL_TITLES, RefusalReason
from app.domain.screening.highlight import Segment, Span, segments
from app.domain.screening.result import Assessment, Evidence, Suggestion

# The «Новые» row shows this much of the text (as before the highlighting).
ROW_EXCERPT = 400
IMPORTANCE_TITLES = {"high": "высокая", "normal": "обычная"}
# A routing suggestion below this confidence is noise to the person: not shown.
MIN_SHOWN_SCORE = 0.05


@dataclass(frozen=True)
class FlagView:
    """A suggested refusal reason with its Russian title and the fragments behind it."""

    code: str
    title: str
    evidence: tuple[Evidence, ...]

    @property
    def fragments(self) -> list[str]:
        """The distinct matched fragments («„убью“»)."""
        return list(dict.fromkeys(e.fragment for e in self.evidence))


@dataclass(frozen=True)
class SuggestionView:
    """A department or topic suggested for routing: «82 %», «почему: слова …»."""

    name: str
    percent: int
    why: tuple[str, ...]

    @property
    def why_ru(self) -> str:
        """«почему: слова „труба“, „подъезд“» (empty when nothing drove it)."""
        words = ", ".join(f"„{w}“" for w in self.why[:6])
        return f"почему: слова {words}" if words else ""


@dataclass(frozen=True)
class Hints:
    """Screening assistance for one message, as the queue row and the case page show it."""

    message_id: int
    assessed: bool
    flags: list[FlagView] = field(default_factory=list)
    importance: str = "normal"
    importance_evidence: tuple[Evidence, ...] = ()
    excerpt: list[Segment] = field(default_factory=list)  # the row's first characters
    text: list[Segment] = field(default_factory=list)  # the whole text (case page)
    places: list[str] = field(default_factory=list)
    places_edited_at: datetime | None = None
    departments: list[SuggestionView] = field(default_factory=list)
    topics: list[SuggestionView] = field(default_factory=list)

    @property
    def flag_codes(self) -> list[str]:
        """The suggested refusal reasons, in the order found."""
        return [f.code for f in self.flags]

    @property
    def importance_ru(self) -> str:
        """«предлагается: высокая — „прорвало трубу“» (empty unless high is suggested)."""
        if self.importance != "high":
            return ""
        fragments = list(dict.fromkeys(e.fragment for e in self.importance_evidence))
        quoted = ", ".join(f"„{f}“" for f in fragments[:3])
        return f"предлагается: {IMPORTANCE_TITLES['high']}" + (f" — {quoted}" if quoted else "")

    def first_suggested(self, departments: Sequence[Any]) -> list[Any]:
        """The route form's departments (objects with a `name`): the suggested ones first,
        in the order suggested, then the others as they were."""
        rank = {d.name.casefold(): i for i, d in enumerate(self.departments)}
        return sorted(departments, key=lambda d: rank.get(d.name.casefold(), len(rank)))

    def suggested_department(self, name: str) -> SuggestionView | None:
        """The suggestion for a department by its name, if it was suggested."""
        return next((d for d in self.departments if d.name.casefold() == name.casefold()), None)


def _spans(evidence: Iterable[Evidence]) -> list[Span]:
    return [Span(e.start, e.end, e.why_ru) for e in evidence]


def _flag_title(code: str) -> str:
    try:
        return REFUSAL_TITLES[RefusalReason(code)]
    except ValueError:
        return code


def _suggestions(items: Sequence[Suggestion]) -> list[SuggestionView]:
    return [
        SuggestionView(s.name, round(100 * s.score), tuple(s.why))
        for s in items[:3]
        if s.score >= MIN_SHOWN_SCORE
    ]


def hints_of(
    message_id: int,
    text: str,
    screening: Any,
    places: Sequence[str] = (),
    places_edited_at: datetime | None = None,
    excerpt_chars: int = ROW_EXCERPT,
) -> Hints:
    """The hints of one message from its stored assessment (JSON) and places."""
    assessment = Assessment.from_json(json_value(screening))
    if assessment is None:
        plain = segments(text, [])
        return Hints(
            message_id,
            False,
            excerpt=segments(text, [], excerpt_chars),
            text=plain,
            places=list(places),
            places_edited_at=places_edited_at,
        )
    spans = _spans(assessment.evidence) + _spans(assessment.importance_evidence)
    flags = [
        FlagView(code, _flag_title(code), tuple(e for e in assessment.evidence if e.code == code))
        for code in assessment.flags
    ]
    return Hints(
        message_id,
        True,
        flags=flags,
        importance=assessment.importance,
        importance_evidence=assessment.importance_evidence,
        excerpt=segments(text, spans, excerpt_chars),
        text=segments(text, spans),
        places=list(places),
        places_edited_at=places_edited_at,
        departments=_suggestions(assessment.departments),
        topics=_suggestions(assessment.topics),
    )


def reasons_first(reasons: Sequence[RefusalReason], hints: Hints | None) -> list[RefusalReason]:
    """The profile's refusal reasons with the suggested ones first (none is pre-selected)."""
    suggested = set(hints.flag_codes) if hints else set()
    return [r for r in reasons if r in suggested] + [r for r in reasons if r not in suggested]


async def queue_hints(organisation_id: int, message_ids: list[int]) -> dict[int, Hints]:
    """The hints of the «Новые» rows, by message id (one query)."""
    if not message_ids:
        return {}
    rows = await Message.raw(
        "SELECT id, left(text, {}) AS text, screening, places FROM message "
        "WHERE organisation = {} AND id = ANY({})",
        ROW_EXCERPT + 1,
        organisation_id,
        message_ids,
    )
    return {r["id"]: hints_of(r["id"], r["text"], r["screening"], r["places"] or []) for r in rows}


async def case_hints(organisation_id: int, message_id: int) -> Hints | None:
    """The hints of one case for its page (None: not this organisation's)."""
    row = (
        await Message.select(
            Message.id, Message.text, Message.screening, Message.places, Message.places_edited_at
        )
        .where((Message.id == message_id) & (Message.organisation == organisation_id))
        .first()
    )
    if row is None:
        return None
    return hints_of(
        row["id"], row["text"], row["screening"], row["places"] or [], row["places_edited_at"]
    )
