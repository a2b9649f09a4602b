"""Test GOST certificates made with OpenSSL's GOST engine (app.signature.openssl_certs)."""

from __future__ import annotations

import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from asn1crypto import core, pem, x509

from app.signature.openssl_certs import (
    CertificateToolError,
    issue_gost_certificate,
    make_gost_ca,
)
from tests.integration.signature.conftest import GostPki

NUMERIC_STRING, UTF8_STRING = 0x12, 0x0C
GOST_256_KEY, GOST_512_KEY = "1.2.643.7.1.1.1.1", "1.2.643.7.1.1.1.2"
GOST_256_SIGNATURE = "1.2.643.7.1.1.3.2"  # GOST R 34.10-2012 with GOST R 34.11-2012 (256)


def load(path: Path) -> x509.Certificate:
    return x509.Certificate.load(pem.unarmor(path.read_bytes())[2])


def subject(cert: x509.Certificate) -> dict[str, tuple[int, str]]:
    """Each attribute of the subject by OID: (its ASN.1 string tag, its value)."""
    return {
        atv["type"].dotted: (atv["value"].dump()[0], atv["value"].native)
        for rdn in cert.subject.chosen
        for atv in rdn
    }


def key_algorithm(cert: x509.Certificate) -> str:
    """The public key's algorithm OID, read as plain DER (asn1crypto knows no GOST keys)."""
    key_info = core.Sequence.load(cert["tbs_certificate"]["subject_public_key_info"].dump())
    algorithm = core.Sequence.load(key_info[0].dump())
    return core.ObjectIdentifier.load(algorithm[0].dump()).dotted


def openssl_verify(ca_cert: Path, cert: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["openssl", "verify", "-engine", "gost", "-CAfile", str(ca_cert), str(cert)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_signer_carries_the_russian_identifiers_as_numeric_strings(gost_pki: GostPki) -> None:
    names = subject(load(gost_pki.signer_cert))

    assert names["2.5.4.3"] == (UTF8_STRING, "Иванов Иван Иванович")
    assert names["2.5.4.10"] == (UTF8_STRING, "Администрация города Пензы")
    assert names["1.2.643.100.1"] == (NUMERIC_STRING, "1025801358945")  # OGRN
    assert names["1.2.643.100.4"] == (NUMERIC_STRING, "5834012348")  # INNLE
    assert names["1.2.643.100.3"] == (NUMERIC_STRING, "11223344595")  # SNILS
    assert names["1.2.643.3.131.1.1"] == (NUMERIC_STRING, "583401234542")  # INN


def test_keys_are_gost_2012_of_the_asked_size(gost_pki: GostPki) -> None:
    for path, algorithm in (
        (gost_pki.signer_cert, GOST_256_KEY),
        (gost_pki.signer512_cert, GOST_512_KEY),
    ):
        cert = load(path)
        assert key_algorithm(cert) == algorithm
        # Issued by the 256-bit CA: signed with its key and digest.
        assert cert["signature_algorithm"]["algorithm"].dotted == GOST_256_SIGNATURE
        assert cert.issuer == load(gost_pki.ca_cert).subject


def test_keys_are_readable_by_their_owner_only(gost_pki: GostPki) -> None:
    for key in (gost_pki.ca_key, gost_pki.signer_key, gost_pki.other_key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_the_ca_is_a_ca_and_the_signer_signs(gost_pki: GostPki) -> None:
    ca, signer = load(gost_pki.ca_cert), load(gost_pki.signer_cert)
    assert ca.ca is True
    assert ca.self_signed == "maybe"  # asn1crypto cannot check a GOST signature itself
    assert signer.ca is False
    assert signer.key_usage_value.native == {"digital_signature", "non_repudiation"}


def test_openssl_accepts_the_chain_of_a_valid_signer_only(gost_pki: GostPki) -> None:
    assert openssl_verify(gost_pki.ca_cert, gost_pki.signer_cert).returncode == 0
    assert openssl_verify(gost_pki.ca_cert, gost_pki.signer512_cert).returncode == 0
    assert openssl_verify(gost_pki.other_ca_cert, gost_pki.other_cert).returncode == 0
    expired = openssl_verify(gost_pki.ca_cert, gost_pki.expired_cert)
    assert "certificate has expired" in expired.stderr
    future = openssl_verify(gost_pki.ca_cert, gost_pki.future_cert)
    assert "certificate is not yet valid" in future.stderr
    other = openssl_verify(gost_pki.ca_cert, gost_pki.other_cert)
    assert "unable to get local issuer certificate" in other.stderr


def test_validity_is_exactly_as_asked(gost_pki: GostPki, tmp_path: Path) -> None:
    start = datetime(2019, 3, 1, 9, 30, 15, tzinfo=UTC)
    end = datetime(2061, 12, 31, 23, 59, 59, tzinfo=UTC)  # past 2049: a GeneralizedTime
    _, cert = issue_gost_certificate(
        tmp_path, gost_pki.ca_key, gost_pki.ca_cert, {"CN": "Срок"}, start, end
    )
    assert load(cert).not_valid_before == start
    assert load(cert).not_valid_after == end


def test_dates_in_another_zone_are_taken_as_the_same_instant(
    gost_pki: GostPki, tmp_path: Path
) -> None:
    moscow = datetime(2026, 1, 1, 3, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    _, cert = issue_gost_certificate(
        tmp_path,
        gost_pki.ca_key,
        gost_pki.ca_cert,
        {"CN": "Москва"},
        moscow,
        moscow + timedelta(days=1),
    )
    assert load(cert).not_valid_before == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)


def test_slashes_and_backslashes_in_a_name_are_kept(gost_pki: GostPki, tmp_path: Path) -> None:
    name = "Отдел 1/2 \\ приёмная"
    _, cert = issue_gost_certificate(
        tmp_path,
        gost_pki.ca_key,
        gost_pki.ca_cert,
        {"CN": name},
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert subject(load(cert))["2.5.4.3"] == (UTF8_STRING, name)


def test_a_ca_with_its_own_dates_and_a_512_bit_key(tmp_path: Path) -> None:
    start, end = datetime(2020, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC)
    key, cert = make_gost_ca(
        tmp_path, "УЦ 512", stem="ca512", not_before=start, not_after=end, bits=512
    )
    assert (key.name, cert.name) == ("ca512.key.pem", "ca512.cert.pem")
    loaded = load(cert)
    assert (loaded.not_valid_before, loaded.not_valid_after) == (start, end)
    assert loaded.subject.native == {
        "country_name": "RU",
        "organization_name": "УЦ 512",
        "common_name": "УЦ 512",
    }
    assert loaded["signature_algorithm"]["algorithm"].dotted == "1.2.643.7.1.1.3.3"


def test_an_unknown_name_attribute_is_refused_in_russian(gost_pki: GostPki, tmp_path: Path) -> None:
    with pytest.raises(CertificateToolError) as caught:
        issue_gost_certificate(
            tmp_path,
            gost_pki.ca_key,
            gost_pki.ca_cert,
            {"CN": "x", "1.2.3": "y"},
            datetime(2026, 1, 1, tzinfo=UTC),
            datetime(2027, 1, 1, tzinfo=UTC),
        )
    assert caught.value.message_ru == "Неизвестное поле имени в сертификате: '1.2.3'."


def test_a_date_without_a_zone_is_a_programming_error(gost_pki: GostPki, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        issue_gost_certificate(
            tmp_path,
            gost_pki.ca_key,
            gost_pki.ca_cert,
            {"CN": "x"},
            datetime(2026, 1, 1),
            datetime(2027, 1, 1, tzinfo=UTC),
        )
