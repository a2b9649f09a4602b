"""The `gost-command` profile: reports signed by an external program (a stand-in for CryptoPro's
cryptcp that calls OpenSSL), its failures shown in Russian, its output checked."""

from __future__ import annotations

import pytest

from app.domain.signature.certificate import SigningError
from app.identity.organisations import organisation_rules
from app.reporting.archive import list_reports, produce
from app.reporting.periods import parse_period
from app.signature.profiles import active_profile, use_gost_command
from tests.integration.cases_helpers import org_id
from tests.integration.signature.conftest import GostPki, fake_cryptcp_template
from tests.integration.signature.fake_cryptcp import FAILURE
from tests.integration.signature.test_gost_reports import openssl_accepts

NOVEMBER = parse_period("2026-11")


async def test_reports_signed_by_the_external_program(demo: None, gost_pki: GostPki) -> None:
    organisation = await org_id("parfino")
    template = fake_cryptcp_template(gost_pki.signer_key, gost_pki.signer_cert, "-detached", "-der")
    await use_gost_command(organisation, template, gost_pki.signer_cert.read_bytes(), 30, None)
    profile = await active_profile(organisation)
    assert profile.kind == "gost-command" and not profile.has_key  # no key on the server
    rules = await organisation_rules(organisation)
    for file_format in ("pdf", "xlsx"):
        made = await produce(rules, "violations", NOVEMBER, file_format)
        assert made is not None and made.signature_path is not None
        assert openssl_accepts(made.path, made.signature_path, gost_pki.ca_cert)


async def test_a_failing_program_refuses_the_report_with_its_message(
    demo: None, gost_pki: GostPki
) -> None:
    organisation = await org_id("parfino")
    template = fake_cryptcp_template(
        gost_pki.signer_key, gost_pki.signer_cert, "-detached", "-der", "-fail"
    )
    await use_gost_command(organisation, template, gost_pki.signer_cert.read_bytes(), 30, None)
    with pytest.raises(SigningError) as caught:
        await produce(await organisation_rules(organisation), "summary", NOVEMBER, "pdf")
    # What the admin needs: the program's exit and its own words (cp1251 decoded).
    assert "завершилась с ошибкой (код 1)" in caught.value.message_ru
    assert FAILURE.strip()[:40] in caught.value.message_ru
    assert await list_reports(organisation) == []


async def test_a_program_signing_with_another_certificate_is_caught(
    demo: None, gost_pki: GostPki
) -> None:
    organisation = await org_id("parfino")
    # The program signs with a stranger's key while the profile names our signer.
    template = fake_cryptcp_template(gost_pki.other_key, gost_pki.other_cert, "-detached", "-der")
    await use_gost_command(organisation, template, gost_pki.signer_cert.read_bytes(), 30, None)
    with pytest.raises(SigningError) as caught:
        await produce(await organisation_rules(organisation), "summary", NOVEMBER, "pdf")
    assert "другим сертификатом" in caught.value.message_ru


async def test_bad_templates_are_refused_and_change_nothing(demo: None, gost_pki: GostPki) -> None:
    organisation = await org_id("parfino")
    for template, words in (
        ("cryptcp -sign {in}", "{out}"),
        ("/opt/cprocsp/bin/amd64/cryptcp -sign {in} {out} {pin}", "{pin}"),
    ):
        with pytest.raises(SigningError) as caught:
            await use_gost_command(
                organisation, template, gost_pki.signer_cert.read_bytes(), 30, None
            )
        assert words in caught.value.message_ru
    with pytest.raises(SigningError):
        await use_gost_command(
            organisation, "/bin/true {in} {out}", gost_pki.signer_cert.read_bytes(), 0, None
        )
    assert (await active_profile(organisation)).kind == "pades"
