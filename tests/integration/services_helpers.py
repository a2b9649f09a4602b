"""Shortcuts for service tests: a case routed to a department, by the profile's own roles."""

from __future__ import annotations

from app.cases import actions as cases
from app.cases.actions import RouteTarget
from app.db.tables import Assignment, Event
from app.domain.regulation.model import Importance
from tests.integration.cases_helpers import assignments, department, message, new_message, person

# The department of each demo organisation's executor (see app/demo/seed.py).
HOUSING = {"penza": "Управление жилищно", "parfino": "Комитет ЖКХ"}


async def routed_case(
    slug: str, text: str = "Во дворе не горят фонари", department_start: str = "", **extra: str
) -> tuple[int, int]:
    """A message marked and routed to one department; returns (message id, assignment id)."""
    message_id = await new_message(slug, text, **extra)
    return message_id, await route_message(slug, message_id, department_start)


async def route_message(slug: str, message_id: int, department_start: str = "") -> int:
    """A new message marked and routed to one department; returns the assignment id."""
    specialist = await person(f"{slug}-specialist", slug)
    await cases.mark_for_reaction(specialist, message_id, 1, ["ЖКХ"], Importance.NORMAL)
    router = specialist
    if slug == "parfino":  # Parfino p.7: the specialist hands over, the coordinator routes
        await cases.hand_over(specialist, message_id, 2)
        router = await person("parfino-coordinator", slug)
    target = await department(slug, department_start or HOUSING[slug])
    version = (await message(message_id))["version"]
    await cases.route(router, message_id, version, [RouteTarget(target, "ЖКХ")])
    return int((await assignments(message_id))[-1]["id"])


async def version_of(assignment_id: int) -> int:
    """The assignment's current version, for the next action."""
    row = await Assignment.select(Assignment.version).where(Assignment.id == assignment_id).first()
    assert row is not None
    return int(row["version"])


async def event_rows(message_id: int) -> list[dict]:
    """The message's events in order, as stored."""
    return await Event.select().where(Event.message == message_id).order_by(Event.id)
