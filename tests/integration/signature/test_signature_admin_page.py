"""The admin's page «Электронная подпись» over HTTP: what it shows, GOST and PKCS#12 keys,
trusted roots, «Проверить подпись»; only the admin of the organisation in the path, every
refusal in Russian with nothing changed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.db.tables import Event, Organisation, SigningProfile, TrustedRoot
from app.demo.password import DEMO_PASSWORD
from app.domain.roles import Role
from app.identity.accounts import create_user, grant_role
from app.identity.passwords import cached_hash
from app.signature.openssl_certs import issue_gost_certificate
from app.signature.pades import demo_pkcs12
from app.signature.profiles import active_profile, trust_root, use_gost_command
from tests.integration.cases_helpers import org_id
from tests.integration.conftest import csrf_token, sign_in
from tests.integration.signature.conftest import SIGNER_SUBJECT, GostPki, fake_cryptcp_template

pytestmark = pytest.mark.usefixtures("demo")
PENZA = "/o/penza/admin/signature"
PARFINO = "/o/parfino/admin/signature"
HTML = {"accept": "text/html"}


async def _as(client: AsyncTestClient[Litestar], login: str) -> str:
    assert (await sign_in(client, login)).status_code == 302
    return await csrf_token(client)


async def _parfino_admin() -> None:
    """An admin of Parfino only (the demo's «admin» administers both organisations)."""
    user = await create_user(
        "parfino-admin", "Администратор Парфино", "", password_hash=cached_hash(DEMO_PASSWORD)
    )
    parfino = await Organisation.objects().get(Organisation.slug == "parfino")
    assert parfino is not None
    await grant_role(user, parfino, Role.ADMIN)


def _files(**paths: Path | bytes) -> dict[str, tuple[str, bytes]]:
    return {
        name: (name + ".pem", value if isinstance(value, bytes) else value.read_bytes())
        for name, value in paths.items()
    }


async def _upload(
    client: AsyncTestClient[Litestar],
    token: str,
    url: str,
    data: dict[str, str] | None = None,
    /,
    **files: Path | bytes,
) -> Response:
    return await client.post(
        url,
        data={"_csrf_token": token, **(data or {})},
        files=_files(**files),
        headers=HTML,
        follow_redirects=False,
    )


async def _kind(slug: str) -> str:
    return (await active_profile(await org_id(slug))).kind


def _text(html: str) -> str:
    """The page's words, tags and repeated spaces dropped."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_demo_profile_is_shown_with_its_certificate_and_linked_from_the_admin_pages(
    client: AsyncTestClient[Litestar],
) -> None:
    await _as(client, "admin")
    overview = await client.get("/o/penza/admin")
    assert f'href="{PENZA}"' in overview.text and "Электронная подпись" in overview.text
    page = await client.get(PENZA)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = _text(page.text)
    assert "Сейчас: PAdES (подпись внутри PDF)" in text
    assert "Администрация города Пензы (демо)" in text and "RSA" in text
    assert "Демонстрационный самоподписанный сертификат" in text
    assert "Доверенных сертификатов нет." in text


async def test_gost_key_and_roots_uploaded_then_the_test_signature_is_valid(
    client: AsyncTestClient[Litestar], gost_pki: GostPki
) -> None:
    token = await _as(client, "admin")
    made = await _upload(
        client, token, f"{PENZA}/gost", key=gost_pki.signer_key, certificate=gost_pki.signer_cert
    )
    assert made.status_code == 302 and made.headers["location"] == f"{PENZA}?done=gost"
    assert await _kind("penza") == "gost-openssl" and await _kind("parfino") == "pades"
    text = _text((await client.get(made.headers["location"])).text)
    assert "Отчёты подписываются ключом ГОСТ Р 34.10-2012" in text
    assert "Сейчас: ГОСТ Р 34.10-2012 через OpenSSL" in text
    assert "Иванов Иван Иванович, Администрация города Пензы" in text
    assert "ОГРН 1025801358945" in text and "СНИЛС 11223344595" in text
    assert "ГОСТ Р 34.10-2012 (256 бит)" in text and "Срок действия" not in text

    # Without a trusted root the test signature is made and correct, but not trusted.
    check = _text((await client.post(f"{PENZA}/check", data={"_csrf_token": token})).text)
    assert "Тестовый документ подписан, но подпись не подтверждена" in check
    assert "Подпись математически верна" in check and "Доверенные сертификаты не загружены" in check

    added = await _upload(client, token, f"{PENZA}/roots", certificate=gost_pki.ca_cert)
    assert added.headers["location"] == f"{PENZA}?done=trusted"
    again = await _upload(client, token, f"{PENZA}/roots", certificate=gost_pki.ca_cert)
    assert again.headers["location"] == f"{PENZA}?done=known"
    assert await TrustedRoot.count() == 1
    listed = _text((await client.get(PENZA)).text)
    assert "Тестовый удостоверяющий центр «Отклик»" in listed
    check = _text((await client.post(f"{PENZA}/check", data={"_csrf_token": token})).text)
    assert "Тестовый документ подписан, подпись действительна" in check
    assert "Сертификат ведёт к доверенному корневому сертификату." in check

    back = await client.post(
        f"{PENZA}/pades", data={"_csrf_token": token}, headers=HTML, follow_redirects=False
    )
    assert back.headers["location"] == f"{PENZA}?done=pades" and await _kind("penza") == "pades"
    root = await TrustedRoot.select(TrustedRoot.id).first()
    assert root is not None
    removed = await client.post(
        f"{PENZA}/roots/{root['id']}/delete",
        data={"_csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert removed.headers["location"] == f"{PENZA}?done=deleted" and not await TrustedRoot.count()
    kinds = [e["kind"] for e in await Event.select(Event.kind).order_by(Event.id)]
    assert kinds[-4:] == [
        "admin_signature_gost",
        "admin_root_trusted",
        "admin_signature_pades",
        "admin_root_removed",
    ]


async def test_an_admin_of_parfino_neither_sees_nor_changes_penzas_signature(
    client: AsyncTestClient[Litestar], gost_pki: GostPki
) -> None:
    await _parfino_admin()
    penza = await org_id("penza")
    penza_root = (await trust_root(penza, gost_pki.ca_cert.read_bytes(), None))[0]
    token = await _as(client, "parfino-admin")
    assert (await client.get(PARFINO)).status_code == 200
    assert (await client.get(PENZA, headers=HTML, follow_redirects=False)).status_code == 403
    refused = await _upload(
        client, token, f"{PENZA}/gost", key=gost_pki.signer_key, certificate=gost_pki.signer_cert
    )
    assert refused.status_code == 403 and "Недостаточно прав" in refused.text
    for action in ("pades", "check", f"roots/{penza_root.id}/delete"):
        posted = await client.post(
            f"{PENZA}/{action}", data={"_csrf_token": token}, headers=HTML, follow_redirects=False
        )
        assert posted.status_code == 403, action
    # Penza's root by its id under Parfino's address: not Parfino's, so not found.
    forged = await client.post(
        f"{PARFINO}/roots/{penza_root.id}/delete",
        data={"_csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert forged.status_code == 404
    assert await TrustedRoot.count().where(TrustedRoot.organisation == penza) == 1
    assert await _kind("penza") == "pades"


async def test_people_without_the_admin_role_get_403(
    client: AsyncTestClient[Litestar], gost_pki: GostPki
) -> None:
    token = await _as(client, "penza-head")
    assert (await client.get(PENZA, headers=HTML, follow_redirects=False)).status_code == 403
    refused = await _upload(
        client, token, f"{PENZA}/gost", key=gost_pki.signer_key, certificate=gost_pki.signer_cert
    )
    assert refused.status_code == 403 and await _kind("penza") == "pades"


async def test_a_post_without_the_forms_token_is_refused(
    client: AsyncTestClient[Litestar], gost_pki: GostPki
) -> None:
    await _as(client, "admin")
    files = _files(key=gost_pki.signer_key, certificate=gost_pki.signer_cert)
    refused = await client.post(f"{PENZA}/gost", files=files, headers=HTML, follow_redirects=False)
    assert refused.status_code == 403 and await _kind("penza") == "pades"


async def test_bad_uploads_are_refused_in_russian_and_change_nothing(
    client: AsyncTestClient[Litestar], gost_pki: GostPki
) -> None:
    token = await _as(client, "admin")
    events = await Event.count()
    gost = f"{PENZA}/gost"
    cases: list[tuple[str, dict[str, Path | bytes], str]] = [
        (gost, {"key": gost_pki.signer_cert, "certificate": gost_pki.signer_cert}, "не похож"),
        (gost, {"key": gost_pki.expired_key, "certificate": gost_pki.expired_cert}, "истёк"),
        (
            gost,
            {"key": gost_pki.other_key, "certificate": gost_pki.signer_cert},
            "не соответствует сертификату",
        ),
        (gost, {"key": b"x" * (64 * 1024 + 1), "certificate": gost_pki.signer_cert}, "64 КБ"),
        (gost, {"certificate": gost_pki.signer_cert}, "Выберите файл закрытого ключа"),
        (gost, {"key": b"", "certificate": gost_pki.signer_cert}, "пуст"),
        (f"{PENZA}/roots", {"certificate": b"not a certificate"}, "не читается как сертификат"),
        (f"{PENZA}/pkcs12", {"pkcs12": b"not a pkcs12"}, ""),
    ]
    for url, files, words in cases:
        refused = await _upload(client, token, url, None, **files)
        assert refused.status_code == 400, (url, files.keys())
        error = re.search(r'class="field-error"[^>]*>([^<]+)<', refused.text)
        assert error and re.search("[А-Яа-яЁё]", error.group(1)), refused.text[-2000:]
        assert words in error.group(1)
    # A request larger than its form can be is refused before it is read.
    huge = await _upload(client, token, f"{PENZA}/roots", None, certificate=b"0" * (400 * 1024))
    assert huge.status_code == 413 and "Запрос больше допустимого размера" in huge.text
    p12, _ = demo_pkcs12("Администрация города Пензы", datetime.now(UTC))
    wrong = await _upload(client, token, f"{PENZA}/pkcs12", {"password": "не тот"}, pkcs12=p12)
    assert wrong.status_code == 400 and 'id="pkcs12-error"' in wrong.text
    assert await _kind("penza") == "pades" and not await TrustedRoot.count()
    assert not await SigningProfile.count()
    assert await Event.count() == events


async def test_a_pkcs12_with_its_password_signs_in_pades(
    client: AsyncTestClient[Litestar],
) -> None:
    token = await _as(client, "admin")
    p12, password = demo_pkcs12("ООО «Пробная подпись»", datetime.now(UTC))
    made = await _upload(
        client, token, f"{PENZA}/pkcs12", {"password": password.decode()}, pkcs12=p12
    )
    assert made.headers["location"] == f"{PENZA}?done=pades"
    text = _text((await client.get(PENZA)).text)
    assert "ООО «Пробная подпись» (демо)" in text and "Демонстрационный" not in text
    check = _text((await client.post(f"{PENZA}/check", data={"_csrf_token": token})).text)
    assert "Подпись встроена в PDF (PAdES)." in check
    assert "Тестовый документ подписан, подпись действительна" in check


async def test_the_command_is_shown_read_only_and_its_failure_in_the_programs_words(
    client: AsyncTestClient[Litestar], gost_pki: GostPki
) -> None:
    template = fake_cryptcp_template(gost_pki.signer_key, gost_pki.signer_cert, "-fail")
    await use_gost_command(
        await org_id("penza"), template, gost_pki.signer_cert.read_bytes(), 30, None
    )
    token = await _as(client, "admin")
    page = await client.get(PENZA)
    text = _text(page.text)
    assert "Сейчас: ГОСТ Р 34.10-2012 внешней программой (КриптоПро CSP)" in text
    assert "-fail" in text and "--kind gost-command" in text
    assert 'name="command"' not in page.text  # no form sets a program to run
    check = _text((await client.post(f"{PENZA}/check", data={"_csrf_token": token})).text)
    assert "Подписать не удалось" in check and "неверный PIN-код" in check


async def test_the_certificates_end_is_announced_a_month_ahead_and_once_past(
    client: AsyncTestClient[Litestar], gost_pki: GostPki, tmp_path: Path
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    key, cert = issue_gost_certificate(
        tmp_path,
        gost_pki.ca_key,
        gost_pki.ca_cert,
        SIGNER_SUBJECT,
        now - timedelta(days=300),
        now + timedelta(days=10, hours=12),
    )
    token = await _as(client, "admin")
    await _upload(client, token, f"{PENZA}/gost", key=key, certificate=cert)
    text = _text((await client.get(PENZA)).text)
    assert "Срок действия сертификата заканчивается через 10 дней" in text
    template = fake_cryptcp_template(gost_pki.expired_key, gost_pki.expired_cert)
    await use_gost_command(
        await org_id("penza"), template, gost_pki.expired_cert.read_bytes(), 30, None
    )
    text = _text((await client.get(PENZA)).text)
    assert (
        "Срок действия сертификата «Иванов Иван Иванович, Администрация города Пензы» истёк" in text
    )
    check = _text((await client.post(f"{PENZA}/check", data={"_csrf_token": token})).text)
    assert "Подписать не удалось" in check and "Отчёт не подписан" in check
