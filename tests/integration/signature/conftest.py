"""GOST test certificates made at test time with OpenSSL's GOST engine, and the cryptcp stand-in.

`gost_pki` is made once per pytest session (~0.2 s): a test CA with signers valid now, expired
and not yet valid, a 512-bit signer, and a second, unrelated CA with a signer of its own for
«signed by a different certificate». Dates are real time, not app.core.clock: OpenSSL checks
validity against the system clock.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.signature.openssl_certs import issue_gost_certificate, make_gost_ca

FAKE_CRYPTCP = Path(__file__).with_name("fake_cryptcp.py")

# Identifiers with valid check digits, as a qualified certificate of a municipal head has.
SIGNER_SUBJECT = {
    "C": "RU",
    "ST": "58 Пензенская область",
    "L": "Пенза",
    "O": "Администрация города Пензы",
    "title": "Глава администрации",
    "CN": "Иванов Иван Иванович",
    "SN": "Иванов",
    "GN": "Иван Иванович",
    "OGRN": "1025801358945",
    "INNLE": "5834012348",
    "SNILS": "11223344595",
    "INN": "583401234542",
}
OTHER_SUBJECT = {
    "C": "RU",
    "O": "ООО «Посторонний»",
    "CN": "Петров Пётр Петрович",
    "OGRN": "1027700132195",
    "INNLE": "7701234560",
}


@dataclass(frozen=True)
class GostPki:
    """Paths of PEM keys and certificates; every signer but `other_*` is issued by the CA."""

    ca_key: Path
    ca_cert: Path
    signer_key: Path  # GOST 2012-256, valid from a month ago to a year ahead
    signer_cert: Path
    signer512_key: Path  # GOST 2012-512, valid like signer
    signer512_cert: Path
    expired_key: Path  # valid from two years ago to a month ago
    expired_cert: Path
    future_key: Path  # valid from a month ahead to a year and a month ahead
    future_cert: Path
    other_ca_key: Path  # an unrelated CA
    other_ca_cert: Path
    other_key: Path  # issued by the unrelated CA, valid now
    other_cert: Path


@pytest.fixture(scope="session")
def gost_pki(tmp_path_factory: pytest.TempPathFactory) -> GostPki:
    """A GOST test PKI, made once per session."""
    folder = tmp_path_factory.mktemp("gost-pki")
    now = datetime.now(UTC).replace(microsecond=0)
    month, year = timedelta(days=30), timedelta(days=365)
    start, end = now - 5 * year, now + 10 * year
    ca = make_gost_ca(
        folder, "Тестовый удостоверяющий центр «Отклик»", not_before=start, not_after=end
    )
    other_ca = make_gost_ca(
        folder, "Посторонний УЦ", stem="other-ca", not_before=start, not_after=end
    )

    def issue(stem: str, start: datetime, end: datetime, bits: int = 256) -> tuple[Path, Path]:
        return issue_gost_certificate(folder, *ca, SIGNER_SUBJECT, start, end, bits, stem=stem)

    other = issue_gost_certificate(
        folder, *other_ca, OTHER_SUBJECT, now - month, now + year, stem="other"
    )
    return GostPki(
        *ca,
        *issue("signer", now - month, now + year),
        *issue("signer512", now - month, now + year, 512),
        *issue("expired", now - 2 * year, now - month),
        *issue("future", now + month, now + year + month),
        *other_ca,
        *other,
    )


def fake_cryptcp_template(key: Path, cert: Path, *options: str) -> str:
    """A command template running the cryptcp stand-in with this Python, e.g.
    fake_cryptcp_template(pki.signer_key, pki.signer_cert, "-detached", "-der")."""
    words = [sys.executable, str(FAKE_CRYPTCP), "-sign", *options]
    words += ["-key", str(key), "-cert", str(cert)]
    return " ".join(shlex.quote(word) for word in words) + " {in} {out}"
