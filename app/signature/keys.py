"""Organisations' signing keys: an installed PKCS#12 or a demo one, sealed at rest (AES-GCM).

Rows sealed with an older key (or with Fernet, before AES-GCM) open and are re-sealed with
the current key the first time they are read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from asn1crypto import x509 as asn1_x509

from app.core import clock
from app.core.keyring import load_keyring
from app.core.secrets import Keyring, is_current, seal, unseal
from app.db.sealed import SIGNING_KEY, SIGNING_KEY_PASSWORD
from app.db.tables import Organisation, SigningKey
from app.signature.pades import CertificateInfo, demo_pkcs12, inspect_pkcs12, trust_roots


@dataclass(frozen=True)
class SigningMaterial:
    """The unsealed PKCS#12 of an organisation, ready for pyHanko."""

    data: bytes
    password: bytes
    subject: str


async def store_signing_key(
    organisation_id: int, data: bytes, password: str, uploaded_by: int | None
) -> CertificateInfo:
    """Check and store a PKCS#12 key (`otklik signing set`), replacing the organisation's key.

    Raises SigningError (with `message_ru`) when the file, password or dates are wrong."""
    info = inspect_pkcs12(data, password.encode(), clock.now())
    await _save(organisation_id, data, password.encode(), info, uploaded_by, is_demo=False)
    return info


async def _save(
    organisation_id: int,
    data: bytes,
    password: bytes,
    info: CertificateInfo,
    uploaded_by: int | None,
    *,
    is_demo: bool,
) -> None:
    keyring = load_keyring()
    row = SigningKey(
        organisation=organisation_id,
        subject=info.subject[:300],
        not_after=info.not_after,
        is_demo=is_demo,
        sealed_pkcs12=seal(data, keyring, SIGNING_KEY),
        sealed_password=seal(password, keyring, SIGNING_KEY_PASSWORD),
        uploaded_by=uploaded_by,
        uploaded_at=clock.now(),
    )
    await SigningKey.delete().where(SigningKey.organisation == organisation_id)
    await row.save()


# Demo certificates made in this process, by organisation name: the demo is reloaded often
# (every test that needs it) and an RSA key takes ~0.1 s to generate.
_DEMO_CACHE: dict[str, tuple[bytes, bytes]] = {}


async def ensure_demo_key(organisation_id: int) -> None:
    """Give the organisation a self-signed demo certificate unless it has a key."""
    if await SigningKey.exists().where(SigningKey.organisation == organisation_id):
        return
    row = await Organisation.select(Organisation.name).where(Organisation.id == organisation_id)
    name = row[0]["name"] if row else "Отклик"
    now = clock.now()
    if name not in _DEMO_CACHE:
        _DEMO_CACHE[name] = await anyio.to_thread.run_sync(demo_pkcs12, name, now)
    data, password = _DEMO_CACHE[name]
    info = inspect_pkcs12(data, password, now)
    await _save(organisation_id, data, password, info, None, is_demo=True)


async def ensure_demo_keys() -> None:
    """A demo key for every organisation without one (called at the end of `otklik demo`)."""
    for row in await Organisation.select(Organisation.id):
        await ensure_demo_key(row["id"])


async def _opened(row: dict[str, Any], keyring: Keyring) -> tuple[bytes, bytes]:
    """The PKCS#12 and its password of a row; re-sealed with the current key if need be."""
    data = unseal(row["sealed_pkcs12"], keyring, SIGNING_KEY)
    password = unseal(row["sealed_password"], keyring, SIGNING_KEY_PASSWORD)
    if not (
        is_current(row["sealed_pkcs12"], keyring) and is_current(row["sealed_password"], keyring)
    ):
        await SigningKey.update(
            {
                SigningKey.sealed_pkcs12: seal(data, keyring, SIGNING_KEY),
                SigningKey.sealed_password: seal(password, keyring, SIGNING_KEY_PASSWORD),
            }
        ).where(SigningKey.id == row["id"])
    return data, password


async def signing_material(organisation_id: int) -> SigningMaterial | None:
    """The organisation's key and certificate, or None when it has none."""
    row = await SigningKey.select().where(SigningKey.organisation == organisation_id).first()
    if row is None:
        return None
    data, password = await _opened(row, load_keyring())
    return SigningMaterial(data, password, row["subject"])


async def known_roots() -> list[asn1_x509.Certificate]:
    """Every organisation's certificate (and chain): the trust roots for verification."""
    roots: list[asn1_x509.Certificate] = []
    keyring = load_keyring()
    for row in await SigningKey.select(
        SigningKey.id, SigningKey.sealed_pkcs12, SigningKey.sealed_password
    ):
        roots.extend(trust_roots(*await _opened(row, keyring)))
    return roots
