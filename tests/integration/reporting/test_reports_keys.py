"""An admin's PKCS#12 upload: checked, sealed with SECRET_KEY, used to sign, trusted on check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.db.tables import SigningKey
from app.identity.organisations import organisation_rules
from app.reporting.archive import sign
from app.reporting.rendering import html_to_pdf
from app.reporting.signing import SigningError, demo_pkcs12, seal, unseal, verify_pdf
from app.reporting.signing_keys import known_roots, store_signing_key
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
    signed, signer = await sign(await organisation_rules(penza), html_to_pdf("<p>Тест</p>"), "т")
    assert signer.startswith("МКУ «Центр» г. Пензы")
    assert (await verify_pdf(signed, await known_roots())).ok


def test_sealing_needs_the_same_secret_key() -> None:
    token = seal(b"secret bytes", "a" * 40)
    assert unseal(token, "a" * 40) == b"secret bytes"
    with pytest.raises(SigningError):
        unseal(token, "b" * 40)
