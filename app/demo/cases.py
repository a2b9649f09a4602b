"""Demo cases: the messages of app/demo/cases_data.py played through the real services.

The app clock is moved so that every step happens in the organisation's recent working
hours (counted back from now), then restored. Idempotent: an organisation that has
messages already gets none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.cases import actions as cases
from app.core import clock
from app.db.tables import Assignment, Department, Message, Organisation, User
from app.demo.cases_data import DEMO_CASES, DemoCase
from app.domain.intake import validate_incoming
from app.domain.lifecycle import DraftKind, MessageState
from app.domain.regulation.model import Duty, Importance, RefusalReason
from app.domain.roles import Role
from app.identity.actor import ActorContext
from app.identity.organisations import OrganisationRules, organisation_rules
from app.identity.substitutes import actor_context
from app.intake.messages import intake_message
from app.intake.repeats import earlier_cases
from app.journal.events import EventActor
from app.screening.assess import assess_message

# Working minutes each step takes after the previous one: a plausible, unhurried day.
STEP_MINUTES = {
    "mark": 12,
    "hand_over": 10,
    "route": 25,
    "draft": 70,
    "return": 25,
    "resubmit": 35,
    "approve": 20,
    "publish": 15,
    "reply": 60,
    "outside": 20,
    "refuse": 8,
}
DRAFT_TEXTS = {
    DraftKind.INTERMEDIATE: "Ваше сообщение принято в работу, проводится проверка. "
    "О результатах сообщим дополнительно.",
    DraftKind.CLARIFICATION: "Уточните, пожалуйста, адрес: улицу и номер дома.",
}
RETURN_COMMENT = "Укажите сроки выполнения работ и ответственного."


@dataclass
class _Play:
    """One case being played: the organisation, its people, the moving instant."""

    rules: OrganisationRules
    people: dict[Role, ActorContext]
    case: DemoCase
    at: datetime
    limit: datetime
    message_id: int = 0

    def person(self, duty: Duty) -> ActorContext:
        return next(self.people[r] for r in self.rules.profile.roles_for(duty) if r in self.people)

    def tick(self, step: str) -> None:
        later = self.rules.calendar.add(self.at, timedelta(minutes=STEP_MINUTES[step]))
        self.at = min(later, self.limit)


async def _message_version(play: _Play) -> int:
    row = await Message.select(Message.version).where(Message.id == play.message_id).first()
    assert row is not None
    return int(row["version"])


async def _assignment(play: _Play) -> tuple[int, int]:
    """The demo executor's assignment of the case: (id, version)."""
    executor = play.people[Role.EXECUTOR]
    row = (
        await Assignment.select(Assignment.id, Assignment.version)
        .where(
            (Assignment.message == play.message_id)
            & Assignment.department.is_in(list(executor.department_ids))
        )
        .order_by(Assignment.id, ascending=False)
        .first()
    )
    assert row is not None, play.case.text
    return int(row["id"]), int(row["version"])


async def _mark(play: _Play, arg: str) -> None:
    repeat_of = None
    if play.case.repeat:
        found = await earlier_cases(play.rules.id, play.message_id, limit=1)
        repeat_of = found[0].id if found else None
    await cases.mark_for_reaction(
        play.person(Duty.SCREEN),
        play.message_id,
        await _message_version(play),
        list(play.case.topics),
        Importance(play.case.importance),
        repeat_of,
    )


async def _refuse(play: _Play, arg: str) -> None:
    await cases.refuse(
        play.person(Duty.SCREEN),
        play.message_id,
        await _message_version(play),
        RefusalReason(arg),
        "Демонстрационный отказ.",
    )


async def _hand_over(play: _Play, arg: str) -> None:
    await cases.hand_over(
        play.person(Duty.HAND_OVER), play.message_id, await _message_version(play)
    )


