"""Benchmark of a large draft attachment: the web process's peak memory, and no file left.

Run: python -m bench.uploads [--megabytes 99]

Starts embedded PostgreSQL and Redis in var/bench-uploads/, loads the demo organisations,
routes one Penza case to the executor's department and starts `otklik serve` (one process).
Then, signed in as the executor, it posts a video of the given size twice over HTTP:
1. with a stale version (refused with 409): the peak RSS of the web process during the
   request, and the files left under the media directory (target: none);
2. with the right version: the peak RSS again, and the one file placed with its metadata.
The peak is read from VmHWM after resetting it (/proc/PID/clear_refs), so it is the highest
resident memory while the upload was received and stored, against the process's RSS before.
Figures are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-uploads"
MIB = 1024 * 1024
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def prepare() -> tuple[int, int]:
    """Migrate, load the demo organisations, route a case; (message id, assignment id)."""
    from app.cli.servers import migrate
    from app.db.piccolo_conf import DB
    from app.demo.seed import load_demo
    from tests.integration.services_helpers import routed_case

    await migrate()
    await DB.start_connection_pool(min_size=1, max_size=2)
    try:
        await load_demo(with_cases=False, with_history=False)
        return await routed_case("penza")
    finally:
        await DB.close_connection_pool()


def _status_kib(pid: int, field: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    assert match, field
    return int(match.group(1))


def _reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := current RSS


def _video(megabytes: int) -> bytes:
    return MP4_HEAD + bytes(megabytes * MIB - len(MP4_HEAD))


def _files(root: Path) -> Iterator[Path]:
    return (p for p in root.rglob("*") if p.is_file()) if root.is_dir() else iter(())


def post_video(
    client: httpx.Client, pid: int, url: str, version: int, video: bytes
) -> tuple[int, float, float, float]:
    """(status, RSS before in MiB, peak RSS during in MiB, seconds) of one upload."""
    form = client.get(url.rsplit("/assignments/", 1)[0]).text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form)
    assert token
    before = _status_kib(pid, "VmRSS") / 1024
    _reset_peak(pid)
    started = time.perf_counter()
    response = client.post(
        url,
        data={"version": str(version), "kind": "final", "text": "Видео работ"},
        files={"files": ("работы.mp4", video, "video/mp4")},
        headers={"accept": "text/html", "x-csrftoken": token.group(1)},
    )
    elapsed = time.perf_counter() - started
    return response.status_code, before, _status_kib(pid, "VmHWM") / 1024, elapsed


def main() -> None:
    """Start the servers, upload, print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=99)
    args = parser.parse_args()

    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    media = VAR / "media"
    os.environ.update(OTKLIK_ENV="test", OTKLIK_VAR_DIR=str(VAR), OTKLIK_MEDIA_DIR=str(media))
    from app.core.embedded import EmbeddedServers

    servers = EmbeddedServers(VAR, database="otklik_bench_uploads")
    database_url, redis_url = servers.start()
    os.environ.update(DATABASE_URL=database_url, REDIS_URL=redis_url)
    server = None
    try:
        message_id, assignment_id = asyncio.run(prepare())
        port = _free_port()
        env = {**os.environ, "PORT": str(port), "LOG_LEVEL": "warning"}
        server = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], env=env)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz").status_code in (200, 503):
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        video = _video(args.megabytes)
        url = f"/o/penza/cases/{message_id}/assignments/{assignment_id}/submit"
        with httpx.Client(base_url=base, follow_redirects=False, timeout=120) as client:
            form = client.get("/login").text
            token = re.search(r'name="_csrf_token" value="([^"]+)"', form)
            assert token
            login = {"login": "penza-executor", "password": "otklik-demo", "_csrf_token": token[1]}
            signed = client.post("/login", data=login)
            assert signed.status_code in (200, 302, 303), signed.status_code
            for title, version in (("stale version (refused)", 99), ("accepted", 1)):
                status, before, peak, seconds = post_video(client, server.pid, url, version, video)
                left = sorted(str(p.relative_to(media)) for p in _files(media))
                print(
                    f"{args.megabytes} MB video, {title}: HTTP {status}, {seconds:.1f} s, "
                    f"web RSS {before:.0f} MiB before, peak {peak:.0f} MiB "
                    f"(+{peak - before:.0f} MiB); files under media: {len(left)} {left}"
                )
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        servers.stop()


if __name__ == "__main__":
    main()
