"""The monthly report's figures agree with one another (Parfino p.22, p.23): the department
table, the staff table and the per-step section count the same violations as the violations
report and the register for the month: the steps whose deadline fell in the month.

A hand-built March 2026 of Parfino, rows inserted directly so every figure is known:
  P1 housing, answered on time;           P2 housing, answer late (due in March, resolved);
  P3 property, open: draft and answer late (due in March);
  P4 culture, a February case whose answer was due on 2 March (counted in March);
  P5 property, detected on 31 March, answer due on 1 April (an April violation, not March's);
  P6 the monitoring officer's hand-over late (no department, nobody charged).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from app.db.tables import Assignment, Message, Violation
from app.deadlines.violations import list_violations
from app.identity.organisations import organisation_rules
from app.reporting.archive import produce
from app.reporting.periods import parse_period
from app.reporting.summary import build_summary, build_violations
from tests.integration.cases_helpers import MSK, department, org_id
from tests.integration.reporting.test_reports_pdf import (
    assert_contains,
    layout_lines,
    needs_poppler,
    pdf_text,
)
from tests.integration.timers_helpers import pooled, user_id  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo")
MARCH = parse_period("2026-03")
CLAUSES = {"answer": "8", "draft": "11", "hand_over": "7"}


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=MSK)


async def _case(org: int, name: str, detected: datetime, dep: int | None, **a: object) -> tuple:
    message = Message(
        organisation=org,
        network="vk",
        text=name,
        dedup_key=f"reconcile:{name}",
        collected_at=detected,
        detected_at=detected,
        topics=["ЖКХ"],
        state="done" if a.get("state") == "done" else "in_work",
    )
    await message.save()
    if dep is None:
        return int(message.id), None
    assignment = Assignment(organisation=org, message=message.id, department=dep, **a)
    await assignment.save()
    return int(message.id), int(assignment.id)


async def _late(
    org: int, case: tuple, step: str, due: datetime, late: int, *, resolved: bool, **who: object
) -> None:
    message, assignment = case
    await Violation(
        organisation=org,
        message=message,
        assignment=assignment,
        step=step,
        clause=CLAUSES[step],
        started_at=due,
        due_at=due,
        responsible_role=who.pop("role", "executor"),
        recorded_at=due,
        late_minutes=late,
        resolved_at=at(due.month, due.day, 17) if resolved else None,
        final_late_minutes=late if resolved else None,
        dedup_key=f"reconcile:{message}:{assignment}:{step}",
        **who,
    ).save()


async def _build_march() -> int:
    org = await org_id("parfino")
    housing = await department("parfino", "Комитет ЖКХ")
    property_ = await department("parfino", "Комитет по управлению")
    culture = await department("parfino", "Отдел культуры")
    executor = await user_id("parfino-executor")
    done = {"state": "done", "done_at": at(3, 20, 15), "executor": executor}
    await _case(org, "P1", at(3, 10), housing, **done)
    p2 = await _case(org, "P2", at(3, 11), housing, **done)
    await _late(org, p2, "answer", at(3, 11, 18), 45, resolved=True, department=housing,
                responsible_user=executor)  # fmt: skip
    p3 = await _case(org, "P3", at(3, 12), property_, state="assigned")
    await _late(org, p3, "draft", at(3, 12, 14), 120, resolved=False, department=property_)
    await _late(org, p3, "answer", at(3, 12, 18), 60, resolved=False, department=property_)
    p4 = await _case(org, "P4", at(2, 27, 12), culture, **done)
    await _late(org, p4, "answer", at(3, 2, 11), 30, resolved=True, department=culture)
    p5 = await _case(org, "P5", at(3, 31, 16), property_, state="assigned")
    await _late(org, p5, "answer", at(4, 1, 16), 10, resolved=False, department=property_)
    p6 = await _case(org, "P6", at(3, 13), None)
    await _late(org, p6, "hand_over", at(3, 13, 11), 25, resolved=True, role="specialist")
    return org


async def test_parfino_p22_p23_department_table_step_section_and_violations_reconcile() -> None:
    org = await _build_march()
    rules = await organisation_rules(org)
    summary = await build_summary(rules, MARCH)
    t = summary.timeliness
    steps = {s.step: (s.violations, s.resolved, s.unresolved) for s in t.by_step}
    assert steps == {"answer": (3, 2, 1), "draft": (1, 0, 1), "hand_over": (1, 1, 0)}
    deps = {
        g.name[:14]: (g.received, g.done, g.on_time, g.open, g.violations) for g in t.by_department
    }
    assert deps == {
        "Комитет по упр": (2, 0, 0, 2, 2),  # P3 (two in March), P5 (its violation is April's)
        "Комитет ЖКХ, с": (2, 2, 1, 0, 1),  # P1 on time, P2 late
        "Отдел культуры": (0, 0, 0, 0, 1),  # a February case, due in March
        "Без подразделе": (0, 0, 0, 0, 1),  # the hand-over before any department
    }
    staff = {g.name: g.violations for g in t.by_executor}
    assert staff["Ответственный за мониторинг (не назначен)"] == 1
    assert staff["Волков Дмитрий Андреевич"] == 1
    # One count everywhere: the per-step total, each table's sum, the violations report, the
    # register's month.
    report = await build_violations(rules, MARCH)
    start, end = MARCH.bounds(rules.calendar.tz)
    register = await list_violations(org, start=start, end=end)
    assert (
        t.violations
        == sum(g.violations for g in t.by_department)
        == t.department_total.violations
        == sum(g.violations for g in t.by_executor)
        == len(report.rows)
        == len(register)
        == 5
    )
    # April counts P5's answer, once.
    april = await build_summary(rules, parse_period("2026-04"))
    assert april.timeliness.violations == april.timeliness.department_total.violations == 1


@needs_poppler
async def test_parfino_p23_pdf_shows_the_totals_and_their_definitions() -> None:
    org = await _build_march()
    rules = await organisation_rules(org)
    made = await produce(rules, "summary", MARCH, "pdf")
    assert made is not None
    lines = layout_lines(made.path)
    assert "Итого 5 3 2" in lines  # per-step section: violations, resolved, still open
    # The department and the staff tables: 4 assignments, 2 done, 1 on time, 2 open, none
    # returned, and the same 5 violations.
    assert lines.count("Итого 4 2 1 2 0 5") == 2
    assert_contains(
        pdf_text(made.path),
        "Без подразделения (этапы до направления в подразделение)",
        "итог столбца равен итогу таблицы «Нарушения сроков по этапам»",
        "Нарушение периода — этап, срок которого наступил в границах периода",
    )
    assert "Нарушений сроков в периоде нет" not in " ".join(lines)
