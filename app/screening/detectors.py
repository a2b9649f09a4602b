"""STAND-IN until the real detectors land on main (removed at the merge): just enough to test
the integration. Never to be merged."""

from __future__ import annotations

import re

from app.domain.screening.result import Evidence

_RULES = (
    (re.compile(r"\bх[уy]й\w*|\bбля\w*", re.I), "obscene_language", "Нецензурное слово"),
    (re.compile(r"\bубью\b|\bсожгу\b", re.I), "threat_to_official", "Угроза должностному лицу"),
)
_URGENT = re.compile(r"прорвало трубу|нет отопления|без света", re.I)


def flag_abuse(text: str) -> tuple[tuple[str, ...], tuple[Evidence, ...]]:
    evidence = tuple(
        Evidence(code, m.start(), m.end(), m.group(), why)
        for rule, code, why in _RULES
        for m in rule.finditer(text)
    )
    return tuple(dict.fromkeys(e.code for e in evidence)), evidence


def suggest_importance(text: str) -> tuple[str, tuple[Evidence, ...]]:
    evidence = tuple(
        Evidence("importance", m.start(), m.end(), m.group(), "Авария в ЖКХ")
        for m in _URGENT.finditer(text)
    )
    return ("high" if evidence else "normal"), evidence
