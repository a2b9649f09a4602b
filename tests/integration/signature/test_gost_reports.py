"""Reports signed with GOST R 34.10-2012 (the `gost-openssl` profile): every report file gets a
detached CAdES signature beside it that OpenSSL's own `cms -verify` accepts, the PDF carries
the visible stamp, and a changed byte, a changed signature or a stranger's certificate fail
the check with a Russian reason. Expired and not-yet-valid certificates sign nothing."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from app.core import clock
from app.domain.signature.certificate import SigningError
from app.domain.signature.verdict import SignatureKind, verdict_lines
from app.identity.organisations import organisation_rules
from app.reporting.archive import list_reports, produce
from app.reporting.periods import parse_period
from app.signature.openssl import sign_detached
from app.signature.profiles import active_profile, trust_root, use_gost_openssl, use_pades
from app.signature.verify import verify_document
from tests.integration.cases_helpers import Clock, org_id
from tests.integration.signature.conftest import GostPki

NOVEMBER = parse_period("2026-11")


def openssl_accepts(data_path: Path, sig_path: Path, ca: Path) -> bool:
    """The independent check: OpenSSL's own CMS verification with the GOST engine."""
    run = subprocess.run(
        ["openssl", "cms", "-engine", "gost", "-verify", "-binary", "-inform", "DER",
         "-in", str(sig_path), "-content", str(data_path), "-CAfile", str(ca),
         "-out", "/dev/null"],
        capture_output=True,
        check=False,
    )  # fmt: skip
    return run.returncode == 0


async def gost_profile(pki: GostPki, slug: str = "penza") -> int:
    organisation = await org_id(slug)
    await use_gost_openssl(
        organisation, pki.signer_key.read_bytes(), pki.signer_cert.read_bytes(), None
    )
    return organisation


def pdf_text(path: Path) -> str:
    run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return run.stdout.decode()


@pytest.mark.parametrize("slug", ["penza", "parfino"])
async def test_monthly_report_signed_with_gost_verifies_here_and_in_openssl(
    demo: None, gost_pki: GostPki, slug: str
) -> None:
    organisation = await gost_profile(gost_pki, slug)
    rules = await organisation_rules(organisation)
    for file_format in ("pdf", "xlsx"):
        made = await produce(rules, "summary", NOVEMBER, file_format)
        assert made is not None and made.signature_path is not None
        assert made.signature_path == Path(f"{made.path}.sig")
        assert made.signer == "Иванов Иван Иванович, Администрация города Пензы"
        assert openssl_accepts(made.path, made.signature_path, gost_pki.ca_cert)
        data, sig = made.path.read_bytes(), made.signature_path.read_bytes()
        if file_format == "pdf":
            assert data.startswith(b"%PDF") and b"/ByteRange" not in data  # no PAdES inside
    await trust_root(organisation, gost_pki.ca_cert.read_bytes(), None)
    verdict = await verify_document(data, sig, [organisation])
    assert verdict.kind is SignatureKind.DETACHED and verdict.ok, verdict_lines(verdict, "")
    assert verdict.signer is not None
    assert verdict.signer.identifiers["ОГРН"] == "1025801358945"
    assert verdict.signer.identifiers["СНИЛС"] == "11223344595"
    assert verdict.signed_at is not None
    assert abs(verdict.signed_at - clock.now()) < timedelta(minutes=5)
    assert len(await list_reports(organisation)) == 2


async def test_pdf_carries_the_stamp_of_the_certificate_that_signs_it(
    demo: None, gost_pki: GostPki
) -> None:
    organisation = await gost_profile(gost_pki)
    made = await produce(await organisation_rules(organisation), "violations", NOVEMBER, "pdf")
    assert made is not None
    text = " ".join(pdf_text(made.path).split())
    profile = await active_profile(organisation)
    assert profile.facts is not None
    assert "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ" in text
    assert profile.facts.serial_hex.upper()[:12] in text.replace(" ", "")
    assert "Иванов Иван Иванович" in text
    assert f"с {profile.facts.not_before:%d.%m.%Y} по {profile.facts.not_after:%d.%m.%Y}" in text


