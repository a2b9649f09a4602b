"""A hand-built week of Penza cases (2026-W47) whose report figures the tests write out.

Rows are inserted directly (not through the lifecycle), so every instant is exact and the
expected numbers can be worked out by hand in tests/integration/test_reports_figures.py.
Penza schedule: Mon–Thu 9:00–13:00 and 13:48–18:00 (Europe/Moscow).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.db.tables import Assignment, Draft, Message, Publication, Violation
from tests.integration.cases_helpers import MSK, department, org_id
from tests.integration.timers_helpers import add_user, user_id


def msk(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """An instant of November 2026 in Moscow."""
    return datetime(2026, month, day, hour, minute, tzinfo=MSK)


@dataclass
class Week:
    """Ids of the built rows, by the names the tests use."""

    org: int
    housing: int
    roads: int
    executor: int
    roads_executor: int
    m: dict[str, int] = field(default_factory=dict)
    a: dict[str, int] = field(default_factory=dict)


async def _message(w: Week, name: str, detected: datetime | None, **values: Any) -> int:
    row = Message(
        organisation=w.org,
        network=values.pop("network", "vk"),
        text=f"Сообщение {name}",
        dedup_key=f"test:{name}",
        collected_at=values.pop("collected", detected),
        detected_at=detected,
        topics=values.pop("topics", ["ЖКХ"]),
        **values,
    )
    await row.save()
    w.m[name] = int(row.id)
    return w.m[name]


async def _assignment(w: Week, name: str, message: str, dep: int, **values: Any) -> int:
    row = Assignment(organisation=w.org, message=w.m[message], department=dep, **values)
    await row.save()
    w.a[name] = int(row.id)
    return w.a[name]


async def _answer(w: Week, assignment: str, at: datetime, media: int, kind: str = "final") -> None:
    draft = Draft(
        organisation=w.org,
        assignment=w.a[assignment],
        kind=kind,
        text="Ответ",
        attachments=[{"id": f"{i:032x}", "kind": "photo"} for i in range(media)],
        state="approved",
        submitted_at=at,
    )
    await draft.save()
    message = await Assignment.select(Assignment.message).where(Assignment.id == w.a[assignment])
    await Publication(
        organisation=w.org,
        message=message[0]["message"],
        assignment=w.a[assignment],
        draft=draft.id,
        kind=kind,
        published_at=at,
    ).save()


async def _violation(
    w: Week,
    message: str,
    assignment: str,
    step: str,
    due: datetime,
    late: int,
    resolved: datetime | None = None,
    final: int | None = None,
) -> None:
    ref = (
        await Assignment.select(Assignment.department, Assignment.executor).where(
            Assignment.id == w.a[assignment]
        )
    )[0]
    await Violation(
        organisation=w.org,
        message=w.m[message],
        assignment=w.a[assignment],
        step=step,
        clause={"answer": "10", "draft": "11"}[step],
        started_at=due,
        due_at=due,
        responsible_role="executor",
        recorded_at=due,
        late_minutes=late,
        resolved_at=resolved,
        final_late_minutes=final,
        dedup_key=f"{message}:{assignment}:{step}",
        department=ref["department"],
        responsible_user=ref["executor"],
    ).save()


async def build_week() -> Week:
    """Five cases and three refused messages in 2026-W47, one case in W46 (needs the demo)."""
    org = await org_id("penza")
    housing = await department("penza", "Управление жилищно")
    roads = await department("penza", "Управление транспорта")
    w = Week(org, housing, roads, await user_id("penza-executor"), 0)
    w.roads_executor = await add_user("roads-executor", org, "executor", department_id=roads)
    done = {"state": "done", "approved_at": None}
    # M1: Mon 9:00 → answered Mon 11:00 (120 working minutes), first pass, one photo.
    await _message(w, "M1", msk(16, 9), state="done")
    await _assignment(
        w,
        "A1",
        "M1",
        housing,
        executor=w.executor,
        **done | {"approved_at": msk(16, 10, 30), "done_at": msk(16, 11)},
    )
    await _answer(w, "A1", msk(16, 11), media=1)
    # M2: Mon 10:00 → answered Tue 13:00 (432 + 240 = 672 min); due Tue 10:48: 132 min late.
    await _message(w, "M2", msk(16, 10), state="done", network="ok")
    await _assignment(
        w,
        "A2",
        "M2",
        housing,
        executor=w.executor,
        revision_rounds=2,
        **done | {"approved_at": msk(17, 12), "done_at": msk(17, 13)},
    )
    await _answer(w, "A2", msk(17, 13), media=0)
    await _violation(w, "M2", "A2", "answer", msk(17, 10, 48), 0, msk(17, 13), 132)
    # M3: Tue 9:30, high importance, still open: draft (due 10:30) and answer (14:18) missed.
    await _message(w, "M3", msk(17, 9, 30), state="in_work", topics=["Дороги"], importance="high")
    await _assignment(w, "A3", "M3", roads, executor=w.roads_executor, state="assigned")
    await _violation(w, "M3", "A3", "draft", msk(17, 10, 30), 30)
    await _violation(w, "M3", "A3", "answer", msk(17, 14, 18), 60)
    # M4: Wed 9:00, repeats M1; roads returned it (outside competence); housing answered with
    # an intermediate answer and then the final one at 12:00 (180 min), two photos.
    await _message(w, "M4", msk(18, 9), state="done", topics=["Дороги"], repeat_of=w.m["M1"])
    await _assignment(
        w,
        "A4",
        "M4",
        roads,
        state="returned_outside_competence",
        returned_outside_at=msk(18, 9, 20),
    )
    await _assignment(
        w,
        "A5",
        "M4",
        housing,
        executor=w.executor,
        **done
        | {
            "approved_at": msk(18, 11, 50),
            "done_at": msk(18, 12),
            "intermediate_published_at": msk(18, 10),
        },
    )
    await _answer(w, "A5", msk(18, 10), media=0, kind="intermediate")
    await _answer(w, "A5", msk(18, 12), media=2)
    # M5: Thu 14:00, Telegram, a draft waits for approval.
    await _message(w, "M5", msk(19, 14), state="in_work", network="telegram")
    await _assignment(w, "A6", "M5", housing, executor=w.executor, state="draft_submitted")
    # Refused while screening: two for obscene language, one needing no reaction.
    for name, day, reason in (
        ("R1", 17, "obscene_language"),
        ("R2", 19, "no_reaction_needed"),
        ("R3", 19, "obscene_language"),
    ):
        await _message(
            w,
            name,
            None,
            collected=msk(day, 9),
            state="refused",
            refusal_reason=reason,
            screened_at=msk(day, 9, 5),
        )
    # W46: one case answered on time in 60 minutes.
    await _message(w, "M6", msk(10, 10), state="done")
    await _assignment(
        w,
        "A7",
        "M6",
        housing,
        executor=w.executor,
        **done | {"approved_at": msk(10, 10, 50), "done_at": msk(10, 11)},
    )
    await _answer(w, "A7", msk(10, 11), media=0)
    return w


def with_reports(app: Any) -> Any:
    """The app with the reports controllers, whether or not app/__init__.py registers them
    yet (registration is the lead's one-line change)."""
    from app.reporting.pages import ReportsController
    from app.signature.pages import VerifyController

    if not any(getattr(r, "path", "") == "/verify" for r in app.routes):
        app.register(ReportsController)
        app.register(VerifyController)
    return app
