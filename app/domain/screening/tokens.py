"""Words of a message with their places in the text: the one tokeniser of screening."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

# Screening reads at most this much of a message: enough for any post, and bounded.
MAX_CHARS = 20_000
# Letters (Cyrillic, Latin), digits and the in-word hyphen; "ё" is folded into "е" below.
WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")

Lemmatizer = Callable[[str], str]


class Token(NamedTuple):
    """One word: where it is in the text, as written, lower-cased and its dictionary form.

    A named tuple, not a dataclass: a message has dozens of words and every detector reads
    them, so making one must cost little (see docs/screening.md «Speed»)."""

    start: int
    end: int
    raw: str
    lower: str
    lemma: str


def fold(word: str) -> str:
    """Lower case with «ё» as «е», the way people write."""
    return word.lower().replace("ё", "е")


def tokens(text: str, lemma: Lemmatizer) -> list[Token]:
    """The words of the text in order, each with its lemma."""
    result = []
    for match in WORD.finditer(text[:MAX_CHARS]):
        raw = match.group()
        lower = raw.lower().replace("ё", "е")  # fold(raw), spelled out: the hot loop
        start, end = match.span()
        result.append(Token(start, end, raw, lower, lemma(lower)))
    return result


@dataclass(frozen=True, slots=True)
class Reading:
    """A message read once for every rule that reads it (importance, places): the text as
    screened, its tokens, and their lower-cased forms and lemmas side by side, as the phrase
    search takes them. Built by `read`; a rule called alone reads the text itself."""

    text: str
    tokens: list[Token]
    forms: list[str]
    lemmas: list[str]


def read(text: str, lemma: Lemmatizer) -> Reading:
    """The text's reading (at most MAX_CHARS of it)."""
    text = text[:MAX_CHARS]
    found = tokens(text, lemma)
    return Reading(text, found, [t.lower for t in found], [t.lemma for t in found])
