"""STAND-IN until the real place extraction lands on main (removed at the merge)."""

from __future__ import annotations

import re

from app.domain.screening.result import Place

_STREET = re.compile(r"ул(?:ица|\.)\s+([А-ЯЁ][а-яё]+)(?:,?\s*(?:д\.\s*)?(\d+))?")


def places_in(text: str, organisation_slug: str | None) -> tuple[Place, ...]:
    out = []
    for m in _STREET.finditer(text):
        label = f"ул. {m.group(1)}" + (f", {m.group(2)}" if m.group(2) else "")
        out.append(Place("house" if m.group(2) else "street", label, m.start(), m.end()))
    return tuple(out)
