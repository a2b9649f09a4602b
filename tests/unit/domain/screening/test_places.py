"""Places named in messages: one address written differently is one label."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.screening.places import labels, places
from app.screening.morphology import lemma
from app.screening.places import gazetteer, places_in


def found(text: str, slug: str | None = "penza") -> list[str]:
    return [p.label for p in places_in(text, slug)]


@pytest.mark.parametrize(
    "text",
    [
        "Яма на ул. Московская, 5",
        "яма у дома 5 по улице Московской",
        "на Московской улице, д. 5 яма",
        "Московская 5 — яма",
        "ул.Московская д.5",
        "ул Московская, дом 5",
    ],
)
def test_one_house_written_differently_is_one_label(text: str) -> None:
    assert found(text) == ["ул. Московская, 5"]


def test_inflected_street_names_are_found_by_lemma() -> None:
    assert found("На Московской улице опять пробка") == ["ул. Московская"]
    assert found("по улице Ленина не проехать") == ["ул. Ленина"]
    assert found("В квартирах по ул. Ладожской, 107 холодно") == ["ул. Ладожская, 107"]


def test_house_numbers_with_letters_blocks_and_the_house_before_the_street() -> None:
    assert found("Ленина, 5к2") == ["ул. Ленина, 5к2"]
    assert found("ул. Ленина, д. 5 корп. 2") == ["ул. Ленина, 5к2"]
    assert found("ул. ленина 12А") == ["ул. Ленина, 12а"]
    assert found("У дома 8 по ул. Кижеватова бьёт вода") == ["ул. Кижеватова, 8"]
    assert found("на ул. Ленина 2 года ямы") == ["ул. Ленина"]  # a count, not a house


def test_a_marker_picks_among_places_of_one_name() -> None:
    assert found("на пл. Ленина") == ["пл. Ленина"]
    assert found("Ленина 5") == ["ул. Ленина, 5"]  # the first in the gazetteer


def test_a_street_name_alone_is_not_a_place() -> None:
    # «Мира», «Победы», «Красная» are words before they are streets.
    assert found("Во всём Мира не найти. Победы ждём") == []
    assert found("Красная площадь далеко") == ["пл. Красная"]  # not «ул. Красная»
    assert found("Мира 12: не горят фонари") == ["ул. Мира, 12"]


def test_districts_by_lemma_with_their_marker() -> None:
    assert found("в Железнодорожном районе нет воды") == ["р-н Железнодорожный"]
    assert found("Железнодорожный р-н") == ["р-н Железнодорожный"]
    assert found("Ленинский проспект") == ["пр-т Ленинский"]  # generic: not in the gazetteer
    assert found("в мкр Арбеково и в Арбекове") == ["мкр Арбеково", "мкр Арбеково"]


def test_settlements_of_parfino_declined_as_people_write_them() -> None:
    expected = ["рп Парфино"]
    for text in ("в Парфине", "в Парфино", "рп Парфино", "посёлок Парфино"):
        assert found(text, "parfino") == expected, text
    assert found("в деревне Федорково", "parfino") == ["д. Федорково"]
    assert found("Разбита дорога к д. Федорково", "parfino") == ["д. Федорково"]
    assert found("в пос. Пола на ул. Заводской", "parfino") == ["с. Пола", "ул. Заводская"]
    assert found("С пола дует, пола холодные", "parfino") == []  # «пол», not the village


def test_generic_rules_without_a_gazetteer() -> None:
    assert found("На Тихой улице и пер. Тихий, 3", None) == ["ул. Тихая", "пер. Тихий, 3"]
    assert found("в деревне Ивановке, в селе Покровском", None) == [
        "д. Ивановка",
        "с. Покровское",
    ]
    assert found("Отчёт за 2024 г. Пенза ждёт", None) == []  # a year, not a town
    assert found("Прошу выполнить п. 17 регламента", None) == []


def test_offsets_point_at_the_place_in_the_text() -> None:
    text = "Прорыв трубы на ул. Кирова, 62: вода в подвале"
    (place,) = places_in(text, "penza")
    assert text[place.start : place.end] == "ул. Кирова, 62"
    assert place.kind == "house"


def test_labels_are_distinct_in_order_of_mention() -> None:
    found_places = places_in("ул. Кирова, 62 и ул. Кирова, 62, и ул. Красная", "penza")
    assert labels(found_places) == ("ул. Кирова, 62", "ул. Красная")


def test_an_unknown_organisation_gets_the_generic_rules() -> None:
    assert gazetteer("no-such-town") is None
    assert gazetteer("../penza") is None
    assert found("ул. Кирова, 62", "no-such-town") == ["ул. Кирова, 62"]


MARKERS = st.sampled_from(["ул. ", "ул.", "ул ", "улица ", "по улице ", "на ул. "])
SEPARATORS = st.sampled_from([", ", " ", ", д. ", " д.", ", дом ", " дом "])


@settings(max_examples=150, deadline=None)
@given(
    marker=MARKERS,
    separator=SEPARATORS,
    number=st.integers(1, 999),
    letter=st.sampled_from(["", "а", "Б"]),
)
def test_any_spelling_of_an_address_gives_its_label(
    marker: str, separator: str, number: int, letter: str
) -> None:
    text = f"Проблема: {marker}Кирова{separator}{number}{letter} не убран снег"
    assert found(text) == [f"ул. Кирова, {number}{letter.lower()}"]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_places_inside_it(text: str) -> None:
    for place in places(text, lemma, gazetteer("parfino")):
        assert 0 <= place.start < place.end <= len(text)
        assert place.label
