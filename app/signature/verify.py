"""Checking a signed report: a PDF with its signature inside (PAdES), or any file with its
detached CMS signature (`report.pdf` + `report.pdf.sig`, GOST R 34.10-2012 or RSA).

Trust: a detached signature is trusted when its certificate chains, at the signing time, to a
certificate an admin loaded as trusted (an accredited CA's root, or an intermediate: partial
chains are allowed); a PAdES one also when it is an organisation's own certificate (the demo's
self-signed ones)."""

from __future__ import annotations

from asn1crypto import x509 as asn1_x509

from app.core import clock
from app.domain.signature.certificate import SigningError
from app.domain.signature.verdict import SignatureKind, Verdict
from app.signature.cms import facts_of, load_certificates, read_detached, to_pem
from app.signature.keys import known_roots
from app.signature.openssl import chains_to, digest_of, signature_verifies
from app.signature.pades import verify_pdf
from app.signature.profiles import trusted_pem

MAX_FILE_BYTES = 20 * 1024 * 1024

# Digest OIDs of detached signatures → OpenSSL's names (GOST R 34.11-2012 and SHA-2).
DIGESTS = {
    "1.2.643.7.1.1.2.2": "md_gost12_256",
    "1.2.643.7.1.1.2.3": "md_gost12_512",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
NO_ROOTS = (
    "Доверенные сертификаты не загружены, поэтому нельзя сказать, выдан ли сертификат "
    "аккредитованным удостоверяющим центром. Администратор загружает корневые сертификаты "
    "на странице «Электронная подпись»."
)
NOT_CHAINED = (
    "Сертификат не ведёт ни к одному доверенному сертификату (на момент подписания): он выдан "
    "не тем удостоверяющим центром или цепочка неполна."
)


async def verify_detached(
    data: bytes, signature: bytes, organisation_ids: list[int] | None
) -> Verdict:
    """Check a file against its detached signature; trust by the organisations' roots."""
    detached = SignatureKind.DETACHED
    try:
        parsed = read_detached(signature)
    except SigningError as error:
        return Verdict(detached, False, problem=error.message_ru)
    digest = DIGESTS.get(parsed.digest_oid)
    if digest is None:
        return Verdict(
            detached, True, problem=f"Неизвестный алгоритм хэширования {parsed.digest_oid}."
        )
    matches = parsed.message_digest == await digest_of(data, digest)
    valid = matches and await signature_verifies(data, signature)
    facts = facts_of(parsed.signer)
    roots = await trusted_pem(organisation_ids)
    trusted, note = False, NO_ROOTS
    if roots:
        others = [c for c in parsed.certificates if c.dump() != parsed.signer.dump()]
        run = await chains_to(
            to_pem([parsed.signer]), to_pem(others), roots, parsed.signed_at or clock.now()
        )
        trusted, note = run.returncode == 0, NOT_CHAINED
    return Verdict(
        detached,
        signed=True,
        matches=matches,
        signature_valid=valid,
        signer=facts,
        signed_at=parsed.signed_at,
        trusted=trusted,
        trust_note="" if trusted else note,
    )


async def _pdf_roots(organisation_ids: list[int] | None) -> list[asn1_x509.Certificate]:
    roots = await known_roots()
    bundle = await trusted_pem(organisation_ids)
    if bundle:
        roots.extend(load_certificates(bundle.encode()))
    return roots


async def verify_document(
    data: bytes, signature: bytes | None, organisation_ids: list[int] | None = None
) -> Verdict:
    """The check `otklik verify` and the /verify page run: detached when a signature file is
    given, else the PDF's own signature. `organisation_ids`: whose trusted roots count (None:
    every organisation's, for the server's operator)."""
    if signature is not None:
        return await verify_detached(data, signature, organisation_ids)
    return await verify_pdf(data, await _pdf_roots(organisation_ids))
