"""A certificate's facts as a person checks them: identifiers, validity, the stamp, and the
verdict lines of a signature check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.signature.certificate import (
    CertificateFacts,
    SigningError,
    identifiers_of,
    require_valid_for_signing,
    stamp_of,
    validity_problem,
)
from app.domain.signature.verdict import SignatureKind, Verdict, verdict_lines

START = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
END = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)


def facts(**changes: object) -> CertificateFacts:
    base: dict[str, object] = {
        "common_name": "Иванов Иван Иванович",
        "organisation": "Администрация города Пензы",
        "serial_hex": "2ed55cd8c1f",
        "issuer": "Тестовый УЦ ГОСТ",
        "not_before": START,
        "not_after": END,
        "key_algorithm": "1.2.643.7.1.1.1.1",
        "identifiers": {"ОГРН": "1025801358945", "СНИЛС": "12345678901"},
    }
    base.update(changes)
    return CertificateFacts(**base)  # type: ignore[arg-type]


def test_russian_identifiers_are_named_and_ordered_whatever_the_certificate_order() -> None:
    attributes = [
        ("2.5.4.3", "Иванов"),
        ("1.2.643.100.3", "12345678901"),
        ("1.2.643.3.131.1.1", " 005836010000 "),
        ("1.2.643.100.1", "1025801358945"),
    ]
    assert identifiers_of(attributes) == {
        "ОГРН": "1025801358945",
        "ИНН": "005836010000",
        "СНИЛС": "12345678901",
    }
    assert identifiers_of([("2.5.4.3", "Иванов")]) == {}


@given(st.datetimes(timezones=st.just(UTC)))
def test_a_certificate_signs_exactly_within_its_validity(at: datetime) -> None:
    problem = validity_problem(facts(), at)
    assert (problem is None) == (START <= at <= END)
    if at < START:
        assert problem is not None and "начинает действовать только 15.01.2026" in problem
    if at > END:
        assert problem is not None and "истёк 15.01.2027" in problem


def test_signing_with_an_expired_certificate_is_refused_with_the_date() -> None:
    with pytest.raises(SigningError) as caught:
        require_valid_for_signing(facts(), END + timedelta(seconds=1))
    assert caught.value.code == "expired"
    assert "истёк 15.01.2027" in caught.value.message_ru
    assert "Отчёт не подписан" in caught.value.message_ru
    require_valid_for_signing(facts(), START)  # the first second counts


def test_owner_reads_as_people_write_it() -> None:
    assert facts().owner == "Иванов Иван Иванович, Администрация города Пензы"
    assert facts(common_name="Администрация города Пензы").owner == "Администрация города Пензы"
    assert facts(common_name="", organisation="").owner == "Тестовый УЦ ГОСТ"


def test_key_size_chooses_the_streebog_digest() -> None:
    assert facts().digest == "md_gost12_256" and facts().is_gost
    wide = facts(key_algorithm="1.2.643.7.1.1.1.2")
    assert wide.digest == "md_gost12_512" and "512" in wide.algorithm_title
    assert not facts(key_algorithm="1.2.840.113549.1.1.1").is_gost


def test_stamp_carries_serial_owner_and_validity() -> None:
    stamp = stamp_of(facts())
    assert stamp.heading == "Документ подписан электронной подписью"
    assert stamp.serial == "2ED55CD8C1F"
    assert stamp.owner == "Иванов Иван Иванович, Администрация города Пензы"
    assert stamp.valid == "с 15.01.2026 по 15.01.2027"


def good(**changes: object) -> Verdict:
    base: dict[str, object] = {
        "kind": SignatureKind.DETACHED,
        "signed": True,
        "matches": True,
        "signature_valid": True,
        "signer": facts(),
        "signed_at": START + timedelta(days=30),
        "trusted": True,
    }
    base.update(changes)
    return Verdict(**base)  # type: ignore[arg-type]


def test_a_sound_signature_says_so_line_by_line() -> None:
    verdict = good()
    assert verdict.ok
    lines = verdict_lines(verdict, "14.02.2026 12:00:00 МСК")
    assert all(ok for ok, _ in lines)
    text = "\n".join(line for _, line in lines)
    assert "Файл совпадает с подписанным" in text
    assert "ОГРН 1025801358945, СНИЛС 12345678901" in text
    assert "Сертификат действовал на момент подписания" in text
    assert "Когда: 14.02.2026 12:00:00 МСК" in text


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"matches": False, "signature_valid": False}, "Файл НЕ совпадает"),
        ({"signature_valid": False}, "Подпись повреждена"),
        ({"signed_at": END + timedelta(days=1)}, "На момент подписания: Срок действия"),
        ({"signed_at": None}, "нет времени подписания"),
        ({"trusted": False, "trust_note": "Не ведёт к доверенному."}, "Не ведёт к доверенному."),
    ],
)
def test_each_failure_is_named_and_fails_the_whole(
    changes: dict[str, object], expected: str
) -> None:
    verdict = good(**changes)
    assert not verdict.ok
    bad = [line for ok, line in verdict_lines(verdict, "") if not ok]
    assert any(expected in line for line in bad), bad


def test_an_unreadable_signature_gives_only_its_problem() -> None:
    verdict = Verdict(SignatureKind.DETACHED, False, problem="Файл подписи не читается.")
    assert verdict_lines(verdict, "") == [(False, "Файл подписи не читается.")]
    assert not verdict.ok
