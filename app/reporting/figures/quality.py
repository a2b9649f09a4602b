"""Quality figures of a period: approvals, revisions, returns, repeats, intermediates, media."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.reporting.figures import Scope, _assignments_where, _cases_sql, _raw


@dataclass(frozen=True)
class Quality:
    """Quality of the period's work (counts over the period's cases and their assignments)."""

    approved: int  # assignments whose answer was approved
    first_pass: int  # … approved without a return for revision
    revision_rounds: int  # returns for revision in all
    revised_assignments: int  # assignments returned for revision at least once
    outside_returns: int  # returned as outside the department's competence
    repeats: int  # cases that repeat an earlier message
    intermediate: int  # assignments answered first with an intermediate answer
    intermediate_final_on_time: int  # … whose final answer came on time
    answers: int  # final answers published
    answers_with_media: int  # … with photo or video attached
    refused_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def first_pass_rate(self) -> float | None:
        """Share of approved answers approved at the first submission."""
        return self.first_pass / self.approved if self.approved else None

    @property
    def media_share(self) -> float | None:
        """Share of final answers with photo or video."""
        return self.answers_with_media / self.answers if self.answers else None

    @property
    def refused(self) -> int:
        """Messages refused in the period, all reasons."""
        return sum(self.refused_by_reason.values())


_QUALITY = """
WITH c AS ({cases}),
a AS (SELECT a.* FROM assignment a JOIN c ON c.id = a.message WHERE TRUE {where})
SELECT
  (SELECT count(*) FROM a WHERE a.approved_at IS NOT NULL) AS approved,
  (SELECT count(*) FROM a WHERE a.approved_at IS NOT NULL AND a.revision_rounds = 0)
    AS first_pass,
  (SELECT coalesce(sum(a.revision_rounds), 0) FROM a) AS revision_rounds,
  (SELECT count(*) FROM a WHERE a.revision_rounds > 0) AS revised,
  (SELECT count(*) FROM a WHERE a.returned_outside_at IS NOT NULL) AS outside_returns,
  (SELECT count(*) FROM c WHERE c.repeat_of IS NOT NULL) AS repeats,
  (SELECT count(*) FROM a WHERE a.intermediate_published_at IS NOT NULL) AS intermediate,
  (SELECT count(*) FROM a WHERE a.intermediate_published_at IS NOT NULL AND a.state = 'done'
     AND NOT EXISTS (SELECT 1 FROM violation v WHERE v.kind = 'deadline' AND v.assignment = a.id
                     AND v.step = 'final_draft')) AS intermediate_final_on_time,
  (SELECT count(*) FROM publication p JOIN a ON a.id = p.assignment WHERE p.kind = 'final')
    AS answers,
  (SELECT count(*) FROM publication p JOIN a ON a.id = p.assignment
     JOIN draft d ON d.id = p.draft
     WHERE p.kind = 'final' AND jsonb_array_length(d.attachments) > 0) AS answers_with_media
"""

_REFUSED = """
SELECT m.refusal_reason AS reason, count(*) AS n FROM message m
WHERE m.organisation = {} AND m.state = 'refused' AND m.screened_at >= {} AND m.screened_at < {}
GROUP BY 1 ORDER BY n DESC, 1
"""


async def quality(scope: Scope) -> Quality:
    """Every quality figure of the period."""
    cases, params = _cases_sql(scope)
    where, extra = _assignments_where(scope)
    sql = _QUALITY.replace("{cases}", cases).replace("{where}", where)
    row = (await _raw(sql, *params, *extra))[0]
    refused: dict[str, int] = {}
    if scope.department_id is None:  # refused messages never reach a department
        rows = await _raw(_REFUSED, scope.organisation_id, scope.start, scope.end)
        refused = {r["reason"] or "—": r["n"] for r in rows}
    return Quality(
        approved=row["approved"],
        first_pass=row["first_pass"],
        revision_rounds=int(row["revision_rounds"]),
        revised_assignments=row["revised"],
        outside_returns=row["outside_returns"],
        repeats=row["repeats"],
        intermediate=row["intermediate"],
        intermediate_final_on_time=row["intermediate_final_on_time"],
        answers=row["answers"],
        answers_with_media=row["answers_with_media"],
        refused_by_reason=refused,
    )
