"""«Разместить через …» and «Повторить» on the case page's publish step, and the
«Отправляется…» line that asks every few seconds until the network has answered."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.cases.case_page import CASE_TARGET, act, render_case, visible_case
from app.cases.publication import network_publishing
from app.core.jobs import nudge_worker
from app.domain.roles import Role
from app.outbox.sending import publish_through_network
from app.web.deps import CurrentActor, Req, Rules, provide_actor, provide_rules
from app.web.forms import Form, read_form
from app.web.guards import roles
from app.web.rendering import page


@dataclass(frozen=True)
class NetworkPublishForm:
    """The version of the assignment the person saw, and the account to post through."""

    version: int = 0
    account: int | None = None


class OutboxController(Controller):
    """Posting an approved answer through the organisation's connected account."""

    path = "/o/{org_slug:str}/cases/{message_id:int}/assignments/{assignment_id:int}"
    include_in_schema = False
    dependencies = {  # noqa: RUF012 — Litestar reads it as a class attribute
        "rules": Provide(provide_rules),
        "actor": Provide(provide_actor),
    }

    @post(
        "/publish-network",
        opt=roles(Role.SPECIALIST, Role.COORDINATOR),
        name="assignment.publish_network",
    )
    async def publish_network(
        self,
        request: Req,
        rules: Rules,
        actor: CurrentActor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Queue the answer for the network (also «Повторить» after a failure) and ask the
        worker to post it now."""
        form = read_form(NetworkPublishForm, data)

        async def action() -> None:
            outgoing_id = await publish_through_network(
                actor, assignment_id, form.version, form.account
            )
            await nudge_worker("deliver_reply", outgoing_id)

        return await act(request, rules, actor, message_id, action)

    @get("/outgoing/{outgoing_id:int}", opt=roles(*Role), name="outgoing.status")
    async def status(
        self,
        request: Req,
        rules: Rules,
        actor: CurrentActor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        outgoing_id: FromPath[int],
    ) -> Template:
        """While the answer is on its way, its line; once the network answered, the whole
        case (the publication, or the error with «Повторить»)."""
        await visible_case(rules, actor, message_id)
        publishing = await network_publishing(rules.id, message_id)
        row = next(
            (
                o
                for o in publishing.outgoing
                if (o.id, o.assignment) == (outgoing_id, assignment_id)
            ),
            None,
        )
        if row is None:
            raise NotFoundException()
        if row.active:
            return page(request, "outbox/_status.html", o=row, rules=rules, can_publish=False)
        response = await render_case(request, rules, actor, message_id, partial=True)
        response.headers.update({"HX-Retarget": f"#{CASE_TARGET}", "HX-Reswap": "innerHTML"})
        return response
