"""PAdES signatures (pyHanko, async API): demo certificates, signing, verifying.

Keys are stored sealed by app.core.secrets (see app.signature.keys)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from app.domain.signature.certificate import SigningError
from app.domain.signature.verdict import SignatureKind, Verdict
from app.signature.cms import facts_of

FIELD = "OtklikSignature"


# -- certificates ------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateInfo:
    """What a PKCS#12 holds, as the admin page shows it."""

    subject: str
    not_after: datetime


def _clip(text: str, limit: int) -> str:
    # X.509 bounds the common name at 64 bytes of UTF-8 (32 Cyrillic letters).
    while len(text.encode()) > limit:
        text = text[:-1]
    return text.rstrip()


def demo_pkcs12(organisation_name: str, now: datetime) -> tuple[bytes, bytes]:
    """A self-signed RSA-2048 signing certificate for demos: (PKCS#12 bytes, password)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name[:200]),
            x509.NameAttribute(NameOID.COMMON_NAME, _clip(organisation_name, 50) + " (демо)"),
        ]
    )
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # Wide on both sides: demos and tests move the clock (OTKLIK_CLOCK_OFFSET).
        .not_valid_before(now - timedelta(days=5 * 365))
        .not_valid_after(now + timedelta(days=5 * 365))
        # CA=True lets the self-signed certificate serve as its own trust root (STACK-NOTES).
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    password = secrets.token_urlsafe(24).encode()
    data = pkcs12.serialize_key_and_certificates(
        b"otklik", key, cert, None, serialization.BestAvailableEncryption(password)
    )
    return data, password


def _load(data: bytes, password: bytes) -> tuple[x509.Certificate, list[x509.Certificate]]:
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password or None)
    except ValueError as error:
        raise SigningError("Файл PKCS#12 не открывается: проверьте файл и пароль.") from error
    if key is None or cert is None:
        raise SigningError("В файле PKCS#12 нет закрытого ключа или сертификата.")
    return cert, list(extra)


def inspect_pkcs12(data: bytes, password: bytes, now: datetime) -> CertificateInfo:
    """Check a PKCS#12 file: it opens, holds a key and a certificate valid now."""
    cert, _ = _load(data, password)
    not_after = cert.not_valid_after_utc
    if not_after <= now or cert.not_valid_before_utc > now:
        raise SigningError("Срок действия сертификата не наступил или истёк.")
    return CertificateInfo(_friendly(cert.subject), not_after)


def _friendly(name: x509.Name) -> str:
    """«CN, O» as people read it (the O only when the CN does not already say it)."""
    common = [a.value for a in name.get_attributes_for_oid(NameOID.COMMON_NAME)]
    org = [a.value for a in name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    parts = [str(common[0])] if common else []
    if org and (not parts or str(org[0]) not in parts[0]):
        parts.append(str(org[0]))
    return ", ".join(parts) or name.rfc4514_string()


def trust_roots(data: bytes, password: bytes) -> list[asn1_x509.Certificate]:
    """The certificate and its chain as pyHanko certificates (trust roots for verifying)."""
    cert, extra = _load(data, password)
    return [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
        for c in (cert, *extra)
    ]


# -- signing and verifying ---------------------------------------------------------------


async def sign_pdf(pdf: bytes, data: bytes, password: bytes, reason: str, location: str) -> bytes:
    """Sign the PDF (PAdES baseline B) with the key and certificate of the PKCS#12."""
    signer = signers.SimpleSigner.load_pkcs12_data(data, [], passphrase=password or None)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, reason=reason, location=location, subfilter=SigSeedSubFilter.PADES
    )
    out = BytesIO()
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    await signers.async_sign_pdf(writer, meta, signer=signer, output=out)
    return out.getvalue()


async def verify_pdf(pdf: bytes, roots: list[asn1_x509.Certificate]) -> Verdict:
    """Check the PDF's last signature against the given trust roots."""
    pades = SignatureKind.PADES
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception:  # pyHanko raises several kinds on a broken file
        return Verdict(pades, False, problem="Файл не читается как PDF.")
    if not sigs:
        return Verdict(
            pades,
            False,
            problem="В документе нет встроенной подписи. Если к нему есть файл .sig, "
            "проверьте их вместе.",
        )
    sig = sigs[-1]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = await async_validate_pdf_signature(sig, context)
    except Exception as error:  # a mangled signature container
        return Verdict(pades, True, problem=f"Подпись не проверяется: {type(error).__name__}")
    whole = status.coverage is not None and status.coverage.name in (
        "ENTIRE_FILE",
        "ENTIRE_REVISION",
    )
    level = status.modification_level
    # Anything added after signing beyond timestamps/validation data counts as a change.
    unchanged = level is None or level.name in ("NONE", "LTA_UPDATES")
    signed_at = status.signer_reported_dt
    if signed_at is not None and signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=UTC)
    return Verdict(
        pades,
        signed=True,
        matches=bool(status.intact and whole and unchanged),
        signature_valid=bool(status.valid),
        signer=facts_of(status.signing_cert),
        signed_at=signed_at,
        trusted=bool(status.trusted),
        trust_note="Сертификат не принадлежит организациям системы и не ведёт к доверенному.",
    )
