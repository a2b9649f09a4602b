"""Secrets at rest: AES-GCM sealing with the key id in every token, and masking for display.

Pure: keys come in as bytes (app.core.keyring reads them from the key file or derives one
from SECRET_KEY). A token is `s1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>`. The key
id and the context (what the secret is, e.g. "smtp-password") are authenticated as
associated data, so a token moved to another field or relabelled is refused like a
tampered one. Tokens of the Fernet era (signing keys before AES-GCM) still open with the
SECRET_KEY they were sealed with; `reseal` turns any token into one under the current key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core.errors import UserError

VERSION = "s1"
KEY_BYTES = 32
NONCE_BYTES = 12


class SecretError(UserError):
    """A sealed value that does not open: tampered, or sealed with a key we no longer have."""

    default_code = "secret_unreadable"


@dataclass(frozen=True, repr=False)
class Key:
    """An AES-256 key; its id (a fingerprint, not secret) travels with each token."""

    material: bytes

    def __post_init__(self) -> None:
        if len(self.material) != KEY_BYTES:
            raise SecretError("Ключ шифрования должен быть длиной 32 байта.", "bad_key")

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"otklik-key-id:" + self.material).hexdigest()[:12]

    def __repr__(self) -> str:  # never the material, in a log or a traceback
        return f"Key({self.key_id})"

    def encoded(self) -> str:
        """The key as written in the key file (base64url)."""
        return base64.urlsafe_b64encode(self.material).decode("ascii")

    @classmethod
    def decode(cls, text: str) -> Key:
        try:
            return cls(base64.urlsafe_b64decode(text.strip().encode("ascii")))
        except (binascii.Error, ValueError) as error:
            raise SecretError("Ключ шифрования в файле ключей повреждён.", "bad_key") from error

    @classmethod
    def generate(cls) -> Key:
        return cls(AESGCM.generate_key(bit_length=256))


def derive_key(secret_key: str) -> Key:
    """The key derived from SECRET_KEY (HKDF-SHA256), when no key file is configured."""
    material = HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=b"otklik-secrets", info=b"aes-256-gcm"
    ).derive(secret_key.encode())
    return Key(material)


@dataclass(frozen=True, repr=False)
class Keyring:
    """The key that seals now, the older ones that still open, and the Fernet-era secret."""

    current: Key
    retired: tuple[Key, ...] = ()
    legacy_secret: str | None = None  # SECRET_KEY of tokens sealed with Fernet

    def find(self, key_id: str) -> Key | None:
        return next((k for k in (self.current, *self.retired) if k.key_id == key_id), None)

    def __repr__(self) -> str:
        return f"Keyring(current={self.current!r}, retired={self.retired!r})"


def _aad(key_id: str, context: str) -> bytes:
    return f"{VERSION}.{key_id}.{context}".encode()


def seal(plaintext: bytes, keyring: Keyring, context: str) -> str:
    """Encrypt with the current key (AES-256-GCM, random 96-bit nonce)."""
    key = keyring.current
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key.material).encrypt(nonce, plaintext, _aad(key.key_id, context))
    return f"{VERSION}.{key.key_id}.{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(token: str) -> str:
    """The key id a token was sealed with ("fernet" for a token of the Fernet era)."""
    parts = token.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == VERSION else "fernet"


def legacy_fernet(secret_key: str) -> Fernet:
    # As app.signature.pades sealed signing keys before AES-GCM (kept to open old rows).
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"otklik-signing-keys", info=b"fernet"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def unseal(token: str, keyring: Keyring, context: str) -> bytes:
    """Decrypt what `seal` produced; SecretError when it was altered or the key is missing."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        return _unseal_fernet(token, keyring)
    _, key_id, body = parts
    key = keyring.find(key_id)
    if key is None:
        raise SecretError(
            f"Секрет зашифрован ключом {key_id}, которого нет в файле ключей "
            "(ключ заменён без перешифрования или изменён SECRET_KEY).",
            "secret_key_missing",
        )
    try:
        raw = base64.urlsafe_b64decode(body.encode("ascii"))
        if len(raw) < NONCE_BYTES + 16:
            raise InvalidTag
        return AESGCM(key.material).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(key_id, context)
        )
    except (InvalidTag, binascii.Error, ValueError) as error:
        raise SecretError(
            "Зашифрованное значение повреждено или подменено: проверка целостности не прошла.",
            "secret_tampered",
        ) from error


def _unseal_fernet(token: str, keyring: Keyring) -> bytes:
    if keyring.legacy_secret is None:
        raise SecretError("Секрет в старом формате, а SECRET_KEY не задан.", "secret_key_missing")
    try:
        return legacy_fernet(keyring.legacy_secret).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError) as error:
        raise SecretError(
            "Секрет в старом формате не расшифровывается: изменился SECRET_KEY "
            "или значение повреждено.",
            "secret_tampered",
        ) from error


def is_current(token: str, keyring: Keyring) -> bool:
    """Sealed with the current key (nothing to re-seal)."""
    return key_id_of(token) == keyring.current.key_id


def reseal(token: str, keyring: Keyring, context: str) -> str:
    """The same secret sealed with the current key (the token itself when it already is)."""
    if is_current(token, keyring):
        return token
    return seal(unseal(token, keyring, context), keyring, context)


def mask(secret: str | None) -> str:
    """How a stored secret is shown back: «не задан», or «задан, ••••1234» (long ones only)."""
    if not secret:
        return "не задан"
    if len(secret) < 12:
        return "задан"
    return f"задан, ••••{secret[-4:]}"
