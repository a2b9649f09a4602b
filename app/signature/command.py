"""Signing through an external program (CryptoPro's `cryptcp`/`csptest`, any tool): the
server never holds the key; the program reads the file at `{in}` and writes a detached CMS
signature at `{out}` (see app.domain.signature.command for the template).

The program runs without a shell (the template's words are its argument list), in a private
temporary folder removed afterwards whatever happens, with stdin closed and a small clean
environment: the server's own variables (database address, secrets) are not passed on. It
leads a process group of its own, so a timeout kills whatever it started as well. What it
says on stderr is kept (the tail only) and shown to the admin when it fails.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import os
import pwd
import re
import shutil
import signal
import tempfile
from pathlib import Path

from asn1crypto import cms

from app.domain.signature.certificate import SigningError
from app.domain.signature.command import fill_command, parse_command_template

MAX_SIGNATURE_BYTES = 1024 * 1024
# How much of the program's stderr (or stdout) the admin is shown, in characters.
MESSAGE_TAIL = 1500
# How much of each stream is kept while reading: enough for MESSAGE_TAIL in any encoding.
_KEPT_BYTES = 8 * 1024
_PEM = re.compile(rb"-----BEGIN [A-Z0-9 ]+-----(.*?)-----END [A-Z0-9 ]+-----", re.DOTALL)


class CommandSignError(SigningError):
    """The external signer failed; `message_ru` tells the admin what happened."""

    default_ru = "Программа подписи не подписала документ."
    default_code = "command_sign"


def _environment() -> dict[str, str]:
    """What the program may rely on: PATH, a UTF-8 locale and the home of the server's user.

    CryptoPro finds its key containers by the user (and HOME for some tokens); nothing else
    of the server's environment is any business of the program.
    """
    home = os.environ.get("HOME") or pwd.getpwuid(os.getuid()).pw_dir
    return {"PATH": os.environ.get("PATH", os.defpath), "LANG": "C.UTF-8", "HOME": home}


def _seconds(value: float) -> str:
    """«60», «1,5»: seconds as a Russian reader writes them."""
    return f"{value:g}".replace(".", ",")


def decode_output(data: bytes) -> str:
    """The program's message: UTF-8, or else Windows-1251 (CryptoPro on Windows-like setups).

    The kept tail may begin inside a UTF-8 character: its leading continuation bytes (up to
    three) are dropped before decoding as UTF-8.
    """
    start = 0
    while start < min(3, len(data)) and 0x80 <= data[start] <= 0xBF:
        start += 1
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def _readable(data: bytes) -> str:
    """The last MESSAGE_TAIL characters of the output, without control characters."""
    text = decode_output(data).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c if c in "\n\t" or c.isprintable() else " " for c in text).strip()
    return text if len(text) <= MESSAGE_TAIL else "…" + text[-MESSAGE_TAIL:]


async def _tail(stream: asyncio.StreamReader | None) -> bytes:
    """Read the stream to its end, keeping only its last _KEPT_BYTES."""
    kept = b""
    if stream is None:
        return kept
    while chunk := await stream.read(64 * 1024):
        kept = (kept + chunk)[-_KEPT_BYTES:]
    return kept


def _kill_group(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group has already gone
        os.killpg(process.pid, signal.SIGKILL)


async def _run(args: list[str], workdir: Path, timeout_seconds: float) -> tuple[int, bytes]:
    """Run the program; its exit code and what it said (stderr, or stdout when that is all)."""
    program = args[0]
    try:
        process = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=workdir,
            env=_environment(),
            start_new_session=True,  # a process group of its own, to kill as a whole
        )
    except FileNotFoundError as error:
        raise CommandSignError(
            f"Программа подписи не найдена: {program}. Проверьте путь в шаблоне команды.",
            "command_not_found",
        ) from error
    except PermissionError as error:
        raise CommandSignError(
            f"Программа подписи не запускается (нет права на запуск): {program}.",
            "command_not_executable",
        ) from error
    except OSError as error:  # not a program at all (a text file without «#!»…)
        raise CommandSignError(
            f"Программа подписи не запускается: {program} ({error.strerror}).",
            "command_not_executable",
        ) from error
    try:
        async with asyncio.timeout(timeout_seconds):
            stdout, stderr, code = await asyncio.gather(
                _tail(process.stdout), _tail(process.stderr), process.wait()
            )
    except TimeoutError as error:
        # Also when the program itself has exited but something it started holds its pipes.
        _kill_group(process)
        raise CommandSignError(
            f"Программа подписи не ответила за {_seconds(timeout_seconds)} с.", "command_timeout"
        ) from error
    finally:
        # On a cancellation too: the program and everything it started.
        if process.returncode is None:
            _kill_group(process)
            await process.wait()
    # Some tools print their error on stdout (cryptcp its «[ErrorCode: …]» line): shown then.
    return code, stderr if stderr.strip() else stdout


def _failure(program: str, code: int, said: bytes) -> CommandSignError:
    how = f"прервана сигналом {-code}" if code < 0 else f"завершилась с ошибкой (код {code})"
    message = _readable(said)
    text = f"{how}: {message}" if message else f"{how} и ничего не сообщила"
    return CommandSignError(f"Программа подписи {program} {text}", "command_failed")


def _read_signature(path: Path) -> bytes:
    if not path.is_file():
        raise CommandSignError(
            "Программа подписи завершилась без ошибки, но не записала файл подписи ({out}). "
            "Проверьте шаблон команды.",
            "command_no_output",
        )
    with path.open("rb") as file:
        data = file.read(MAX_SIGNATURE_BYTES + 1)
    if len(data) > MAX_SIGNATURE_BYTES:
        raise CommandSignError(
            "Программа подписи записала файл больше 1 МиБ: это не отсоединённая подпись.",
            "command_output_too_big",
        )
    if not data:
        raise CommandSignError("Программа подписи записала пустой файл подписи.", "command_empty")
    return data


def _der(data: bytes) -> bytes:
    """DER bytes of the signature, also when the program wrote it as Base64 or PEM
    (`cryptcp` does without `-der`)."""
    if data[:1] == b"\x30":
        return data
    pem = _PEM.search(data)
    try:
        return base64.b64decode(pem.group(1) if pem else data, validate=False)
    except (binascii.Error, ValueError):
        return data


def detached_cms(data: bytes) -> bytes:
    """The signature as DER if it is a detached CMS SignedData; else CommandSignError."""
    der = _der(data)
    try:
        info = cms.ContentInfo.load(der, strict=True)
        content_type = info["content_type"].native
        signed = info["content"] if content_type == "signed_data" else None
        attached = signed is not None and signed["encap_content_info"]["content"].native
        signers = len(signed["signer_infos"]) if signed is not None else 0
    except (ValueError, TypeError, KeyError) as error:  # asn1crypto's ways to say «not DER»
        raise CommandSignError(
            "Программа подписи записала файл, который не является подписью CMS (DER).",
            "command_not_cms",
        ) from error
    if signed is None:
        raise CommandSignError(
            f"Программа подписи записала CMS типа {content_type}, а нужна подпись (SignedData).",
            "command_not_signed_data",
        )
    if attached:
        raise CommandSignError(
            "Программа подписи записала присоединённую подпись (с самим документом внутри); "
            "нужна отсоединённая: добавьте в шаблон ключ -detached.",
            "command_attached",
        )
    if not signers:
        raise CommandSignError(
            "В подписи, записанной программой, нет ни одного подписанта.", "command_no_signer"
        )
    return der


async def sign_with_command(template: str, data: bytes, timeout_seconds: float) -> bytes:
    """The detached CMS signature (DER) of `data`, made by the template's program.

    Raises CommandTemplateError for a bad template and CommandSignError, with a Russian
    message for the admin, when the program cannot be found, fails (its stderr shown), does
    not finish within `timeout_seconds` (then it is killed with all it started), or writes
    no detached CMS signature.
    """
    args = parse_command_template(template)
    workdir = Path(tempfile.mkdtemp(prefix="otklik-sign-"))  # mode 0700: this user's only
    try:
        in_path, out_path = workdir / "document", workdir / "document.sig"
        await asyncio.to_thread(in_path.write_bytes, data)
        command = fill_command(args, str(in_path), str(out_path))
        code, said = await _run(command, workdir, timeout_seconds)
        if code != 0:
            raise _failure(args[0], code, said)
        return detached_cms(await asyncio.to_thread(_read_signature, out_path))
    finally:
        await asyncio.to_thread(shutil.rmtree, workdir, ignore_errors=True)
