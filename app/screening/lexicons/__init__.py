"""The screening lexicons: data files beside this module, each with its source and licence.

abuse.toml — obscene roots, insults, threat phrases; importance.toml — Parfino p.9 criteria.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib.resources import files
from typing import Any

from app.domain.screening.abuse import AbuseLexicon
from app.domain.screening.importance import ImportanceLexicon
from app.domain.screening.phrases import Phrase, PhraseIndex, parse_phrase


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads(files(__name__).joinpath(name).read_text(encoding="utf-8"))


def _words(items: list[str]) -> frozenset[str]:
    return frozenset(_forms(items))


def _forms(items: list[str]) -> tuple[str, ...]:
    """The items in lower case with «ё» as «е», in order, without repeats."""
    return tuple(dict.fromkeys(item.lower().replace("ё", "е") for item in items))


def _alternation(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@cache
def abuse_lexicon() -> AbuseLexicon:
    """abuse.toml as the rules read it (parsed once per process)."""
    data = _read("abuse.toml")
    obscene, insulting, addressee = data["obscene"], data["insulting"], data["addressee"]
    threats: list[Phrase] = [
        parse_phrase(text, group["kind"], group["why_ru"])
        for group in data["threat"]
        for text in group["phrases"]
    ]
    return AbuseLexicon(
        obscene=_alternation(obscene["patterns"]),
        obscene_forms=_forms(obscene["forms"]),
        not_obscene=_words(obscene["exceptions"]),
        vulgar=_alternation(obscene["vulgar"]),
        insult_lemmas=_words(insulting["lemmas"]),
        insult_forms=_forms(insulting["lemmas"]),
        insult=_alternation(insulting["patterns"]),
        weak_insult_lemmas=_words(insulting["weak_lemmas"]),
        addressee_forms=_words(addressee["forms"]),
        official_lemmas=_words(addressee["officials"]),
        threats=PhraseIndex(threats),
        innocent_lemmas=_words(data["innocent"]["lemmas"]),
        why_obscene=obscene["why_ru"],
        why_vulgar=obscene["vulgar_why_ru"],
        why_insult=insulting["why_ru"],
        why_weak_insult=insulting["why_weak_ru"],
    )


@cache
def importance_lexicon() -> ImportanceLexicon:
    """importance.toml as the rules read it (parsed once per process)."""
    data = _read("importance.toml")
    phrases = [
        parse_phrase(text, "importance", rule["why_ru"])
        for rule in data["rule"]
        for text in rule["phrases"]
    ]
    return ImportanceLexicon(PhraseIndex(phrases))
