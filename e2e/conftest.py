"""A real server process and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import run_async

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _fresh_demo_data() -> None:
    from app.demo.seed import load_demo
    from tests.integration.conftest import truncate_all

    await truncate_all()
    await load_demo()


@pytest.fixture(scope="session")
def live_server(servers: None) -> Iterator[str]:
    """`otklik serve` on a free port, with the demo data, against the test servers."""
    run_async(_fresh_demo_data)
    port = _free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "LOG_LEVEL": "warning"}
    process = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], env=env)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the server did not start")
        time.sleep(0.1)
    yield base_url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make browser` (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _new_page(browser: Browser, base_url: str, errors: list[str]) -> Page:
    context = browser.new_context(
        base_url=base_url, locale="ru-RU", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Any script error or dialog means something ran that should not have.
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    # The Content-Security-Policy refused something the page tried to load or run.
    page.on(
        "console",
        lambda message: (
            errors.append(f"csp: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return page


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh browser context (own cookies) per test; fails on script errors and dialogs."""
    errors: list[str] = []
    page = _new_page(browser, live_server, errors)
    yield page
    page.context.close()
    assert not errors, errors


@pytest.fixture
def people(browser: Browser, live_server: str) -> Iterator[Callable[[str], Page]]:
    """Signed-in pages for several demo users at once, each in its own browser context."""
    from e2e.pages import sign_in

    errors: list[str] = []
    pages: dict[str, Page] = {}

    def person(login: str) -> Page:
        if login not in pages:
            pages[login] = _new_page(browser, live_server, errors)
            sign_in(pages[login], login)
        return pages[login]

    yield person
    for page in pages.values():
        page.context.close()
    assert not errors, errors


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot to e2e/artifacts/ (look at them)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
