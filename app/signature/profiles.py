"""How each organisation signs (one active signing profile) and which roots its admin trusts.

Kinds: `pades` (the PKCS#12 in SigningKey, the demo's self-signed one unless an admin loaded
one), `gost-openssl` (GOST R 34.10-2012 key + certificate, the key sealed with AES-GCM),
`gost-command` (an external signer: CryptoPro CSP's cryptcp, a token's tool; no key here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import anyio.to_thread

from app.core import clock
from app.core.keyring import load_keyring
from app.core.secrets import is_current, seal, unseal
from app.db.sealed import GOST_KEY
from app.db.tables import Organisation, SigningKey, SigningProfile, TrustedRoot
from app.domain.signature.certificate import (
    CertificateFacts,
    SigningError,
    require_valid_for_signing,
)
from app.domain.signature.command import CommandTemplateError, parse_command_template
from app.signature.cms import facts_of, fingerprint, load_certificates, to_pem
from app.signature.openssl import sign_detached, signature_verifies

Kind = SigningProfile.Kind
MAX_KEY_BYTES = 64 * 1024
MAX_TIMEOUT_SECONDS = 600
MAX_TRUSTED_ROOTS = 50


@dataclass(frozen=True)
class ActiveProfile:
    """An organisation's signing profile as signing and the admin page use it."""

    kind: str
    certificate_pem: str = ""  # GOST kinds: the signer's certificate, then its chain
    facts: CertificateFacts | None = None
    command: str = ""
    command_timeout: int = 60
    has_key: bool = False
    updated_at: datetime | None = None

    @property
    def is_gost(self) -> bool:
        """Signs with a detached GOST CMS signature."""
        return self.kind != Kind.pades


def _facts(pem: str) -> CertificateFacts | None:
    return facts_of(load_certificates(pem.encode())[0]) if pem else None


async def active_profile(organisation_id: int) -> ActiveProfile:
    """The organisation's profile; `pades` when none was chosen."""
    row = (
        await SigningProfile.select().where(SigningProfile.organisation == organisation_id).first()
    )
    if row is None or row["kind"] == Kind.pades:
        return ActiveProfile(Kind.pades, updated_at=row["updated_at"] if row else None)
    return ActiveProfile(
        kind=row["kind"],
        certificate_pem=row["certificate_pem"],
        facts=_facts(row["certificate_pem"]),
        command=row["command"],
        command_timeout=row["command_timeout"],
        has_key=bool(row["sealed_key"]),
        updated_at=row["updated_at"],
    )


async def gost_key(organisation_id: int) -> bytes:
    """The organisation's GOST private key (PEM); re-sealed with the current key if need be."""
    row = (
        await SigningProfile.select(SigningProfile.id, SigningProfile.sealed_key)
        .where(SigningProfile.organisation == organisation_id)
        .first()
    )
    if row is None or not row["sealed_key"]:
        raise SigningError("Ключ ГОСТ не установлен.", "no_key")
    keyring = load_keyring()
    key = unseal(row["sealed_key"], keyring, GOST_KEY)
    if not is_current(row["sealed_key"], keyring):
        await SigningProfile.update(
            {SigningProfile.sealed_key: seal(key, keyring, GOST_KEY)}
        ).where(SigningProfile.id == row["id"])
    return key


def signer_certificates(certificate: bytes) -> tuple[str, CertificateFacts]:
    """The signer's certificate (first, not a CA) and its chain as PEM, and its facts."""
    certs = load_certificates(certificate)
    facts = facts_of(certs[0])
    if not facts.is_gost:
        raise SigningError(
            f"Сертификат «{facts.owner}» не ГОСТ Р 34.10-2012 ({facts.algorithm_title}): "
            "для подписи ГОСТ нужен сертификат с ключом ГОСТ 2012.",
            "not_gost",
        )
    return to_pem(certs), facts


