"""Three months of demo history, played through the real services with the clock set back.

Every event of app/demo/history_plan.py runs, oldest first, through the same actions a person
would take (app.cases.actions): states, events, drafts, publications and deadlines are what
the services write; a step closed after its due instant becomes a violation there
(app.deadlines.violations). Once a working day the timers sweep runs as the worker would,
recording the steps still open past their due instant, escalating and detecting activity.
Notifications older than a day are marked read (their e-mails as sent): people saw them.

Speed (a few thousand actions): each organisation plays in a process of its own, and within
a window (up to a local midnight or a sweep) its cases run side by side, each task with its
own instant (the app clock reads a context variable), so database round trips overlap.

Idempotent: an organisation that already has history messages gets none.
"""

from __future__ import annotations

import asyncio
import os
import sys
from asyncio.subprocess import PIPE
from bisect import bisect_left
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from app.cases import actions as cases
from app.core import clock
from app.db.tables import Assignment, Department, Message, Notification, Organisation, User
from app.deadlines.sweep import SweepResult, sweep_organisation
from app.demo.history_plan import HISTORY_PREFIX, SEED, HistoryCase, HistoryEvent, plan_history
from app.demo.history_texts import OUTSIDE_REASON
from app.demo.history_towns import TOWNS
from app.demo.password import DEMO_PASSWORD
from app.domain.intake import validate_incoming
from app.domain.lifecycle import DraftKind
from app.domain.regulation.model import REFUSAL_TITLES, Duty, Importance, RefusalReason
from app.domain.roles import Role
from app.identity.accounts import create_user, grant_role
from app.identity.actor import ActorContext
from app.identity.organisations import OrganisationRules, organisation_rules
from app.identity.passwords import cached_hash
from app.identity.substitutes import actor_context
from app.intake.messages import intake_message
from app.journal.events import EventActor
from app.screening.assess import assess_message

SWEEP_AT = time(15, 0)  # local: once a working day
LANES = 4  # cases played side by side within a window
# The instant of the event being played, per task: the app clock reads it during the load.
_AT: ContextVar[datetime] = ContextVar("demo_history_at")
READ_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class _Boundary:
    """The end of a window of events: a local midnight or a sweep of the timers."""

    at: datetime
    sweep: bool


@dataclass
class _History:
    """The organisation being played: its people, departments and the cases' message ids."""

    rules: OrganisationRules
    people: dict[Role, ActorContext]
    executors: dict[int, ActorContext]  # by department id
    departments: dict[str, int]  # department id by name prefix
    cases: list[HistoryCase]
    ids: dict[int, int] = field(default_factory=dict)  # case index -> message id

    def person(self, duty: Duty) -> ActorContext:
        return next(self.people[r] for r in self.rules.profile.roles_for(duty) if r in self.people)

    def executor(self, prefix: str) -> ActorContext:
        return self.executors[self.departments[prefix]]


async def _version(message_id: int) -> int:
    row = await Message.select(Message.version).where(Message.id == message_id).first()
    assert row is not None
    return int(row["version"])


async def _assignment(h: _History, e: HistoryEvent) -> tuple[int, int]:
    row = (
        await Assignment.select(Assignment.id, Assignment.version)
        .where(
            (Assignment.message == h.ids[e.case])
            & (Assignment.department == h.departments[e.department])
        )
        .order_by(Assignment.id, ascending=False)
        .first()
    )
    assert row is not None, e
    return int(row["id"]), int(row["version"])


async def _collect(h: _History, e: HistoryEvent) -> None:
    case = h.cases[e.case]
    raw: dict[str, Any] = {
        "network": case.network,
        "external_id": case.key,
        "text": case.text,
        "url": case.url,
        "author_name": case.author,
        "author_url": case.author_url,
        "posted_at": case.posted_at.isoformat(),
    }
    message_id, _ = await intake_message(h.rules.id, validate_incoming(raw), EventActor.system())
    # As the worker would within a second: the decisions then meet the suggestions, so the
    # official's agreement page has three months of figures.
    await assess_message(message_id)
    h.ids[e.case] = message_id


async def _mark(h: _History, e: HistoryEvent) -> None:
    case = h.cases[e.case]
    message_id = h.ids[e.case]
    repeat_of = h.ids.get(case.repeat_of) if case.repeat_of is not None else None
    await cases.mark_for_reaction(
        h.person(Duty.SCREEN),
        message_id,
        await _version(message_id),
        list(dict.fromkeys(case.topics)),
        Importance(case.importance),
        repeat_of,
    )


async def _refuse(h: _History, e: HistoryEvent) -> None:
    reason = RefusalReason(e.arg)
    message_id = h.ids[e.case]
    await cases.refuse(
        h.person(Duty.SCREEN),
        message_id,
        await _version(message_id),
        reason,
        REFUSAL_TITLES[reason],
    )


