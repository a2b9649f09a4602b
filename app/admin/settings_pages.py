"""The administrator's regulation editor, official social accounts, API tokens and topics."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.admin import accounts as admin_accounts
from app.admin import profile_form as admin_profiles
from app.admin import profiles
from app.admin import topics as admin_topics
from app.admin.common import AdminError, AdminNotFound
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
from app.domain.intake import NETWORKS
from app.domain.regulation import ProfileError
from app.web.deps import CurrentActor, Req, Rules
from app.web.forms import form_int, form_text
from app.web.rendering import page

CODE_LIMIT = 60


def _seen(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _profile_url(request: Req, rules: Rules) -> str:
    return request.app.route_reverse("admin.profile", org_slug=rules.slug)


class AdminProfileController(Controller):
    """«Регламент»: the profile in force, clones, the timings editor, switching."""

    path = "/o/{org_slug:str}/admin/profile"
    include_in_schema = False
    dependencies = ADMIN_DEPENDENCIES
    exception_handlers = {AdminNotFound: not_found}  # noqa: RUF012

    async def _page(
        self,
        request: Req,
        rules: Rules,
        code: str,
        status_code: int = 200,
        error: str = "",
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        listed = await profiles.available_profiles(rules.id)
        current = next((p for p in listed if p.code == code), None)
        if current is None:
            current = next(p for p in listed if p.active)
        mapping = await profiles.profile_mapping(rules.id, current.code)
        warnings, invalid = admin_profiles.warnings_of(mapping)
        return admin_page(
            request,
            rules,
            "admin/profile.html",
            status_code,
            profiles=listed,
            current=current,
            mapping=mapping,
            warnings=warnings,
            invalid=invalid,
            error=error,
            errors=errors or {},
            form=form or {},
            rows=admin_profiles.timing_rows(mapping, form),
        )

    @get("/", name="admin.profile", opt=ADMIN)
    async def show(self, request: Req, rules: Rules) -> Template:
        """The selected profile (?code=…, default: the one in force) with its clauses."""
        code = request.query_params.get("code", "")[:CODE_LIMIT]
        return await self._page(request, rules, code)

    @post("/clone", name="admin.profile.clone", opt=ADMIN)
    async def clone(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Copy the profile in force under a new code, to edit it."""
        code = form_text(data, "code", CODE_LIMIT).strip()
        try:
            await profiles.clone_profile(actor, code, form_text(data, "name", 300))
        except ProfileError as error:
            return await self._page(request, rules, "", 400, error=error.message_ru)
        return Redirect(f"{_profile_url(request, rules)}?code={quote(code)}&done=added")

    @post("/save", name="admin.profile.save", opt=ADMIN)
    async def save(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Save the edited timings and switches of a copy; refused errors come back in Russian."""
        code = form_text(data, "code", CODE_LIMIT)
        form = {str(k): form_text(data, str(k), 300) for k in list(data)[:100]}
        try:
            mapping = admin_profiles.apply_form(
                await profiles.profile_mapping(rules.id, code), form
            )
            await profiles.save_profile(actor, code, mapping, _seen(form.get("updated_at", "")))
        except AdminError as error:
            return await self._page(request, rules, code, 400, "", form, error.errors)
        except ProfileError as error:
            return await self._page(request, rules, code, 400, error.message_ru, form)
        return Redirect(f"{_profile_url(request, rules)}?code={quote(code)}&done=saved")

    @post("/switch", name="admin.profile.switch", opt=ADMIN)
    async def switch(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Put a profile in force; open cases get their deadlines recomputed."""
        code = form_text(data, "code", CODE_LIMIT)
        try:
            await profiles.switch_profile(actor, code)
        except ProfileError as error:
            return await self._page(request, rules, code, 400, error=error.message_ru)
        return Redirect(f"{_profile_url(request, rules)}?code={quote(code)}&done=switched")


def _account_form(data: dict[str, Any]) -> admin_accounts.AccountForm:
    return admin_accounts.AccountForm(
        network=form_text(data, "network", 20),
        name=form_text(data, "name", 200),
        url=form_text(data, "url", 500),
        external_id=form_text(data, "external_id", 200),
        is_active=checked(data, "is_active"),
        mode=form_text(data, "mode", 20) or "longpoll",
        api_base=form_text(data, "api_base", 500),
        token=form_text(data, "token", admin_accounts.TOKEN_LIMIT),
        reading_key=form_text(data, "reading_key", admin_accounts.TOKEN_LIMIT),
    )


class AdminAccountsController(Controller):
    """Official accounts in the networks (connect, check, health, pause) and API tokens."""

    path = "/o/{org_slug:str}/admin"
    include_in_schema = False
    dependencies = ADMIN_DEPENDENCIES
    exception_handlers = {AdminNotFound: not_found}  # noqa: RUF012

    async def _accounts(
        self,
        request: Req,
        rules: Rules,
        status_code: int = 200,
        edit_id: int | None = None,
        form: admin_accounts.AccountForm | None = None,
        errors: dict[str, str] | None = None,
        check: admin_accounts.CheckResult | None = None,
    ) -> Template:
        if form is None and edit_id is not None:
            row = await admin_accounts.account(rules.id, edit_id)
            form = admin_accounts.AccountForm(**{k: row[k] for k in admin_accounts.FIELDS})
        hint = await admin_accounts.token_hint(rules.id, edit_id) if edit_id else ""
        key_hint = await admin_accounts.reading_key_hint(rules.id, edit_id) if edit_id else ""
        response = admin_page(
            request,
            rules,
            "admin/accounts.html",
            status_code,
            networks=NETWORKS,
            edit_id=edit_id,
            form=form or admin_accounts.AccountForm(),
            errors=errors or {},
            token_hint=hint,
            reading_key_hint=key_hint,
            check=check,
            **await admin_accounts.page_context(rules),
        )
        response.headers["cache-control"] = "no-store"
        return response

    @get("/accounts", name="admin.accounts", opt=ADMIN)
    async def accounts(self, request: Req, rules: Rules) -> Template:
        """The official accounts with their health; the form for a new one."""
        return await self._accounts(request, rules)

    @get("/accounts/{account_id:int}", name="admin.account", opt=ADMIN)
    async def account(self, request: Req, rules: Rules, account_id: FromPath[int]) -> Template:
        """The list with one account's form filled in (never its token)."""
        return await self._accounts(request, rules, edit_id=account_id)

    @post("/accounts", name="admin.accounts.add", opt=ADMIN)
    async def create_account(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Add an official account; with a token, connect it (checked with the network)."""
        form = _account_form(data)
        return await attempt(
            admin_accounts.save_account(actor, None, form),
            lambda errors: self._accounts(request, rules, 400, None, form, errors),
            done(request, rules, "admin.accounts", "added"),
        )

    @post("/accounts/check", name="admin.accounts.check", opt=ADMIN)
    async def check_account(self, request: Req, rules: Rules, data: Form) -> Template:
        """«Проверить подключение»: the network's name for what is typed, nothing stored
        (HTMX: the result alone; without scripts: the page with the form as typed)."""
        edit_id = form_int(data, "account_id")
        form = _account_form(data)
        check = await admin_accounts.check_connection(rules.id, edit_id, form)
        if request.htmx:
            return page(request, "admin/_account_check.html", check=check)
        return await self._accounts(request, rules, 200, edit_id, form, check=check)

    @post("/accounts/{account_id:int}", name="admin.account.save", opt=ADMIN)
    async def save_account(
        self, request: Req, rules: Rules, actor: CurrentActor, account_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Save an official account (a new token or connection settings: connect again)."""
        await admin_accounts.account(rules.id, account_id)
        form = _account_form(data)
        return await attempt(
            admin_accounts.save_account(actor, account_id, form),
            lambda errors: self._accounts(request, rules, 400, account_id, form, errors),
            done(request, rules, "admin.accounts"),
        )

    @post("/accounts/{account_id:int}/pause", name="admin.account.pause", opt=ADMIN)
    async def pause_account(
        self, request: Req, rules: Rules, actor: CurrentActor, account_id: FromPath[int], data: Form
    ) -> Redirect:
        """«Приостановить» (paused=1) / «Возобновить» (paused=0): a paused account is not polled."""
        paused = checked(data, "paused")
        outcome = await admin_accounts.set_paused(actor, account_id, paused)
        return done(request, rules, "admin.accounts", outcome)

    @post("/accounts/{account_id:int}/delete", name="admin.account.delete", opt=ADMIN)
    async def remove_account(
        self, request: Req, rules: Rules, actor: CurrentActor, account_id: FromPath[int]
    ) -> Redirect:
        """Delete an unused account, deactivate one with publications."""
        return done(
            request, rules, "admin.accounts", await admin_accounts.remove_account(actor, account_id)
        )

    async def _tokens(
        self, request: Req, rules: Rules, status_code: int = 200, **context: Any
    ) -> Template:
        response = admin_page(
            request,
            rules,
            "admin/tokens.html",
            status_code,
            tokens=await admin_accounts.list_tokens(rules.id),
            **context,
        )
        response.headers["cache-control"] = "no-store"  # a new token's value is on the page
        return response

    @get("/tokens", name="admin.tokens", opt=ADMIN)
    async def tokens(self, request: Req, rules: Rules) -> Template:
        """Tokens with created and last used; the form to issue one."""
        return await self._tokens(request, rules)

    @post("/tokens", name="admin.tokens.issue", opt=ADMIN)
    async def issue_token(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template:
        """Issue a token and show its value this once (it is stored only as a hash)."""
        name = form_text(data, "name", 200)
        try:
            token = await admin_accounts.issue(actor, name)
        except AdminError as error:
            return await self._tokens(request, rules, 400, errors=error.errors, name=name)
        return await self._tokens(request, rules, 201, new_token=token, new_name=name.strip())

    @post("/tokens/{token_id:int}/revoke", name="admin.token.revoke", opt=ADMIN)
    async def revoke_token(
        self, request: Req, rules: Rules, actor: CurrentActor, token_id: FromPath[int]
    ) -> Redirect:
        """Revoke a token: requests with it are refused from now on."""
        await admin_accounts.revoke(actor, token_id)
        return done(request, rules, "admin.tokens", "revoked")


class AdminTopicsController(Controller):
    """«Темы»: the topic dictionary with synonyms, and the specialists' suggestions."""

    path = "/o/{org_slug:str}/admin/topics"
    include_in_schema = False
    dependencies = ADMIN_DEPENDENCIES
    exception_handlers = {AdminNotFound: not_found}  # noqa: RUF012

    async def _page(
        self,
        request: Req,
        rules: Rules,
        status_code: int = 200,
        errors: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        error_id: int | None = None,
    ) -> Template:
        rows = await admin_topics.topic_rows(rules.id)
        return admin_page(
            request,
            rules,
            "admin/topics.html",
            status_code,
            topics=[r for r in rows if not r.is_suggestion],
            suggestions=[r for r in rows if r.is_suggestion],
            errors=errors or {},
            form=form or {},
            error_id=error_id,
        )

    @get("/", name="admin.topics", opt=ADMIN)
    async def topics(self, request: Req, rules: Rules) -> Template:
        """The dictionary, the suggestions to accept or merge, the form for a new topic."""
        return await self._page(request, rules)

    @post("/", name="admin.topics.add", opt=ADMIN)
    async def add_topic(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Add a topic with its synonyms."""
        form = {k: form_text(data, k, 2000) for k in ("name", "synonyms")}
        return await attempt(
            admin_topics.add_topic(actor, form["name"], form["synonyms"]),
            lambda errors: self._page(request, rules, 400, errors, form),
            done(request, rules, "admin.topics", "added"),
        )

    @post("/{topic_id:int}", name="admin.topic.save", opt=ADMIN)
    async def save_topic(
        self, request: Req, rules: Rules, actor: CurrentActor, topic_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Rename a topic (its cases follow) and set its synonyms."""
        return await attempt(
            admin_topics.save_topic(
                actor, topic_id, form_text(data, "name", 200), form_text(data, "synonyms", 4000)
            ),
            lambda errors: self._page(request, rules, 400, errors, error_id=topic_id),
            done(request, rules, "admin.topics"),
        )

    @post("/{topic_id:int}/merge", name="admin.topic.merge", opt=ADMIN)
    async def merge_topic(
        self, request: Req, rules: Rules, actor: CurrentActor, topic_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """«Объединить с…»: the topic or suggestion goes into the chosen topic, cases too."""
        return await attempt(
            admin_topics.merge_topic(actor, topic_id, form_int(data, "target")),
            lambda errors: self._page(request, rules, 400, errors, error_id=topic_id),
            done(request, rules, "admin.topics", "merged"),
        )

    @post("/{topic_id:int}/state", name="admin.topic.state", opt=ADMIN)
    async def set_state(
        self, request: Req, rules: Rules, actor: CurrentActor, topic_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Switch a topic off or on; accept a suggestion as a topic."""
        return await attempt(
            admin_topics.set_topic_state(actor, topic_id, checked(data, "active")),
            lambda errors: self._page(request, rules, 400, errors, error_id=topic_id),
            done(request, rules, "admin.topics"),
        )
