"""The demo history: months of believable work through the real services, loaded once."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from app.db.tables import Assignment, Draft, Event, Message, Publication, Violation
from app.demo.history import load_history
from app.demo.history_plan import plan_history
from app.demo.seed import load_demo
from app.identity.organisations import organisation_rules
from tests.integration.cases_helpers import MSK, Clock, org_id
from tests.integration.timers_helpers import pooled  # noqa: F401

WEDNESDAY_15 = datetime(2025, 3, 19, 15, 0, tzinfo=MSK)
MESSAGES = 60  # the town plays ~260; a smaller history has the same shape and is quicker


async def test_history_has_the_shape_of_real_work_and_is_loaded_once() -> None:
    Clock(WEDNESDAY_15)
    await load_demo(with_cases=False, with_history=False)
    assert await load_history("penza", messages=MESSAGES) == MESSAGES
    organisation = await org_id("penza")
    rows = await Message.select().where(Message.organisation == organisation)
    assert len(rows) == MESSAGES

    states = Counter(r["state"] for r in rows)
    assert states["done"] > MESSAGES / 2 and states["refused"] > 0
    assert set(Counter(r["network"] for r in rows)) == {"vk", "ok", "telegram"}
    reasons = {r["refusal_reason"] for r in rows if r["refusal_reason"]}
    assert reasons == {
        "harm_intent",
        "obscene_language",
        "insulting_language",
        "threat_to_official",
        "no_reaction_needed",
    }
    assert any(r["repeat_of"] for r in rows) and any(r["importance"] == "high" for r in rows)
    posted = [r["posted_at"].astimezone(MSK) for r in rows]
    assert any(p.weekday() >= 5 for p in posted) and any(not 9 <= p.hour < 18 for p in posted)
    assert (WEDNESDAY_15 - min(posted)).days > 60 and all(p <= WEDNESDAY_15 for p in posted)

    work = await Assignment.select(Assignment.state, Assignment.message).where(
        Assignment.organisation == organisation
    )
    assert {"done", "returned_outside_competence"} <= {a["state"] for a in work}
    split = Counter(a["message"] for a in work if a["state"] == "done")
    assert max(split.values()) >= 2  # a message answered by two departments
    kinds = {d["kind"] for d in await Draft.select(Draft.kind)}
    assert kinds == {"final", "intermediate", "clarification"}
    events = {e["kind"] for e in await Event.select(Event.kind)}
    assert {"draft_returned", "draft_resubmitted", "returned_outside_competence"} <= events
    assert await Publication.count() >= states["done"]

    violations = await Violation.select().where(Violation.organisation == organisation)
    assert violations and all(v["escalated_at"] for v in violations)
    assert any(v["resolved_at"] for v in violations)

    # Deterministic: the texts are those of the plan, and the plan is the same every time.
    rules = await organisation_rules(organisation)
    anchor = WEDNESDAY_15.replace(second=0, microsecond=0)
    first, _ = plan_history("penza", rules.calendar, anchor, messages=MESSAGES)
    again, _ = plan_history("penza", rules.calendar, anchor, messages=MESSAGES)
    assert [c.text for c in first] == [c.text for c in again]
    stored = {r["external_id"]: r["text"] for r in rows}
    assert stored == {c.key: c.text for c in first}

    assert await load_history("penza", messages=MESSAGES) == 0  # idempotent
    assert await Message.count().where(Message.organisation == organisation) == MESSAGES
