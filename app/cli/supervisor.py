"""`otklik run` keeps its parts alive: the embedded PostgreSQL and Redis, the web and the worker.

A part found dead is started again with a log line, with a growing pause between attempts
when it keeps dying; the other parts go on (the web answers 503 while a server is down,
the worker reconnects by itself). Only Ctrl-C or SIGTERM stops everything.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger("otklik.run")

FIRST_PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 30.0
# A part that stayed up this long since its last restart is healthy again (pauses reset).
HEALTHY_AFTER_SECONDS = 60.0
CHECK_EVERY_SECONDS = 0.5


class Part(Protocol):
    """Something `otklik run` keeps alive."""

    def running(self) -> bool: ...

    def restart(self) -> None: ...


@dataclass
class Child:
    """A child process (the web or the worker) started from a command line."""

    command: list[str]
    process: subprocess.Popen[bytes] | None = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def restart(self) -> None:
        # Children get the URLs in their environment, so they join our servers.
        self.process = subprocess.Popen(self.command)  # noqa: S603


@dataclass
class _Watched:
    name: str
    part: Part
    failures: int = 0
    last_restart: float = 0.0
    next_try: float = 0.0
    down: bool = False  # found dead and not yet seen running again


@dataclass
class Supervisor:
    """Checks its parts in order (servers before the processes that use them)."""

    parts: list[tuple[str, Part]]
    clock: Callable[[], float] = time.monotonic
    _watched: list[_Watched] = field(init=False)

    def __post_init__(self) -> None:
        self._watched = [_Watched(name, part) for name, part in self.parts]

    def check(self) -> list[str]:
        """Restart the dead parts whose pause is over; return the names of those restarted."""
        restarted = []
        for watched in self._watched:
            now = self.clock()
            if watched.part.running():
                if watched.down:
                    # Announced once it is seen running: a start that reported an error (a
                    # slow pg_ctl under load) may still have brought the server up.
                    watched.down = False
                    log.warning("%s restarted", watched.name)
                    restarted.append(watched.name)
                if watched.failures and now - watched.last_restart >= HEALTHY_AFTER_SECONDS:
                    watched.failures = 0
                continue
            watched.down = True
            if now < watched.next_try:
                continue
            watched.failures += 1
            log.warning("%s is down: restarting it (attempt %d)", watched.name, watched.failures)
            try:
                watched.part.restart()
            except Exception:
                log.exception("%s did not start", watched.name)
            if watched.part.running():
                watched.down = False
                log.warning("%s restarted", watched.name)
                restarted.append(watched.name)
            pause = min(FIRST_PAUSE_SECONDS * 2 ** (watched.failures - 1), LONGEST_PAUSE_SECONDS)
            watched.last_restart = now
            watched.next_try = now + pause
        return restarted

    def run_forever(self) -> None:
        """Check until interrupted (KeyboardInterrupt or SystemExit from SIGTERM)."""
        if not logging.getLogger().handlers:
            logging.basicConfig(
                level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
            )
        while True:
            self.check()
            time.sleep(CHECK_EVERY_SECONDS)
