"""`otklik run` as `make run` uses it: starts everything, Ctrl-C leaves nothing behind,
and a crash (SIGKILL) leaves nothing that stops the next start."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) counts as gone.
    try:
        return "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False


def _pid_in(path: Path) -> int:
    return int(path.read_text().split()[0])


# Every `otklik run` a test starts, so a failing test leaves no run (and no supervisor
# restarting its servers) behind: see the `reaper` fixture.
_STARTED: list[tuple[subprocess.Popen[bytes], Path]] = []


@pytest.fixture(autouse=True)
def reaper() -> Iterator[None]:
    yield
    while _STARTED:
        process, var_dir = _STARTED.pop()
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        for pid_file in (var_dir / "pgdata" / "postmaster.pid", var_dir / "redis" / "redis.pid"):
            # Only a server of this test's var dir (a stale pid file may name a reused pid).
            with contextlib.suppress(OSError, ValueError, IndexError, psutil.Error):
                server = psutil.Process(_pid_in(pid_file))
                if str(var_dir) in " ".join(server.cmdline()):
                    server.kill()


def _start(var_dir: Path, port: int, output: Any = subprocess.PIPE) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(OTKLIK_ENV="dev", OTKLIK_VAR_DIR=str(var_dir), PORT=str(port), LOG_LEVEL="warning")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "run"],
        env=env,
        start_new_session=True,  # its own process group, as a terminal gives it
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    _STARTED.append((process, var_dir))
    return process


def _wait_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
        try:
            body = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
            if body["worker"]["ok"]:
                return body
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.2)
    raise AssertionError("otklik run did not become healthy")


def _server_pids(var_dir: Path) -> tuple[int, int]:
    return _pid_in(var_dir / "pgdata" / "postmaster.pid"), _pid_in(var_dir / "redis" / "redis.pid")


# A restart that fails under load is retried after 1, 2, 4… s: give it a minute.
def _restarted(var_dir: Path, old_pids: tuple[int, int], timeout: float = 60) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pids = _server_pids(var_dir)
        except (OSError, ValueError):
            pids = old_pids
        if all(new != old and _alive(new) for new, old in zip(pids, old_pids, strict=True)):
            return pids
        time.sleep(0.1)
    raise AssertionError(f"a killed server was not restarted: {old_pids} → {pids}")


def _web_and_worker(pid: int) -> list[int]:
    """The web and worker children of `otklik run` (a killed server not yet reaped is a
    zombie child for a moment: it has no command line and is not one of them)."""
    found = []
    for child in psutil.Process(pid).children():
        try:
            if "app.cli" in " ".join(child.cmdline()):
                found.append(child.pid)
        except psutil.NoSuchProcess:  # ZombieProcess included
            continue
    return sorted(found)


def _kill_with_children(pid: int) -> None:
    process = psutil.Process(pid)
    everything = [process, *process.children(recursive=True)]
    for each in everything:
        each.kill()
    psutil.wait_procs(everything, timeout=5)


@pytest.mark.usefixtures("servers")
def test_run_serves_restarts_a_killed_server_and_leaves_nothing_behind(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    port = _free_port()

    log = tmp_path / "run.log"
    with log.open("wb") as output:
        process = _start(var_dir, port, output)
    # The first start makes a data directory and plays three months of demo history through
    # the services: ~40 s alone, and past 90 s on two cores shared with the other test process.
    _wait_healthy(port, process, timeout=240)
    login = httpx.get(f"http://127.0.0.1:{port}/login")
    assert "Вход в систему" in login.text

    # A killed server is restarted; the web and the worker go on (neither is restarted).
    children = _web_and_worker(process.pid)
    assert len(children) == 2
    killed = _server_pids(var_dir)
    os.kill(killed[1], signal.SIGKILL)  # Redis
    _kill_with_children(killed[0])  # PostgreSQL, its backends included
    postgres_pid, redis_pid = _restarted(var_dir, killed)
    deadline = time.monotonic() + 30
    while httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code != 200:
        assert time.monotonic() < deadline, "the web did not recover"
        time.sleep(0.2)
    assert process.poll() is None, "otklik run stopped"
    assert _web_and_worker(process.pid) == children, "the web or the worker was restarted"
    assert httpx.get(f"http://127.0.0.1:{port}/login").status_code == 200
    deadline = time.monotonic() + 15
    while True:  # the supervisor logs each server once it sees it running again
        run_log = log.read_text(errors="replace")
        if "Redis restarted" in run_log and "PostgreSQL restarted" in run_log:
            break
        assert time.monotonic() < deadline, run_log[-2000:]
        time.sleep(0.2)

    # Crash: the whole group is SIGKILLed; the servers outlive it.
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)

    process = _start(var_dir, port)
    _wait_healthy(port, process)
    output_pids = _server_pids(var_dir)
    # Ctrl-C in a terminal: SIGINT to the whole process group.
    os.killpg(process.pid, signal.SIGINT)
    process.wait(60)
    output = process.stdout.read().decode() if process.stdout else ""
    assert "penza-specialist" in output and "otklik-demo" in output

    deadline = time.monotonic() + 15
    pids = {postgres_pid, redis_pid, *output_pids}
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in pids if _alive(pid)], "a server outlived otklik run"
    assert not (var_dir / "redis" / "redis.pid").exists()
