"""Steps completed in the period and how many of them on time (read from the event log).

A step is completed by the event that closes it (the lifecycle table's STOP effects);
a completion was late when the timers recorded a violation of that step that was resolved
in the period. On time = completed − completed late.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.regulation.model import RegulationProfile
from app.reporting.figures import Scope, _raw

# The event that closes each step; a routing closes the ROUTE step only the first time.
_COMPLETIONS = """
SELECT step, count(*) AS completed FROM (
  SELECT CASE
      WHEN e.kind = 'handed_over' THEN 'hand_over'
      WHEN e.kind = 'routed' THEN 'route'
      WHEN e.kind = 'returned_outside_competence' THEN 'return_outside_competence'
      WHEN e.kind IN ('draft_approved', 'draft_returned') THEN 'review'
      WHEN e.kind = 'draft_resubmitted' THEN 'revise'
      WHEN e.kind = 'published' THEN 'publish'
      WHEN e.kind = 'draft_submitted' AND a.intermediate_published_at IS NOT NULL
        AND e.at > a.intermediate_published_at THEN 'final_draft'
      WHEN e.kind = 'draft_submitted' THEN 'draft'
    END AS step
  FROM event e LEFT JOIN assignment a ON a.id = e.assignment
  WHERE e.organisation = {} AND e.at >= {} AND e.at < {}
    AND e.kind IN ('handed_over', 'routed', 'returned_outside_competence', 'draft_approved',
                   'draft_returned', 'draft_resubmitted', 'published', 'draft_submitted')
    AND (e.kind <> 'routed' OR NOT EXISTS (
      SELECT 1 FROM event p WHERE p.message = e.message AND p.kind = 'routed' AND p.id < e.id))
    {department}
) s GROUP BY step
"""

_LATE = """
SELECT v.step, count(*) AS late FROM violation v
WHERE v.kind = 'deadline' AND v.organisation = {}
  AND v.resolved_at >= {} AND v.resolved_at < {} {department}
GROUP BY v.step
"""


@dataclass(frozen=True)
class StepDone:
    """One kind of step completed in the period."""

    step: str
    completed: int
    late: int

    @property
    def on_time(self) -> int:
        """Completions that met their deadline."""
        return max(self.completed - self.late, 0)


async def steps_done(scope: Scope, timed_steps: frozenset[str]) -> list[StepDone]:
    """Per timed step of the profile: completed in the period, of them late and on time."""
    params: list[object] = [scope.organisation_id, scope.start, scope.end]
    department = ""
    if scope.department_id is not None:
        department = " AND a.department = {}"
        params.append(scope.department_id)
    completed = {
        r["step"]: r["completed"]
        for r in await _raw(_COMPLETIONS.replace("{department}", department), *params)
    }
    late_department = department.replace("a.department", "v.department")
    late = {
        r["step"]: r["late"]
        for r in await _raw(_LATE.replace("{department}", late_department), *params)
    }
    order = [s for s in _ORDER if s in timed_steps and (completed.get(s) or late.get(s))]
    return [StepDone(s, completed.get(s, 0), late.get(s, 0)) for s in order]


# The order of the lifecycle, for reading the table top to bottom.
_ORDER = (
    "hand_over",
    "route",
    "return_outside_competence",
    "draft",
    "review",
    "revise",
    "publish",
    "final_draft",
)


def timed_steps_of(profile: RegulationProfile) -> frozenset[str]:
    """Steps with a clock in this profile (Penza has no hand-over, Parfino no p.9 return)."""
    timings = profile.timings
    optional = {
        "hand_over": timings.hand_over,
        "route": timings.route,
        "return_outside_competence": timings.return_outside_competence,
        "publish": timings.publish,
    }
    return frozenset(s for s in _ORDER if optional.get(s, True) is not None)
