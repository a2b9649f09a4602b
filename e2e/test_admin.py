"""The administrator sets up a department and a person; that person signs in and works."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from e2e.conftest import screenshot
from e2e.pages import LoginPage, RolePage

ADMIN = "/o/penza/admin"


def _submit(page: Page, form: str, button: str) -> None:
    with page.expect_navigation():
        page.get_by_test_id(form).get_by_role("button", name=button).click()


def test_admin_creates_a_department_and_an_executor_who_signs_in(people, page: Page) -> None:
    suffix = uuid.uuid4().hex[:6]
    department, login = f"Отдел по работе с обращениями {suffix}", f"executor-{suffix}"
    admin = people("admin")
    admin.goto(ADMIN)
    expect(admin.get_by_role("heading", name="Администрирование")).to_be_visible()
    screenshot(admin, "admin-overview")

    admin.get_by_role("link", name="Подразделения").first.click()
    form = admin.get_by_test_id("department-form")
    _submit(admin, "department-form", "Добавить")  # empty: refused next to the field
    expect(form.locator("#name-error")).to_have_text("Заполните поле «Название».")
    form.get_by_label(re.compile(r"^Название")).fill(department)
    form.get_by_label("Темы, по которым").fill("Обращения граждан, Жалобы")
    _submit(admin, "department-form", "Добавить")
    expect(admin.get_by_test_id("admin-notice")).to_have_text("Добавлено.")
    row = admin.get_by_test_id("departments").get_by_role("row").filter(has_text=department)
    expect(row).to_contain_text("Обращения граждан")
    screenshot(admin, "admin-departments")

    admin.get_by_role("link", name="Пользователи и роли").click()
    form = admin.get_by_test_id("user-form")
    form.get_by_label("Логин").fill(login)
    form.get_by_label(re.compile(r"^Пароль")).fill("short")
    form.get_by_label("ФИО").fill("Новикова Елена Сергеевна")
    form.get_by_label(re.compile(r"^Роль")).select_option(label="Исполнитель")
    form.get_by_label("Подразделение").select_option(label=department)
    _submit(admin, "user-form", "Создать")
    expect(form.locator("#password-error")).to_contain_text("не менее")
    expect(form.get_by_label("ФИО")).to_have_value("Новикова Елена Сергеевна")  # nothing lost
    form.get_by_label(re.compile(r"^Пароль")).fill("correct-horse-battery")
    _submit(admin, "user-form", "Создать")
    expect(admin.get_by_test_id("admin-notice")).to_have_text("Добавлено.")
    member = admin.locator(f'tr[data-login="{login}"]')
    expect(member).to_contain_text(f"Исполнитель — {department}")
    screenshot(admin, "admin-users")

    for tab, name in (
        ("Организация и график", "admin-organisation"),
        ("Отсутствия и замещения", "admin-absences"),
        ("Регламент", "admin-profile"),
        ("Аккаунты", "admin-accounts"),
        ("API-токены", "admin-tokens"),
    ):
        admin.get_by_role("navigation", name="Разделы").get_by_role("link", name=tab).click()
        expect(
            admin.get_by_role("navigation", name="Разделы").locator("[aria-current]")
        ).to_have_text(tab)
        screenshot(admin, name)
    admin.get_by_role("link", name="Регламент").click()
    clone = admin.get_by_test_id("clone-form")
    clone.get_by_label("Код").fill(f"penza-{suffix}")
    clone.get_by_label("Название").fill(f"Пенза, редакция {suffix}")
    _submit(admin, "clone-form", "Сделать копию")
    editor = admin.get_by_test_id("profile-form")
    answer = editor.get_by_label("Размещение ответа, обычная важность", exact=True)
    answer.fill("восемь")
    _submit(admin, "profile-form", "Сохранить")
    expect(editor.locator("#t_answer_normal-error")).to_contain_text("Целое число")
    expect(answer).to_have_value("восемь")
    screenshot(admin, "admin-profile-editor")
    admin.get_by_role("link", name="API-токены").click()
    admin.get_by_test_id("token-form").get_by_label("Для какой системы").fill("Медиалогия")
    _submit(admin, "token-form", "Выпустить токен")
    expect(admin.get_by_test_id("token-value")).to_have_value(re.compile(r"^otk_"))
    screenshot(admin, "admin-token-issued")

    LoginPage(page).open().sign_in(login, "correct-horse-battery")
    expect(page).to_have_url(re.compile(r"/o/penza/executor$"))
    RolePage(page).expect_role("executor")
    expect(page.get_by_test_id("context")).to_contain_text("Администрация города Пензы")
    screenshot(page, "admin-new-executor-landing")
