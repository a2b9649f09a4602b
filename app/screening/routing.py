"""STAND-IN until the real routing suggestions land on main (removed at the merge)."""

from __future__ import annotations

from app.db.tables import Department
from app.domain.screening.result import Suggestion


async def suggest_routing(
    organisation_id: int, text: str
) -> tuple[tuple[Suggestion, ...], tuple[Suggestion, ...]]:
    rows = await Department.select(Department.name, Department.topics).where(
        (Department.organisation == organisation_id) & Department.is_active.eq(True)
    )
    low = text.lower()
    departments = []
    topics = []
    for r in rows:
        hits = [t for t in r["topics"] if t.lower()[:5] in low]
        if hits:
            departments.append(Suggestion(r["name"], 0.82, tuple(hits)))
            topics += [Suggestion(t, 0.7, (t,)) for t in hits]
    return tuple(topics[:3]), tuple(departments[:3])
