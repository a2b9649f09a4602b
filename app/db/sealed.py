"""Sealed values in the database: named secrets, and every sealed column for key rotation.

The API of secrets at rest for the rest of the app (network connectors included):
`put_secret(name, value)` stores a secret sealed with the current key, `get_secret(name)`
opens it (re-sealing it with the current key when an older one sealed it), `secret_hint`
is what a page may show («задан, ••••1234»), never the value. Connectors store an access
token under a name such as `network/<account id>/token`. A sealed column in another table
must be listed in SEALED_COLUMNS, so that `otklik keys rotate` re-seals it too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from piccolo.table import Table

from app.core import clock
from app.core.keyring import load_keyring
from app.core.secrets import Keyring, SecretError, is_current, key_id_of, mask, reseal, seal, unseal
from app.db.tables import SigningKey, SigningProfile, StoredSecret

SIGNING_KEY = "signing-key"
SIGNING_KEY_PASSWORD = "signing-key-password"  # noqa: S105 (a context label, not a password)
GOST_KEY = "gost-signing-key"
MAX_SECRET_CHARS = 4096
SMTP_PASSWORD = "smtp-password"  # noqa: S105 (the name a stored secret goes by)


def secret_context(name: str) -> str:
    """The context a named secret is sealed under (a token cannot move to another name)."""
    return f"stored-secret:{name}"


@dataclass(frozen=True)
class SealedColumn:
    """A column holding tokens of app.core.secrets, and the context of a row's token."""

    table: type[Table]
    column: str
    context: Callable[[Mapping[str, Any]], str]


SEALED_COLUMNS = (
    SealedColumn(SigningKey, "sealed_pkcs12", lambda _: SIGNING_KEY),
    SealedColumn(SigningKey, "sealed_password", lambda _: SIGNING_KEY_PASSWORD),
    SealedColumn(SigningProfile, "sealed_key", lambda _: GOST_KEY),
    SealedColumn(StoredSecret, "sealed_value", lambda row: secret_context(row["name"])),
)


async def put_secret(name: str, value: str) -> None:
    """Store (or replace) a named secret, sealed with the current key."""
    if not value or len(value) > MAX_SECRET_CHARS:
        raise SecretError(f"Секрет должен быть непустым и не длиннее {MAX_SECRET_CHARS} знаков.")
    token = seal(value.encode(), load_keyring(), secret_context(name))
    now = clock.now()
    await StoredSecret.insert(
        StoredSecret(name=name, sealed_value=token, updated_at=now)
    ).on_conflict(
        target=StoredSecret.name,
        action="DO UPDATE",
        values=[StoredSecret.sealed_value, StoredSecret.updated_at],
    )


async def get_secret(name: str) -> str | None:
    """The named secret, or None; SecretError when it does not open."""
    row = await StoredSecret.select().where(StoredSecret.name == name).first()
    if row is None:
        return None
    keyring = load_keyring()
    context = secret_context(name)
    value = unseal(row["sealed_value"], keyring, context)
    if not is_current(row["sealed_value"], keyring):
        await StoredSecret.update({StoredSecret.sealed_value: seal(value, keyring, context)}).where(
            StoredSecret.id == row["id"]
        )
    return value.decode()


async def secret_hint(name: str) -> str:
    """«не задан» / «задан, ••••1234»: all a page or a command shows of a stored secret."""
    return mask(await get_secret(name))


async def delete_secret(name: str) -> bool:
    """Forget a named secret; False when there was none."""
    deleted = (
        await StoredSecret.delete().where(StoredSecret.name == name).returning(StoredSecret.id)
    )
    return bool(deleted)


async def reseal_all(keyring: Keyring) -> int:
    """Re-seal every sealed value not under the current key, in one transaction; the count."""
    count = 0
    async with StoredSecret._meta.db.transaction():
        for sealed in SEALED_COLUMNS:
            table, column = sealed.table, sealed.column
            for row in await table.select().order_by(table._meta.primary_key):
                token = row[column]
                if not token or is_current(token, keyring):
                    continue
                fresh = reseal(token, keyring, sealed.context(row))
                await table.update({table._meta.get_column_by_name(column): fresh}).where(
                    table._meta.primary_key == row["id"]
                )
                count += 1
    return count


async def key_usage() -> Counter[str]:
    """How many sealed values each key id holds ("fernet" for the pre-AES-GCM ones)."""
    usage: Counter[str] = Counter()
    for sealed in SEALED_COLUMNS:
        rows = await sealed.table.select(sealed.table._meta.get_column_by_name(sealed.column))
        usage.update(key_id_of(row[sealed.column]) for row in rows if row[sealed.column])
    return usage
