"""The specialist's decisions against what screening suggested, and the monthly agreement.

Written inside the transaction of the decision itself (mark, refuse, route in app.cases), so
a decision and its record stand or fall together. Only assessed messages are recorded: with
no suggestion there is nothing to agree with."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from app.core import clock
from app.db.json_columns import json_value
from app.db.tables import Message, ScreeningDecision
from app.domain.screening.agreement import (
    AgreementRate,
    DecisionKind,
    decided_flags,
    flags_agreed,
    importance_agreed,
    top_agreed,
)
from app.domain.screening.result import Assessment

# Kinds taken back with the screening decision (routing is never undone).
SCREENING_KINDS = (DecisionKind.flags, DecisionKind.importance, DecisionKind.topic)


def stored_assessment(row: dict[str, Any]) -> Assessment | None:
    """The assessment stored on a message row, or None before the worker assessed it."""
    return Assessment.from_json(json_value(row.get("screening")))


async def _record(
    organisation_id: int,
    message_id: int,
    user_id: int | None,
    kind: DecisionKind,
    suggested: Any,
    decided: Any,
    agreed: bool,
) -> None:
    await ScreeningDecision.insert(
        ScreeningDecision(
            organisation=organisation_id,
            message=message_id,
            kind=str(kind),
            # As JSON text: Piccolo takes a bare string for JSON already encoded.
            suggested=json.dumps(suggested, ensure_ascii=False),
            decided=json.dumps(decided, ensure_ascii=False),
            agreed=agreed,
            decided_by=user_id,
            decided_at=clock.now(),
        )
    )


async def record_screening(
    organisation_id: int,
    row: dict[str, Any],
    user_id: int | None,
    *,
    refusal_reason: str | None = None,
    importance: str | None = None,
    topics: Sequence[str] = (),
) -> None:
    """A mark for reaction (importance, topics) or a refusal (its reason), against the flags,
    importance and topics suggested for the message `row`."""
    assessment = stored_assessment(row)
    if assessment is None:
        return
    message_id = int(row["id"])
    flags = decided_flags(refusal_reason)
    await _record(
        organisation_id,
        message_id,
        user_id,
        DecisionKind.flags,
        list(assessment.flags),
        flags,
        flags_agreed(assessment.flags, flags),
    )
    if importance is not None:
        await _record(
            organisation_id,
            message_id,
            user_id,
            DecisionKind.importance,
            assessment.importance,
            importance,
            importance_agreed(assessment.importance, importance),
        )
    if importance is not None and assessment.topics:
        names = [t.name for t in assessment.topics]
        await _record(
            organisation_id,
            message_id,
            user_id,
            DecisionKind.topic,
            names,
            list(topics),
            top_agreed(names, topics),
        )


async def forget_screening(message_id: int) -> None:
    """The screening decision was taken back: its records go with it (a new one follows)."""
    await ScreeningDecision.delete().where(
        (ScreeningDecision.message == message_id)
        & ScreeningDecision.kind.is_in([str(k) for k in SCREENING_KINDS])
    )


async def record_routing(
    organisation_id: int, row: dict[str, Any], user_id: int | None, departments: Sequence[str]
) -> None:
    """The first routing of a message, against the departments suggested for it."""
    assessment = stored_assessment(row)
    if assessment is None or not assessment.departments or row.get("routed_at") is not None:
        return
    names = [d.name for d in assessment.departments]
    await _record(
        organisation_id,
        int(row["id"]),
        user_id,
        DecisionKind.department,
        names,
        list(departments),
        top_agreed(names, departments),
    )


async def agreement_rates(
    organisation_id: int, timezone: str, months: int = 12
) -> list[AgreementRate]:
    """Agreement per month (in the organisation's zone) and kind: the latest `months` months
    with decisions, newest first, kinds in a fixed order."""
    rows = await Message.raw(
        "SELECT to_char(decided_at AT TIME ZONE {}, 'YYYY-MM') AS month, kind, "
        "count(*) AS total, count(*) FILTER (WHERE agreed) AS agreed "
        "FROM screening_decision WHERE organisation = {} GROUP BY 1, 2",
        timezone,
        organisation_id,
    )
    kinds = list(DecisionKind)
    rates = [
        AgreementRate(r["month"], DecisionKind(r["kind"]), int(r["total"]), int(r["agreed"]))
        for r in rows
        if r["kind"] in {str(k) for k in kinds}
    ]
    latest = sorted({a.month for a in rates}, reverse=True)[:months]
    rates = [a for a in rates if a.month in latest]
    return sorted(rates, key=lambda a: (latest.index(a.month), kinds.index(a.kind)))
