"""Intake of messages: manual entry and the API for external monitoring systems.

Idempotent: the same post (network + external id, else URL, else content) stored twice
for one organisation makes one message, also when two requests race (unique key in the DB).
"""

from __future__ import annotations

from dataclasses import asdict

from app.core import clock
from app.core.jobs import nudge_worker
from app.db.tables import Event, Message
from app.domain.intake import IncomingMessage
from app.intake.duplicates import link_duplicate
from app.journal.events import EventActor, record_event
from app.journal.live import publish_change

INITIAL_STATE = "collected"


async def intake_message(
    organisation_id: int, incoming: IncomingMessage, actor: EventActor
) -> tuple[int, bool]:
    """Store the message unless the organisation has it already; returns (id, created)."""
    key = incoming.dedup_key()
    async with Message._meta.db.transaction():
        inserted = (
            await Message.insert(
                Message(
                    organisation=organisation_id,
                    network=incoming.network,
                    external_id=incoming.external_id,
                    url=incoming.url,
                    author_name=incoming.author_name,
                    author_url=incoming.author_url,
                    author_external_id=incoming.author_external_id,
                    text=incoming.text,
                    attachments=[asdict(a) for a in incoming.attachments],
                    posted_at=incoming.posted_at,
                    collected_at=clock.now(),
                    state=INITIAL_STATE,
                    dedup_key=key,
                    created_by=actor.user_id,
                )
            )
            .on_conflict(target=(Message.organisation, Message.dedup_key), action="DO NOTHING")
            .returning(Message.id)
        )
        if inserted:
            message_id = int(inserted[0]["id"])
            await record_event(
                organisation_id,
                "message_collected",
                actor,
                message_id=message_id,
                after={"state": INITIAL_STATE, "network": incoming.network},
            )
        else:
            message_id = 0
    if message_id:
        await link_duplicate(organisation_id, message_id)
        await publish_change(organisation_id, message_id, "message_collected")
        # Screening assistance at once in the worker; its minute pass catches a lost nudge.
        await nudge_worker("assess_new_message", message_id)
        return message_id, True
    existing_id = await _existing(organisation_id, key)
    if await record_edit(organisation_id, existing_id, incoming.text, actor):
        await publish_change(organisation_id, existing_id, "message_edited")
    return existing_id, False


async def _existing(organisation_id: int, key: str) -> int:
    existing = (
        await Message.select(Message.id)
        .where((Message.organisation == organisation_id) & (Message.dedup_key == key))
        .first()
    )
    assert existing is not None, "a conflicting row exists"
    return int(existing["id"])


async def record_edit(organisation_id: int, message_id: int, text: str, actor: EventActor) -> bool:
    """The same post came again with another text (the author edited it): the stored text
    stays what was screened, the new version becomes a `message_edited` event (shown on the
    case page). True when an edit was recorded."""
    async with Message._meta.db.transaction():
        rows = await Message.raw("SELECT text FROM message WHERE id = {} FOR UPDATE", message_id)
        latest = (
            await Event.select(Event.comment)
            .where((Event.message == message_id) & (Event.kind == "message_edited"))
            .order_by(Event.id, ascending=False)
            .first()
        )
        known = latest["comment"] if latest else rows[0]["text"]
        if text == known:
            return False
        await record_event(
            organisation_id,
            "message_edited",
            actor,
            message_id=message_id,
            before={"length": len(known)},
            after={"length": len(text)},
            comment=text,
        )
    return True
