"""GOST R 34.10-2012 through OpenSSL's `gost` engine (Debian: libengine-gost-openssl): detached
CMS signing, «Стрибог» digests, signature and chain checks. Python's own cryptography has no
GOST, so the `openssl` program does the mathematics; the private key reaches it through a pipe
only (never written to disk), the signed file through a private temporary directory.

The key goes through an OS pipe of its own, named `/dev/fd/N`, not through stdin: under
uvloop (`otklik serve`) a child's stdin is a socket, which OpenSSL cannot open as
`/dev/stdin` («No such device or address»)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.domain.signature.certificate import SigningError

OPENSSL = "openssl"
TIMEOUT_SECONDS = 120.0
NO_ENGINE = (
    "На сервере нет модуля ГОСТ для OpenSSL: установите пакет libengine-gost-openssl "
    "(`make tools` делает это сам)."
)


class GostError(SigningError):
    """OpenSSL could not sign or check with GOST; `message_ru` says why."""

    default_code = "gost"


@dataclass(frozen=True)
class Run:
    """A finished `openssl` run."""

    returncode: int
    stdout: bytes
    stderr: str


async def run_openssl(args: list[str], stdin: bytes = b"", pass_fds: tuple[int, ...] = ()) -> Run:
    """Run `openssl ARGS` with the gost engine loaded; GostError when it cannot start."""
    try:
        process = await asyncio.create_subprocess_exec(
            OPENSSL,
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            pass_fds=pass_fds,
        )
    except FileNotFoundError as error:
        raise GostError("На сервере нет программы openssl.", "no_openssl") from error
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin), TIMEOUT_SECONDS)
    except TimeoutError as error:
        process.kill()
        await process.wait()
        raise GostError("OpenSSL не ответил за 120 с.", "timeout") from error
    text = err.decode("utf-8", "replace")
    if 'Invalid engine "gost"' in text:
        raise GostError(NO_ENGINE, "no_engine")
    return Run(process.returncode or 0, out, text)


def _engine(args: list[str]) -> list[str]:
    return [args[0], "-engine", "gost", *args[1:]]


async def engine_ready() -> bool:
    """The gost engine loads (the package is installed)."""
    try:
        run = await run_openssl(["engine", "gost"])
    except GostError:
        return False
    return run.returncode == 0


async def sign_detached(
    data: bytes, key_pem: bytes, signer_pem: str, chain_pem: str, digest: str
) -> bytes:
    """A detached CMS SignedData (DER) of `data`, CAdES-BES: signing time, the ESS
    signing-certificate-v2 attribute, the signer's certificate and its chain inside."""
    with tempfile.TemporaryDirectory(prefix="otklik-sign-") as tmp:
        folder = Path(tmp)
        (folder / "data").write_bytes(data)
        (folder / "signer.pem").write_text(signer_pem)
        args = [
            "cms", "-sign", "-cades", "-binary", "-nosmimecap",
            "-in", str(folder / "data"),
            "-signer", str(folder / "signer.pem"),
            "-inkey", "/dev/fd/{key}",
            "-md", digest,
            "-outform", "DER",
            "-out", str(folder / "data.sig"),
        ]  # fmt: skip
        if "BEGIN CERTIFICATE" in chain_pem:
            (folder / "chain.pem").write_text(chain_pem)
            args += ["-certfile", str(folder / "chain.pem")]
        run = await _with_key(_engine(args), key_pem)
        if run.returncode != 0 or not (folder / "data.sig").is_file():
            raise GostError(_sign_problem(run.stderr), "sign_failed", detail=run.stderr[-2000:])
        return (folder / "data.sig").read_bytes()


def _write_all(fd: int, data: bytes) -> None:
    with contextlib.suppress(BrokenPipeError), os.fdopen(fd, "wb") as pipe:
        pipe.write(data)


async def _with_key(args: list[str], key_pem: bytes) -> Run:
    """Run OpenSSL with the key readable at `/dev/fd/{key}` (a pipe), written from a thread
    as OpenSSL reads it."""
    read_end, write_end = os.pipe()
    writing = asyncio.create_task(asyncio.to_thread(_write_all, write_end, key_pem))
    try:
        return await run_openssl(
            [a.replace("{key}", str(read_end)) for a in args], pass_fds=(read_end,)
        )
    finally:
        os.close(read_end)
        await writing


def _sign_problem(stderr: str) -> str:
    lowered = stderr.lower()
    if "does not match" in lowered or "key values mismatch" in lowered:
        return "Закрытый ключ не соответствует сертификату."
    if any(w in lowered for w in ("could not read", "bad decrypt", "decode")):
        return "Закрытый ключ ГОСТ не читается: нужен файл PEM без пароля (PKCS#8)."
    return "OpenSSL не смог подписать: " + stderr.strip()[-500:]


async def digest_of(data: bytes, digest: str) -> bytes:
    """The GOST R 34.11-2012 digest (`md_gost12_256` or `md_gost12_512`) of `data`."""
    run = await run_openssl(_engine(["dgst", f"-{digest}", "-binary"]), data)
    if run.returncode != 0:
        raise GostError(NO_ENGINE, "no_engine", detail=run.stderr[-2000:])
    return run.stdout


async def signature_verifies(data: bytes, signature: bytes) -> bool:
    """The signature is made by its certificate's key over exactly `data` (no trust check)."""
    with tempfile.TemporaryDirectory(prefix="otklik-verify-") as tmp:
        folder = Path(tmp)
        (folder / "data").write_bytes(data)
        (folder / "data.sig").write_bytes(signature)
        args = [
            "cms", "-verify", "-binary", "-noverify", "-inform", "DER",
            "-in", str(folder / "data.sig"), "-content", str(folder / "data"),
            "-out", "/dev/null",
        ]  # fmt: skip
        run = await run_openssl(_engine(args))
        return run.returncode == 0


async def chains_to(signer_pem: str, others_pem: str, roots_pem: str, at: datetime) -> Run:
    """Whether the signer's certificate chains to one of `roots_pem` at moment `at`
    (intermediates from `others_pem`); returncode 0 when it does."""
    with tempfile.TemporaryDirectory(prefix="otklik-chain-") as tmp:
        folder = Path(tmp)
        (folder / "signer.pem").write_text(signer_pem)
        (folder / "roots.pem").write_text(roots_pem)
        args = ["verify", "-partial_chain", "-attime", str(int(at.timestamp()))]
        args += ["-CAfile", str(folder / "roots.pem")]
        if "BEGIN CERTIFICATE" in others_pem:
            (folder / "others.pem").write_text(others_pem)
            args += ["-untrusted", str(folder / "others.pem")]
        return await run_openssl(_engine([*args, str(folder / "signer.pem")]))
