"""Every lifecycle action on a case, in one import for handlers, the CLI and the demo.

The actions live by stage: screening, routing, drafting (with review), publication; each
runs through the transaction core in app.cases.transaction.
"""

from __future__ import annotations

from app.cases.drafting import (
    approve,
    resubmit,
    return_for_revision,
    return_outside_competence,
    submit_draft,
)
from app.cases.publication import publish, record_reply
from app.cases.routing import RouteTarget, route
from app.cases.screening import (
    decide_as_copy,
    hand_over,
    mark_for_reaction,
    reclassify,
    refuse,
    undo_screening,
)
from app.cases.transaction import (
    MAX_COMMENT,
    MAX_DRAFT_TEXT,
    MAX_TOPIC,
    MAX_TOPICS,
    CaseError,
    Outcome,
)

__all__ = [
    "MAX_COMMENT",
    "MAX_DRAFT_TEXT",
    "MAX_TOPIC",
    "MAX_TOPICS",
    "CaseError",
    "Outcome",
    "RouteTarget",
    "approve",
    "decide_as_copy",
    "hand_over",
    "mark_for_reaction",
    "publish",
    "reclassify",
    "record_reply",
    "refuse",
    "resubmit",
    "return_for_revision",
    "return_outside_competence",
    "route",
    "submit_draft",
    "undo_screening",
]
