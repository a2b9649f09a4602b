"""Page objects: what a user does, in their words."""

from __future__ import annotations

from playwright.sync_api import Page, expect


class LoginPage:
    """The sign-in form."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self) -> LoginPage:
        self.page.goto("/login")
        return self

    def sign_in(self, login: str, password: str = "otklik-demo") -> None:
        self.page.get_by_label("Логин").fill(login)
        self.page.get_by_label("Пароль").fill(password)
        self.page.get_by_role("button", name="Войти").click()

    def expect_error(self, text: str) -> None:
        expect(self.page.get_by_test_id("login-error")).to_have_text(text)


class RolePage:
    """Any role's landing page with the common header."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def expect_role(self, role: str) -> None:
        expect(self.page.get_by_test_id("role-page")).to_have_attribute("data-role", role)

    def sign_out(self) -> None:
        self.page.get_by_test_id("logout").click()