async def _hand_over(h: _History, e: HistoryEvent) -> None:
    message_id = h.ids[e.case]
    await cases.hand_over(h.person(Duty.HAND_OVER), message_id, await _version(message_id))


async def _route(h: _History, e: HistoryEvent) -> None:
    message_id = h.ids[e.case]
    targets = [
        cases.RouteTarget(h.departments[dept], topic)
        for dept, topic in zip(e.department.split(","), e.arg.split(","), strict=True)
    ]
    await cases.route(h.person(Duty.ROUTE), message_id, await _version(message_id), targets)


async def _draft(h: _History, e: HistoryEvent) -> None:
    await cases.submit_draft(
        h.executor(e.department), *await _assignment(h, e), DraftKind(e.arg), e.text
    )


async def _return(h: _History, e: HistoryEvent) -> None:
    await cases.return_for_revision(h.person(Duty.APPROVE), *await _assignment(h, e), e.text)


async def _resubmit(h: _History, e: HistoryEvent) -> None:
    await cases.resubmit(h.executor(e.department), *await _assignment(h, e), e.text)


async def _approve(h: _History, e: HistoryEvent) -> None:
    await cases.approve(h.person(Duty.APPROVE), *await _assignment(h, e))


async def _publish(h: _History, e: HistoryEvent) -> None:
    await cases.publish(h.person(Duty.PUBLISH), *await _assignment(h, e), e.arg)


async def _reply(h: _History, e: HistoryEvent) -> None:
    await cases.record_reply(h.person(Duty.RECORD_REPLY), *await _assignment(h, e), e.text)


async def _outside(h: _History, e: HistoryEvent) -> None:
    await cases.return_outside_competence(
        h.executor(e.department), *await _assignment(h, e), OUTSIDE_REASON
    )


ACTIONS: dict[str, Callable[[_History, HistoryEvent], Awaitable[None]]] = {
    "collect": _collect,
    "mark": _mark,
    "refuse": _refuse,
    "hand_over": _hand_over,
    "route": _route,
    "draft": _draft,
    "return": _return,
    "resubmit": _resubmit,
    "approve": _approve,
    "publish": _publish,
    "reply": _reply,
    "outside": _outside,
}


async def _department_ids(organisation_id: int) -> dict[str, int]:
    rows = await Department.select(Department.id, Department.name).where(
        Department.organisation == organisation_id
    )
    return {r["name"]: int(r["id"]) for r in rows}


def _by_prefix(names: dict[str, int], prefix: str) -> int:
    return next(i for name, i in names.items() if name.startswith(prefix))


async def _executors(slug: str, rules: OrganisationRules, day: Any) -> dict[int, ActorContext]:
    """One executor per answering department, by department id: the seeded demo executor and
    invented colleagues (created once, with the demo password)."""
    names = await _department_ids(rules.id)
    organisation = await Organisation.objects().where(Organisation.id == rules.id).first()
    assert organisation is not None
    logins = {f"{slug}-executor": ""} | {
        f"{slug}-executor-{n}": prefix for n, prefix in enumerate(TOWNS[slug].executors, start=2)
    }
    out: dict[int, ActorContext] = {}
    for login, prefix in logins.items():
        user = await User.objects().where(User.login == login).first()
        if user is None:
            full_name = TOWNS[slug].executors[prefix]
            user = await create_user(login, full_name, "", password_hash=cached_hash(DEMO_PASSWORD))
            department = (
                await Department.objects().where(Department.id == _by_prefix(names, prefix)).first()
            )
            await grant_role(user, organisation, Role.EXECUTOR, department)
        ctx = await actor_context(user.id, rules.id, day)
        out |= dict.fromkeys(ctx.department_ids, ctx)
    return out


async def _people(slug: str, organisation_id: int, day: Any) -> dict[Role, ActorContext]:
    people = {}
    for role in Role:
        user = await User.select(User.id).where(User.login == f"{slug}-{role.value}").first()
        if user is not None:
            people[role] = await actor_context(int(user["id"]), organisation_id, day)
    return people


def _boundaries(rules: OrganisationRules, start: datetime, end: datetime) -> list[_Boundary]:
    """Local midnights (a repeat's earlier case is always in an earlier window) and the daily
    sweeps of working days, from `start` to `end` (swept last)."""
    tz = rules.calendar.tz
    day = start.astimezone(tz).date()
    out = []
    while day <= end.astimezone(tz).date():
        midnight = datetime.combine(day, time(0), tzinfo=tz)
        swept = datetime.combine(day, SWEEP_AT, tzinfo=tz)
        if start < midnight < end:
            out.append(_Boundary(midnight, sweep=False))
        if start < swept < end and rules.calendar.is_working_time(swept):
            out.append(_Boundary(swept, sweep=True))
        day += timedelta(days=1)
    return [*out, _Boundary(end, sweep=True)]


