"""An admin's PKCS#12 upload: checked, sealed (AES-GCM), used to sign, trusted on check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.config import get_settings
from app.core.keyring import load_keyring
from app.core.secrets import is_current, key_id_of, legacy_fernet
from app.db.tables import SigningKey
from app.identity.organisations import organisation_rules
from app.reporting.archive import sign
from app.reporting.rendering import html_to_pdf
from app.signature.keys import known_roots, signing_material, store_signing_key
from app.signature.pades import SigningError, demo_pkcs12, verify_pdf
from tests.integration.cases_helpers import org_id


async def test_uploaded_key_is_sealed_and_signs(demo: None) -> None:
    penza = await org_id("penza")
    data, password = demo_pkcs12("МКУ «Центр» г. Пензы", datetime.now(UTC))
    with pytest.raises(SigningError):
        await store_signing_key(penza, data, "wrong", None)
    info = await store_signing_key(penza, data, password.decode(), None)
    row = await SigningKey.select().where(SigningKey.organisation == penza).first()
    assert row is not None and not row["is_demo"] and row["subject"] == info.subject
    assert data not in row["sealed_pkcs12"].encode()  # stored sealed, not as is
    pdf = html_to_pdf("<p>Тест</p>")
    signed = await sign(await organisation_rules(penza), pdf, "pdf", "т")
    assert signed.signer.startswith("МКУ «Центр» г. Пензы") and signed.signature is None
    assert (await verify_pdf(signed.data, await known_roots())).ok


async def test_fernet_sealed_key_still_signs_and_is_resealed_on_read(demo: None) -> None:
    penza = await org_id("penza")
    data, password = demo_pkcs12("Администрация г. Пензы", datetime.now(UTC))
    await store_signing_key(penza, data, password.decode(), None)
    # A row as the Fernet era left it (sealed with a key derived from SECRET_KEY).
    fernet = legacy_fernet(get_settings().secret_key)
    await SigningKey.update(
        {
            SigningKey.sealed_pkcs12: fernet.encrypt(data).decode(),
            SigningKey.sealed_password: fernet.encrypt(password).decode(),
        }
    ).where(SigningKey.organisation == penza)
    material = await signing_material(penza)
    assert material is not None and material.data == data and material.password == password
    row = await SigningKey.select().where(SigningKey.organisation == penza).first()
    assert row is not None and key_id_of(row["sealed_pkcs12"]) != "fernet"
    assert is_current(row["sealed_pkcs12"], load_keyring())
    assert is_current(row["sealed_password"], load_keyring())
