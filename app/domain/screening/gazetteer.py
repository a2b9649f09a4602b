"""An organisation's list of places and the words that mark a place in Russian text.

A gazetteer entry is a canonical label («ул. Московская», «д. Федорково», «р-н Ленинский»)
with the keys each of its words may appear under: the lemma (so «на Московской улице» finds
«Московская»), the word as written, and the forms the dictionary does not reduce to one lemma
(«в Парфине», «в Федоркове»: indeclinable names declined in speech).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.screening.tokens import Lemmatizer, tokens

STREET, HOUSE, DISTRICT, SETTLEMENT = "street", "house", "district", "settlement"


@dataclass(frozen=True)
class Marker:
    """A word that says what kind of place follows (or precedes): «улица», «д.», «район»."""

    kind: str
    label: str  # the canonical abbreviation in labels
    gender: str  # of the full word: the name's adjective agrees with it («Московская улица»)
    abbreviation: bool  # written with a dot: «ул.», «д.»


def _markers() -> dict[str, Marker]:
    table: list[tuple[str, str, str, str, str]] = [
        # kind, label, gender, full words (by lemma), abbreviations (as written)
        (STREET, "ул.", "f", "улица", "ул"),
        (STREET, "пр-т", "m", "проспект", "пр пр-т просп пр-кт"),
        (STREET, "пер.", "m", "переулок", "пер"),
        (STREET, "пл.", "f", "площадь", "пл"),
        (STREET, "ш.", "n", "шоссе", "ш"),
        (STREET, "б-р", "m", "бульвар", "б-р бул"),
        (STREET, "проезд", "m", "проезд", "пр-д"),
        (STREET, "наб.", "f", "набережная", "наб"),
        (STREET, "туп.", "m", "тупик", "туп"),
        (DISTRICT, "мкр", "m", "микрорайон", "мкр мкрн мкр-н"),
        (DISTRICT, "р-н", "m", "район", "р-н р-на р-не р-ну р-ном"),
        (SETTLEMENT, "д.", "f", "деревня", "д дер"),
        (SETTLEMENT, "с.", "n", "село", "с"),
        (SETTLEMENT, "пос.", "m", "поселок", "п пос"),
        (SETTLEMENT, "рп", "m", "", "рп"),
        (SETTLEMENT, "г.", "m", "город", "г гор"),
    ]
    result: dict[str, Marker] = {}
    for kind, label, gender, words, abbreviations in table:
        for word in words.split():
            result[word] = Marker(kind, label, gender, False)
        for word in abbreviations.split():
            result[f"{word}."] = Marker(kind, label, gender, True)
    return result


# Keys: a full word's lemma, or an abbreviation as written followed by «.» (the dot is
# required for abbreviations of one or two letters, see marker_at).
MARKERS = _markers()
ABBREVIATIONS_WITHOUT_DOT = frozenset({"ул", "пр-т", "б-р", "мкр", "мкрн", "р-н", "рп", "пер"})


@dataclass(frozen=True)
class Entry:
    """One place of the gazetteer: its label and the keys of each of its words."""

    kind: str
    marker: str
    name: str
    keys: tuple[frozenset[str], ...]
    marker_required: bool = False

    @property
    def label(self) -> str:
        return f"{self.marker} {self.name}"


@dataclass(frozen=True)
class Gazetteer:
    """An organisation's places, indexed by the keys of their first word."""

    entries: tuple[Entry, ...] = ()
    by_first: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)

    def candidates(self, lower: str, lemma: str) -> tuple[Entry, ...]:
        """Entries whose first word may be this token (longest names first, then in the order
        of the data file: «ул. Ленина» before «пл. Ленина» when no marker says which)."""
        found = dict.fromkeys((*self.by_first.get(lower, ()), *self.by_first.get(lemma, ())))
        return tuple(sorted(found, key=lambda e: -len(e.keys)))  # stable: the file's order


def _spoken_forms(name: str) -> tuple[str, ...]:
    """Declined forms of names in -о («Парфино» → «Парфине», «Парфина»): the dictionary
    does not know them, people write them."""
    if not name.endswith(("о", "О")) or " " in name:
        return ()
    stem = name[:-1]
    return tuple(stem + ending for ending in ("е", "а", "у", "ом"))


def gazetteer_from_data(data: Mapping[str, Any], lemma: Lemmatizer) -> Gazetteer:
    """The gazetteer of a data file (see app/screening/gazetteers/*.toml)."""
    forms: Mapping[str, Iterable[str]] = data.get("forms", {})
    required = set(data.get("marker_required", ()))
    entries: list[Entry] = []
    for section, kind in (
        ("streets", STREET),
        ("districts", DISTRICT),
        ("microdistricts", DISTRICT),
        ("settlements", SETTLEMENT),
    ):
        for label in data.get(section, ()):
            marker, name = label.split(" ", 1)
            words = tokens(name, lemma)
            keys = [{w.lower, w.lemma} for w in words]
            for form in (*forms.get(label, ()), *_spoken_forms(name)):
                for position, word in enumerate(tokens(form, lemma)[: len(keys)]):
                    keys[position] |= {word.lower, word.lemma}
            entries.append(
                Entry(kind, marker, name, tuple(frozenset(k) for k in keys), label in required)
            )
    index: dict[str, list[Entry]] = {}
    for entry in entries:
        for key in entry.keys[0]:
            index.setdefault(key, []).append(entry)
    return Gazetteer(tuple(entries), {k: tuple(v) for k, v in index.items()})


def normalised_name(
    words: Iterable[tuple[str, str]], gender: str, nouns_by_lemma: bool = False
) -> str:
    """A name found by the generic rules, as labels write it: adjectives agree with the
    marker in the nominative («на Московской улице» → «Московская»), other words stay as
    written (street names in the genitive do not change: «улице Ленина») — except the nouns
    of settlements, declined in speech, which take their dictionary form («в деревне
    Ивановке» → «Ивановка»); capitalised.

    `words` are (lower-cased word, lemma) pairs."""
    result = []
    for lower, lemma in words:
        word = lower
        if _is_adjective(lower, lemma):
            word = _agreeing(lemma, gender)
        elif nouns_by_lemma:
            word = lemma
        result.append(word[:1].upper() + word[1:])
    return " ".join(result)


_ENDINGS = "ая ой ую ей яя юю ий ый ого его ому ему ым им ом ем ое ее ые ие ых их ыми ими"
ADJECTIVE_ENDINGS = tuple(_ENDINGS.split())


def _is_adjective(lower: str, lemma: str) -> bool:
    return lemma.endswith(("ый", "ий", "ой")) and lower.endswith(ADJECTIVE_ENDINGS)


def _agreeing(lemma: str, gender: str) -> str:
    stem, ending = lemma[:-2], lemma[-2:]
    if gender == "f":
        return stem + ("яя" if ending == "ий" and stem.endswith("н") else "ая")
    if gender == "n":
        return stem + ("ее" if ending == "ий" and stem.endswith("н") else "ое")
    return lemma