async def test_tampering_fails_with_a_russian_reason(demo: None, gost_pki: GostPki) -> None:
    organisation = await gost_profile(gost_pki)
    await trust_root(organisation, gost_pki.ca_cert.read_bytes(), None)
    made = await produce(await organisation_rules(organisation), "summary", NOVEMBER, "pdf")
    assert made is not None and made.signature_path is not None
    data, sig = made.path.read_bytes(), made.signature_path.read_bytes()
    assert (await verify_document(data, sig, [organisation])).ok

    middle = len(data) // 2
    changed = data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
    verdict = await verify_document(changed, sig, [organisation])
    assert not verdict.ok and not verdict.matches
    assert any("Файл НЕ совпадает" in line for ok, line in verdict_lines(verdict, "") if not ok)

    # One byte of the signature value (the last bytes of the DER are the signature).
    broken = sig[:-5] + bytes([sig[-5] ^ 0x01]) + sig[-4:]
    verdict = await verify_document(data, broken, [organisation])
    assert not verdict.ok and verdict.matches and not verdict.signature_valid
    assert any("Подпись повреждена" in line for _, line in verdict_lines(verdict, ""))

    garbage = await verify_document(data, b"not a signature", [organisation])
    assert not garbage.signed and "не читается как подпись CMS" in garbage.problem


async def test_a_strangers_certificate_is_not_trusted(demo: None, gost_pki: GostPki) -> None:
    organisation = await gost_profile(gost_pki)
    await trust_root(organisation, gost_pki.ca_cert.read_bytes(), None)
    data = b"%PDF-1.7 a report"
    signature = await sign_detached(
        data,
        gost_pki.other_key.read_bytes(),
        gost_pki.other_cert.read_text(),
        "",
        "md_gost12_256",
    )
    verdict = await verify_document(data, signature, [organisation])
    assert verdict.matches and verdict.signature_valid and not verdict.trusted
    assert verdict.signer is not None and verdict.signer.organisation == "ООО «Посторонний»"
    assert "не ведёт ни к одному доверенному" in verdict.trust_note
    # No roots loaded at all: said so, not «forged».
    assert "не загружены" in (await verify_document(data, signature, [])).trust_note


async def test_512_bit_key_signs_with_streebog_512(demo: None, gost_pki: GostPki) -> None:
    organisation = await org_id("penza")
    facts = await use_gost_openssl(
        organisation,
        gost_pki.signer512_key.read_bytes(),
        gost_pki.signer512_cert.read_bytes(),
        None,
    )
    assert facts.digest == "md_gost12_512"
    made = await produce(await organisation_rules(organisation), "summary", NOVEMBER, "xlsx")
    assert made is not None and made.signature_path is not None
    assert openssl_accepts(made.path, made.signature_path, gost_pki.ca_cert)


async def test_expired_and_future_certificates_are_refused(demo: None, gost_pki: GostPki) -> None:
    organisation = await org_id("penza")
    for key, cert, words in (
        (gost_pki.expired_key, gost_pki.expired_cert, "истёк"),
        (gost_pki.future_key, gost_pki.future_cert, "начинает действовать только"),
    ):
        with pytest.raises(SigningError) as caught:
            await use_gost_openssl(organisation, key.read_bytes(), cert.read_bytes(), None)
        assert words in caught.value.message_ru
    assert (await active_profile(organisation)).kind == "pades"  # nothing changed

    # A certificate that was valid when installed and has run out since: the report is refused.
    await gost_profile(gost_pki)
    profile = await active_profile(organisation)
    assert profile.facts is not None
    Clock(profile.facts.not_after + timedelta(days=1))
    with pytest.raises(SigningError) as caught:
        await produce(await organisation_rules(organisation), "summary", NOVEMBER, "pdf")
    assert "истёк" in caught.value.message_ru and "Отчёт не подписан" in caught.value.message_ru
    assert await list_reports(organisation) == []


async def test_key_must_match_its_certificate(demo: None, gost_pki: GostPki) -> None:
    organisation = await org_id("penza")
    with pytest.raises(SigningError) as caught:
        await use_gost_openssl(
            organisation, gost_pki.other_key.read_bytes(), gost_pki.signer_cert.read_bytes(), None
        )
    assert "не соответствует сертификату" in caught.value.message_ru
    with pytest.raises(SigningError) as caught:
        await use_gost_openssl(organisation, gost_pki.signer_key.read_bytes(), b"junk", None)
    assert "не читается как сертификат" in caught.value.message_ru


async def test_back_to_pades_signs_inside_the_pdf_again(demo: None, gost_pki: GostPki) -> None:
    organisation = await gost_profile(gost_pki)
    await use_pades(organisation, None)
    made = await produce(await organisation_rules(organisation), "summary", NOVEMBER, "pdf")
    assert made is not None and made.signature_path is None
    verdict = await verify_document(made.path.read_bytes(), None, [organisation])
    assert verdict.kind is SignatureKind.PADES and verdict.ok
