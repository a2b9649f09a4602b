"""Imports of monitoring exports: header guessing, dates, networks, a row as intake input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.import_mapping import (
    FIELDS,
    ColumnMapping,
    column_letter,
    guess_mapping,
    headers_key,
    incoming_from_row,
    mapping_problems,
    network_from_name,
    parse_posted_at,
    row_problem_ru,
    row_to_raw,
)
from app.domain.intake import IntakeError

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2025, 3, 20, 9, 0, tzinfo=UTC)
ALL = frozenset({"vk", "ok", "telegram", "max", "other"})
SETTINGS = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # «Инцидент Менеджмент»-like, Russian
        (
            ["Дата", "Соцсеть/Площадка", "Автор", "Ссылка на автора", "Ссылка", "Текст", "ID"],
            {
                "posted_at": 0,
                "network": 1,
                "author_name": 2,
                "author_url": 3,
                "url": 4,
                "text": 5,
                "external_id": 6,
            },
        ),
        # English headers
        (
            ["Post ID", "Date", "Network", "Author", "Author URL", "URL", "Text", "Sentiment"],
            {
                "external_id": 0,
                "posted_at": 1,
                "network": 2,
                "author_name": 3,
                "author_url": 4,
                "url": 5,
                "text": 6,
            },
        ),
        # Brand Analytics / Медиалогия-like: the author's id is not the message's id,
        # «Текст сообщения» wins over «Фрагмент», «Профиль» is the author's link.
        (
            ["ID автора", "Фрагмент", "Текст сообщения", "Источник", "Профиль", "ДАТА  ПУБЛИКАЦИИ"],
            {"text": 2, "network": 3, "author_url": 4, "posted_at": 5},
        ),
        (["Заголовок", "Тональность", "Охват"], {}),
    ],
)
def test_headers_are_guessed_by_russian_and_english_names(
    headers: list[str], expected: dict[str, int]
) -> None:
    assert guess_mapping(headers) == expected


@SETTINGS
@given(st.lists(st.sampled_from(["Текст", "Ссылка", "Автор", "Дата", "ID", "x", ""]), max_size=12))
def test_a_guess_gives_each_column_at_most_one_field(headers: list[str]) -> None:
    mapping = guess_mapping(headers)
    assert set(mapping) <= set(FIELDS)
    assert len(set(mapping.values())) == len(mapping)
    assert all(0 <= index < len(headers) for index in mapping.values())


@given(st.lists(st.text(max_size=20), max_size=8))
def test_the_headers_key_ignores_case_yo_and_punctuation(headers: list[str]) -> None:
    changed = [f"  {h.upper().replace('е', 'ё')} ." for h in headers]
    assert headers_key(changed) == headers_key(headers)


def test_the_headers_key_tells_other_columns_apart() -> None:
    assert headers_key(["Текст", "Ссылка"]) != headers_key(["Ссылка", "Текст"])
    assert headers_key(["Текст"]) != headers_key(["Текст", ""])


def test_column_letters_are_the_spreadsheets() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.03.2025 14:30", datetime(2025, 3, 12, 14, 30, tzinfo=MSK)),
        ("12.03.2025 14:30:15", datetime(2025, 3, 12, 14, 30, 15, tzinfo=MSK)),
        ("1.3.2025, 9:05", datetime(2025, 3, 1, 9, 5, tzinfo=MSK)),
        ("12/03/25", datetime(2025, 3, 12, tzinfo=MSK)),
        ("12.03.2025", datetime(2025, 3, 12, tzinfo=MSK)),
        ("12 марта 2025 г. в 14:30", datetime(2025, 3, 12, 14, 30, tzinfo=MSK)),
        ("3 Мая 2025 года 08:00", datetime(2025, 5, 3, 8, 0, tzinfo=MSK)),
        ("2025-03-12 14:30:00", datetime(2025, 3, 12, 14, 30, tzinfo=MSK)),
        ("2025-03-12T11:30:00Z", datetime(2025, 3, 12, 11, 30, tzinfo=UTC)),
        (
            "2025-03-12T14:30:00+05:00",
            datetime(2025, 3, 12, 14, 30, tzinfo=timezone(timedelta(hours=5))),
        ),
        ("  ", None),
    ],
)
def test_dates_as_exports_write_them(text: str, expected: datetime | None) -> None:
    assert parse_posted_at(text, MSK) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31.02.2025", "Такой даты нет: «31.02.2025»."),
        ("12.03.2025 25:00", "Такой даты нет"),
        ("вчера", "Дата «вчера» не распознана: ожидается ДД.ММ.ГГГГ ЧЧ:ММ"),
        ("12 мартобря 2025", "не распознана"),
        ("03-12-2025", "не распознана"),
    ],
)
def test_a_wrong_date_is_named_in_russian(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_posted_at(text, MSK)


@SETTINGS
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    st.sampled_from(["%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]),
)
def test_any_minute_written_in_a_known_format_reads_back(moment: datetime, fmt: str) -> None:
    minute = moment.replace(second=0, microsecond=0)
    assert parse_posted_at(minute.strftime(fmt), MSK) == minute.replace(tzinfo=MSK)


@SETTINGS
@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_russian_refusal(text: str) -> None:
    try:
        parse_posted_at(text, MSK)
    except ValueError as error:
        assert "Дат" in str(error) or "даты" in str(error)


@pytest.mark.parametrize(
    ("value", "network"),
    [
        ("ВКонтакте", "vk"),
        ("VK", "vk"),
        ("vk.com", "vk"),
        ("https://vk.com/wall-1_2", "vk"),
        ("Одноклассники", "ok"),
        ("ok.ru", "ok"),
        ("Telegram", "telegram"),
        ("Телеграм", "telegram"),
        ("t.me", "telegram"),
        ("MAX", "max"),
        ("Другой источник", "other"),
        ("Дзен", None),
        ("", None),
    ],
)
def test_networks_as_monitoring_systems_name_them(value: str, network: str | None) -> None:
    assert network_from_name(value) == network


MAPPING = ColumnMapping({"text": 0, "url": 1, "network": 2, "posted_at": 3, "external_id": 4})


def test_a_row_becomes_the_intake_input_with_the_organisations_zone() -> None:
    raw, errors = row_to_raw(
        ["  Яма на Ленина ", "https://vk.com/wall-1_2", "ВКонтакте", "12.03.2025 14:30", "77"],
        MAPPING,
        MSK,
    )
    assert errors == {}
    assert raw == {
        "text": "Яма на Ленина",
        "url": "https://vk.com/wall-1_2",
        "author_name": "",
        "author_url": "",
        "external_id": "77",
        "network": "vk",
        "posted_at": datetime(2025, 3, 12, 14, 30, tzinfo=MSK),
    }


def test_the_network_comes_from_the_column_else_the_link_else_the_files_default() -> None:
    by_link = ["Текст", "https://ok.ru/group/1/topic/2", "", "", ""]
    assert row_to_raw(by_link, MAPPING, MSK)[0]["network"] == "ok"
    unknown = ["Текст", "https://example.org/1", "", "", ""]
    assert row_to_raw(unknown, MAPPING, MSK)[1] == {
        "network": "Соцсеть не указана: выберите сеть для строк без сети."
    }
    with_default = ColumnMapping(MAPPING.columns, network="telegram")
    assert row_to_raw(unknown, with_default, MSK)[0]["network"] == "telegram"
    named = ["Текст", "https://dzen.ru/a/1", "Дзен", "", ""]
    assert "Соцсеть «Дзен» не распознана" in row_to_raw(named, MAPPING, MSK)[1]["network"]
    # An unknown name in the column, but the link shows the network.
    named_vk = ["Текст", "https://vk.com/wall-1_2", "Соцсети", "", ""]
    assert row_to_raw(named_vk, MAPPING, MSK)[0]["network"] == "vk"


def test_a_short_row_has_empty_cells() -> None:
    raw, _ = row_to_raw(["Только текст"], MAPPING, MSK)
    assert raw["url"] == "" and raw["posted_at"] is None


def test_a_rows_problems_are_all_named_with_their_columns() -> None:
    with pytest.raises(IntakeError) as refused:
        incoming_from_row(["", "ftp://x", "ВКонтакте", "32.01.2025", ""], MAPPING, MSK, NOW, ALL)
    errors = refused.value.errors
    assert set(errors) == {"text", "url", "posted_at"}
    text = row_problem_ru(errors, MAPPING)
    assert text.startswith("Текст (столбец A): Введите текст сообщения.")
    assert "Ссылка на сообщение (столбец B): Ссылка должна начинаться с http://" in text
    assert "Дата публикации (столбец D): Такой даты нет: «32.01.2025»." in text


def test_a_network_the_organisation_does_not_accept_is_refused() -> None:
    row = ["Текст", "https://www.facebook.com/1", "", "", ""]
    with pytest.raises(IntakeError) as refused:
        incoming_from_row(row, MAPPING, MSK, NOW, ALL, "4")
    assert "«Facebook» не входит в перечень" in refused.value.errors["network"]


def test_a_future_date_is_refused_by_the_intake_rule() -> None:
    row = ["Текст", "https://vk.com/wall-1_2", "", "01.01.2030 10:00", ""]
    with pytest.raises(IntakeError) as refused:
        incoming_from_row(row, MAPPING, MSK, NOW, ALL)
    assert refused.value.errors == {
        "posted_at": "Дата публикации не может быть позже завтрашнего дня."
    }


def test_a_valid_row_is_a_message_keyed_by_network_and_id() -> None:
    row = ["Текст", "https://vk.com/wall-1_2", "VK", "12.03.2025 14:30", "77"]
    message = incoming_from_row(row, MAPPING, MSK, NOW, ALL)
    assert message.dedup_key() == "vk:id:77"
    assert message.posted_at == datetime(2025, 3, 12, 11, 30, tzinfo=UTC)


@SETTINGS
@given(st.lists(st.text(max_size=30), max_size=7))
def test_any_row_is_a_message_or_named_problems(cells: list[str]) -> None:
    try:
        incoming_from_row(cells, MAPPING, MSK, NOW, ALL)
    except IntakeError as error:
        assert error.errors
        assert row_problem_ru(error.errors, MAPPING)


def test_the_mapping_needs_a_text_column_and_distinct_columns() -> None:
    networks = {"vk": "ВКонтакте"}
    assert mapping_problems(ColumnMapping({"url": 0}), 2, networks) == {
        "text": "Выберите столбец с текстом сообщения."
    }
    twice = ColumnMapping({"text": 1, "author_name": 1})
    assert mapping_problems(twice, 2, networks) == {
        "author_name": "Столбец B уже выбран для поля «Текст»."
    }
    outside = ColumnMapping({"text": 0, "url": 5}, network="ok")
    assert mapping_problems(outside, 2, networks) == {
        "url": "Такого столбца в файле нет.",
        "network_default": "Выберите сеть из списка.",
    }


def test_a_stored_mapping_keeps_only_what_fits_the_file() -> None:
    stored = {"columns": {"text": 1, "url": 9, "bogus": 0, "author_name": "2"}, "network": "vk"}
    assert ColumnMapping.from_json(stored, 3) == ColumnMapping({"text": 1}, "vk")
    assert ColumnMapping.from_json({"network": "myspace"}, 3) == ColumnMapping()
    assert ColumnMapping.from_json(None, 3) == ColumnMapping()
    round_trip = ColumnMapping({"text": 0, "url": 2}, "ok")
    assert ColumnMapping.from_json(round_trip.to_json(), 3) == round_trip
