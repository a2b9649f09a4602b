"""Signing a report's file with the organisation's active profile: the one entry the archive,
the worker's deliveries and immediate reports use.

`pades`: a PDF gets its signature inside (pyHanko); an XLSX stays unsigned, as before.
GOST kinds: every file (PDF, XLSX) gets a detached CMS signature `<file>.sig`; the file itself
is not changed, so the PDF's visible stamp is drawn when it is rendered (`stamp_for`)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from app.core import clock
from app.domain.signature.certificate import (
    CertificateFacts,
    SigningError,
    Stamp,
    require_valid_for_signing,
    stamp_of,
)
from app.signature.cms import facts_of, read_detached
from app.signature.command import CommandSignError, sign_with_command
from app.signature.keys import signing_material
from app.signature.openssl import sign_detached, signature_verifies
from app.signature.pades import sign_pdf, trust_roots
from app.signature.profiles import ActiveProfile, Kind, active_profile, gost_key


@dataclass(frozen=True)
class SignedFile:
    """A report's bytes after signing."""

    data: bytes  # the file (with its PAdES signature inside, for a PAdES PDF)
    signature: bytes | None  # the detached CMS signature (GOST kinds)
    signer: str  # the certificate's owner ("" = unsigned)
    seconds: float = 0.0  # how long signing took (for the figures in docs)


async def _pades_facts(organisation_id: int) -> CertificateFacts | None:
    material = await signing_material(organisation_id)
    if material is None:
        return None
    return facts_of(trust_roots(material.data, material.password)[0])


async def stamp_for(organisation_id: int) -> Stamp | None:
    """The visible stamp a PDF carries, from the certificate that will sign it."""
    profile = await active_profile(organisation_id)
    facts = profile.facts if profile.is_gost else await _pades_facts(organisation_id)
    return stamp_of(facts) if facts is not None else None


async def _gost_signature(organisation_id: int, profile: ActiveProfile, data: bytes) -> bytes:
    facts = profile.facts
    assert facts is not None  # a GOST profile always has its certificate
    require_valid_for_signing(facts, clock.now())
    if profile.kind == Kind.gost_openssl:
        signer, _, chain = profile.certificate_pem.partition("-----END CERTIFICATE-----\n")
        return await sign_detached(
            data,
            await gost_key(organisation_id),
            signer + "-----END CERTIFICATE-----\n",
            chain,
            facts.digest,
        )
    try:
        signature = await sign_with_command(profile.command, data, profile.command_timeout)
    except CommandSignError as error:
        raise SigningError(error.message_ru, "command") from error
    # The program is not ours: check it signed this file with the profile's certificate.
    made = read_detached(signature)
    if facts_of(made.signer).serial_hex != facts.serial_hex:
        raise SigningError(
            f"Программа подписи подписала другим сертификатом (№ "
            f"{facts_of(made.signer).serial_hex.upper()}), а в настройках — № "
            f"{facts.serial_hex.upper()}.",
            "command",
        )
    if not await signature_verifies(data, signature):
        raise SigningError("Подпись, сделанная программой, не проверяется.", "command")
    return signature


async def sign_file(
    organisation_id: int, data: bytes, file_format: str, reason: str, location: str
) -> SignedFile:
    """Sign a report's file as the organisation's profile says. SigningError (the report is
    not made) when the certificate is out of its validity or the signer fails."""
    started = time.perf_counter()
    profile = await active_profile(organisation_id)
    if profile.is_gost:
        signature = await _gost_signature(organisation_id, profile, data)
        owner = profile.facts.owner if profile.facts else ""
        return SignedFile(data, signature, owner, time.perf_counter() - started)
    material = await signing_material(organisation_id)
    if material is None or file_format != "pdf":
        return SignedFile(data, None, "")
    signer = facts_of(trust_roots(material.data, material.password)[0])
    require_valid_for_signing(signer, clock.now())
    signed = await sign_pdf(data, material.data, material.password, reason, location)
    return SignedFile(signed, None, material.subject, time.perf_counter() - started)
