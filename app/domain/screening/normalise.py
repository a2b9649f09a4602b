"""Russian words as meant, not as disguised: look-alike letters, digits, masks, spacing.

People who want a rude word past a filter write it `xyй` (Latin look-alikes), `пи3дец`
(digits), `п*здец` or `х@й` (masks), `хуууй` (repeats) or `х у й` (spaced out). Each word here
keeps its place in the message as written, so evidence highlights the fragment the author typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import NamedTuple

from app.domain.screening.tokens import MAX_CHARS, fold

# Latin letters that look like Cyrillic ones, as people use them inside Russian words.
LOOK_ALIKE = str.maketrans(
    {
        "a": "а",
        "b": "в",
        "c": "с",
        "e": "е",
        "h": "н",
        "k": "к",
        "m": "м",
        "n": "п",
        "o": "о",
        "p": "р",
        "r": "г",
        "t": "т",
        "u": "и",
        "x": "х",
        "y": "у",
    }
)
# Digits for letters, only inside a word that has letters ("пи3дец", "6ля", "бл9"): 9 is the
# mirrored «я» of Russian leetspeak, 3 is «з», 4 is «ч», 6 is «б», 0 is «о».
DIGIT_LETTERS = str.maketrans({"0": "о", "3": "з", "4": "ч", "6": "б", "9": "я"})
# Transliteration of an all-Latin word ("pizdec", "blyat", "nahuy"), multi-letter units first.
TRANSLIT = (
    ("shch", "щ"),
    ("sch", "щ"),
    ("yo", "е"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("ya", "я"),
    ("ja", "я"),
    ("yu", "ю"),
    ("ju", "ю"),
    ("ts", "ц"),
    ("a", "а"),
    ("b", "б"),
    ("c", "ц"),
    ("d", "д"),
    ("e", "е"),
    ("f", "ф"),
    ("g", "г"),
    ("h", "х"),
    ("i", "и"),
    ("j", "й"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("v", "в"),
    ("w", "в"),
    ("x", "х"),
    ("y", "ы"),
    ("z", "з"),
)
_TRANSLIT_RE = re.compile("|".join(re.escape(src) for src, _ in TRANSLIT))
_TRANSLIT_MAP = dict(TRANSLIT)

MASKS = "*@#$%."
# A word as typed: letters and digits, with masks or hyphens between them ("п*здец", "х@й").
WORD = re.compile(r"[^\W_]+(?:(?:[*@#$%.]+|-)[^\W_]+)*\**")
_MASK_RUN = re.compile(r"[*@#$%.]+")
_REPEATS = re.compile(r"(.)\1+")
_CYRILLIC = re.compile(r"[а-яё]")
_LATIN = re.compile(r"[a-z]")
# Single letters separated by spaces, dots, dashes or underscores: "х у й", "с.у.к.а".
_SPACED = re.compile(r"(?<![^\W_])[^\W\d_](?:[\s._\-*]{1,3}[^\W\d_]){2,}(?![^\W_])")

Known = Callable[[str], bool]


class Word(NamedTuple):
    """One word of the message as meant: `norm` is lower-case Cyrillic with «е» for «ё»;
    `start`/`end` are offsets into the message as written; `mask` is a regex when the word
    had masks in it (its letters are unknown and may match a lexicon form). A named tuple:
    every word of every message is one, so making one must cost little."""

    start: int
    end: int
    raw: str
    norm: str
    mask: re.Pattern[str] | None = None
    alt: str | None = None  # an all-Latin word read as look-alikes ("cyka" → "сука")


def squeeze(word: str) -> str:
    """Runs of one letter as one letter ("хуууй" → "хуй", "ссука" → "сука")."""
    return _REPEATS.sub(r"\1", word)


def deobfuscate(raw: str) -> str:
    """One word without masks as Cyrillic lower case: look-alikes, digits, transliteration."""
    word = fold(raw)
    has_cyr = _CYRILLIC.search(word) is not None
    has_lat = _LATIN.search(word) is not None
    if has_lat and not has_cyr:
        return _transliterate(word.translate(DIGIT_LETTERS))
    if has_lat:
        word = word.translate(LOOK_ALIKE)
    if any(ch.isdigit() for ch in word) and not word.isdigit():
        word = word.translate(DIGIT_LETTERS)
    return word


def look_alike(raw: str) -> str | None:
    """An all-Latin word read as Cyrillic look-alikes ("cyka" → "сука") if every letter has one."""
    word = fold(raw).translate(DIGIT_LETTERS)
    mapped = word.translate(LOOK_ALIKE)
    return None if _LATIN.search(mapped) else mapped


def _transliterate(word: str) -> str:
    return _TRANSLIT_RE.sub(lambda m: _TRANSLIT_MAP[m.group()], word)


def mask_pattern(norm: str) -> re.Pattern[str] | None:
    """A regex of the letters a masked word may hide: each run of masks is one to three letters
    more than its length allows ("п*здец" → п, 1–3 letters, здец)."""
    if not _MASK_RUN.search(norm):
        return None
    parts = _MASK_RUN.split(norm)
    runs = _MASK_RUN.findall(norm)
    pattern = re.escape(parts[0])
    for run, part in zip(runs, parts[1:], strict=True):
        pattern += f"[а-я]{{1,{len(run) + 2}}}" + re.escape(part)
    return re.compile(pattern)


def words(text: str, known: Known | None = None) -> Iterator[Word]:
    """The words of the text as meant, with their places as written: spaced-out letters
    first, then the words as typed (see `word_list`)."""
    return iter(word_list(text, known))


def word_list(text: str, known: Known | None = None) -> list[Word]:
    """The words of the text as meant, with their places as written: spaced-out letters
    joined into one word first, then the words as typed, in order.

    `known` tells whether a joined form is a lexicon word: spaced-out letters ("х у й") are
    joined only then, so ordinary single-letter words ("в", "и", "с") stay as they are."""
    text = text[:MAX_CHARS]
    result: list[Word] = []
    joined: list[tuple[int, int]] = []
    if known is not None:
        for match in _SPACED.finditer(text):
            letters = "".join(ch for ch in match.group() if ch.isalpha())
            norm = squeeze(deobfuscate(letters))
            if known(norm):
                joined.append((match.start(), match.end()))
                result.append(Word(match.start(), match.end(), match.group(), norm))
    append = result.append
    for match in WORD.finditer(text):
        raw = match.group()
        start, end = match.span()
        if joined and any(a <= start < b for a, b in joined):
            continue
        if "-" not in raw and "." not in raw:  # the usual word: one piece
            norm, mask, alt = _read(raw)
            append(Word(start, end, raw, norm, mask, alt))
            continue
        for piece_start, piece in _pieces(raw, start):
            append(_word(piece, piece_start))
    return result


def _word(raw: str, start: int) -> Word:
    norm, mask, alt = _read(raw)
    return Word(start, start + len(raw), raw, norm, mask, alt)


@lru_cache(maxsize=100_000)
def _read(raw: str) -> tuple[str, re.Pattern[str] | None, str | None]:
    """A typed word as meant, its mask pattern and its look-alike reading (words repeat)."""
    norm = deobfuscate(raw).replace("-", "")  # only spelled-out letters keep a hyphen here
    if _MASK_RUN.search(norm):
        return norm, mask_pattern(norm), None
    latin_only = _LATIN.search(raw.lower()) is not None and _CYRILLIC.search(raw.lower()) is None
    return norm, None, look_alike(raw) if latin_only else None


def forget() -> None:
    """Empty the memory of words read (a fresh process, as the benchmark's cold figures need)."""
    _read.cache_clear()


def _pieces(raw: str, start: int) -> Iterator[tuple[int, str]]:
    """A typed word split where it is really two words: at hyphens between real words
    ("чиновники-воры", but "х-у-й" stays one) and at dots between long parts ("плохо.сука",
    but "п.здец" is a mask)."""
    stripped = raw
    parts = re.split(r"(-|\.+)", stripped)
    letters = parts[0::2]
    if "-" in parts and all(len(p) == 1 for p in letters):
        yield start, stripped
        return
    offset, current, current_start = start, "", start
    for i, part in enumerate(parts):
        if i % 2 == 1:
            left, right = parts[i - 1], parts[i + 1]
            if part == "-" or (len(left) > 3 and len(right) > 3):
                if current:
                    yield current_start, current
                offset += len(part)
                current, current_start = "", offset
                continue
        current += part
        offset += len(part)
    if current:
        yield current_start, current
