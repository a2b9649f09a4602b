"""PAdES signatures (pyHanko, async API): demo certificates, signing, verifying.

Keys are stored sealed by app.core.secrets (see app.reporting.signing_keys)."""

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

from app.core.errors import UserError

FIELD = "OtklikSignature"


class SigningError(UserError):
    """A certificate or key that cannot be used."""


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


@dataclass(frozen=True)
class Verification:
    """What `otklik verify` and the verification page say about a PDF."""

    signed: bool
    signer: str = ""
    signed_at: datetime | None = None
    intact: bool = False  # the signed bytes are unchanged and cover the whole document
    trusted: bool = False  # the certificate is one of ours (or chains to one)
    problem: str = ""

    @property
    def ok(self) -> bool:
        """Signed, intact and by a known certificate."""
        return self.signed and self.intact and self.trusted


def _subject(cert: asn1_x509.Certificate) -> str:
    names = cert.subject.native
    common, org = names.get("common_name", ""), names.get("organization_name", "")
    if common and org and org not in common:
        return f"{common}, {org}"
    return str(common or org or cert.subject.human_friendly)


async def verify_pdf(pdf: bytes, roots: list[asn1_x509.Certificate]) -> Verification:
    """Check the PDF's last signature against the given trust roots."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception:  # pyHanko raises several kinds on a broken file
        return Verification(False, problem="Файл не читается как PDF.")
    if not sigs:
        return Verification(False, problem="В документе нет электронной подписи.")
    sig = sigs[-1]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = await async_validate_pdf_signature(sig, context)
    except Exception as error:  # a mangled signature container
        return Verification(True, problem=f"Подпись не проверяется: {type(error).__name__}")
    whole = status.coverage is not None and status.coverage.name in (
        "ENTIRE_FILE",
        "ENTIRE_REVISION",
    )
    level = status.modification_level
    # Anything added after signing beyond timestamps/validation data counts as a change.
    unchanged = level is None or level.name in ("NONE", "LTA_UPDATES")
    intact = bool(status.intact and status.valid and whole and unchanged)
    signed_at = status.signer_reported_dt
    if signed_at is not None and signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=UTC)
    return Verification(
        signed=True,
        signer=_subject(status.signing_cert),
        signed_at=signed_at,
        intact=intact,
        trusted=bool(status.trusted),
    )
