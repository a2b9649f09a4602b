"""The append-only event log: every action writes one event (Penza p.18, Parfino p.21)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core import clock
from app.db.tables import Event


@dataclass(frozen=True)
class EventActor:
    """Who acts: the user, the role they act in, and whose duties they carry as substitute."""

    user_id: int | None
    role: str = ""
    substitute_for: int | None = None

    @classmethod
    def system(cls) -> EventActor:
        """The software itself (intake by API, the worker)."""
        return cls(user_id=None, role="system")


async def record_event(
    organisation_id: int,
    kind: str,
    actor: EventActor,
    *,
    message_id: int | None = None,
    assignment_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    comment: str = "",
) -> Event:
    """Append one event; run it inside the transaction of the change it records."""
    event = Event(
        organisation=organisation_id,
        message=message_id,
        assignment=assignment_id,
        kind=kind,
        actor=actor.user_id,
        actor_role=actor.role,
        substitute_for=actor.substitute_for,
        at=clock.now(),
        before=before or {},
        after=after or {},
        comment=comment,
    )
    await event.save()
    return event
