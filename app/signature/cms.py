"""Reading certificates and detached CMS signatures (asn1crypto): who signed, when, with
which digest. asn1crypto does not know GOST public keys, so only names, dates, extensions and
attributes are read here; the mathematics is OpenSSL's (app.signature.openssl)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

# Imported for its side effect: asn1crypto then reads a public key of an algorithm it does
# not know (GOST R 34.10-2012) as plain bits instead of failing on the certificate.
import pyhanko_certvalidator.asn1_types  # noqa: F401
from asn1crypto import cms, pem, x509

from app.domain.signature.certificate import CertificateFacts, SigningError, identifiers_of

MAX_CERTIFICATE_BYTES = 256 * 1024
MAX_SIGNATURE_BYTES = 1024 * 1024


def _name_attributes(name: x509.Name) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for rdn in name.chosen:
        for attribute in rdn:
            value = attribute["value"].native
            found.append((attribute["type"].dotted, str(value) if value is not None else ""))
    return found


def _first(attributes: list[tuple[str, str]], oid: str) -> str:
    return next((value for key, value in attributes if key == oid), "")


def facts_of(cert: x509.Certificate) -> CertificateFacts:
    """The facts a person checks, from a parsed certificate."""
    subject = _name_attributes(cert.subject)
    issuer = _name_attributes(cert.issuer)
    validity = cert["tbs_certificate"]["validity"]
    constraints = cert.basic_constraints_value
    return CertificateFacts(
        common_name=_first(subject, "2.5.4.3"),
        organisation=_first(subject, "2.5.4.10"),
        serial_hex=format(cert.serial_number, "x"),
        issuer=_first(issuer, "2.5.4.3") or _first(issuer, "2.5.4.10"),
        not_before=validity["not_before"].native,
        not_after=validity["not_after"].native,
        key_algorithm=cert["tbs_certificate"]["subject_public_key_info"]["algorithm"][
            "algorithm"
        ].dotted,
        identifiers=identifiers_of(subject),
        is_ca=bool(constraints and constraints["ca"].native),
    )


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle or one DER certificate; SigningError if none."""
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise SigningError("Файл сертификата больше 256 КБ.")
    try:
        if pem.detect(data):
            found = [
                x509.Certificate.load(der)
                for kind, _, der in pem.unarmor(data, multiple=True)
                if kind == "CERTIFICATE"
            ]
        else:
            found = [x509.Certificate.load(data)]
        for cert in found:
            facts_of(cert)  # parse now what is read later (not the key: GOST is unknown)
    except (ValueError, TypeError, KeyError) as error:
        raise SigningError(
            "Файл не читается как сертификат X.509 (PEM или DER).", "certificate_format"
        ) from error
    if not found:
        raise SigningError("В файле нет сертификата.", "certificate_format")
    return found


def to_pem(certs: list[x509.Certificate]) -> str:
    """Certificates as one PEM bundle (what OpenSSL reads)."""
    return "".join(pem.armor("CERTIFICATE", c.dump()).decode() for c in certs)


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER, hex."""
    return hashlib.sha256(cert.dump()).hexdigest()


@dataclass(frozen=True)
class DetachedSignature:
    """The parts of a CMS SignedData a verification reads."""

    signer: x509.Certificate
    certificates: list[x509.Certificate]
    signed_at: datetime | None
    digest_oid: str
    message_digest: bytes | None


def _signer_certificate(signed: cms.SignedData, info: cms.SignerInfo) -> x509.Certificate:
    certs = [c.chosen for c in signed["certificates"] if c.name == "certificate"]
    sid = info["sid"]
    for cert in certs:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                cert.serial_number == wanted["serial_number"].native
                and cert.issuer == wanted["issuer"]
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    raise SigningError(
        "В подписи нет сертификата подписанта: проверить, кто подписал, нельзя.", "no_signer"
    )


def read_detached(data: bytes) -> DetachedSignature:
    """Parse a detached CMS signature (DER, or PEM «-----BEGIN CMS-----»)."""
    bad = SigningError(
        "Файл подписи не читается как подпись CMS (PKCS#7): это не файл .sig.", "signature_format"
    )
    if len(data) > MAX_SIGNATURE_BYTES:
        raise bad
    try:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        info = cms.ContentInfo.load(data)
        if info["content_type"].native != "signed_data":
            raise bad
        signed = info["content"]
        if signed["encap_content_info"]["content"].native is not None:
            raise SigningError(
                "Подпись не откреплённая: файл внутри подписи. Нужен файл .sig без содержимого.",
                "attached",
            )
        signer_info = signed["signer_infos"][0]
        attributes = {a["type"].native: a["values"][0].native for a in signer_info["signed_attrs"]}
        signer = _signer_certificate(signed, signer_info)
        certificates = [c.chosen for c in signed["certificates"] if c.name == "certificate"]
        signed_at = attributes.get("signing_time")
        digest = attributes.get("message_digest")
        return DetachedSignature(
            signer=signer,
            certificates=certificates,
            signed_at=signed_at if isinstance(signed_at, datetime) else None,
            digest_oid=signer_info["digest_algorithm"]["algorithm"].dotted,
            message_digest=digest if isinstance(digest, bytes) else None,
        )
    except SigningError:
        raise
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise bad from error
