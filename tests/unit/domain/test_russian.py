"""Russian plurals and time zone names (app.domain.russian, app.domain.worktime.zones)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.russian import plural, plural_form
from app.domain.worktime.zones import zone_short, zone_title

FORMS = ("ответ", "ответа", "ответов")


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (0, "ответов"),
        (1, "ответ"),
        (2, "ответа"),
        (4, "ответа"),
        (5, "ответов"),
        (11, "ответов"),
        (12, "ответов"),
        (14, "ответов"),
        (21, "ответ"),
        (22, "ответа"),
        (25, "ответов"),
        (101, "ответ"),
        (111, "ответов"),
        (1002, "ответа"),
    ],
)
def test_plural_form_follows_the_last_two_digits(n: int, word: str) -> None:
    assert plural_form(n, *FORMS) == word


def test_plural_joins_the_number_with_a_no_break_space() -> None:
    assert plural(1, "ответ в срок", "ответа в срок", "ответов в срок") == "1\u00a0ответ в срок"
    assert plural(5, *FORMS) == "5\u00a0ответов"


def test_zones_read_as_city_moscow_time_and_utc() -> None:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    assert zone_title("Europe/Moscow", at) == "Москва, МСК (UTC+3)"
    assert zone_short("Europe/Moscow", at) == "МСК"
    assert zone_title("Asia/Yekaterinburg", at) == "Екатеринбург, МСК+2 (UTC+5)"
    assert zone_title("Europe/Kaliningrad", at) == "Калининград, МСК−1 (UTC+2)"
    assert zone_title("Asia/Kolkata", at) == "UTC+5:30"
