"""The admin is warned about the signing certificate's end a month ahead, and once it is past."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.signature.certificate import CertificateFacts
from app.domain.signature.expiry import WARN_BEFORE, expiry_warning

START = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
END = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
FACTS = CertificateFacts(
    common_name="Иванов Иван Иванович",
    organisation="Администрация города Пензы",
    serial_hex="2ed55cd8c1f",
    issuer="Тестовый УЦ ГОСТ",
    not_before=START,
    not_after=END,
    key_algorithm="1.2.643.7.1.1.1.1",
)


def test_the_days_left_are_said_in_russian() -> None:
    assert expiry_warning(FACTS, END - timedelta(days=31)) is None
    warning = expiry_warning(FACTS, END - timedelta(days=30))
    assert warning and warning.startswith(
        "Срок действия сертификата заканчивается через 30 дней (15.01.2027)"
    )
    assert "через 21 день" in (expiry_warning(FACTS, END - timedelta(days=21, hours=5)) or "")
    assert "через 3 дня" in (expiry_warning(FACTS, END - timedelta(days=3, hours=1)) or "")
    assert "менее чем через сутки" in (expiry_warning(FACTS, END - timedelta(hours=2)) or "")


def test_outside_its_validity_it_says_reports_are_not_signed() -> None:
    expired = expiry_warning(FACTS, END + timedelta(seconds=1)) or ""
    assert expired.startswith("Срок действия сертификата «Иванов Иван Иванович, Администрация")
    assert "истёк 15.01.2027" in expired and "Отчёты не подписываются" in expired
    early = expiry_warning(FACTS, START - timedelta(days=1)) or ""
    assert "начинает действовать только 15.01.2026" in early


@given(st.timedeltas(min_value=timedelta(0), max_value=END - START))
def test_a_warning_exactly_in_the_last_month_of_validity(before_end: timedelta) -> None:
    warning = expiry_warning(FACTS, END - before_end)
    assert (warning is not None) == (before_end <= WARN_BEFORE)
