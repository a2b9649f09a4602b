"""Demo cases: every state of both profiles, through the real services, in recent working time."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from app.core import clock
from app.db.tables import Assignment, Message
from app.demo.cases import load_demo_cases
from app.demo.seed import load_demo
from app.identity.organisations import organisation_rules
from tests.integration.cases_helpers import MSK, Clock, org_id
from tests.integration.timers_helpers import pooled  # noqa: F401

# `pooled`: a connection pool, as `otklik run` loads the demo with one (app/cli/main.py,
# _demo); without it every query connected anew, and that is what the 20 s bound measured.

WEDNESDAY_15 = datetime(2025, 3, 19, 15, 0, tzinfo=MSK)


async def states(slug: str) -> tuple[Counter[str], Counter[str]]:
    organisation = await org_id(slug)
    messages = await Message.select(Message.state).where(Message.organisation == organisation)
    work = await Assignment.select(Assignment.state).where(Assignment.organisation == organisation)
    return Counter(m["state"] for m in messages), Counter(a["state"] for a in work)


async def test_demo_cases_cover_every_state_and_are_loaded_once() -> None:
    Clock(WEDNESDAY_15)
    await load_demo(with_cases=True)
    assert clock.now() == WEDNESDAY_15  # the test's clock is back
    penza, penza_work = await states("penza")
    assert set(penza) == {"collected", "refused", "routing", "in_work", "done"}
    assert {
        "assigned",
        "draft_submitted",
        "returned_for_revision",
        "approved",
        "awaiting_final",
        "returned_outside_competence",
        "done",
    } <= set(penza_work)
    parfino, parfino_work = await states("parfino")
    assert {"collected", "refused", "handing_over", "routing", "in_work", "done"} == set(parfino)
    assert {"awaiting_reply", "awaiting_final", "approved", "draft_submitted", "done"} <= set(
        parfino_work
    )
    assert 12 <= sum(penza.values()) <= 15 and 12 <= sum(parfino.values()) <= 15
    assert await load_demo_cases() == 0  # idempotent: the organisations have messages


async def test_demo_detection_is_in_recent_working_hours_and_repeats_are_linked() -> None:
    Clock(WEDNESDAY_15)
    await load_demo(with_cases=True)
    for slug in ("penza", "parfino"):
        rules = await organisation_rules(await org_id(slug))
        rows = await Message.select().where(Message.organisation == rules.id)
        detected = [r["detected_at"] for r in rows if r["detected_at"] is not None]
        assert detected and all(d <= WEDNESDAY_15 for d in detected)
        assert all(rules.calendar.is_working_time(d) for d in detected)
        assert all(
            rules.calendar.between(d, WEDNESDAY_15).total_seconds() < 40 * 3600 for d in detected
        )
        repeats = [r for r in rows if r["repeat_of"] is not None]
        assert len(repeats) == 1
        earlier = next(r for r in rows if r["id"] == repeats[0]["repeat_of"])
        assert earlier["author_url"] == repeats[0]["author_url"] and earlier["state"] == "done"
