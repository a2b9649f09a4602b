"""What the admin page «Электронная подпись» does: shows how the organisation signs, changes
it (each change logged in the organisation's journal) and tries a signature out.

A `gost-command` template is never set here: it runs a program on the server, which only the
server's operator may choose (`otklik signing set … --kind gost-command`); the page shows it
and can test it, and that test is where an admin sees a failing signer's own words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.core import clock
from app.db.tables import SigningKey, SigningProfile
from app.domain.signature.certificate import CertificateFacts, SigningError
from app.domain.signature.expiry import expiry_warning
from app.domain.signature.verdict import verdict_lines
from app.journal.events import EventActor, record_event
from app.signature.cms import facts_of
from app.signature.keys import signing_material, store_signing_key
from app.signature.pades import trust_roots
from app.signature.profiles import (
    ActiveProfile,
    Kind,
    Root,
    active_profile,
    forget_root,
    trust_root,
    trusted_roots,
    use_gost_openssl,
    use_pades,
)
from app.signature.signer import sign_file
from app.signature.verify import verify_document

# /verify is not an organisation's page: its times are Moscow's, as `otklik verify` prints.
MOSCOW = ZoneInfo("Europe/Moscow")
KIND_TITLES: dict[str, str] = {
    Kind.pades: "PAdES (подпись внутри PDF)",
    Kind.gost_openssl: "ГОСТ Р 34.10-2012 через OpenSSL",
    Kind.gost_command: "ГОСТ Р 34.10-2012 внешней программой (КриптоПро CSP)",
}


@dataclass(frozen=True)
class SignatureSettings:
    """The page's picture of the organisation's signing."""

    profile: ActiveProfile
    kind_title: str
    facts: CertificateFacts | None  # the certificate that signs (None: no key at all)
    is_demo: bool  # the demo's self-signed PKCS#12
    warning: str | None  # expired, not yet valid, or ending within a month
    roots: list[Root]


async def _pades_certificate(organisation_id: int) -> tuple[CertificateFacts | None, bool]:
    material = await signing_material(organisation_id)
    if material is None:
        return None, False
    row = await SigningKey.select(SigningKey.is_demo).where(
        SigningKey.organisation == organisation_id
    )
    facts = facts_of(trust_roots(material.data, material.password)[0])
    return facts, bool(row and row[0]["is_demo"])


async def signature_settings(organisation_id: int) -> SignatureSettings:
    """The active profile, its certificate (with a warning about its dates), trusted roots."""
    profile = await active_profile(organisation_id)
    if profile.is_gost:
        facts, is_demo = profile.facts, False
    else:
        facts, is_demo = await _pades_certificate(organisation_id)
    return SignatureSettings(
        profile=profile,
        kind_title=KIND_TITLES.get(profile.kind, profile.kind),
        facts=facts,
        is_demo=is_demo,
        warning=expiry_warning(facts, clock.now()) if facts else None,
        roots=await trusted_roots(organisation_id),
    )


def _certificate(facts: CertificateFacts) -> dict[str, Any]:
    """A certificate as the journal records it."""
    return {"owner": facts.owner, "serial": facts.serial_hex, "until": facts.not_after.isoformat()}


async def _logged(organisation_id: int, kind: str, actor: EventActor, **after: Any) -> None:
    await record_event(organisation_id, kind, actor, after=after)


async def install_pkcs12(
    organisation_id: int, data: bytes, password: str, actor: EventActor
) -> None:
    """Check and install a PKCS#12 key and sign with it (PAdES). SigningError: nothing changes."""
    async with SigningProfile._meta.db.transaction():
        info = await store_signing_key(organisation_id, data, password, actor.user_id)
        await use_pades(organisation_id, actor.user_id)
        until = info.not_after.isoformat()
        await _logged(
            organisation_id, "admin_signature_pades", actor, owner=info.subject, until=until
        )


async def back_to_pades(organisation_id: int, actor: EventActor) -> None:
    """Sign with the installed PKCS#12 again; the GOST settings are forgotten."""
    async with SigningProfile._meta.db.transaction():
        await use_pades(organisation_id, actor.user_id)
        await _logged(organisation_id, "admin_signature_pades", actor)


async def install_gost(
    organisation_id: int, key_pem: bytes, certificate: bytes, actor: EventActor
) -> CertificateFacts:
    """Check the pair with a test signature and sign with it (GOST via OpenSSL)."""
    async with SigningProfile._meta.db.transaction():
        facts = await use_gost_openssl(organisation_id, key_pem, certificate, actor.user_id)
        await _logged(organisation_id, "admin_signature_gost", actor, **_certificate(facts))
    return facts


async def add_trusted(organisation_id: int, certificate: bytes, actor: EventActor) -> list[Root]:
    """Trust the file's certificates (a root, or a bundle); returns the ones that were new."""
    async with SigningProfile._meta.db.transaction():
        added = await trust_root(organisation_id, certificate, actor.user_id)
        for root in added:
            await _logged(organisation_id, "admin_root_trusted", actor, **_certificate(root.facts))
    return added


async def remove_trusted(organisation_id: int, root_id: int, actor: EventActor) -> bool:
    """Stop trusting a certificate of this organisation; False when it has no such one."""
    async with SigningProfile._meta.db.transaction():
        roots = {r.id: r for r in await trusted_roots(organisation_id)}
        if root_id not in roots or not await forget_root(organisation_id, root_id):
            return False
        await _logged(
            organisation_id, "admin_root_removed", actor, **_certificate(roots[root_id].facts)
        )
    return True


# -- «Проверить подпись» ------------------------------------------------------------------


def probe_pdf(title: str) -> bytes:
    """A one-page PDF to sign: any kind of profile can sign it (PAdES needs a PDF)."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    content = b"BT /F1 14 Tf 72 770 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    pdf, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


@dataclass(frozen=True)
class SignatureCheck:
    """What «Проверить подпись» found: an error, or the verdict's lines."""

    error: str = ""
    lines: list[tuple[bool, str]] = field(default_factory=list)
    ok: bool = False
    signer: str = ""
    seconds: float = 0.0


def signing_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """The signing time as a reader in the zone writes it ("" when there is none)."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    label = "МСК" if zone.key == "Europe/Moscow" else f"UTC{local.strftime('%z')[:3]}"
    return f"{local.strftime('%d.%m.%Y %H:%M:%S')} {label}"


async def try_signature(organisation_id: int, zone: ZoneInfo) -> SignatureCheck:
    """Sign a test document with the active profile, as a report is signed, and verify it
    as /verify would; nothing is stored."""
    data = probe_pdf(f"Otklik: signature test {clock.now():%Y-%m-%d %H:%M:%S}")
    try:
        signed = await sign_file(organisation_id, data, "pdf", "Проверка подписи", "Отклик")
    except SigningError as error:
        return SignatureCheck(error=error.message_ru)
    if not signed.signer:
        return SignatureCheck(error="Документ не подписан: ключ подписи не установлен.")
    verdict = await verify_document(signed.data, signed.signature, [organisation_id])
    lines = verdict_lines(verdict, signing_time(verdict.signed_at, zone))
    return SignatureCheck(lines=lines, ok=verdict.ok, signer=signed.signer, seconds=signed.seconds)
