"""Importance suggestion (Parfino p.9, Penza p.21): «высокая» for socially significant or
urgent messages — outages, accidents, fire, flooding, collapse, danger to life, children.

The rules only suggest «high» with the words that made it; the specialist confirms. A message
with none of the lexicon's phrases stays «normal» («ямы во дворе», «покрасьте лавочки»).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.screening.phrases import PhraseIndex
from app.domain.screening.result import Evidence
from app.domain.screening.tokens import Lemmatizer, Reading, read

HIGH = "high"
NORMAL = "normal"
IMPORTANCE = "importance"


@dataclass(frozen=True)
class ImportanceLexicon:
    """The phrases that make a message important, each with its criterion (why_ru)."""

    phrases: PhraseIndex


@dataclass(frozen=True)
class ImportanceSuggestion:
    """«high» or «normal», and the fragments that made it high."""

    importance: str
    evidence: tuple[Evidence, ...]


def suggest_importance(
    text: str, lexicon: ImportanceLexicon, lemma: Lemmatizer, *, reading: Reading | None = None
) -> ImportanceSuggestion:
    """«high» with evidence when a criterion's phrase occurs, «normal» otherwise.

    `reading` is the text's reading when the caller made it already (assessing a message
    reads it once for every rule)."""
    if reading is None:
        reading = read(text, lemma)
    words = reading.tokens
    evidence: list[Evidence] = []
    taken: set[tuple[int, int]] = set()
    for match in lexicon.phrases.find(reading.forms, reading.lemmas):
        start, end = words[match.first].start, words[match.last].end
        if any(a <= start and end <= b for a, b in taken):
            continue
        taken.add((start, end))
        evidence.append(Evidence(IMPORTANCE, start, end, text[start:end], match.phrase.why_ru))
    evidence = [
        e
        for e in evidence
        if not any((a, b) != (e.start, e.end) and a <= e.start and e.end <= b for a, b in taken)
    ]
    evidence.sort(key=lambda e: e.start)
    return ImportanceSuggestion(HIGH if evidence else NORMAL, tuple(evidence))
