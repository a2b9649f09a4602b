"""Dynamics: the period's cases by topic, place, network, importance and department, with trends."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.reporting.figures import Scope, _cases_sql, _raw

# The summary lists this many addresses: the ones that come back, not every one named once.
TOP_PLACES = 10


@dataclass(frozen=True)
class CountRow:
    """One value's count now and in the previous period."""

    name: str
    count: int
    previous: int

    @property
    def change(self) -> int:
        """Difference with the previous period."""
        return self.count - self.previous


@dataclass(frozen=True)
class TrendPoint:
    """One period of the trend."""

    label: str
    collected: int
    cases: int
    answer_late: int


@dataclass(frozen=True)
class Dynamics:
    """Counts by dimension against the previous period, and the last periods' trend."""

    collected: int
    previous_collected: int
    cases: int
    previous_cases: int
    by_topic: list[CountRow] = field(default_factory=list)
    # The addresses named most (issue #15: Message.places); cases without one are not listed.
    by_place: list[CountRow] = field(default_factory=list)
    by_network: list[CountRow] = field(default_factory=list)
    by_importance: list[CountRow] = field(default_factory=list)
    by_department: list[CountRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)


_DIMENSIONS = {
    "topic": "SELECT unnest(CASE WHEN cardinality(c.topics) = 0 THEN ARRAY['без темы'] "
    "ELSE c.topics END) AS name FROM c",
    "place": "SELECT DISTINCT c.id, unnest(c.places) AS name FROM c",
    "network": "SELECT c.network AS name FROM c",
    "importance": "SELECT c.importance AS name FROM c",
    "department": "SELECT DISTINCT ON (c.id, d.id) d.name AS name FROM c "
    "JOIN assignment a ON a.message = c.id JOIN department d ON d.id = a.department",
}


async def counts_by(scope: Scope, dimension: str) -> dict[str, int]:
    """Cases of the period per value of a dimension (a case counts once per topic/department)."""
    cases, params = _cases_sql(scope)
    # Only this module's constant SQL is joined in; every value is a parameter.
    sql = f"WITH c AS ({cases}) SELECT name, count(*) AS n FROM ({_DIMENSIONS[dimension]}) x "  # noqa: S608
    rows = await _raw(sql + "GROUP BY name", *params)
    return {str(r["name"]): int(r["n"]) for r in rows}


def _compare(now: dict[str, int], before: dict[str, int]) -> list[CountRow]:
    names = sorted(set(now) | set(before), key=lambda n: (-now.get(n, 0), -before.get(n, 0), n))
    return [CountRow(n, now.get(n, 0), before.get(n, 0)) for n in names]


_TREND = """
SELECT b.i,
  (SELECT count(*) FROM message m WHERE m.organisation = {} AND m.collected_at >= b.s
     AND m.collected_at < b.e) AS collected,
  (SELECT count(*) FROM message m WHERE m.organisation = {} AND m.detected_at >= b.s
     AND m.detected_at < b.e AND m.state <> 'refused') AS cases,
  (SELECT count(DISTINCT v.message) FROM violation v JOIN message m ON m.id = v.message
     WHERE v.organisation = {} AND v.step = 'answer' AND m.detected_at >= b.s
     AND m.detected_at < b.e) AS answer_late
FROM unnest({}::timestamptz[], {}::timestamptz[]) WITH ORDINALITY AS b(s, e, i)
ORDER BY b.i
"""


async def trend(
    organisation_id: int, bounds: list[tuple[datetime, datetime]], labels: list[str]
) -> list[TrendPoint]:
    """Collected messages, cases and cases answered late in each of the periods."""
    starts = [s for s, _ in bounds]
    ends = [e for _, e in bounds]
    rows = await _raw(_TREND, *(organisation_id,) * 3, starts, ends)
    return [
        TrendPoint(labels[i], r["collected"], r["cases"], r["answer_late"])
        for i, r in enumerate(rows)
    ]


async def _collected(scope: Scope) -> int:
    sql = "SELECT count(*) AS n FROM message m WHERE m.organisation = {} AND m.collected_at >= {} "
    rows = await _raw(
        sql + "AND m.collected_at < {}", scope.organisation_id, scope.start, scope.end
    )
    return int(rows[0]["n"])


async def dynamics(scope: Scope, previous: Scope, history: list[Any]) -> Dynamics:
    """Every dynamics figure; `history` is [(label, start, end)] of the trend's periods."""
    dims: dict[str, list[CountRow]] = {}
    for name in _DIMENSIONS:
        dims[name] = _compare(await counts_by(scope, name), await counts_by(previous, name))
    points = await trend(
        scope.organisation_id, [(s, e) for _, s, e in history], [lab for lab, _, _ in history]
    )
    return Dynamics(
        collected=await _collected(scope),
        previous_collected=await _collected(previous),
        cases=sum(r.count for r in dims["importance"]),
        previous_cases=sum(r.previous for r in dims["importance"]),
        by_topic=dims["topic"],
        by_place=[r for r in dims["place"] if r.count][:TOP_PLACES],
        by_network=dims["network"],
        by_importance=dims["importance"],
        by_department=dims["department"],
        trend=points,
    )
