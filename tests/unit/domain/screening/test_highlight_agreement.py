"""Highlighting evidence, agreement with suggestions, editing places: the pure rules."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.screening.agreement import (
    AgreementRate,
    DecisionKind,
    decided_flags,
    flags_agreed,
    top_agreed,
)
from app.domain.screening.highlight import ELLIPSIS, Span, segments
from app.domain.screening.place_edits import MAX_PLACES, PlaceError, edited_places


def test_matched_pieces_are_marked_and_the_text_is_kept_whole() -> None:
    text = "Глава, я тебя убью у подъезда"
    pieces = segments(text, [Span(14, 18, "угроза")])
    assert [(p.text, p.is_match) for p in pieces] == [
        ("Глава, я тебя ", False),
        ("убью", True),
        (" у подъезда", False),
    ]
    assert pieces[1].why == "угроза"


def test_overlapping_evidence_is_one_mark_with_both_reasons() -> None:
    pieces = segments("abcdefgh", [Span(1, 4, "a"), Span(3, 6, "b"), Span(3, 5, "a")])
    assert [(p.text, p.is_match, p.why) for p in pieces] == [
        ("a", False, ""),
        ("bcdef", True, "a; b"),
        ("gh", False, ""),
    ]


def test_the_excerpt_is_cut_and_evidence_beyond_it_is_dropped() -> None:
    pieces = segments("0123456789", [Span(2, 4), Span(8, 10)], limit=5)
    assert "".join(p.text for p in pieces) == "01234" + ELLIPSIS
    assert [p.text for p in pieces if p.is_match] == ["23"]


@given(
    st.text(max_size=80),
    st.lists(st.tuples(st.integers(-5, 90), st.integers(-5, 90)), max_size=6),
    st.one_of(st.none(), st.integers(0, 90)),
)
def test_segments_never_add_or_lose_characters(
    text: str, raw: list[tuple[int, int]], limit: int | None
) -> None:
    pieces = segments(text, [Span(a, b) for a, b in raw], limit)
    joined = "".join(p.text for p in pieces)
    if limit is not None and len(text) > limit:
        assert joined == text[:limit] + ELLIPSIS
    else:
        assert joined == text
    assert all(p.text for p in pieces)  # no empty pieces
    assert not any(a.is_match and b.is_match for a, b in pairwise(pieces))


def test_flags_agreement() -> None:
    assert flags_agreed([], decided_flags(None))  # nothing suggested, marked for reaction
    assert flags_agreed([], decided_flags("no_reaction_needed"))
    assert not flags_agreed(["obscene_language"], decided_flags(None))  # flagged, yet marked
    assert flags_agreed(["obscene_language"], decided_flags("obscene_language"))
    assert not flags_agreed(["obscene_language"], decided_flags("threat_to_official"))
    assert not flags_agreed([], decided_flags("insulting_language"))  # the rules missed it


def test_top_suggestion_among_the_chosen() -> None:
    assert top_agreed(["Дороги", "ЖКХ"], ["жкх", "дороги"])
    assert not top_agreed(["Дороги", "ЖКХ"], ["ЖКХ"])
    assert not top_agreed([], ["ЖКХ"])


def test_the_rate_reads_in_russian() -> None:
    rate = AgreementRate("2026-12", DecisionKind.flags, 50, 46)
    assert rate.text_ru == "флаги: согласие 92 % (46 из 50)"
    assert rate.month_title == "декабрь 2026"
    assert AgreementRate("2026-12", DecisionKind.department, 0, 0).percent == 0


def test_places_are_added_once_removed_and_bounded() -> None:
    places = edited_places([], add="  ул. Ленина,   5 ")
    assert places == ["ул. Ленина, 5"]
    assert edited_places(places, add="УЛ. ЛЕНИНА, 5") == places
    assert edited_places(places, remove="ул. Ленина, 5") == []
    with pytest.raises(PlaceError, match="Введите адрес"):
        edited_places(places, add="   ")
    with pytest.raises(PlaceError, match="длиннее 200"):
        edited_places(places, add="д" * 201)
    full = [f"ул. Мира, {n}" for n in range(MAX_PLACES)]
    with pytest.raises(PlaceError, match="Не больше 20"):
        edited_places(full, add="ул. Мира, 100")
