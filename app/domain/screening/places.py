"""Places named in a message: streets with house numbers, districts, settlements.

Two rules, the organisation's gazetteer first: a known name found by its lemma (any case,
«на Московской улице», «по улице Ленина», «в Парфине») is a place when a marker stands next
to it («улица», «ул.», «д.», «район»), or a house number follows it («Ленина, 5к2»), or it is
a settlement or microdistrict whose name is not an ordinary word. Then the generic rule: a
marker and a capitalised name («пер. Тихий», «в деревне Ивановке»), for places the gazetteer
lacks. Each place gets a normalised label («ул. Ленина, 5», «д. Федорково»,
«р-н Железнодорожный»), so one address written differently is one label: repeats and alerts
by address compare labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

from app.domain.screening.gazetteer import (
    ABBREVIATIONS_WITHOUT_DOT,
    DISTRICT,
    HOUSE,
    MARKERS,
    SETTLEMENT,
    STREET,
    Entry,
    Gazetteer,
    Marker,
    normalised_name,
)
from app.domain.screening.result import Place
from app.domain.screening.tokens import Lemmatizer, Reading, Token, read

MAX_NAME_WORDS = 3
EMPTY = Gazetteer()
# Every word a marker may be written as, without its dot: a word outside this set is no
# marker, and most words are outside it.
MARKER_WORDS = frozenset(key.removesuffix(".") for key in MARKERS)
# Each word's marker or None, by position, with one None past the last word.
Markers = list[Marker | None]

# A house number after a street: «, 5», «д. 5», «дом 12а», «5к2», «5 корп. 2», «5/1» — but
# not a count («Ленина 2 года», «Ленина 3 дня»).
_HOUSE_AFTER = re.compile(
    r"[ \t]*,?[ \t]*(?:(?:д\.|дом)[ \t]*)?(?:№[ \t]*)?"
    r"(?P<number>\d{1,4}(?:-?[а-яё](?![а-яё]))?)"
    r"(?:[ \t]*(?P<part>/|к\.?|корп\.?|корпус|стр\.?|строение)[ \t]*(?P<part_number>\d{1,3}))?"
    r"(?![\d])(?![ \t]+(?:год|лет|дн|дней|раз|час|недел|месяц|сут|минут|челов|семей|метр"
    r"|км\b|м\b|шт|руб|%|градус))",
    re.IGNORECASE,
)
# A house number before its street: «у дома 8 по ул. Кижеватова», «д. 5 на Московской улице».
_HOUSE_BEFORE = re.compile(
    r"(?:\bд\.|\bдом[аеу]?|\bдома)[ \t]*(?:№[ \t]*)?(?P<number>\d{1,4}(?:-?[а-яё](?![а-яё]))?)"
    r"[ \t]*,?[ \t]*(?:по|на)?[ \t]*$",
    re.IGNORECASE,
)
_PARTS = {"/": "/", "к": "к", "корп": "к", "корпус": "к", "стр": "с", "строение": "с"}


def places(
    text: str,
    lemma: Lemmatizer,
    gazetteer: Gazetteer | None = None,
    *,
    reading: Reading | None = None,
) -> tuple[Place, ...]:
    """Every place named in the text, in order, each with its normalised label.

    `reading` is the text's reading when the caller made it already (assessing a message
    reads it once for every rule)."""
    if reading is None:
        reading = read(text, lemma)
    words = reading.tokens
    known = gazetteer or EMPTY
    first_words = known.by_first
    # Each word's marker, looked up once (every rule below asks about its neighbours too).
    markers = [
        marker_at(text, w) if w.lower in MARKER_WORDS or w.lemma in MARKER_WORDS else None
        for w in words
    ]
    markers.append(None)  # past the last word: no marker, so no bounds test below
    found: list[Place] = []
    position = 0
    while position < len(words):
        word = words[position]
        if (
            markers[position] is None
            and markers[position + 1] is None
            and word.lower not in first_words
            and word.lemma not in first_words
        ):
            position += 1  # neither a gazetteer name nor next to a marker: not a place
            continue
        place, after = _known_place(text, words, markers, position, known)
        if place is None:
            place, after = _generic_place(text, words, markers, position)
        if place is None:
            position += 1
            continue
        found.append(place)
        position = max(after, position + 1)
        while position < len(words) and words[position].start < place.end:
            position += 1
    return tuple(found)


def labels(found: Iterable[Place]) -> tuple[str, ...]:
    """The distinct labels of places, in order of first mention (what Message.places stores)."""
    return tuple(dict.fromkeys(place.label for place in found))


def marker_at(text: str, word: Token) -> Marker | None:
    """The place marker this word is, if any («ул.» needs its dot unless unambiguous)."""
    dotted = text[word.end : word.end + 1] == "."
    if dotted or word.lower in ABBREVIATIONS_WITHOUT_DOT:
        marker = MARKERS.get(f"{word.lower}.")
        if marker is not None:
            return marker
    if len(word.lower) < 4:  # «с», «п», «г» without a dot are prepositions or letters
        return None
    marker = MARKERS.get(word.lemma) or MARKERS.get(word.lower)
    return marker if marker is not None and not marker.abbreviation else None


def _known_place(
    text: str, words: list[Token], markers: Markers, position: int, gazetteer: Gazetteer
) -> tuple[Place | None, int]:
    word = words[position]
    if markers[position] is not None and position + 1 < len(words):
        # «пос. Пола», «улица Ленина»: the name after the marker, as the gazetteer writes it.
        named, next_position = _known_place(text, words, markers, position + 1, gazetteer)
        if named is not None and named.start <= word.start:
            return named, next_position
    matches: list[tuple[Entry, Marker | None, Marker | None]] = []
    for entry in gazetteer.candidates(word.lower, word.lemma):
        size = len(entry.keys)
        span = words[position : position + size]
        if (
            len(span) < size
            or _gap(text, span)
            or any(
                w.lower not in keys and w.lemma not in keys
                for w, keys in zip(span, entry.keys, strict=True)
            )
        ):
            continue
        marked_before = _marker(text, words, markers, position - 1, entry.kind, span[0])
        marked_after = _marker(text, words, markers, position + size, entry.kind, span[-1])
        if marked_before is None and not word.raw[:1].isupper():
            continue
        if entry.kind == STREET and any(
            m is not None and m.label != entry.marker for m in (marked_before, marked_after)
        ):
            continue  # «Красная площадь» is not «ул. Красная»
        matches.append((entry, marked_before, marked_after))
    # One name, several places («ул. Ленина», «пл. Ленина»): the one the marker names, else
    # the first in the gazetteer.
    for entry, before, after in matches:
        size = len(entry.keys)
        start, end, consumed = word.start, words[position + size - 1].end, position + size
        if after is not None and before is None:
            marker_word = words[position + size]
            end, consumed = marker_word.end + _dot(text, marker_word), consumed + 1
        if before is not None:
            start = words[position - 1].start
        place = _with_house(text, entry.kind, entry.label, start, end)
        if before is not None or after is not None or place.kind == HOUSE or _stands_alone(entry):
            return place, consumed
    return None, position


def _stands_alone(entry: Entry) -> bool:
    """Settlements and microdistricts may be named without a marker («в Парфине»), unless the
    name is an ordinary word; streets and city districts may not («Мира», «Ленинский»)."""
    if entry.marker_required:
        return False
    return entry.kind == SETTLEMENT or entry.marker == "мкр"


def _generic_place(
    text: str, words: list[Token], markers: Markers, position: int
) -> tuple[Place | None, int]:
    word = words[position]
    marker = markers[position]
    if marker is not None:
        name = _name_after(text, words, markers, position + 1, marker)
        if name:
            if marker.label == "г." and position and words[position - 1].lower.isdigit():
                return None, position  # «2024 г.» is a year
            named = normalised_name(
                ((w.lower, w.lemma) for w in name), marker.gender, marker.kind == SETTLEMENT
            )
            label = f"{marker.label} {named}"
            end = name[-1].end
            return _with_house(text, marker.kind, label, word.start, end), position + 1 + len(name)
        return None, position
    # A capitalised adjective before its marker: «на Тихой улице», «в Первомайском районе».
    following = words[position + 1] if position + 1 < len(words) else None
    marker = markers[position + 1] if following is not None else None
    if (
        marker is not None
        and following is not None
        and not marker.abbreviation
        and word.raw[:1].isupper()
        and word.lemma.endswith(("ый", "ий", "ой"))
        and not _gap(text, [word, following])
    ):
        label = f"{marker.label} {normalised_name([(word.lower, word.lemma)], marker.gender)}"
        return _with_house(text, marker.kind, label, word.start, following.end), position + 2
    return None, position


def _name_after(
    text: str, words: list[Token], markers: Markers, position: int, marker: Marker
) -> list[Token]:
    """The capitalised words naming the place after its marker (after an abbreviation with
    its dot, a lower-case name is accepted: «ул. ленина»)."""
    name: list[Token] = []
    for at, word in enumerate(words[position : position + MAX_NAME_WORDS], position):
        first = not name
        if not word.lower.isalpha() or (not first and not word.raw[:1].isupper()):
            break
        if first and not (word.raw[:1].isupper() or marker.abbreviation):
            break
        if markers[at] is not None:
            break
        if name and _gap(text, [name[-1], word]):
            break
        if first and text[words[position - 1].end : word.start].strip() not in ("", "."):
            break
        name.append(word)
    return name


def _marker(
    text: str, words: list[Token], markers: Markers, position: int, kind: str, name: Token
) -> Marker | None:
    """The marker of this kind at `position`, right next to the name (an abbreviation's dot
    and spaces between them, not a comma or a full stop)."""
    if not 0 <= position < len(words):
        return None
    word = words[position]
    between = text[word.end : name.start] if word.end <= name.start else text[name.end : word.start]
    if between.strip() not in ("", ".") or (word.start > name.start and between.strip()):
        return None
    marker = markers[position]
    return marker if marker is not None and marker.kind == kind else None


def _gap(text: str, span: list[Token]) -> bool:
    """Words of one name are separated by spaces only (not by a comma or a full stop)."""
    return any(text[a.end : b.start].strip() for a, b in pairwise(span))


def _dot(text: str, word: Token) -> int:
    return 1 if text[word.end : word.end + 1] == "." else 0


def _with_house(text: str, kind: str, label: str, start: int, end: int) -> Place:
    """The place, extended to its house number when it is a street and one is written."""
    if kind != STREET:
        return Place(kind, label, start, end)
    after = _HOUSE_AFTER.match(text, end)
    if after is not None:
        return Place(HOUSE, f"{label}, {_house(after)}", start, after.end())
    before = _HOUSE_BEFORE.search(text, max(0, start - 40), start)
    if before is not None:
        return Place(HOUSE, f"{label}, {_house(before)}", before.start(), end)
    return Place(kind, label, start, end)


def _house(match: re.Match[str]) -> str:
    number = match.group("number").lower().replace("-", "")
    part = match.groupdict().get("part")
    if part:
        number += _PARTS[part.lower().rstrip(".")] + match.group("part_number")
    return number


__all__ = ["DISTRICT", "HOUSE", "SETTLEMENT", "STREET", "labels", "marker_at", "places"]
