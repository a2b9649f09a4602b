"""What a signer's certificate says, as Russian e-document practice reads it, and whether it
could sign at a given moment.

The Russian identifiers (ОГРН, ОГРНИП, СНИЛС, ИНН, ИНН ЮЛ) are name attributes of the
qualified certificate, by the OIDs of the Requirements to its form (приказ ФСБ России от
27.12.2011 № 795).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.core.errors import UserError

# OID → the name people read; the order is the order the verification shows them in.
RUSSIAN_IDENTIFIERS: dict[str, str] = {
    "1.2.643.100.1": "ОГРН",
    "1.2.643.100.5": "ОГРНИП",
    "1.2.643.100.4": "ИНН ЮЛ",
    "1.2.643.3.131.1.1": "ИНН",
    "1.2.643.100.3": "СНИЛС",
}

# Signature algorithms by OID: GOST R 34.10-2012 with its 256- and 512-bit keys, and the
# RSA/ECDSA ones of PAdES certificates (names only, for the verification's wording).
ALGORITHMS: dict[str, str] = {
    "1.2.643.7.1.1.1.1": "ГОСТ Р 34.10-2012 (256 бит)",
    "1.2.643.7.1.1.1.2": "ГОСТ Р 34.10-2012 (512 бит)",
    "1.2.643.7.1.1.3.2": "ГОСТ Р 34.10-2012 (256 бит)",
    "1.2.643.7.1.1.3.3": "ГОСТ Р 34.10-2012 (512 бит)",
    "1.2.643.2.2.19": "ГОСТ Р 34.10-2001",
    "1.2.840.113549.1.1.1": "RSA",
    "1.2.840.10045.2.1": "ECDSA",
}

# GOST R 34.11-2012 «Стрибог» digests: the one a GOST key of each size signs with.
DIGEST_OIDS: dict[str, str] = {
    "1.2.643.7.1.1.2.2": "md_gost12_256",
    "1.2.643.7.1.1.2.3": "md_gost12_512",
}
GOST_KEY_DIGESTS: dict[str, str] = {
    "1.2.643.7.1.1.1.1": "md_gost12_256",
    "1.2.643.7.1.1.1.2": "md_gost12_512",
}


class SigningError(UserError):
    """A key, certificate or signer that cannot be used: wrong file, kind or dates; a signer
    program that failed. Nothing is signed; `message_ru` says why."""

    default_code = "signing"


@dataclass(frozen=True)
class CertificateFacts:
    """The parts of an X.509 certificate a person checks."""

    common_name: str
    organisation: str
    serial_hex: str
    issuer: str
    not_before: datetime
    not_after: datetime
    key_algorithm: str  # an OID
    identifiers: dict[str, str] = field(default_factory=dict)  # "ОГРН" → "1025801358945"
    is_ca: bool = False

    @property
    def owner(self) -> str:
        """«CN, O» as people read it (the O only when the CN does not already say it)."""
        parts = [self.common_name] if self.common_name else []
        if self.organisation and (not parts or self.organisation not in parts[0]):
            parts.append(self.organisation)
        return ", ".join(parts) or self.issuer

    @property
    def is_gost(self) -> bool:
        """A GOST R 34.10-2012 key (256 or 512 bits)."""
        return self.key_algorithm in GOST_KEY_DIGESTS

    @property
    def algorithm_title(self) -> str:
        """The key's algorithm as a reader knows it."""
        return ALGORITHMS.get(self.key_algorithm, self.key_algorithm)

    @property
    def digest(self) -> str:
        """The GOST R 34.11-2012 digest matching the key (OpenSSL's name)."""
        return GOST_KEY_DIGESTS.get(self.key_algorithm, "md_gost12_256")


def identifiers_of(attributes: list[tuple[str, str]]) -> dict[str, str]:
    """The Russian identifiers among a name's (OID, value) attributes, in display order."""
    found = {
        RUSSIAN_IDENTIFIERS[oid]: value.strip()
        for oid, value in attributes
        if oid in RUSSIAN_IDENTIFIERS
    }
    return {name: found[name] for name in RUSSIAN_IDENTIFIERS.values() if name in found}


def _day(moment: datetime) -> str:
    return moment.strftime("%d.%m.%Y")


def validity_problem(facts: CertificateFacts, at: datetime) -> str | None:
    """Why the certificate could not sign at `at` (a Russian sentence), or None."""
    if at < facts.not_before:
        return f"Сертификат «{facts.owner}» начинает действовать только {_day(facts.not_before)}."
    if at > facts.not_after:
        return f"Срок действия сертификата «{facts.owner}» истёк {_day(facts.not_after)}."
    return None


def require_valid_for_signing(facts: CertificateFacts, at: datetime) -> None:
    """Refuse to sign with a certificate outside its validity (the report is not made)."""
    problem = validity_problem(facts, at)
    if problem:
        raise SigningError(
            f"{problem} Отчёт не подписан: установите действующий сертификат.", "expired"
        )


@dataclass(frozen=True)
class Stamp:
    """The visible stamp «Документ подписан электронной подписью» (the layout used on Russian
    e-documents: the heading, then the certificate's serial, owner and validity)."""

    heading: str
    serial: str
    owner: str
    valid: str


def stamp_of(facts: CertificateFacts) -> Stamp:
    """The stamp's lines for a certificate."""
    return Stamp(
        heading="Документ подписан электронной подписью",
        serial=facts.serial_hex.upper(),
        owner=facts.owner,
        valid=f"с {_day(facts.not_before)} по {_day(facts.not_after)}",
    )