async def _store(organisation_id: int, values: dict[Any, Any], user_id: int | None) -> None:
    values = {
        **values,
        SigningProfile.updated_by: user_id,
        SigningProfile.updated_at: clock.now(),
    }
    updated = (
        await SigningProfile.update(values)
        .where(SigningProfile.organisation == organisation_id)
        .returning(SigningProfile.id)
    )
    if not updated:
        row = SigningProfile(organisation=organisation_id)
        for column, value in values.items():
            setattr(row, column._meta.name, value)
        await row.save()


async def use_pades(organisation_id: int, user_id: int | None) -> None:
    """Sign with the PKCS#12 (PAdES) again; the GOST settings are forgotten."""
    if not await SigningKey.exists().where(SigningKey.organisation == organisation_id):
        raise SigningError("Ключ PKCS#12 не установлен: сначала загрузите его.", "no_key")
    await _store(
        organisation_id,
        {
            SigningProfile.kind: Kind.pades,
            SigningProfile.certificate_pem: "",
            SigningProfile.subject: "",
            SigningProfile.serial: "",
            SigningProfile.not_before: None,
            SigningProfile.not_after: None,
            SigningProfile.sealed_key: "",
            SigningProfile.command: "",
        },
        user_id,
    )


def _certificate_columns(pem: str, facts: CertificateFacts) -> dict[Any, Any]:
    return {
        SigningProfile.certificate_pem: pem,
        SigningProfile.subject: facts.owner[:300],
        SigningProfile.serial: facts.serial_hex[:100],
        SigningProfile.not_before: facts.not_before,
        SigningProfile.not_after: facts.not_after,
    }


async def use_gost_openssl(
    organisation_id: int, key_pem: bytes, certificate: bytes, user_id: int | None
) -> CertificateFacts:
    """Check (a test signature with the pair) and store a GOST key and certificate."""
    if len(key_pem) > MAX_KEY_BYTES or b"PRIVATE KEY" not in key_pem:
        raise SigningError(
            "Файл ключа не похож на закрытый ключ PEM («-----BEGIN PRIVATE KEY-----»).", "key"
        )
    if b"ENCRYPTED PRIVATE KEY" in key_pem:
        raise SigningError(
            "Ключ зашифрован паролем: сохраните его без пароля (PKCS#8) — в базе он будет "
            "зашифрован AES-GCM.",
            "key",
        )
    pem, facts = signer_certificates(certificate)
    require_valid_for_signing(facts, clock.now())
    signer, _, chain = pem.partition("-----END CERTIFICATE-----\n")
    probe = b"otklik: test signature"
    signature = await sign_detached(
        probe, key_pem, signer + "-----END CERTIFICATE-----\n", chain, facts.digest
    )
    if not await signature_verifies(probe, signature):
        raise SigningError("Пробная подпись ключом не проверяется сертификатом.", "key")
    columns = _certificate_columns(pem, facts)
    columns[SigningProfile.kind] = Kind.gost_openssl
    columns[SigningProfile.sealed_key] = seal(key_pem, load_keyring(), GOST_KEY)
    columns[SigningProfile.command] = ""
    await _store(organisation_id, columns, user_id)
    return facts


async def use_gost_command(
    organisation_id: int,
    command: str,
    certificate: bytes,
    timeout_seconds: int,
    user_id: int | None,
) -> CertificateFacts:
    """Store an external signer's command template and the signer's certificate."""
    try:
        parse_command_template(command)
    except CommandTemplateError as error:
        raise SigningError(error.message_ru, "command") from error
    if not 1 <= timeout_seconds <= MAX_TIMEOUT_SECONDS:
        raise SigningError("Время ожидания — от 1 до 600 секунд.", "timeout")
    pem, facts = signer_certificates(certificate)
    columns = _certificate_columns(pem, facts)
    columns[SigningProfile.kind] = Kind.gost_command
    columns[SigningProfile.sealed_key] = ""
    columns[SigningProfile.command] = command.strip()
    columns[SigningProfile.command_timeout] = timeout_seconds
    await _store(organisation_id, columns, user_id)
    return facts


