"""Helpers for lifecycle scenarios on the real database: demo people, a movable clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.core import clock
from app.db.tables import Assignment, Department, Message, Organisation, User
from app.domain.intake import validate_incoming
from app.identity.actor import ActorContext
from app.identity.substitutes import actor_context
from app.intake.messages import intake_message
from app.journal.events import EventActor

MSK = ZoneInfo("Europe/Moscow")


class Clock:
    """The app's clock, frozen at an instant the test moves."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        clock.set_clock(lambda: self.now)

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now

    def set(self, instant: datetime) -> None:
        self.now = instant


async def org_id(slug: str) -> int:
    row = await Organisation.select(Organisation.id).where(Organisation.slug == slug).first()
    assert row is not None
    return int(row["id"])


async def person(login: str, slug: str) -> ActorContext:
    """The demo user acting in the organisation today (by the app's clock)."""
    user = await User.select(User.id).where(User.login == login).first()
    assert user is not None
    return await actor_context(int(user["id"]), await org_id(slug), clock.now().date())


async def department(slug: str, name_start: str) -> int:
    row = (
        await Department.select(Department.id)
        .where(
            (Department.organisation == await org_id(slug)) & Department.name.like(f"{name_start}%")
        )
        .first()
    )
    assert row is not None, name_start
    return int(row["id"])


async def new_message(slug: str, text: str = "Во дворе не горят фонари", **extra: str) -> int:
    """A message as an external monitoring system delivers it."""
    raw = {"network": "vk", "text": text, "author_name": "Житель", **extra}
    message_id, _ = await intake_message(
        await org_id(slug), validate_incoming(raw), EventActor.system()
    )
    return message_id


async def message(message_id: int) -> dict:
    row = await Message.select().where(Message.id == message_id).output(load_json=True).first()
    assert row is not None
    return row


async def assignments(message_id: int) -> list[dict]:
    return await Assignment.select().where(Assignment.message == message_id).order_by(Assignment.id)
