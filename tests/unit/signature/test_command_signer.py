"""Signing through an external program (app.signature.command), with the cryptcp stand-in
(tests/integration/signature/fake_cryptcp.py) and checked by `openssl cms -verify`."""

from __future__ import annotations

import asyncio
import json
import shlex
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from asn1crypto import cms
from hypothesis import given
from hypothesis import strategies as st

from app.domain.signature.command import CommandTemplateError
from app.signature.command import (
    CommandSignError,
    decode_output,
    detached_cms,
    sign_with_command,
)
from tests.integration.signature.conftest import (
    FAKE_CRYPTCP,
    GostPki,
    fake_cryptcp_template,
)

# Every byte value, and a PDF's look: the signature must cover the bytes as they are.
DOCUMENT = b"%PDF-1.7\n" + bytes(range(256)) * 40 + "Отчёт за ноябрь\r\n%%EOF\n".encode()
GOST_256, GOST_512 = "1.2.643.7.1.1.2.2", "1.2.643.7.1.1.2.3"  # GOST R 34.11-2012 digests


def openssl_verify(
    tmp_path: Path, document: bytes, signature: bytes, ca_cert: Path
) -> subprocess.CompletedProcess[str]:
    """An independent check: `openssl cms -verify` with the GOST engine and the CA as root."""
    (tmp_path / "document").write_bytes(document)
    (tmp_path / "document.sig").write_bytes(signature)
    return subprocess.run(
        [
            *("openssl", "cms", "-engine", "gost", "-verify", "-binary", "-inform", "DER"),
            *("-in", str(tmp_path / "document.sig"), "-content", str(tmp_path / "document")),
            *("-CAfile", str(ca_cert), "-out", "/dev/null"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


async def refused(template: str, seconds: float = 30) -> str:
    with pytest.raises(CommandSignError) as caught:
        await sign_with_command(template, DOCUMENT, seconds)
    return caught.value.message_ru


def stand_in(pki: GostPki, *options: str) -> str:
    return fake_cryptcp_template(pki.signer_key, pki.signer_cert, *options)


def log_of(path: Path) -> dict:
    return json.loads(path.read_text())


def folder_gone(log: Path) -> bool:
    """Whether the folder the program was given (as its log says) has been removed."""
    return not Path(log_of(log)["folder"]).exists()


def written_pid(pid_file: Path) -> int | None:
    text = pid_file.read_text() if pid_file.exists() else ""
    return int(text) if text else None


async def ended(pid: int) -> bool:
    """Whether the process has ended (a zombie waiting for its parent counts), waiting a
    little: a killed process needs the scheduler to run before it is gone."""
    for _ in range(200):
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        await asyncio.sleep(0.05)
    return False


# -- signatures OpenSSL accepts ----------------------------------------------------------


async def test_a_detached_signature_verifies_with_openssl(
    gost_pki: GostPki, tmp_path: Path
) -> None:
    signature = await sign_with_command(stand_in(gost_pki, "-detached", "-der"), DOCUMENT, 30)

    checked = openssl_verify(tmp_path, DOCUMENT, signature, gost_pki.ca_cert)
    assert checked.returncode == 0, checked.stderr
    assert "Verification successful" in checked.stderr
    signed = cms.ContentInfo.load(signature)["content"]
    assert signed["encap_content_info"]["content"].native is None  # detached
    assert signed["digest_algorithms"][0]["algorithm"].dotted == GOST_256
    assert signed["certificates"][0].chosen.subject.native["common_name"] == (
        "Иванов Иван Иванович"
    )


async def test_a_changed_byte_of_the_document_fails_verification(
    gost_pki: GostPki, tmp_path: Path
) -> None:
    signature = await sign_with_command(stand_in(gost_pki, "-detached", "-der"), DOCUMENT, 30)
    changed = bytearray(DOCUMENT)
    changed[len(changed) // 2] ^= 0x01

    checked = openssl_verify(tmp_path, bytes(changed), signature, gost_pki.ca_cert)
    assert checked.returncode != 0
    assert "Verification failure" in checked.stderr


async def test_a_signature_by_a_certificate_of_another_ca_is_not_trusted(
    gost_pki: GostPki, tmp_path: Path
) -> None:
    template = fake_cryptcp_template(gost_pki.other_key, gost_pki.other_cert, "-detached", "-der")
    signature = await sign_with_command(template, DOCUMENT, 30)

    assert openssl_verify(tmp_path, DOCUMENT, signature, gost_pki.other_ca_cert).returncode == 0
    checked = openssl_verify(tmp_path, DOCUMENT, signature, gost_pki.ca_cert)
    assert checked.returncode != 0
    assert "unable to get local issuer certificate" in checked.stderr


async def test_a_512_bit_key_signs_with_the_512_bit_digest(
    gost_pki: GostPki, tmp_path: Path
) -> None:
    template = fake_cryptcp_template(
        gost_pki.signer512_key, gost_pki.signer512_cert, "-detached", "-der", "-md", "md_gost12_512"
    )
    signature = await sign_with_command(template, DOCUMENT, 30)

    assert openssl_verify(tmp_path, DOCUMENT, signature, gost_pki.ca_cert).returncode == 0
    signed = cms.ContentInfo.load(signature)["content"]
    assert signed["digest_algorithms"][0]["algorithm"].dotted == GOST_512


async def test_a_base64_signature_is_returned_as_der(gost_pki: GostPki, tmp_path: Path) -> None:
    # cryptcp writes Base64 unless told -der: accepted, and stored as DER all the same.
    signature = await sign_with_command(stand_in(gost_pki, "-detached"), DOCUMENT, 30)

    assert signature[:1] == b"\x30"
    assert openssl_verify(tmp_path, DOCUMENT, signature, gost_pki.ca_cert).returncode == 0


async def test_the_program_runs_in_a_private_folder_removed_afterwards(
    gost_pki: GostPki, tmp_path: Path
) -> None:
    log = tmp_path / "seen.json"
    await sign_with_command(stand_in(gost_pki, "-detached", "-der", "-log", str(log)), DOCUMENT, 30)

    seen = log_of(log)
    assert seen["folder_mode"] == 0o700
    assert Path(seen["in"]).parent == Path(seen["out"]).parent == Path(seen["folder"])
    assert folder_gone(log)
    # Nothing of the server's environment (database address, secrets) reaches the program.
    assert seen["environment"] == ["HOME", "LANG", "PATH"]
    assert seen["stdin"] == ""


async def test_paths_with_spaces_in_the_template_stay_one_argument(
    gost_pki: GostPki, tmp_path: Path
) -> None:
    folder = tmp_path / "ключи и сертификаты"
    folder.mkdir()
    key, cert = folder / "мой ключ.pem", folder / "мой сертификат.pem"
    key.write_bytes(gost_pki.signer_key.read_bytes())
    cert.write_bytes(gost_pki.signer_cert.read_bytes())

    signature = await sign_with_command(
        fake_cryptcp_template(key, cert, "-detached", "-der"), DOCUMENT, 30
    )
    assert openssl_verify(tmp_path, DOCUMENT, signature, gost_pki.ca_cert).returncode == 0


# -- failures the admin reads ------------------------------------------------------------


async def test_a_program_that_is_not_there(gost_pki: GostPki) -> None:
    assert await refused("cryptcp-absent -sign -detached {in} {out}") == (
        "Программа подписи не найдена: cryptcp-absent. Проверьте путь в шаблоне команды."
    )


async def test_a_file_that_may_not_be_run(tmp_path: Path) -> None:
    program = tmp_path / "cryptcp"
    program.write_text("#!/bin/sh\n")
    assert await refused(f"{program} {{in}} {{out}}") == (
        f"Программа подписи не запускается (нет права на запуск): {program}."
    )


async def test_a_failing_program_s_windows_1251_stderr_is_shown(
    gost_pki: GostPki, tmp_path: Path
) -> None:
    log = tmp_path / "seen.json"
    message = await refused(stand_in(gost_pki, "-detached", "-der", "-fail", "-log", str(log)))

    assert message == (
        f"Программа подписи {sys.executable} завершилась с ошибкой (код 1): "
        "Ошибка: не удалось открыть ключевой контейнер «Иванов И. И.»: неверный PIN-код.\n"
        "[ErrorCode: 0x8010006b]"
    )
    assert folder_gone(log)


async def test_openssl_s_own_error_is_passed_on(gost_pki: GostPki) -> None:
    # A key that does not belong to the certificate: the stand-in fails as OpenSSL does.
    template = fake_cryptcp_template(gost_pki.other_key, gost_pki.signer_cert, "-detached")
    message = await refused(template)

    assert message.startswith(f"Программа подписи {sys.executable} завершилась с ошибкой (код ")
    assert "private key does not match certificate" in message


async def test_a_silent_failure_says_so() -> None:
    assert await refused("false {in} {out}") == (
        "Программа подписи false завершилась с ошибкой (код 1) и ничего не сообщила"
    )


async def test_a_program_killed_by_a_signal() -> None:
    assert await refused("sh -c 'kill -KILL $$' {in} {out}") == (
        "Программа подписи sh прервана сигналом 9 и ничего не сообщила"
    )


async def test_stdout_is_shown_when_stderr_is_silent() -> None:
    # A tool that prints its error on stdout, as cryptcp may.
    template = "sh -c 'echo \"[ErrorCode: 0x20000064]\"; exit 3' {in} {out}"
    assert await refused(template) == (
        "Программа подписи sh завершилась с ошибкой (код 3): [ErrorCode: 0x20000064]"
    )


async def test_only_the_end_of_a_long_stderr_is_shown() -> None:
    # 260 KB of UTF-8: the part kept begins inside a two-byte letter.
    script = "yes 'строка ошибки' | head -n 10000 >&2; echo 'Конец.' >&2; exit 1"
    message = await refused(f"sh -c {shlex.quote(script)} {{in}} {{out}}")

    assert message.endswith("строка ошибки\nКонец.")
    assert "(код 1): …" in message
    assert len(message) == len("Программа подписи sh завершилась с ошибкой (код 1): …") + 1500


async def test_a_program_that_does_not_answer_is_killed_with_what_it_started(
    gost_pki: GostPki, tmp_path: Path
) -> None:
    log, pid_file = tmp_path / "seen.json", tmp_path / "child.pid"
    template = stand_in(gost_pki, "-detached", "-log", str(log), "-hang", str(pid_file))

    message = await refused(template, seconds=1)

    assert message == "Программа подписи не ответила за 1 с."
    assert (pid := written_pid(pid_file))
    assert await ended(pid)  # the `sleep` the program started
    assert folder_gone(log)


async def test_a_cancelled_signing_kills_the_program(gost_pki: GostPki, tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    template = stand_in(gost_pki, "-detached", "-hang", str(pid_file))
    task = asyncio.create_task(sign_with_command(template, DOCUMENT, 600))
    for _ in range(600):  # until the program has started its child
        if pid := written_pid(pid_file):
            break
        await asyncio.sleep(0.05)
    assert pid

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await ended(pid)


async def test_fractions_of_a_second_are_written_the_russian_way(gost_pki: GostPki) -> None:
    template = f"{sys.executable} {FAKE_CRYPTCP} -sign -hang /dev/null {{in}} {{out}}"
    assert await refused(template, seconds=0.5) == "Программа подписи не ответила за 0,5 с."


@pytest.mark.parametrize(
    ("misbehaviour", "message"),
    [
        (
            "-nothing",
            "Программа подписи завершилась без ошибки, но не записала файл подписи ({out}). "
            "Проверьте шаблон команды.",
        ),
        (
            "-garbage",
            "Программа подписи записала файл, который не является подписью CMS (DER).",
        ),
        (
            "-huge",
            "Программа подписи записала файл больше 1 МиБ: это не отсоединённая подпись.",
        ),
    ],
)
async def test_what_the_program_wrote_must_be_a_signature(
    gost_pki: GostPki, misbehaviour: str, message: str
) -> None:
    assert await refused(stand_in(gost_pki, "-detached", "-der", misbehaviour)) == message


async def test_an_attached_signature_is_refused(gost_pki: GostPki) -> None:
    assert await refused(stand_in(gost_pki, "-der")) == (
        "Программа подписи записала присоединённую подпись (с самим документом внутри); "
        "нужна отсоединённая: добавьте в шаблон ключ -detached."
    )


async def test_a_bad_template_is_refused_before_anything_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(CommandTemplateError) as caught:
        await sign_with_command(f"touch {marker} {{in}}", DOCUMENT, 30)
    assert caught.value.message_ru == "В шаблоне команды нет {out}: куда записать подпись."
    assert not marker.exists()


# -- reading what the program wrote and said ---------------------------------------------


def test_output_is_read_as_utf8_even_when_its_kept_tail_begins_inside_a_letter() -> None:
    said = "Ошибка: ключ не найден".encode()
    assert decode_output(said[1:]) == "шибка: ключ не найден"


@pytest.mark.parametrize("text", ["Неверный PIN-код", "«Ё» — ошибка", "Ж: error 0x20"])
def test_output_that_is_not_utf8_is_read_as_windows_1251(text: str) -> None:
    assert decode_output(text.encode("cp1251")) == text


@pytest.fixture(scope="module")
def real_signature(gost_pki: GostPki, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("real-signature")
    (folder / "document").write_bytes(DOCUMENT)
    words = shlex.split(stand_in(gost_pki, "-detached", "-der"))[:-2]
    subprocess.run([*words, str(folder / "document"), str(folder / "document.sig")], check=True)
    return (folder / "document.sig").read_bytes()


@given(st.binary(max_size=3000))
def test_any_bytes_are_a_detached_signature_or_refused_in_russian(data: bytes) -> None:
    try:
        assert detached_cms(data)[:1] == b"\x30"
    except CommandSignError as error:
        assert error.message_ru.startswith("Программа подписи записала")


@given(data=st.data())
def test_a_damaged_signature_is_refused_in_russian_or_left_to_verification(
    real_signature: bytes, data: st.DataObject
) -> None:
    # A cut or a changed byte: refused as «not CMS», or (a byte inside the signature value)
    # still a detached CMS, which verification then refuses.
    cut = data.draw(st.integers(0, len(real_signature) - 1))
    where = data.draw(st.integers(0, len(real_signature) - 1))
    changed = bytearray(real_signature)
    changed[where] ^= data.draw(st.integers(1, 255))
    for damaged in (real_signature[:cut], bytes(changed)):
        try:
            detached_cms(damaged)
        except CommandSignError as error:
            assert error.message_ru.startswith(("Программа подписи записала", "В подписи"))
