"""Routing suggestions learn from the organisation's own routing history.

The worker catches up every minute: each assignment created since the organisation's
watermark (routing_knowledge.learned_through) is one example — the message's text under the
department it was sent to, and under its topics (the assignment's topic, or the message's
topics for the first assignment of a message). The examples and the new watermark are stored
in one transaction with the row locked, so each assignment is learned exactly once whichever
worker runs it. An imported labelled history (`otklik screening train-routing`) is learned
the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.db.tables import Assignment
from app.screening.routing import Knowledge, learn_example, update_knowledge

BATCH = 2_000
# An assignment is learned once its transaction is surely committed: ids are handed out at
# insert, so a slow transaction may commit a lower id after a higher one.
SETTLE_SECONDS = 30


@dataclass(frozen=True)
class LabelledText:
    """One example: a text and the departments and topics it was routed to."""

    text: str
    departments: tuple[str, ...]
    topics: tuple[str, ...] = ()


async def learn_new_assignments(settle_seconds: float = SETTLE_SECONDS) -> int:
    """Learn every settled assignment past each organisation's watermark; how many."""
    rows = await Assignment.raw(
        """
        SELECT a.id, a.organisation, a.topic, d.name AS department, m.text, m.topics,
          a.assigned_at <= now() - make_interval(secs => {}) AS settled,
          NOT EXISTS (SELECT 1 FROM assignment e WHERE e.message = a.message AND e.id < a.id)
            AS first_of_message
        FROM assignment a
        JOIN department d ON d.id = a.department
        JOIN message m ON m.id = a.message
        LEFT JOIN routing_knowledge k ON k.organisation = a.organisation
        WHERE a.id > COALESCE(k.learned_through, 0)
        ORDER BY a.organisation, a.id
        LIMIT {}
        """,
        settle_seconds,
        BATCH,
    )
    by_organisation: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_organisation.setdefault(int(row["organisation"]), []).append(row)
    learned = 0
    for organisation_id, assignments in by_organisation.items():
        settled = []
        for row in assignments:
            if not row["settled"]:
                break  # the next run takes it and what follows, in id order
            settled.append(row)
        if settled:
            learned += await _learn_assignments(organisation_id, settled)
    return learned


async def _learn_assignments(organisation_id: int, rows: list[dict[str, Any]]) -> int:
    count = 0

    def learn(knowledge: Knowledge) -> int:
        nonlocal count
        through = knowledge.learned_through
        for row in rows:
            if row["id"] <= through:
                continue  # learned by another run meanwhile
            learn_example(knowledge, row["text"] or "", [row["department"]], _topics(row))
            through, count = row["id"], count + 1
        return through

    await update_knowledge(organisation_id, learn)
    return count


def _topics(row: dict[str, Any]) -> list[str]:
    if row["topic"]:
        return [row["topic"]]
    return list(row["topics"] or ()) if row["first_of_message"] else []


async def learn_history(organisation_id: int, examples: Iterable[LabelledText]) -> int:
    """Learn a labelled history (an import of earlier routing); how many examples."""
    items = [e for e in examples if e.text.strip() and (e.departments or e.topics)]

    def learn(knowledge: Knowledge) -> None:
        for example in items:
            learn_example(knowledge, example.text, example.departments, example.topics)

    await update_knowledge(organisation_id, learn)
    return len(items)
