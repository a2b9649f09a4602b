"""The case page and the screening and routing actions on it (HTMX partial updates)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.cases import actions as cases
from app.cases.case_page import act, render_case
from app.deadlines import breaches
from app.deadlines.breaches import OVERSEERS
from app.domain.breaches import MAX_TEXT
from app.domain.regulation.model import Importance, RefusalReason
from app.domain.roles import Role
from app.web.deps import CurrentActor, Req, Rules, provide_actor, provide_rules
from app.web.forms import Form, form_text, list_field, read_form, text_field
from app.web.guards import roles

ALL_ROLES = roles(*Role)


@dataclass(frozen=True)
class VersionForm:
    """An action that needs nothing but the version of the case the person saw."""

    version: int = 0


@dataclass(frozen=True)
class MarkForm:
    """«Требует реагирования»: topics, importance, an optional earlier case."""

    version: int = 0
    topics: list[str] = list_field()
    importance: Importance = Importance.NORMAL
    repeat_of: int | None = None


@dataclass(frozen=True)
class RefuseForm:
    """«Не подлежит обработке» with its reason (Penza p.17, Parfino p.20)."""

    version: int = 0
    reason: RefusalReason | None = None
    comment: str = text_field(cases.MAX_COMMENT)


@dataclass(frozen=True)
class RouteForm:
    """Departments to route to; each department's topic comes as `topic_<id>`."""

    version: int = 0
    departments: list[int] = list_field(20)


@dataclass(frozen=True)
class BreachForm:
    """Another breach: its kind, what was wrong, against whom (and which assignment)."""

    kind: str = text_field(40)
    description: str = text_field(MAX_TEXT)
    person: int | None = None
    assignment: int | None = None


@dataclass(frozen=True)
class DecisionForm:
    """The official's decision on a breach and the measures taken."""

    decision: str = text_field(MAX_TEXT)
    measures: str = text_field(MAX_TEXT)


class CaseController(Controller):
    """One case: its page and the screening and routing actions of the lifecycle."""

    path = "/o/{org_slug:str}/cases/{message_id:int}"
    include_in_schema = False
    dependencies = {  # noqa: RUF012 — Litestar reads it as a class attribute
        "rules": Provide(provide_rules),
        "actor": Provide(provide_actor),
    }

    @get("/", opt=ALL_ROLES, name="case")
    async def show(
        self, request: Req, rules: Rules, actor: CurrentActor, message_id: FromPath[int]
    ) -> Template:
        """The case page (or its partial when htmx refreshes #case)."""
        return await render_case(request, rules, actor, message_id)

    @post("/mark", opt=roles(Role.SPECIALIST), name="case.mark")
    async def mark(
        self, request: Req, rules: Rules, actor: CurrentActor, message_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Needs a reaction: topics, importance, optional earlier case."""
        form = read_form(MarkForm, data)
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: cases.mark_for_reaction(
                actor, message_id, form.version, form.topics, form.importance, form.repeat_of
            ),
        )

    @post("/refuse", opt=roles(Role.SPECIALIST), name="case.refuse")
    async def refuse(
        self, request: Req, rules: Rules, actor: CurrentActor, message_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Not subject to processing, with the reason."""
        form = read_form(RefuseForm, data)

        async def action() -> cases.Outcome:
            if form.reason is None:
                raise cases.CaseError("Выберите основание отказа.", "reason_required")
            return await cases.refuse(actor, message_id, form.version, form.reason, form.comment)

        return await act(request, rules, actor, message_id, action)

    @post("/as-copy", opt=roles(Role.SPECIALIST), name="case.as_copy")
    async def as_copy(
        self, request: Req, rules: Rules, actor: CurrentActor, message_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Decide a copy of a complaint as its first copy was decided («Новые», grouped)."""
        form = read_form(VersionForm, data)
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: cases.decide_as_copy(actor, message_id, form.version),
        )

    @post("/undo", opt=roles(Role.SPECIALIST), name="case.undo")
    async def undo(
        self, request: Req, rules: Rules, actor: CurrentActor, message_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Take back a screening decision (same person, within the window)."""
        form = read_form(VersionForm, data)
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: cases.undo_screening(actor, message_id, form.version),
        )

    @post("/reclassify", opt=roles(Role.SPECIALIST), name="case.reclassify")
    async def reclassify(
        self, request: Req, rules: Rules, actor: CurrentActor, message_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Change topics or importance."""
        form = read_form(MarkForm, data)
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: cases.reclassify(actor, message_id, form.version, form.topics, form.importance),
        )

    @post("/hand-over", opt=roles(Role.SPECIALIST), name="case.hand_over")
    async def hand_over(
        self, request: Req, rules: Rules, actor: CurrentActor, message_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Pass to the coordinator (Parfino p.7)."""
        form = read_form(VersionForm, data)
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: cases.hand_over(actor, message_id, form.version),
        )

    @post("/route", opt=roles(Role.SPECIALIST, Role.COORDINATOR), name="case.route")
    async def route(
        self, request: Req, rules: Rules, actor: CurrentActor, message_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Send to one or several departments (split by topic)."""
        form = read_form(RouteForm, data)
        targets = [
            cases.RouteTarget(d, form_text(data, f"topic_{d}", cases.MAX_TOPIC))
            for d in form.departments
        ]
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: cases.route(actor, message_id, form.version, targets),
        )

    @post("/breaches", opt=roles(*OVERSEERS), name="case.breach")
    async def record_breach(
        self, request: Req, rules: Rules, actor: CurrentActor, message_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Record a breach other than a missed deadline (Penza p.19, Parfino p.22)."""
        form = read_form(BreachForm, data)
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: breaches.record_breach(
                actor, message_id, form.kind, form.description, form.person, form.assignment
            ),
        )

    @post(
        "/breaches/{violation_id:int}/decision",
        opt=roles(*OVERSEERS),
        name="case.breach_decision",
    )
    async def decide_breach(
        self,
        request: Req,
        rules: Rules,
        actor: CurrentActor,
        message_id: FromPath[int],
        violation_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """The official's decision on a breach and the measures taken."""
        form = read_form(DecisionForm, data)
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: breaches.decide_breach(
                actor, message_id, violation_id, form.decision, form.measures
            ),
        )
