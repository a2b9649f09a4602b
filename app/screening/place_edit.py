"""The specialist corrects a message's places: from then on they are the specialist's, and
re-assessment leaves them alone (Message.places_edited_at)."""

from __future__ import annotations

from app.core import clock
from app.db.tables import Message
from app.domain.roles import Role
from app.domain.screening.place_edits import PlaceError, edited_places
from app.identity.actor import ActorContext
from app.journal.events import EventActor, record_event
from app.journal.live import publish_change

# Who corrects places: whoever screens and routes.
EDITS_PLACES = (Role.SPECIALIST, Role.COORDINATOR)


async def edit_places(
    ctx: ActorContext, message_id: int, add: str = "", remove: str = ""
) -> list[str]:
    """Add or remove one place of a message of the actor's organisation; the new list."""
    async with Message._meta.db.transaction():
        rows = await Message.raw(
            "SELECT places FROM message WHERE id = {} AND organisation = {} FOR UPDATE",
            message_id,
            ctx.organisation_id,
        )
        if not rows:
            raise PlaceError("Сообщение не найдено.", "not_found")
        before = list(rows[0]["places"] or [])
        after = edited_places(before, add=add, remove=remove)
        if after == before:
            return before
        await Message.update({Message.places: after, Message.places_edited_at: clock.now()}).where(
            Message.id == message_id
        )
        role = next((r for r in EDITS_PLACES if r in ctx.roles), "")
        await record_event(
            ctx.organisation_id,
            "places_edited",
            EventActor(ctx.user_id, str(role)),
            message_id=message_id,
            before={"places": before},
            after={"places": after},
        )
    await publish_change(ctx.organisation_id, message_id, "places_edited")
    return after
