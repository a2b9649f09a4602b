"""Near-duplicates: the same complaint posted twice (in VK and OK, or by two accounts).

A message's fingerprint is the set of its word pairs (shingles) in dictionary form, so
«не горят фонари» and «фонари не горит» differ but «фонарей» and «фонари» do not; two
messages are near-duplicates when their fingerprints overlap enough (Jaccard) and they name
the same numbers — «Ленина, 5» and «Ленина, 7» are two houses, not one complaint. The cost is
bounded: at most MAX_WORDS words of a message are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.screening.tokens import Lemmatizer, tokens

MAX_WORDS = 400
SHINGLE = 2  # word pairs: order matters a little, inflection not at all
# Share of word pairs two copies have in common. Reposts and light edits score 0.7–1.0;
# two different complaints on one subject (same street, same pothole words) stay below 0.4,
# and one template with another street name (demo history) scores about 0.57.
NEAR_DUPLICATE = 0.6
# Very short texts («Когда уберут снег?») repeat by chance: they must match exactly.
MIN_WORDS = 5


@dataclass(frozen=True)
class Fingerprint:
    """What a near-duplicate is compared by: word pairs, the numbers named, the length."""

    shingles: frozenset[str]
    numbers: frozenset[str]
    words: int


def fingerprint(text: str, lemma: Lemmatizer) -> Fingerprint:
    """The fingerprint of a message's text (bounded to MAX_WORDS words)."""
    found = tokens(text, lemma)[:MAX_WORDS]
    lemmas = [t.lemma for t in found]
    # House numbers come as «5», «127а», «5/2»: any word with a digit names a number.
    numbers = frozenset(t.lower for t in found if any(ch.isdigit() for ch in t.lower))
    if len(lemmas) < SHINGLE:
        shingles = frozenset(lemmas)
    else:
        shingles = frozenset(
            " ".join(lemmas[i : i + SHINGLE]) for i in range(len(lemmas) - SHINGLE + 1)
        )
    return Fingerprint(shingles, numbers, len(lemmas))


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Jaccard similarity of the word pairs, 0.0 … 1.0 (0.0 when either text is empty)."""
    if not a.shingles or not b.shingles:
        return 0.0
    return len(a.shingles & b.shingles) / len(a.shingles | b.shingles)


def near_duplicate(a: Fingerprint, b: Fingerprint) -> bool:
    """True when the two texts are one complaint posted twice."""
    if a.numbers != b.numbers:
        return False
    if min(a.words, b.words) < MIN_WORDS:
        return a.shingles == b.shingles and bool(a.shingles)
    return similarity(a, b) >= NEAR_DUPLICATE


def first_copy(new: Fingerprint, earlier: Iterable[tuple[int, Fingerprint]]) -> int | None:
    """The id of the most similar earlier message `new` is a near-duplicate of, or None."""
    best: tuple[float, int] | None = None
    for message_id, candidate in earlier:
        if near_duplicate(new, candidate):
            score = similarity(new, candidate)
            if best is None or score > best[0]:
                best = (score, message_id)
    return None if best is None else best[1]
