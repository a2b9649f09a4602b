"""How long messages waited unscreened (issue #12): deadlines start only at screening, so
the wait from collection to the specialist's decision is reported on its own."""

from __future__ import annotations

from dataclasses import dataclass

from app.reporting.figures import Scope, _raw

_WAITS = """
SELECT count(*) AS screened,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY m.screening_wait_minutes) AS median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY m.screening_wait_minutes) AS p90,
       max(m.screening_wait_minutes) AS longest
FROM message m
WHERE m.organisation = {} AND m.screened_at >= {} AND m.screened_at < {}
  AND m.screening_wait_minutes IS NOT NULL
"""


@dataclass(frozen=True)
class ScreeningWait:
    """Messages screened in the period and their wait in working minutes (median, 90 %)."""

    screened: int
    median_minutes: int | None
    p90_minutes: int | None
    longest_minutes: int | None


async def screening_wait(scope: Scope) -> ScreeningWait:
    """The wait from collection to screening of the messages screened in the period
    (marked or refused; the organisation as a whole: no department has them yet)."""
    [row] = await _raw(_WAITS, scope.organisation_id, scope.start, scope.end)

    def whole(value: float | None) -> int | None:
        return None if value is None else round(value)

    return ScreeningWait(
        int(row["screened"]), whole(row["median"]), whole(row["p90"]), whole(row["longest"])
    )
