"""`otklik keys rotate`: every sealed value (signing keys, stored secrets) is re-sealed with a
new key, the old key leaves the key file and is not needed any more; nothing secret is
printed or logged."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli.maintenance import rotate_keys
from app.core.config import get_settings
from app.core.keyring import load_keyring, read_key_file
from app.core.secrets import Keyring, SecretError, key_id_of, unseal
from app.db.sealed import SIGNING_KEY, SMTP_PASSWORD, get_secret, put_secret, secret_context
from app.db.tables import SigningKey, StoredSecret
from app.signature.keys import signing_material
from tests.integration.cases_helpers import org_id
from tests.integration.cli.test_cli import otklik

PASSWORD = "rotated-smtp-password-2468"


@pytest.fixture
def own_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the test key file, so that rotating it leaves the shared one alone."""
    shared = get_settings().key_file
    assert shared is not None
    load_keyring()  # creates the shared file if this is the first test to seal
    path = tmp_path / "secrets.key"
    shutil.copyfile(shared, path)
    monkeypatch.setenv("OTKLIK_KEY_FILE", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


async def test_rotation_reseals_everything_and_drops_the_old_key(
    demo: None, own_key_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await put_secret(SMTP_PASSWORD, PASSWORD)
    penza = await org_id("penza")
    before = await signing_material(penza)
    [old_key] = read_key_file(own_key_file)

    key_id, count = await rotate_keys()

    [new_key] = read_key_file(own_key_file)
    assert new_key.key_id == key_id != old_key.key_id
    assert count >= 3  # two organisations' keys (and passwords) and the SMTP password
    only_new = Keyring(new_key)  # neither the old key nor SECRET_KEY
    for row in await SigningKey.select():
        assert key_id_of(row["sealed_pkcs12"]) == key_id
        unseal(row["sealed_pkcs12"], only_new, SIGNING_KEY)
    secret = await StoredSecret.select().where(StoredSecret.name == SMTP_PASSWORD).first()
    assert secret is not None
    opened = unseal(secret["sealed_value"], only_new, secret_context(SMTP_PASSWORD))
    assert opened == PASSWORD.encode()
    with pytest.raises(SecretError):
        unseal(secret["sealed_value"], Keyring(old_key), secret_context(SMTP_PASSWORD))
    assert await get_secret(SMTP_PASSWORD) == PASSWORD
    after = await signing_material(penza)
    assert before is not None and after is not None and after.data == before.data
    assert PASSWORD not in caplog.text
    assert new_key.encoded() not in caplog.text and old_key.encoded() not in caplog.text


def test_commands_show_secrets_masked(tmp_path: Path) -> None:
    password_file = tmp_path / "smtp"
    password_file.write_text(PASSWORD + "\n")
    stored = otklik("smtp", "set", "--password-file", str(password_file))
    assert stored.returncode == 0, stored.stderr
    shown = otklik("smtp", "show")
    status = otklik("keys", "status")
    assert "задан, ••••2468" in stored.stdout and "задан, ••••2468" in shown.stdout
    assert "Текущий ключ:" in status.stdout
    for done in (stored, shown, status):
        assert PASSWORD not in done.stdout + done.stderr
