"""The author's reply after a clarification, read by a connector (Parfino p.10, Penza p.11).

When a connector stores a new message whose author (their id in the network) wrote the case
now waiting for a reply to its clarification, in the same thread — the case's own thread, or
straight under the clarification the outbox posted — it is recorded as the reply by the
same service as «Автор ответил» (the log names the connector; the message's text and link
are the reply), which resumes the answer clock, and the executor is told. A person can still
record a reply by hand; the new message itself stays in «Новые» like any other.

Connectors sit below the cases, so `install` registers this as their new-message hook; the
worker (and `otklik connectors poll`) install it before they poll.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from app.cases.publication import record_reply
from app.cases.transaction import MAX_COMMENT, CaseError
from app.connectors.accounts import on_new_message
from app.core import clock
from app.db.tables import Assignment, Message, Publication
from app.deadlines.texts import case_url, excerpt, local
from app.domain.lifecycle import AssignmentState, DraftKind
from app.domain.regulation.model import Duty
from app.domain.roles import Role
from app.identity.actor import ActorContext
from app.identity.organisations import OrganisationRules, organisation_rules
from app.identity.staff import load_staff
from app.notify.notifications import Kind, NewNotification, create_notifications

log = logging.getLogger("otklik.outbox")

CONNECTOR = "connector"
# A reply cannot come before the clarification it answers; the network's clock and ours
# may differ by a little.
CLOCK_SLACK = timedelta(minutes=5)
# One author's cases waiting for them at once (a message split between departments).
MAX_WAITING = 10
RECORD_TRIES = 3


def install() -> None:
    """Recognise authors' replies in every message a connector stores from now on."""
    on_new_message(recognise_author_reply)


async def recognise_author_reply(organisation_id: int, message_id: int) -> int:
    """Record the new message as the author's reply wherever a case of theirs waits for one
    in its thread; how many assignments it resumed."""
    new = (
        await Message.select()
        .where((Message.id == message_id) & (Message.organisation == organisation_id))
        .first()
    )
    if new is None or not new["author_external_id"] or not new["thread_key"]:
        return 0
    a = Assignment
    waiting = (
        await a.select(
            a.id,
            a.message,
            a.department,
            a.executor,
            a.message.thread_key.as_alias("thread_key"),
            a.message.text.as_alias("case_text"),
        )
        .where(
            (a.organisation == organisation_id)
            & (a.state == str(AssignmentState.AWAITING_REPLY))
            & (a.message != message_id)
            & (a.message.network == new["network"])
            & (a.message.author_external_id == new["author_external_id"])
        )
        .order_by(a.id)
        .limit(MAX_WAITING)
    )
    resumed = 0
    rules = await organisation_rules(organisation_id)
    for row in waiting:
        if await _answers(new, row) and await _record(rules, row, new):
            resumed += 1
    return resumed


async def _answers(new: dict[str, Any], waiting: dict[str, Any]) -> bool:
    """Is the new message in the waiting case's thread, after its clarification?"""
    asked = (
        await Publication.select(Publication.external_id, Publication.published_at)
        .where(
            (Publication.assignment == waiting["id"])
            & (Publication.kind == str(DraftKind.CLARIFICATION))
        )
        .order_by(Publication.id, ascending=False)
        .first()
    )
    if asked is None:
        return False
    threads = {waiting["thread_key"], asked["external_id"]} - {""}
    if new["thread_key"] not in threads:
        return False
    posted = new["posted_at"]
    return posted is None or posted >= asked["published_at"] - CLOCK_SLACK


async def _record(rules: OrganisationRules, waiting: dict[str, Any], new: dict[str, Any]) -> bool:
    """«Автор ответил» on behalf of the connector, then the executor told."""
    ctx = ActorContext.of_software(
        CONNECTOR,
        rules.id,
        frozenset(rules.profile.roles_for(Duty.RECORD_REPLY)),
        int(waiting["department"]),
    )
    link = f" ({new['url']})" if new["url"] else ""
    reply = f"{new['text'][: MAX_COMMENT - len(link)]}{link}".strip() or "(ответ без текста)"
    for _ in range(RECORD_TRIES):
        version = await Assignment.select(Assignment.version).where(Assignment.id == waiting["id"])
        try:
            await record_reply(ctx, waiting["id"], int(version[0]["version"]), reply)
            break
        except CaseError as error:
            if error.code != "stale":
                log.info("assignment %s: reply not recorded: %s", waiting["id"], error)
                return False
    else:
        return False
    await _tell_executor(rules, waiting, new)
    return True


async def _tell_executor(
    rules: OrganisationRules, waiting: dict[str, Any], new: dict[str, Any]
) -> None:
    staff = await load_staff(rules.id, local(rules, clock.now()).date())
    people = staff.step_people(Role.EXECUTOR, waiting["department"], waiting["executor"])
    case = int(waiting["message"])
    title = f"Автор ответил на уточнение по сообщению № {case}"
    body = (
        f"Сообщение № {case} («{excerpt(waiting['case_text'])}»): автор ответил в сети: "
        f"«{excerpt(new['text'])}». Срок ответа продолжается — подготовьте ответ."
    )
    await create_notifications(
        [
            NewNotification(
                user,
                Kind.AUTHOR_REPLY,
                title,
                body,
                case_url(rules, case),
                f"author-reply:{waiting['id']}:{new['id']}:u{user}",
                rules.id,
                case,
            )
            for user in people
        ]
    )
