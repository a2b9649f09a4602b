"""Phrases of a lexicon found in a message: a few words in order, each by form or by lemma.

A phrase is written as words separated by spaces; a word is alternatives separated by «|»;
an alternative with «~» matches the lemma («~вода» matches «воды», «водой»), one without it
the word as written after normalisation («убью» but not «убить»: the first person is the
threat). Up to `gap` other words may stand between two words of a phrase («встречу тебя у
подъезда» matches «встречу у подъезда»).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

Slot = frozenset[str]


@dataclass(frozen=True)
class Phrase:
    """A lexicon phrase: its words, what it means (`kind`) and why it matters in Russian."""

    text: str
    slots: tuple[Slot, ...]
    kind: str = ""
    why_ru: str = ""


def parse_phrase(text: str, kind: str = "", why_ru: str = "") -> Phrase:
    """A phrase from its lexicon spelling ("убью|прибью ~мэр"); «ё» is read as «е»."""
    slots = tuple(
        frozenset(alt.strip().lower().replace("ё", "е") for alt in word.split("|") if alt.strip())
        for word in text.split()
    )
    if not slots or not all(slots):
        raise ValueError(f"empty phrase or alternative: {text!r}")
    return Phrase(text, slots, kind, why_ru)


@dataclass(frozen=True)
class Match:
    """A phrase found: the indexes of its first and last words in the word list."""

    phrase: Phrase
    first: int
    last: int


@dataclass
class PhraseIndex:
    """Phrases indexed by their first word, so a message is read once, word by word."""

    phrases: Sequence[Phrase]
    gap: int = 2
    _first: dict[str, list[Phrase]] = field(default_factory=dict, init=False, repr=False)

    # The first words as forms and as lemmas (without «~»): most messages have none of
    # them, and one set test per list says so before any word is looked at.
    _first_forms: frozenset[str] = field(default=frozenset(), init=False, repr=False)
    _first_lemmas: frozenset[str] = field(default=frozenset(), init=False, repr=False)

    def __post_init__(self) -> None:
        for phrase in self.phrases:
            for alt in phrase.slots[0]:
                self._first.setdefault(alt, []).append(phrase)
        self._first_forms = frozenset(k for k in self._first if not k.startswith("~"))
        self._first_lemmas = frozenset(k[1:] for k in self._first if k.startswith("~"))

    def find(self, forms: Sequence[str], lemmas: Sequence[str]) -> Iterator[Match]:
        """Every phrase that occurs, at each place where its first word stands."""
        if len(forms) != len(lemmas):
            raise ValueError("forms and lemmas of different lengths")
        first_forms, first_lemmas = self._first_forms, self._first_lemmas
        if first_forms.isdisjoint(forms) and first_lemmas.isdisjoint(lemmas):
            return
        first = self._first
        for i, (form, lemma) in enumerate(zip(forms, lemmas, strict=True)):
            if form in first_forms:
                for phrase in first[form]:
                    last = self._rest(phrase, forms, lemmas, i)
                    if last is not None:
                        yield Match(phrase, i, last)
            if lemma in first_lemmas:
                for phrase in first["~" + lemma]:
                    last = self._rest(phrase, forms, lemmas, i)
                    if last is not None:
                        yield Match(phrase, i, last)

    def _rest(
        self, phrase: Phrase, forms: Sequence[str], lemmas: Sequence[str], i: int
    ) -> int | None:
        at = i
        for slot in phrase.slots[1:]:
            for j in range(at + 1, min(at + 2 + self.gap, len(forms))):
                if forms[j] in slot or "~" + lemmas[j] in slot:
                    at = j
                    break
            else:
                return None
        return at


def phrase_words(phrases: Iterable[Phrase]) -> frozenset[str]:
    """Every form and lemma the phrases mention (lemmas with their «~»)."""
    return frozenset(alt for phrase in phrases for slot in phrase.slots for alt in slot)
