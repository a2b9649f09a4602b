"""The role pages: specialist, coordinator, executor, official and head queues."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import Provide
from litestar.response import Template

from app.cases import queues
from app.cases.oversight import department_figures, period_starts
from app.cases.queues import QueueFilters
from app.domain.intake import NETWORKS
from app.domain.roles import Role
from app.intake.duplicates import copies_of
from app.screening.views import queue_hints
from app.web.deps import CurrentActor, Req, Rules, provide_actor, provide_rules
from app.web.guards import roles
from app.web.rendering import page

QUEUE_TARGET = "queue"


def _is_partial(request: Req) -> bool:
    # The live refresh swaps the rows of #queue; a normal navigation gets the page.
    return request.htmx.target == QUEUE_TARGET


def _queue(
    request: Req,
    rules: Rules,
    template: str,
    rows_template: str,
    rows: list[Any],
    **context: Any,
) -> Template:
    intervals = queues.working_intervals_for(rules)
    name = rows_template if _is_partial(request) else template
    return page(request, name, rows=rows, rules=rules, intervals=intervals, **context)


class RolePagesController(Controller):
    """Queues of each role, inside an organisation."""

    path = "/o/{org_slug:str}"
    include_in_schema = False
    dependencies = {  # noqa: RUF012 — Litestar reads it as a class attribute
        "rules": Provide(provide_rules),
        "actor": Provide(provide_actor),
    }

    @get("/specialist", name="queue.specialist_new", opt=roles(Role.SPECIALIST))
    async def specialist_new(self, request: Req, rules: Rules) -> Template:
        """«Новые»: collected messages to screen."""
        rows = await queues.new_messages(rules)
        return _queue(
            request,
            rules,
            "cases/specialist_new.html",
            "cases/_new_rows.html",
            rows,
            refusal_reasons=rules.profile.refusal_reasons,
            copies=await copies_of(rules.id, [r.id for r in rows]),
            hints=await queue_hints(rules.id, [r.id for r in rows]),
        )

    @get(
        "/specialist/work",
        name="queue.specialist_work",
        opt=roles(Role.SPECIALIST, Role.COORDINATOR, Role.OFFICIAL),
    )
    async def specialist_work(self, request: Req, rules: Rules) -> Template:
        """«В работе»: every open case by its nearest deadline, with filters and search."""
        filters = QueueFilters.parse(dict(request.query_params))
        rows = await queues.open_cases(rules, filters)
        departments = await queues.department_options(rules.id)
        return _queue(
            request,
            rules,
            "cases/specialist_work.html",
            "cases/_work_rows.html",
            rows,
            filters=filters,
            departments=departments,
            networks=NETWORKS,
        )

    @get("/specialist/review", name="queue.specialist_review", opt=roles(Role.SPECIALIST))
    async def specialist_review(self, request: Req, rules: Rules) -> Template:
        """«На согласовании»: drafts waiting for approval."""
        rows = await queues.assignments(rules, states=("draft_submitted",))
        return _queue(
            request,
            rules,
            "cases/assignments.html",
            "cases/_assignment_rows.html",
            rows,
            heading="На согласовании",
            empty_text="Проекты ответов, направленные на согласование, появятся здесь.",
        )

    @get("/coordinator", name="queue.coordinator", opt=roles(Role.COORDINATOR))
    async def coordinator(self, request: Req, rules: Rules) -> Template:
        """Routing and splitting: detected messages handed over to the coordinator."""
        rows = await queues.open_cases(rules, states=("routing",))
        return _queue(
            request, rules, "cases/coordinator_routing.html", "cases/_work_rows.html", rows
        )

    @get(
        "/coordinator/publish",
        name="queue.coordinator_publish",
        opt=roles(Role.COORDINATOR, Role.SPECIALIST),
    )
    async def coordinator_publish(self, request: Req, rules: Rules) -> Template:
        """«К публикации»: approved answers waiting to be posted."""
        rows = await queues.assignments(rules, states=("approved",))
        return _queue(
            request,
            rules,
            "cases/assignments.html",
            "cases/_assignment_rows.html",
            rows,
            heading="К публикации",
            empty_text="Согласованные ответы появятся здесь: разместите их в соцсети и "
            "отметьте «Опубликовано».",
        )

    @get("/executor", name="queue.executor", opt=roles(Role.EXECUTOR))
    async def executor(
        self,
        request: Req,
        rules: Rules,
        actor: CurrentActor,
    ) -> Template:
        """The department's assignments with countdowns to the draft and the answer."""
        rows = await queues.assignments(rules, department_ids=actor.department_ids)
        return _queue(
            request,
            rules,
            "cases/assignments.html",
            "cases/_assignment_rows.html",
            rows,
            heading="Поручения подразделения",
            empty_text="Новых поручений нет. Поручения появятся здесь, как только сообщение "
            "направят в ваше подразделение.",
        )

    @get("/official", name="queue.official", opt=roles(Role.OFFICIAL))
    async def official(self, request: Req, rules: Rules) -> Template:
        """Oversight: overdue and at-risk cases, department figures for the week and month."""
        rows = [
            r
            for r in await queues.open_cases(rules, limit=200)
            if r.countdown is not None and r.countdown.level != "ok"
        ]
        week, month = period_starts(rules)
        return _queue(
            request,
            rules,
            "cases/official.html",
            "cases/_work_rows.html",
            rows,
            week=await department_figures(rules, week),
            month=await department_figures(rules, month),
        )
