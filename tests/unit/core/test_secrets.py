"""Secrets at rest: AES-GCM round trip, tamper detection, rotation, Fernet-era tokens, masking."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest

from app.core.config import Settings
from app.core.keyring import load_keyring, read_key_file, write_key_file
from app.core.secrets import (
    Key,
    Keyring,
    SecretError,
    derive_key,
    is_current,
    key_id_of,
    legacy_fernet,
    mask,
    reseal,
    seal,
    unseal,
)

OLD = Keyring(Key(b"o" * 32))
NEW = Keyring(Key(b"n" * 32), (OLD.current,))


def test_round_trip_carries_the_key_id_and_hides_the_plaintext() -> None:
    token = seal(b"smtp-pass-1234", OLD, "smtp-password")
    assert unseal(token, OLD, "smtp-password") == b"smtp-pass-1234"
    assert key_id_of(token) == OLD.current.key_id
    assert b"smtp-pass" not in token.encode()
    assert seal(b"x", OLD, "c") != seal(b"x", OLD, "c")  # a fresh nonce every time


@pytest.mark.parametrize("position", [3, 20, -1])
def test_a_flipped_byte_is_refused_with_a_clear_error(position: int) -> None:
    token = seal(b"signing key bytes", OLD, "signing-key")
    version, key_id, body = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[position] ^= 0x01
    tampered = f"{version}.{key_id}.{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(SecretError) as refused:
        unseal(tampered, OLD, "signing-key")
    assert refused.value.code == "secret_tampered"
    assert "повреждено или подменено" in refused.value.message_ru


def test_a_token_moved_to_another_field_or_truncated_is_refused() -> None:
    token = seal(b"token", OLD, "stored-secret:a")
    with pytest.raises(SecretError):
        unseal(token, OLD, "stored-secret:b")
    with pytest.raises(SecretError):
        unseal(token[:-10], OLD, "stored-secret:a")


def test_rotation_reseals_and_the_old_key_is_no_longer_needed() -> None:
    token = seal(b"value", OLD, "c")
    assert not is_current(token, NEW)
    fresh = reseal(token, NEW, "c")
    assert is_current(fresh, NEW) and reseal(fresh, NEW, "c") == fresh
    only_new = Keyring(NEW.current)
    assert unseal(fresh, only_new, "c") == b"value"
    with pytest.raises(SecretError) as refused:
        unseal(token, only_new, "c")
    assert refused.value.code == "secret_key_missing"


def test_fernet_era_tokens_still_open_with_their_secret_key() -> None:
    legacy = legacy_fernet("s" * 40).encrypt(b"old pkcs12").decode()
    keyring = Keyring(derive_key("s" * 40), legacy_secret="s" * 40)
    assert key_id_of(legacy) == "fernet"
    assert unseal(legacy, keyring, "signing-key") == b"old pkcs12"
    assert is_current(reseal(legacy, keyring, "signing-key"), keyring)
    with pytest.raises(SecretError):
        unseal(legacy, Keyring(derive_key("t" * 40), legacy_secret="t" * 40), "signing-key")


def test_nothing_secret_is_shown_or_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert mask(None) == "не задан"
    assert mask("short") == "задан"
    assert mask("a-long-password-1234") == "задан, ••••1234"
    key = Key(b"k" * 32)
    assert key.encoded() not in repr(key) and key.encoded() not in repr(Keyring(key))
    unseal(seal(b"password-in-clear", Keyring(key), "c"), Keyring(key), "c")
    assert "password-in-clear" not in caplog.text and key.encoded() not in caplog.text


def _settings(tmp_path: Path, env: str, key_file: Path | None) -> Settings:
    return Settings(
        env=env, database_url=None, redis_url=None, secret_key="s" * 40, host="h", port=1,
        var_dir=tmp_path, media_dir=tmp_path, smtp_host=None, smtp_port=25, smtp_user=None,
        smtp_password=None, smtp_from="f", smtp_tls=False, base_url="b", key_file=key_file,
    )  # fmt: skip


def test_key_file_is_created_in_dev_and_secret_key_derivation_is_the_fallback(
    tmp_path: Path,
) -> None:
    path = tmp_path / "secrets.key"
    keyring = load_keyring(_settings(tmp_path, "dev", path))
    assert read_key_file(path) == [keyring.current]
    assert path.stat().st_mode & 0o777 == 0o600
    derived = derive_key("s" * 40)
    assert keyring.find(derived.key_id) == derived  # values sealed before the file still open
    assert load_keyring(_settings(tmp_path, "prod", None)).current == derived
    write_key_file(path, [Key(b"n" * 32), Key(b"o" * 32)])
    rotating = load_keyring(_settings(tmp_path, "dev", path))
    assert rotating.current == Key(b"n" * 32) and rotating.find(Key(b"o" * 32).key_id)
