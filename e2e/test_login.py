"""Each demo role signs in through the browser and lands on its page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.demo.seed import demo_logins
from e2e.conftest import screenshot
from e2e.pages import LoginPage, RolePage


@pytest.mark.parametrize("login", demo_logins())
def test_demo_user_signs_in_and_lands_on_role_page(page: Page, login: str) -> None:
    LoginPage(page).open().sign_in(login)
    role = "admin" if login == "admin" else login.split("-", 1)[1]
    org = "(penza|parfino)" if login == "admin" else login.split("-")[0]
    expect(page).to_have_url(re.compile(rf"/o/{org}/{role}$"))
    RolePage(page).expect_role(role)
    screenshot(page, f"landing-{login}")


def test_wrong_password_shows_error_and_keeps_login(page: Page) -> None:
    login = LoginPage(page).open()
    login.sign_in("penza-specialist", "wrong-password")
    login.expect_error("Неверный логин или пароль.")
    expect(page.get_by_label("Логин")).to_have_value("penza-specialist")
    screenshot(page, "login-error")


def test_sign_out_returns_to_login_and_closes_pages(page: Page) -> None:
    LoginPage(page).open().sign_in("parfino-coordinator")
    RolePage(page).expect_role("coordinator")
    RolePage(page).sign_out()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/o/parfino/coordinator")
    expect(page).to_have_url(re.compile(r"/login\?next=/o/parfino/coordinator$"))


def test_admin_switches_between_organisations(page: Page) -> None:
    LoginPage(page).open().sign_in("admin")
    page.get_by_test_id("role-switcher").locator("summary").click()
    screenshot(page, "role-switcher")
    page.get_by_role("link", name=re.compile("города Пензы")).click()
    expect(page).to_have_url(re.compile(r"/o/penza/admin$"))
    expect(page.get_by_test_id("context")).to_contain_text("Администрация города Пензы")
    page.get_by_test_id("role-switcher").locator("summary").click()
    page.get_by_role("link", name=re.compile("Парфинского")).click()
    expect(page).to_have_url(re.compile(r"/o/parfino/admin$"))
    expect(page.get_by_test_id("context")).to_contain_text("Парфинского")
