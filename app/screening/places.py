"""Places named in a message, read against the organisation's gazetteer (issue #15).

Each organisation's gazetteer is a data file app/screening/gazetteers/<slug>.toml (its streets,
districts and settlements, with their sources); an organisation without one gets the generic
rules only (a place marker and a name). Loaded once per process.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from app.domain.screening.gazetteer import Gazetteer, gazetteer_from_data
from app.domain.screening.places import places
from app.domain.screening.result import Place
from app.domain.screening.tokens import Reading
from app.screening.morphology import lemma

GAZETTEERS = Path(__file__).parent / "gazetteers"
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")


@cache
def gazetteer(organisation_slug: str) -> Gazetteer | None:
    """The organisation's gazetteer, or None when it has no data file."""
    if not _SLUG.fullmatch(organisation_slug):
        return None
    path = GAZETTEERS / f"{organisation_slug}.toml"
    if not path.is_file():
        return None
    return gazetteer_from_data(tomllib.loads(path.read_text(encoding="utf-8")), lemma)


def places_in(
    text: str, organisation_slug: str | None, *, reading: Reading | None = None
) -> tuple[Place, ...]:
    """The places of a message (generic rules only when the organisation is not given;
    `reading`: the text's, when the caller has it)."""
    known = gazetteer(organisation_slug) if organisation_slug else None
    return places(text, lemma, known, reading=reading)
