"""A stand-in for CryptoPro's `cryptcp` in tests: signs with OpenSSL's GOST engine.

    fake_cryptcp.py -sign [-detached] [-der] -key KEY -cert CERT [-md DIGEST]
                    [-log FILE] [MISBEHAVIOUR] IN OUT

Like `cryptcp -sign`: without `-detached` the signature carries the document (attached),
without `-der` it is written in Base64 (cryptcp's default). The key file is given to
`openssl cms -engine gost -sign -binary -outform DER` on its stdin, never as an argument;
DIGEST is md_gost12_256 (the default) or md_gost12_512. On success nothing is printed and the
exit code is 0; OpenSSL's failure is passed on (its stderr and exit code); wrong arguments
print a usage line and exit 2.

MISBEHAVIOUR, for the tests of failures:
  -fail          print a Russian error in Windows-1251 to stderr (as CryptoPro does on
                 Windows-like setups) and exit 1;
  -hang PIDFILE  start a child `sleep`, write its pid to PIDFILE, then sleep (to be killed);
  -garbage       write a file that is not a signature and exit 0;
  -nothing       exit 0 without writing OUT;
  -huge          write 1 MiB and one byte to OUT and exit 0.
`-log FILE` writes as JSON what the program was given: the paths, the mode of their folder,
the names of the environment variables and what stdin held.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

USAGE = "usage: fake_cryptcp.py -sign [-detached] [-der] -key KEY -cert CERT IN OUT\n"
FLAGS = {"-sign", "-detached", "-der", "-fail", "-garbage", "-nothing", "-huge"}
VALUED = {"-key", "-cert", "-md", "-log", "-hang"}
FAILURE = (
    "Ошибка: не удалось открыть ключевой контейнер «Иванов И. И.»: неверный PIN-код.\n"
    "[ErrorCode: 0x8010006b]\n"
)


def parse(argv: list[str]) -> tuple[set[str], dict[str, str], list[str]] | None:
    flags: set[str] = set()
    values: dict[str, str] = {}
    positional: list[str] = []
    words = iter(argv)
    for word in words:
        if word in FLAGS:
            flags.add(word)
        elif word in VALUED:
            value = next(words, None)
            if value is None:
                return None
            values[word] = value
        elif word.startswith("-") and word != "-":
            return None
        else:
            positional.append(word)
    if "-sign" not in flags or len(positional) != 2:
        return None
    return flags, values, positional


def log(path: str, in_path: str, out_path: str) -> None:
    folder = Path(in_path).parent
    seen = {
        "in": in_path,
        "out": out_path,
        "folder": str(folder),
        "folder_mode": stat.S_IMODE(folder.stat().st_mode),
        "environment": sorted(os.environ),
        "stdin": sys.stdin.read() if sys.stdin else None,
    }
    Path(path).write_text(json.dumps(seen))


def hang(pid_file: str) -> int:
    child = subprocess.Popen(["sleep", "3600"])
    Path(pid_file).write_text(str(child.pid))
    time.sleep(3600)
    return 0


def sign(flags: set[str], values: dict[str, str], in_path: str, out_path: str) -> int:
    if "-key" not in values or "-cert" not in values:
        sys.stderr.write(USAGE)
        return 2
    key = Path(values["-key"]).read_bytes()
    command = ["openssl", "cms", "-engine", "gost", "-sign", "-binary", "-outform", "DER"]
    command += ["-md", values.get("-md", "md_gost12_256"), "-signer", values["-cert"]]
    command += ["-inkey", "/dev/stdin", "-in", in_path, "-out", out_path]
    if "-detached" not in flags:
        command.append("-nodetach")
    done = subprocess.run(command, input=key, capture_output=True, check=False)
    if done.returncode != 0:
        sys.stderr.buffer.write(done.stderr.replace(b'Engine "gost" set.\n', b""))
        return done.returncode
    if "-der" not in flags:
        der = Path(out_path).read_bytes()
        Path(out_path).write_bytes(base64.encodebytes(der))
    return 0


def main(argv: list[str]) -> int:
    parsed = parse(argv)
    if parsed is None:
        sys.stderr.write(USAGE)
        return 2
    flags, values, (in_path, out_path) = parsed
    if "-log" in values:
        log(values["-log"], in_path, out_path)
    if "-fail" in flags:
        sys.stderr.buffer.write(FAILURE.encode("cp1251"))
        return 1
    if "-hang" in values:
        return hang(values["-hang"])
    if "-garbage" in flags:
        Path(out_path).write_bytes(b"PKCS7? no: just some bytes\n")
        return 0
    if "-nothing" in flags:
        return 0
    if "-huge" in flags:
        Path(out_path).write_bytes(b"\x30" * (1024 * 1024 + 1))
        return 0
    return sign(flags, values, in_path, out_path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
