"""Test and demo GOST R 34.10-2012 certificates, made with the OpenSSL CLI and its GOST engine.

Otklik never issues real certificates (an accredited CA does); these are for tests, the demo
and an operator trying a signer out. Certificates are issued with `openssl ca` and a small
configuration of its own in a temporary folder: `-startdate`/`-enddate` give exact validity
dates (OpenSSL 3.0's `x509 -req` only counts days from now), which the tests of expired and
not-yet-valid certificates need.

The same configuration names the Russian identifiers of qualified certificates (order 795 of
the FSB): OGRN, OGRNIP, SNILS and INN are known to OpenSSL, INNLE (1.2.643.100.4) is declared
here; each is written as a NumericString of its fixed length, as the order requires.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.core import clock
from app.core.errors import UserError

# Generous: a loaded machine signs a certificate in well under a second.
_TIMEOUT_SECONDS = 60
# GOST R 34.10-2012 key size → the OpenSSL algorithm and its GOST R 34.11-2012 digest.
_ALGORITHMS = {256: ("gost2012_256", "md_gost12_256"), 512: ("gost2012_512", "md_gost12_512")}
# A subject attribute's name as OpenSSL spells it: C, O, CN, OGRN, SNILS, INN, INNLE…
_ATTRIBUTE = re.compile(r"[A-Za-z][A-Za-z0-9]*")

_CONFIG = """\
openssl_conf = init
[ init ]
oid_section = oids
stbl_section = string_types
[ oids ]
INNLE = 1.2.643.100.4
[ string_types ]
INNLE = min:10,max:10,mask:NUMERICSTRING,flags:nomask
[ req ]
distinguished_name = empty_name
[ empty_name ]
[ ca ]
default_ca = issuer
[ issuer ]
database = index.txt
new_certs_dir = .
serial = serial
policy = any_name
unique_subject = no
email_in_dn = no
default_md = default
[ any_name ]
commonName = supplied
[ ca_extensions ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ signer_extensions ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


class CertificateToolError(UserError):
    """OpenSSL could not make a key or a certificate (no GOST engine, a bad subject…)."""

    default_ru = "OpenSSL не смог выпустить тестовый сертификат."
    default_code = "certificate_tool"


def _openssl(workdir: Path, *args: str) -> None:
    """Run `openssl ARGS` in the work folder with its configuration; raise with its stderr."""
    # Loaded once from OPENSSL_CONF (`ca -config` would load its modules a second time).
    env = {**os.environ, "OPENSSL_CONF": str(workdir / "openssl.cnf")}
    try:
        done = subprocess.run(  # noqa: S603 - a fixed program and an argument list, no shell
            ["openssl", *args],  # noqa: S607 - openssl from PATH, as every tool here
            cwd=workdir,
            env=env,
            capture_output=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError as error:
        raise CertificateToolError("Программа openssl не найдена.") from error
    if done.returncode != 0:
        # Every run says «Engine "gost" set.»; the rest is the error.
        stderr = done.stderr.decode(errors="replace").replace('Engine "gost" set.', "")
        if 'Invalid engine "gost"' in stderr:
            raise CertificateToolError(
                "В OpenSSL нет модуля ГОСТ: установите пакет libengine-gost-openssl (make tools).",
                detail=stderr,
            )
        raise CertificateToolError(
            f"OpenSSL не выполнил «openssl {args[0]}»: {stderr.strip()[-1000:]}", detail=stderr
        )


def _subject(subject: Mapping[str, str]) -> str:
    """The `-subj` argument: `/C=RU/O=…/CN=…`, with `/` and `\\` in values escaped."""
    parts = []
    for name, value in subject.items():
        if not _ATTRIBUTE.fullmatch(name):
            raise CertificateToolError(f"Неизвестное поле имени в сертификате: {name!r}.")
        escaped = value.replace("\\", "\\\\").replace("/", "\\/")
        parts.append(f"/{name}={escaped}")
    return "".join(parts)


def _openssl_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("certificate dates must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%SZ")


def _new_key(workdir: Path, bits: int) -> Path:
    algorithm, _ = _ALGORITHMS[bits]
    key = workdir / "key.pem"
    _openssl(
        workdir,
        *("genpkey", "-engine", "gost", "-algorithm", algorithm, "-pkeyopt", "paramset:A"),
        *("-out", key.name),
    )
    return key


def _issue(
    workdir: Path,
    subject: Mapping[str, str],
    not_before: datetime,
    not_after: datetime,
    bits: int,
    issuer: tuple[Path, Path] | None,
) -> tuple[bytes, bytes]:
    """(key PEM, certificate PEM): signed by the issuer's key, or by its own key when None."""
    if bits not in _ALGORITHMS:
        raise ValueError(f"GOST R 34.10-2012 keys are 256 or 512 bits, not {bits}")
    (workdir / "openssl.cnf").write_text(_CONFIG)
    (workdir / "index.txt").write_text("")
    # A random positive 63-bit serial: certificates of one CA differ without a shared counter.
    (workdir / "serial").write_text(f"{secrets.randbits(62) | 1 << 62:016X}\n")
    key = _new_key(workdir, bits)
    _, digest = _ALGORITHMS[bits]
    _openssl(
        workdir,
        *("req", "-engine", "gost", "-new", "-key", key.name, "-utf8", "-subj", _subject(subject)),
        *(f"-{digest}", "-out", "request.pem"),
    )
    signing = (
        ["-cert", str(issuer[1]), "-keyfile", str(issuer[0]), "-extensions", "signer_extensions"]
        if issuer
        else ["-selfsign", "-keyfile", key.name, "-extensions", "ca_extensions"]
    )
    _openssl(
        workdir,
        *("ca", "-engine", "gost", "-batch", *signing),
        *("-in", "request.pem", "-out", "certificate.pem", "-preserveDN", "-utf8", "-notext"),
        *("-startdate", _openssl_time(not_before), "-enddate", _openssl_time(not_after)),
    )
    return key.read_bytes(), (workdir / "certificate.pem").read_bytes()


def _write(directory: Path, stem: str, key: bytes, certificate: bytes) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = directory / f"{stem}.key.pem", directory / f"{stem}.cert.pem"
    # The key is written readable by its owner only, from the first byte.
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
    cert_path.write_bytes(certificate)
    return key_path, cert_path


def make_gost_ca(
    directory: Path,
    name: str,
    *,
    stem: str = "ca",
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    bits: int = 256,
) -> tuple[Path, Path]:
    """A self-signed GOST test CA «C=RU, O=name, CN=name»: (key path, certificate path).

    Written as `<stem>.key.pem` (mode 0600) and `<stem>.cert.pem` in the directory. By
    default valid from five years ago to ten years ahead, so that expired and future
    certificates it issues still lie within its own validity.
    """
    now = clock.now()
    start = not_before or now - timedelta(days=5 * 365)
    end = not_after or now + timedelta(days=10 * 365)
    with tempfile.TemporaryDirectory(prefix="otklik-ca-") as work:
        key, cert = _issue(Path(work), {"C": "RU", "O": name, "CN": name}, start, end, bits, None)
    return _write(directory, stem, key, cert)


def issue_gost_certificate(
    directory: Path,
    ca_key: Path,
    ca_cert: Path,
    subject: Mapping[str, str],
    not_before: datetime,
    not_after: datetime,
    bits: int = 256,
    *,
    stem: str = "signer",
) -> tuple[Path, Path]:
    """A GOST R 34.10-2012 signing certificate issued by the CA: (key path, certificate path).

    `subject` maps OpenSSL's attribute names to values, in order, e.g. {"C": "RU",
    "O": "Администрация города", "CN": "Иванов Иван Иванович", "OGRN": "1025800000001",
    "SNILS": "…", "INN": "…", "INNLE": "…"} (Cyrillic is written as UTF-8). The certificate
    is valid from `not_before` to `not_after` exactly (to the second), for digital signature
    and non-repudiation; the key is 256 or 512 bits with parameter set A.
    """
    with tempfile.TemporaryDirectory(prefix="otklik-cert-") as work:
        key, cert = _issue(
            Path(work), subject, not_before, not_after, bits, (ca_key.resolve(), ca_cert.resolve())
        )
    return _write(directory, stem, key, cert)
