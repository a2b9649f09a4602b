"""Dictionary forms of Russian words (pymorphy3 with its OpenCorpora dictionary from PyPI)."""

from __future__ import annotations

from functools import cache, lru_cache

import pymorphy3


@cache
def analyzer() -> pymorphy3.MorphAnalyzer:
    """The one analyzer of the process (loading the dictionary takes ~0.1 s and ~15 MB)."""
    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The most likely dictionary form of a lower-cased word; words without Cyrillic as is."""
    if not any("а" <= ch <= "я" or ch == "ё" for ch in word):
        return word
    try:
        return str(analyzer().parse(word)[0].normal_form).replace("ё", "е")
    except ValueError:  # pymorphy3 asks unicodedata.name(), which fails on unnamed characters
        return word
