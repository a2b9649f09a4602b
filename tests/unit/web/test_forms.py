"""Untrusted form data read into typed structs: what a refused or forged form turns into."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.web.forms import list_field, read_form, text_field


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Sample:
    version: int = 0
    parent: int | None = None
    colour: Colour = Colour.RED
    maybe: Colour | None = None
    note: str = text_field(5)
    tags: list[str] = list_field(4, count=3)
    ids: list[int] = list_field(10)
    agreed: bool = False


def test_fields_are_read_by_their_types() -> None:
    form = read_form(
        Sample,
        {
            "version": "7",
            "parent": "12",
            "colour": "blue",
            "maybe": "red",
            "note": "hello",
            "tags": ["a", "b"],
            "ids": ["3", "x", "4"],
            "agreed": "1",
        },
    )
    assert form == Sample(7, 12, Colour.BLUE, Colour.RED, "hello", ["a", "b"], [3, 4], True)


def test_absent_fields_keep_their_defaults() -> None:
    assert read_form(Sample, {}) == Sample()


def test_malformed_values_fall_back_instead_of_failing() -> None:
    form = read_form(
        Sample, {"version": "abc", "parent": "", "colour": "green", "maybe": "green", "ids": "1"}
    )
    assert (form.version, form.parent, form.colour, form.maybe, form.ids) == (
        0,
        None,
        Colour.RED,
        None,
        [1],
    )


def test_one_value_or_many_under_one_name() -> None:
    assert read_form(Sample, {"tags": "one"}).tags == ["one"]
    assert read_form(Sample, {"tags": "a, b"}).tags == ["a", "b"]
    assert read_form(Sample, {"note": ["first", "second"]}).note == "first"


def test_text_is_cut_one_past_its_limit_so_the_service_can_refuse_it() -> None:
    assert read_form(Sample, {"note": "x" * 1000}).note == "x" * 6


def test_lists_are_bounded_in_count_and_item_length() -> None:
    form = read_form(Sample, {"tags": ["abcdefgh", "b", "c", "d", "e"]})
    assert form.tags == ["abcd", "b", "c"]


def test_a_struct_with_an_unreadable_type_is_a_programming_error() -> None:
    @dataclass(frozen=True)
    class Odd:
        when: float = 0.0

    with pytest.raises(TypeError):
        read_form(Odd, {"when": "1.5"})


# Generation time depends on the machine's load (CI runs this beside browsers), not on the code.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["version", "parent", "colour", "note", "tags", "ids"]),
        st.one_of(st.text(max_size=50), st.lists(st.text(max_size=20), max_size=8)),
    )
)
def test_any_form_data_reads_without_error_and_within_bounds(data: dict[str, object]) -> None:
    form = read_form(Sample, data)
    assert len(form.note) <= 6
    assert len(form.tags) <= 3 and all(len(t) <= 4 for t in form.tags)
    assert form.version >= 0


def test_nul_characters_are_dropped_from_text_and_lists() -> None:
    form = read_form(Sample, {"note": "a\x00b", "tags": ["x\x00y", "\x00"]})
    assert (form.note, form.tags) == ("ab", ["xy"])