async def _route(play: _Play, arg: str) -> None:
    state = (await Message.select(Message.state).where(Message.id == play.message_id))[0]["state"]
    if state == MessageState.HANDING_OVER:
        await _hand_over(play, arg)
        play.tick("hand_over")
    targets = []
    for start, topic in zip(play.case.departments, play.case.topics, strict=False):
        row = await Department.select(Department.id).where(
            (Department.organisation == play.rules.id) & Department.name.like(f"{start}%")
        )
        targets.append(cases.RouteTarget(int(row[0]["id"]), topic))
    await cases.route(
        play.person(Duty.ROUTE), play.message_id, await _message_version(play), targets
    )


async def _draft(play: _Play, arg: str) -> None:
    kind = DraftKind(arg)
    text = DRAFT_TEXTS.get(kind) or play.case.answer
    await cases.submit_draft(play.people[Role.EXECUTOR], *await _assignment(play), kind, text)


async def _return(play: _Play, arg: str) -> None:
    await cases.return_for_revision(
        play.person(Duty.APPROVE), *await _assignment(play), RETURN_COMMENT
    )


async def _resubmit(play: _Play, arg: str) -> None:
    text = f"{play.case.answer} Работы будут выполнены в течение трёх рабочих дней."
    await cases.resubmit(play.people[Role.EXECUTOR], *await _assignment(play), text)


async def _approve(play: _Play, arg: str) -> None:
    await cases.approve(play.person(Duty.APPROVE), *await _assignment(play))


async def _publish(play: _Play, arg: str) -> None:
    assignment_id, version = await _assignment(play)
    joiner = "&" if "?" in play.case.url else "?"
    url = f"{play.case.url}{joiner}answer={assignment_id}{version}"
    await cases.publish(play.person(Duty.PUBLISH), assignment_id, version, url)


async def _outside(play: _Play, arg: str) -> None:
    await cases.return_outside_competence(
        play.people[Role.EXECUTOR],
        *await _assignment(play),
        "Вопрос относится к управлению транспорта и связи.",
    )


STEPS: dict[str, Callable[[_Play, str], Awaitable[None]]] = {
    "mark": _mark,
    "refuse": _refuse,
    "hand_over": _hand_over,
    "route": _route,
    "draft": _draft,
    "return": _return,
    "resubmit": _resubmit,
    "approve": _approve,
    "publish": _publish,
    "outside": _outside,
}


async def _play_case(play: _Play) -> None:
    case = play.case
    raw: dict[str, Any] = {
        "network": case.network,
        "text": case.text,
        "url": case.url,
        "author_name": case.author,
        "author_url": case.author_url,
        "posted_at": (play.at - timedelta(minutes=9)).isoformat(),
    }
    play.message_id, _ = await intake_message(
        play.rules.id, validate_incoming(raw), EventActor.system()
    )
    await assess_message(play.message_id)  # as the worker would, before anyone screens it
    for step in case.steps:
        name, _, arg = step.partition(":")
        play.tick(name)
        await STEPS[name](play, arg)


async def _people(organisation_id: int, slug: str, day: Any) -> dict[Role, ActorContext]:
    people = {}
    for role in Role:
        user = await User.select(User.id).where(User.login == f"{slug}-{role.value}").first()
        if user is not None:
            people[role] = await actor_context(int(user["id"]), organisation_id, day)
    return people


async def load_demo_cases() -> int:
    """Play the demo messages of each demo organisation that has none yet; returns how many."""
    # Restored afterwards: a test or a fast-forwarded demo may have set its own clock.
    previous = clock._now
    now = clock.now()
    created = 0
    try:
        for slug, demo_cases in DEMO_CASES.items():
            org = await Organisation.select(Organisation.id).where(Organisation.slug == slug)
            if not org or await Message.exists().where(Message.organisation == org[0]["id"]):
                continue
            rules = await organisation_rules(int(org[0]["id"]))
            people = await _people(rules.id, slug, now.date())
            # Oldest first, so a repeat finds its earlier case.
            for case in sorted(demo_cases, key=lambda c: -c.age):
                start = rules.calendar.add(now, -timedelta(hours=case.age))
                play = _Play(rules, people, case, start, now)
                clock.set_clock(lambda play=play: play.at)  # type: ignore[misc]
                await _play_case(play)
                created += 1
    finally:
        clock.set_clock(previous)
    return created