# -- trusted roots -----------------------------------------------------------------------


@dataclass(frozen=True)
class Root:
    """A trusted root as the admin page lists it."""

    id: int
    facts: CertificateFacts
    fingerprint: str


async def trust_root(organisation_id: int, certificate: bytes, user_id: int | None) -> list[Root]:
    """Add the file's certificates (a root, or a bundle) to the organisation's trusted ones."""
    certs = load_certificates(certificate)
    have = {r.fingerprint for r in await trusted_roots(organisation_id)}
    if len(have) + len(certs) > MAX_TRUSTED_ROOTS:
        raise SigningError(f"Не больше {MAX_TRUSTED_ROOTS} доверенных сертификатов.", "many")
    added: list[Root] = []
    for cert in certs:
        facts, print_ = facts_of(cert), fingerprint(cert)
        if print_ in have:
            continue
        row = TrustedRoot(
            organisation=organisation_id,
            subject=facts.owner[:300],
            serial=facts.serial_hex[:100],
            not_after=facts.not_after,
            certificate_pem=to_pem([cert]),
            fingerprint=print_,
            added_by=user_id,
            added_at=clock.now(),
        )
        await row.save()
        have.add(print_)
        added.append(Root(row.id, facts, print_))
    return added


async def trusted_roots(organisation_id: int) -> list[Root]:
    """The organisation's trusted certificates, oldest first."""
    rows = (
        await TrustedRoot.select(
            TrustedRoot.id, TrustedRoot.certificate_pem, TrustedRoot.fingerprint
        )
        .where(TrustedRoot.organisation == organisation_id)
        .order_by(TrustedRoot.id)
    )
    return [
        Root(
            r["id"], facts_of(load_certificates(r["certificate_pem"].encode())[0]), r["fingerprint"]
        )
        for r in rows
    ]


async def forget_root(organisation_id: int, root_id: int) -> bool:
    """Remove a trusted certificate of the organisation; False when there was none."""
    deleted = (
        await TrustedRoot.delete()
        .where((TrustedRoot.id == root_id) & (TrustedRoot.organisation == organisation_id))
        .returning(TrustedRoot.id)
    )
    return bool(deleted)


async def trusted_pem(organisation_ids: list[int] | None) -> str:
    """The trusted certificates of these organisations (all when None) as one PEM bundle."""
    query = TrustedRoot.select(TrustedRoot.certificate_pem)
    if organisation_ids is not None:
        query = query.where(TrustedRoot.organisation.is_in(organisation_ids or [0]))
    return "".join(r["certificate_pem"] for r in await query)


async def use_test_gost(
    organisation_id: int, folder: Path, user_id: int | None
) -> CertificateFacts:
    """A test GOST CA and a signer certificate for the organisation (a demo or a trial of the
    GOST path before the real certificate arrives), installed and its CA trusted. Not a
    qualified signature: the owner says «тест»."""
    from app.signature.openssl_certs import issue_gost_certificate, make_gost_ca

    row = await Organisation.select(Organisation.name).where(Organisation.id == organisation_id)
    name = row[0]["name"] if row else "Организация"
    now = clock.now()
    ca_key, ca_cert = await anyio.to_thread.run_sync(
        lambda: make_gost_ca(folder, "Тестовый УЦ «Отклик» (не аккредитован)")
    )
    subject = {"C": "RU", "O": name[:64], "CN": f"{name[:50]} (тест ГОСТ)"}
    key, cert = await anyio.to_thread.run_sync(
        lambda: issue_gost_certificate(
            folder, ca_key, ca_cert, subject, now - timedelta(days=1), now + timedelta(days=365)
        )
    )
    facts = await use_gost_openssl(organisation_id, key.read_bytes(), cert.read_bytes(), user_id)
    await trust_root(organisation_id, ca_cert.read_bytes(), user_id)
    key.unlink()  # stored sealed now; the file is not needed
    ca_key.unlink()
    return facts
