"""The administrator's staff pages: departments, users and roles, absences and substitutes."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.admin import absences as admin_absences
from app.admin import departments as admin_departments
from app.admin import organisation as admin_organisation
from app.admin import users as admin_users
from app.admin.common import AdminError, AdminNotFound, people
from app.admin.pages import (
    ADMIN,
    ADMIN_DEPENDENCIES,
    Form,
    admin_page,
    attempt,
    checked,
    done,
    not_found,
)
from app.core import clock
from app.domain.roles import ROLE_TITLES, Role
from app.identity.staff import people_of
from app.web.deps import CurrentActor, Req, Rules
from app.web.forms import form_int, form_list, form_text, to_int


def _department_form(data: dict[str, Any]) -> admin_departments.DepartmentForm:
    return admin_departments.DepartmentForm(
        name=form_text(data, "name", 300),
        short_name=form_text(data, "short_name", 120),
        topics=form_text(data, "topics", 7000),
        curator_id=form_int(data, "curator"),
        is_active=checked(data, "is_active"),
    )


def _role_form(data: dict[str, Any]) -> admin_users.RoleForm:
    curated = [n for v in form_list(data, "curated", 12) if (n := to_int(v)) is not None]
    return admin_users.RoleForm(
        role=form_text(data, "role", 20),
        department_id=form_int(data, "department"),
        curated_ids=curated,
    )


class AdminStaffController(Controller):
    """Departments, users with their roles, absences with their substitutes."""

    path = "/o/{org_slug:str}/admin"
    include_in_schema = False
    dependencies = ADMIN_DEPENDENCIES
    exception_handlers = {AdminNotFound: not_found}  # noqa: RUF012

    # -- departments -------------------------------------------------------------------------

    async def _departments(
        self,
        request: Req,
        rules: Rules,
        status_code: int = 200,
        edit_id: int | None = None,
        form: admin_departments.DepartmentForm | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        if form is None and edit_id is not None:
            stored = await admin_departments.department(rules.id, edit_id)
            form = admin_departments.department_form(stored)
        return admin_page(
            request,
            rules,
            "admin/departments.html",
            status_code,
            departments=await admin_departments.list_departments(rules.id),
            people=await people(rules.id),
            edit_id=edit_id,
            form=form or admin_departments.DepartmentForm(),
            errors=errors or {},
        )

    @get("/departments", name="admin.departments", opt=ADMIN)
    async def departments(self, request: Req, rules: Rules) -> Template:
        """The departments with their topics, curators and executors; the form for a new one."""
        return await self._departments(request, rules)

    @get("/departments/{department_id:int}", name="admin.department", opt=ADMIN)
    async def department(
        self, request: Req, rules: Rules, department_id: FromPath[int]
    ) -> Template:
        """The list with one department's form filled in for editing."""
        return await self._departments(request, rules, edit_id=department_id)

    @post("/departments", name="admin.departments.add", opt=ADMIN)
    async def create_department(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Add a department."""
        form = _department_form(data)
        return await attempt(
            admin_departments.save_department(actor, None, form),
            lambda errors: self._departments(request, rules, 400, None, form, errors),
            done(request, rules, "admin.departments", "added"),
        )

    @post("/departments/{department_id:int}", name="admin.department.save", opt=ADMIN)
    async def save_department(
        self,
        request: Req,
        rules: Rules,
        actor: CurrentActor,
        department_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Save a department's name, topics, curator and active flag."""
        await admin_departments.department(rules.id, department_id)
        form = _department_form(data)
        return await attempt(
            admin_departments.save_department(actor, department_id, form),
            lambda errors: self._departments(request, rules, 400, department_id, form, errors),
            done(request, rules, "admin.departments"),
        )

    @post("/departments/{department_id:int}/delete", name="admin.department.delete", opt=ADMIN)
    async def remove_department(
        self, request: Req, rules: Rules, actor: CurrentActor, department_id: FromPath[int]
    ) -> Redirect:
        """Delete an unused department, deactivate a used one."""
        outcome = await admin_departments.remove_department(actor, department_id)
        return done(request, rules, "admin.departments", outcome)

    # -- users and roles ---------------------------------------------------------------------

    async def _users(
        self,
        request: Req,
        rules: Rules,
        status_code: int = 200,
        form: admin_users.UserForm | None = None,
        errors: dict[str, str] | None = None,
        error_user: int | None = None,
    ) -> Template:
        departments = await admin_departments.list_departments(rules.id)
        return admin_page(
            request,
            rules,
            "admin/users.html",
            status_code,
            members=await admin_users.list_members(rules.id),
            departments=[d for d in departments if d.is_active],
            roles=[(r.value, rules.profile.title(r)) for r in Role],
            role_titles=ROLE_TITLES,
            form=form or admin_users.UserForm(),
            errors=errors or {},
            error_user=error_user,
            me=request.state["current_user"].id,
        )

    @get("/users", name="admin.users", opt=ADMIN)
    async def users(self, request: Req, rules: Rules) -> Template:
        """Members with their roles; the form for a new user."""
        return await self._users(request, rules)

    @post("/users", name="admin.users.add", opt=ADMIN)
    async def create_user(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Create a user with a first role (the password is never shown back)."""
        form = admin_users.UserForm(
            login=form_text(data, "login", 80),
            full_name=form_text(data, "full_name", 200),
            email=form_text(data, "email", 254),
            password=form_text(data, "password", 1024),
            grant=_role_form(data),
        )
        try:
            await admin_users.create_member(actor, form)
        except AdminError as error:
            form.password = ""
            return await self._users(request, rules, 400, form, error.errors)
        return done(request, rules, "admin.users", "added")

    @post("/users/{user_id:int}/roles", name="admin.user.grant", opt=ADMIN)
    async def grant_role(
        self, request: Req, rules: Rules, actor: CurrentActor, user_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Grant a member another role (or move the executor to another department)."""
        return await attempt(
            admin_users.grant_member_role(actor, user_id, _role_form(data)),
            lambda errors: self._users(request, rules, 400, errors=errors, error_user=user_id),
            done(request, rules, "admin.users"),
        )

    @post("/users/{user_id:int}/roles/revoke", name="admin.user.revoke", opt=ADMIN)
    async def revoke_role(
        self, request: Req, rules: Rules, actor: CurrentActor, user_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Take a role away (never one's own admin role)."""
        return await attempt(
            admin_users.revoke_member_role(actor, user_id, form_int(data, "membership")),
            lambda errors: self._users(request, rules, 400, errors=errors, error_user=user_id),
            done(request, rules, "admin.users", "deleted"),
        )

    @post("/users/{user_id:int}/active", name="admin.user.active", opt=ADMIN)
    async def set_active(
        self, request: Req, rules: Rules, actor: CurrentActor, user_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Switch a member's sign-in on or off."""
        value = form_text(data, "active", 1)
        active = {"1": True, "0": False}.get(value)
        return await attempt(
            admin_users.set_member_active(actor, user_id, active),
            lambda errors: self._users(request, rules, 400, errors=errors, error_user=user_id),
            done(request, rules, "admin.users"),
        )

    # -- absences ----------------------------------------------------------------------------

    async def _absences(
        self,
        request: Req,
        rules: Rules,
        status_code: int = 200,
        form: admin_absences.AbsenceForm | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        today = clock.now().astimezone(rules.calendar.tz).date()
        return admin_page(
            request,
            rules,
            "admin/absences.html",
            status_code,
            absences=await admin_absences.list_absences(rules.id, today),
            people=await people(rules.id),
            reasons=admin_absences.REASON_TITLES,
            form=form
            or admin_absences.AbsenceForm(starts_on=today.isoformat(), ends_on=today.isoformat()),
            errors=errors or {},
        )

    @get("/absences", name="admin.absences", opt=ADMIN)
    async def absences(self, request: Req, rules: Rules) -> Template:
        """Current and coming absences; the form for a new one."""
        return await self._absences(request, rules)

    @post("/absences", name="admin.absences.add", opt=ADMIN)
    async def add_absence(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Record an absence with its substitute."""
        form = admin_absences.AbsenceForm(
            user_id=form_int(data, "user"),
            starts_on=form_text(data, "starts_on", 10),
            ends_on=form_text(data, "ends_on", 10),
            reason=form_text(data, "reason", 20),
            substitute_id=form_int(data, "substitute"),
        )
        return await attempt(
            admin_absences.add_absence(actor, form),
            lambda errors: self._absences(request, rules, 400, form, errors),
            done(request, rules, "admin.absences", "added"),
        )

    @post("/absences/{absence_id:int}/delete", name="admin.absence.delete", opt=ADMIN)
    async def remove_absence(
        self, request: Req, rules: Rules, actor: CurrentActor, absence_id: FromPath[int]
    ) -> Redirect:
        """Cancel an absence."""
        await admin_absences.remove_absence(actor, absence_id)
        return done(request, rules, "admin.absences", "deleted")


def _report_settings_form(data: dict[str, Any]) -> admin_organisation.ReportSettingsForm:
    kinds = admin_organisation.REPORT_KINDS
    return admin_organisation.ReportSettingsForm(
        agreed={k: form_text(data, f"mode_{k}", 10) == "agreed" for k in kinds},
        users={
            k: [n for v in form_list(data, f"users_{k}", 12, 500) if (n := to_int(v)) is not None]
            for k in kinds
        },
        unscreened_minutes=form_text(data, "unscreened_minutes", 12),
        immediate_report_minutes=form_text(data, "immediate_report_minutes", 12),
    )


class AdminReportsController(Controller):
    """«Отчёты и оповещения»: who receives the scheduled reports by agreement (Penza p.20)
    and after how long the unscreened and immediate-report reminders come."""

    path = "/o/{org_slug:str}/admin/reports"
    include_in_schema = False
    dependencies = ADMIN_DEPENDENCIES

    async def _page(
        self,
        request: Req,
        rules: Rules,
        form: admin_organisation.ReportSettingsForm,
        status_code: int = 200,
        errors: dict[str, str] | None = None,
    ) -> Template:
        reports = rules.profile.reports
        return admin_page(
            request,
            rules,
            "admin/reports.html",
            status_code,
            form=form,
            errors=errors or {},
            members=await people_of(rules.id),
            rules_by_kind={"summary": reports.summary, "violations": reports.violations},
            role_titles={role: rules.profile.title(role) for role in Role},
        )

    @get("/", name="admin.reports", opt=ADMIN)
    async def show(self, request: Req, rules: Rules) -> Template:
        """The recipients of each report and the reminder limits."""
        return await self._page(
            request, rules, await admin_organisation.report_settings_form(rules.id)
        )

    @post("/", name="admin.reports.save", opt=ADMIN)
    async def save(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Save the recipients and limits (logged)."""
        form = _report_settings_form(data)
        return await attempt(
            admin_organisation.save_report_settings(actor, form),
            lambda errors: self._page(request, rules, form, 400, errors),
            done(request, rules, "admin.reports"),
        )
