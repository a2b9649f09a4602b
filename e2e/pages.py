"""Page objects: what a user does, in their words."""

from __future__ import annotations

import re

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
        main = self.page.locator("main[data-testid=role-page]")
        expect(main).to_have_attribute("data-role", role)

    def sign_out(self) -> None:
        self.page.get_by_test_id("logout").click()


def sign_in(page: Page, login: str) -> None:
    """Open the sign-in page and sign in with the demo password."""
    LoginPage(page).open().sign_in(login)
    expect(page).not_to_have_url(re.compile(r"/login"))


class CasePage:
    """One case: the actions of the lifecycle, in the words on the buttons."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self, slug: str, message_id: int) -> CasePage:
        self.page.goto(f"/o/{slug}/cases/{message_id}")
        return self

    def _post(self, click) -> None:
        """Click a button that posts, and wait for the server's answer (htmx swaps it in)."""
        with self.page.expect_response(lambda r: r.request.method == "POST"):
            click()

    @property
    def message_id(self) -> int:
        return int(self.page.get_by_test_id("case").get_attribute("data-message-id") or 0)

    def expect_state(self, title: str) -> None:
        expect(self.page.get_by_test_id("case-state")).to_have_text(title)

    def mark(self, topics: str, important: bool = False) -> None:
        self.page.get_by_label("Темы (через запятую)").fill(topics)
        name = "Требует реагирования — повышенная важность" if important else "Требует реагирования"
        self._post(lambda: self.page.get_by_role("button", name=name, exact=True).click())

    def refuse(self, reason: str) -> None:
        self.page.get_by_label("Основание").select_option(label=reason)
        self._post(lambda: self.page.get_by_role("button", name="Не подлежит обработке").click())

    def hand_over(self) -> None:
        self._post(
            lambda: self.page.get_by_role(
                "button", name="Передать ответственному работнику"
            ).click()
        )

    def route(self, *departments: str) -> None:
        form = self.page.get_by_test_id("route-form")
        for name in departments:
            form.get_by_label(name, exact=True).check()
        self._post(lambda: form.get_by_role("button", name="Направить исполнителям").click())

    def assignment(self, department: str):
        return self.page.get_by_test_id("assignment").filter(has_text=department)

    def submit_draft(
        self,
        department: str,
        text: str,
        kind: str = "окончательный ответ",
        files: list | None = None,
    ) -> None:
        box = self.assignment(department)
        box.locator("select[name=kind]").select_option(label=kind)
        box.get_by_label("Текст ответа").fill(text)
        if files:
            box.locator("input[type=file]").set_input_files(files)
        self._post(lambda: box.get_by_role("button", name="Направить на согласование").click())

    def resubmit(self, department: str, text: str) -> None:
        box = self.assignment(department)
        box.get_by_label("Доработанный текст").fill(text)
        self._post(
            lambda: box.get_by_role("button", name="Направить на повторное согласование").click()
        )

    def return_for_revision(self, department: str, comment: str) -> None:
        box = self.assignment(department)
        box.get_by_label("Замечание").fill(comment)
        self._post(lambda: box.get_by_role("button", name="Вернуть на доработку").click())

    def approve(self, department: str) -> None:
        self._post(
            lambda: self.assignment(department).get_by_role("button", name="Согласовать").click()
        )

    def publish(self, department: str, url: str) -> None:
        box = self.assignment(department)
        box.get_by_label("Ссылка на размещённый ответ").fill(url)
        self._post(lambda: box.get_by_role("button", name="Опубликовано").click())

    def return_outside(self, department: str, reason: str) -> None:
        box = self.assignment(department)
        box.get_by_label("Причина возврата").fill(reason)
        self._post(lambda: box.get_by_role("button", name="Не в нашей компетенции").click())

    def record_reply(self, department: str, reply: str) -> None:
        box = self.assignment(department)
        box.get_by_label("Ответ автора").fill(reply)
        self._post(lambda: box.get_by_role("button", name="Автор ответил").click())

    def expect_assignment_state(self, department: str, title: str) -> None:
        expect(self.assignment(department).locator("h2 .state")).to_have_text(title)


def enter_message(page: Page, slug: str, text: str, author: str = "Житель", url: str = "") -> int:
    """Manual entry by the specialist; returns the new case's id."""
    page.goto(f"/o/{slug}/specialist/entry/")
    page.get_by_label("Текст сообщения").fill(text)
    page.get_by_label("Автор", exact=True).fill(author)
    if url:
        page.get_by_label("Ссылка на сообщение").fill(url)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("case")).to_be_visible()
    return CasePage(page).message_id