async def _play(h: _History, events: list[HistoryEvent]) -> None:
    """One case's events of a window, in order, each at its instant (this task's clock)."""
    for event in events:
        _AT.set(event.at)
        await ACTIONS[event.action](h, event)


async def _play_window(h: _History, events: list[HistoryEvent]) -> None:
    """The events of a window: cases side by side (their database round trips overlap)."""
    by_case: dict[int, list[HistoryEvent]] = {}
    for event in events:
        by_case.setdefault(event.case, []).append(event)
    lanes = asyncio.Semaphore(LANES)

    async def lane(case_events: list[HistoryEvent]) -> None:
        async with lanes:
            await _play(h, case_events)

    await asyncio.gather(*(lane(e) for e in by_case.values()))


async def has_history(organisation_id: int) -> bool:
    """True when the organisation's history was loaded already."""
    return await Message.exists().where(
        (Message.organisation == organisation_id) & Message.external_id.like(f"{HISTORY_PREFIX}%")
    )


async def load_history(slug: str, seed: int = SEED, messages: int = 0) -> int:
    """Play the organisation's history unless it has one; returns how many messages
    (`messages` > 0 plays fewer than the town's number: the test does)."""
    org = await Organisation.select(Organisation.id, Organisation.alert_settings).where(
        Organisation.slug == slug
    )
    if not org or await has_history(int(org[0]["id"])):
        return 0
    rules = await organisation_rules(int(org[0]["id"]))
    anchor = clock.now().replace(second=0, microsecond=0)
    plan, events = plan_history(slug, rules.calendar, anchor, seed, messages)
    today = anchor.astimezone(rules.calendar.tz).date()
    names = await _department_ids(rules.id)
    town = TOWNS[slug]
    prefixes = {*town.executors, *(prefix for _, prefix in town.routes.values())}
    history = _History(
        rules,
        await _people(slug, rules.id, today),
        await _executors(slug, rules, today),
        {prefix: _by_prefix(names, prefix) for prefix in prefixes},
        plan,
    )
    settings = org[0]["alert_settings"]
    boundaries = _boundaries(rules, events[0].at, anchor) if events else []
    instants = [e.at for e in events]
    previous = clock._now
    _AT.set(anchor)
    clock.set_clock(_AT.get)
    try:
        done = 0
        for boundary in boundaries:
            upto = bisect_left(instants, boundary.at, lo=done)
            await _play_window(history, events[done:upto])
            done = upto
            if boundary.sweep:
                _AT.set(boundary.at)
                await sweep_organisation(rules.id, boundary.at, SweepResult(), None, settings)
    finally:
        clock.set_clock(previous)
    await _mark_read(rules.id, anchor - READ_AFTER)
    return len(history.ids)


async def _mark_read(organisation_id: int, before: datetime) -> None:
    """Old notifications were seen (read ten minutes after they came) and their e-mails sent."""
    n = Notification
    await n.raw(
        "UPDATE notification SET read_at = created_at + interval '10 minutes', "
        "email_status = CASE WHEN email_status = 'pending' THEN 'sent' ELSE email_status END, "
        "emailed_at = CASE WHEN email_status = 'pending' THEN created_at ELSE emailed_at END, "
        "email_next_attempt_at = NULL "
        "WHERE organisation = {} AND created_at < {} AND read_at IS NULL",
        organisation_id,
        before,
    )


async def load_histories(slugs: Sequence[str]) -> int:
    """The history of each organisation in a process of its own (they share nothing, and the
    services are CPU-bound: two cores halve the wait); how many messages were created."""
    # Without Redis: nobody watches live updates of a history being loaded.
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "app.demo.history", slug, stdout=PIPE, env=env
        )
        for slug in slugs
    ]
    created = 0
    for child in children:
        out, _ = await child.communicate()
        if child.returncode != 0:
            raise RuntimeError(f"demo history failed (exit code {child.returncode})")
        created += int(out.decode().strip() or 0)
    return created


async def _main(slug: str) -> None:
    import app.db  # noqa: F401  (the tables' engine)
    from app.db.piccolo_conf import DB

    # Demo data: a crash loses at most the last few commits, so none waits for the disk.
    await DB.start_connection_pool(
        min_size=1, max_size=LANES + 1, server_settings={"synchronous_commit": "off"}
    )
    try:
        print(await load_history(slug))
    finally:
        await DB.close_connection_pool()


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1]))
