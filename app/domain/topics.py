"""Topics of messages from an organisation's dictionary (Parfino p.7: «указывает тему»).

A message's topics are stored as the canonical names of the organisation's dictionary, so
statistics do not split between «Транспорт» and «транспорт» or a synonym: a typed synonym
becomes its topic; an unknown topic is kept as typed and becomes a suggestion that the
administrator may later merge into a topic (which rewrites the cases).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.regulation.model import RegulationProfile

MAX_TOPIC = 120
MAX_TOPICS = 10
MAX_SYNONYMS = 30


def topic_key(text: str) -> str:
    """What two spellings of one topic share: spaces collapsed, case and ё ignored."""
    return " ".join(text.split()).casefold().replace("ё", "е")


def clean_topic(text: str) -> str:
    """A typed topic as it is stored: spaces collapsed, at most MAX_TOPIC characters."""
    return " ".join(text.split())[:MAX_TOPIC].strip()


@dataclass(frozen=True)
class TopicEntry:
    """A topic of the dictionary: a name, its synonyms; a suggestion until accepted."""

    name: str
    synonyms: tuple[str, ...] = ()
    active: bool = True
    suggested: bool = False


@dataclass(frozen=True)
class ResolvedTopics:
    """Typed topics read against the dictionary."""

    names: tuple[str, ...]  # canonical names (and unknown ones as typed), without repeats
    unknown: tuple[str, ...]  # to be stored as suggestions
    inactive: tuple[str, ...]  # topics the administrator switched off


def resolve_topics(typed: Iterable[str], dictionary: Iterable[TopicEntry]) -> ResolvedTopics:
    """Map each typed topic to its dictionary topic (by name or synonym, any case)."""
    index: dict[str, TopicEntry] = {}
    for entry in dictionary:
        for spelling in (*entry.synonyms, entry.name):  # a name wins over a synonym
            index[topic_key(spelling)] = entry
    names: list[str] = []
    unknown: list[str] = []
    inactive: list[str] = []
    for raw in typed:
        text = clean_topic(raw)
        if not text:
            continue
        found = index.get(topic_key(text))
        if found is None:
            name = next((n for n in unknown if topic_key(n) == topic_key(text)), text)
            if name not in unknown:
                unknown.append(name)
        elif not found.active and not found.suggested:
            inactive.append(found.name)
            continue
        else:
            name = found.name
        if name not in names:
            names.append(name)
    return ResolvedTopics(tuple(names), tuple(unknown), tuple(dict.fromkeys(inactive)))


def missing_topic_ru(profile: RegulationProfile, names: Iterable[str]) -> str | None:
    """Why a message cannot be marked without a topic under this profile, or None."""
    if not profile.topic_required or any(names):
        return None
    clause = profile.clauses.get("topic", "")
    where = f" (п. {clause} Положения)" if clause else ""
    return f"Укажите тему сообщения: без темы отметка «Требует реагирования» не ставится{where}."


def suggestions_for(prefix: str, dictionary: Iterable[TopicEntry], limit: int = 8) -> list[str]:
    """Active topics whose name or a synonym starts with (then contains) the typed text."""
    key = topic_key(prefix)
    starts: list[str] = []
    contains: list[str] = []
    for entry in dictionary:
        if not entry.active or entry.suggested:
            continue
        spellings = [topic_key(s) for s in (entry.name, *entry.synonyms)]
        if not key or any(s.startswith(key) for s in spellings):
            starts.append(entry.name)
        elif any(key in s for s in spellings):
            contains.append(entry.name)
    return (sorted(starts, key=topic_key) + sorted(contains, key=topic_key))[:limit]
