"""Assessing a message reads its words once for every rule: the shared reading must find
exactly what each detector finds when it reads the text by itself."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.screening.result import Assessment
from app.domain.screening.tokens import MAX_CHARS
from app.screening.assess import MAX_PLACES, assess_text
from app.screening.detectors import flag_abuse, suggest_importance
from app.screening.places import places_in
from bench.screening import messages


def one_by_one(text: str, slug: str | None) -> Assessment:
    """The detectors composed by hand, each reading the text itself."""
    text = text[:MAX_CHARS]
    flags, evidence = flag_abuse(text)
    importance, importance_evidence = suggest_importance(text)
    return Assessment(
        flags=flags,
        evidence=evidence,
        importance=importance,
        importance_evidence=importance_evidence,
        places=places_in(text, slug)[:MAX_PLACES],
    )


def test_assessing_finds_what_the_detectors_find_one_by_one_on_the_benchmark_messages() -> None:
    batch = messages(400, 0.3)
    for slug in ("penza", "parfino", None):
        for text in batch:
            assert assess_text(text, slug) == one_by_one(text, slug), text
    # The benchmark's messages exercise every rule, or the comparison says little.
    found = [assess_text(text, "penza") for text in batch]
    assert sum(1 for a in found if a.flags) > 100
    assert sum(1 for a in found if a.importance == "high") > 30
    assert all(a.places for a in found)


ADDRESS_PIECES = st.sampled_from(
    ["ул.", "улице", "д.", "дом", "р-н", "пос.", "г.", "Ленина", "Московской", "Кирова",
     "площадь", "Парфине", "5", "12а", "5к2", ",", ".", "мэр", "убью", "п*здец", "х у й",
     "пожар", "нет воды", "Ёлкин", "xyй", "2024"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(ADDRESS_PIECES, st.text(max_size=8)), max_size=20), st.data())
def test_any_text_is_assessed_as_the_detectors_read_it_one_by_one(
    pieces: list[str], data: st.DataObject
) -> None:
    text = " ".join(pieces)
    slug = data.draw(st.sampled_from(["penza", "parfino", None]))
    assert assess_text(text, slug) == one_by_one(text, slug)
