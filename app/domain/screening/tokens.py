"""Words of a message with their places in the text: the one tokeniser of screening."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Screening reads at most this much of a message: enough for any post, and bounded.
MAX_CHARS = 20_000
# Letters (Cyrillic, Latin), digits and the in-word hyphen; "ё" is folded into "е" below.
WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")

Lemmatizer = Callable[[str], str]


@dataclass(frozen=True)
class Token:
    """One word: where it is in the text, as written, lower-cased and its dictionary form."""

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
        lower = fold(match.group())
        result.append(Token(match.start(), match.end(), match.group(), lower, lemma(lower)))
    return result
