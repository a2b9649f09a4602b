"""Assessing a message: the detectors composed, the result stored on the message.

Runs in the worker: the `assess_message` job is queued at intake (app.intake.messages), and
a minute's catch-up pass assesses whatever a lost job left behind (`assessed_at IS NULL`).
Storing an assessment never bumps the message's version (the specialist's open form stays
valid) and never overwrites places the specialist edited."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace

from app.core import clock
from app.db.tables import Message
from app.domain.screening.result import Assessment
from app.domain.screening.tokens import MAX_CHARS, read
from app.journal.live import publish_change
from app.screening.detectors import flag_abuse, suggest_importance
from app.screening.morphology import lemma
from app.screening.places import places_in
from app.screening.routing import suggest_routing

log = logging.getLogger("otklik.screening")

# A stored place label fits Message.places (varchar 200); a message keeps at most this many.
MAX_PLACE_LABEL = 200
MAX_PLACES = 20
# The catch-up pass: messages per query, and the time it may take before the next minute's.
CATCH_UP_BATCH = 100
CATCH_UP_SECONDS = 40.0


def assess_text(text: str, organisation_slug: str | None = None) -> Assessment:
    """Flags, importance and places of a text (no routing: that needs the organisation's
    knowledge, see `assess`). Pure of I/O once the lexicons are loaded."""
    text = text[:MAX_CHARS]
    reading = read(text, lemma)  # once, for every rule that reads the words
    flags, evidence = flag_abuse(text)
    importance, importance_evidence = suggest_importance(text, reading=reading)
    return Assessment(
        flags=flags,
        evidence=evidence,
        importance=importance,
        importance_evidence=importance_evidence,
        places=places_in(text, organisation_slug, reading=reading)[:MAX_PLACES],
    )


async def assess(text: str, organisation_id: int, organisation_slug: str) -> Assessment:
    """Everything suggested for a text of this organisation, routing included. A failing
    routing suggestion leaves the flags standing (they matter more)."""
    assessment = assess_text(text, organisation_slug)
    try:
        topics, departments = await suggest_routing(organisation_id, text[:MAX_CHARS])
    except Exception:
        log.exception("organisation %s: routing suggestion failed", organisation_id)
        return assessment
    return replace(assessment, topics=topics[:3], departments=departments[:3])


def warm_up() -> None:
    """Load the lexicons, models and the morphological dictionary before the first message
    arrives (the first assessment would otherwise take the loading time)."""
    assess_text("Прорвало трубу на улице Ленина, 5: третий день без воды.")


def place_labels(assessment: Assessment) -> list[str]:
    """The distinct place labels, in order of appearance, bounded for Message.places."""
    labels = (p.label.strip()[:MAX_PLACE_LABEL] for p in assessment.places)
    return list(dict.fromkeys(label for label in labels if label))[:MAX_PLACES]


async def assess_message(message_id: int) -> bool:
    """Assess one stored message and store the result; False when there is no such message."""
    row = (
        await Message.select(
            Message.id,
            Message.organisation,
            Message.organisation.slug.as_alias("slug"),
            Message.text,
        )
        .where(Message.id == message_id)
        .first()
    )
    if row is None:
        return False
    assessment = await assess(row["text"], row["organisation"], row["slug"])
    # The places follow the suggestion only until the specialist edits them.
    await Message.raw(
        "UPDATE message SET screening = {}::jsonb, assessed_at = {}, "
        "places = CASE WHEN places_edited_at IS NULL THEN {}::varchar[] ELSE places END "
        "WHERE id = {}",
        json.dumps(assessment.to_json(), ensure_ascii=False),
        clock.now(),
        place_labels(assessment),
        message_id,
    )
    await publish_change(row["organisation"], message_id, "message_assessed")
    return True


async def assess_unassessed(seconds: float = CATCH_UP_SECONDS) -> int:
    """The catch-up pass: assess messages nobody assessed yet (a job lost with Redis, a
    worker that was down), oldest first, for at most `seconds`; how many were assessed."""
    started = time.monotonic()
    done = 0
    failed: set[int] = set()
    while time.monotonic() - started < seconds:
        rows = await Message.raw(
            "SELECT id FROM message WHERE assessed_at IS NULL AND NOT (id = ANY({})) "
            "ORDER BY collected_at LIMIT {}",
            list(failed),
            CATCH_UP_BATCH,
        )
        if not rows:
            break
        for r in rows:
            try:
                done += await assess_message(int(r["id"]))
            except Exception:  # one bad message must not stop the pass
                log.exception("message %s: assessment failed", r["id"])
                failed.add(int(r["id"]))
            if time.monotonic() - started >= seconds:
                break
    return done
