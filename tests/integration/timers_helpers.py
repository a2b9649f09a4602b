"""Helpers for timer tests: sweep at an instant, read what was notified and recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from app.cases import actions as cases
from app.cases.actions import RouteTarget
from app.db.tables import Membership, Notification, User, Violation
from app.deadlines.sweep import SweepResult, sweep
from app.domain.lifecycle import DraftKind
from app.domain.regulation.model import Importance
from tests.integration.cases_helpers import Clock, assignments, department, new_message, person

SECOND = timedelta(seconds=1)


@pytest.fixture(autouse=True)
async def pooled(servers: None) -> AsyncIterator[None]:
    """A connection pool for the test (the sweep runs a dozen queries; connecting each time
    would dominate). Import this fixture into a test module to use it."""
    from app.db.piccolo_conf import DB

    await DB.start_connection_pool(min_size=1, max_size=4)
    yield
    await DB.close_connection_pool()


async def sweep_at(clock: Clock, instant: datetime) -> SweepResult:
    """Move the clock to `instant` and sweep once."""
    clock.set(instant)
    result = await sweep()
    assert not result.errors, result.errors
    return result


async def user_id(login: str) -> int:
    row = await User.select(User.id).where(User.login == login).first()
    assert row is not None, login
    return int(row["id"])


async def notes(message_id: int | None = None, code: str = "", step: str = "") -> list[dict]:
    """Notifications (of a case), whose key starts with `code` and names `step`."""
    query = Notification.select().order_by(Notification.id)
    if message_id is not None:
        query = query.where(Notification.message == message_id)
    rows = await query
    return [
        r
        for r in rows
        if r["dedup_key"].startswith(code) and (not step or f":{step}:" in r["dedup_key"])
    ]


async def violations(message_id: int | None = None) -> list[dict]:
    query = Violation.select().order_by(Violation.id)
    if message_id is not None:
        query = query.where(Violation.message == message_id)
    return await query


async def snapshot() -> tuple[list[str], list[tuple]]:
    """Every notification key and every violation (key, final lateness): for exactly-once."""
    keys = [r["dedup_key"] for r in await Notification.select(Notification.dedup_key)]
    vs = [(r["dedup_key"], r["final_late_minutes"]) for r in await violations()]
    return sorted(keys), sorted(vs, key=lambda v: v[0])


async def assert_fires(
    clock: Clock, message_id: int, step: str, warn50: datetime, due: datetime
) -> None:
    """The 50 % warning fires exactly at `warn50`, the deadline notice at `due` and the
    violation just after `due` — not a second earlier."""
    for code, instant in (("warning50", warn50), ("deadline", due)):
        await sweep_at(clock, instant - SECOND)
        assert not await notes(message_id, code, step), f"{code} of {step} before {instant}"
        await sweep_at(clock, instant)
        assert await notes(message_id, code, step), f"{code} of {step} at {instant}"
    assert not [v for v in await violations(message_id) if v["step"] == step]
    await sweep_at(clock, due + SECOND)
    found = [v for v in await violations(message_id) if v["step"] == step]
    assert len(found) == 1 and found[0]["due_at"] == due and found[0]["late_minutes"] == 0


async def penza_case(
    clock: Clock, importance: Importance = Importance.NORMAL, route: bool = True
) -> tuple[int, int | None]:
    """A Penza case marked at the clock's now (and routed to the housing department)."""
    specialist = await person("penza-specialist", "penza")
    message_id = await new_message("penza")
    await cases.mark_for_reaction(specialist, message_id, 1, ["ЖКХ"], importance)
    if not route:
        return message_id, None
    housing = await department("penza", "Управление жилищно")
    await cases.route(specialist, message_id, 2, [RouteTarget(housing, "ЖКХ")])
    return message_id, (await assignments(message_id))[0]["id"]


async def parfino_case(
    clock: Clock, importance: Importance = Importance.NORMAL, route: bool = True
) -> tuple[int, int | None]:
    """A Parfino case marked, handed over and routed at the clock's now."""
    specialist = await person("parfino-specialist", "parfino")
    coordinator = await person("parfino-coordinator", "parfino")
    message_id = await new_message("parfino")
    await cases.mark_for_reaction(specialist, message_id, 1, ["ЖКХ"], importance)
    if not route:
        return message_id, None
    await cases.hand_over(specialist, message_id, 2)
    housing = await department("parfino", "Комитет ЖКХ")
    await cases.route(coordinator, message_id, 3, [RouteTarget(housing, "ЖКХ")])
    return message_id, (await assignments(message_id))[0]["id"]


async def add_user(
    login: str,
    organisation_id: int,
    role: str,
    curated: list[int] | None = None,
    department_id: int | None = None,
    email: str = "",
) -> int:
    """A user with one membership (no password: these users never sign in)."""
    user = User(login=login, full_name=login, email=email, password_hash="-")
    await user.save()
    await Membership(
        user=user.id,
        organisation=organisation_id,
        role=role,
        curated_department_ids=curated or [],
        department=department_id,
    ).save()
    return int(user.id)


PUBLISHER = {"penza": "penza-specialist", "parfino": "parfino-coordinator"}


async def act(
    slug: str, assignment_id: int, *steps: str, kind: DraftKind = DraftKind.FINAL
) -> None:
    """Walk an assignment through `submit`, `approve`, `return`, `publish` (versions from 1)."""
    executor = await person(f"{slug}-executor", slug)
    specialist = await person(f"{slug}-specialist", slug)
    publisher = await person(PUBLISHER[slug], slug)
    for version, step in enumerate(steps, start=1):
        if step == "submit":
            await cases.submit_draft(executor, assignment_id, version, kind, "Починим.")
        elif step == "approve":
            await cases.approve(specialist, assignment_id, version)
        elif step == "return":
            await cases.return_for_revision(specialist, assignment_id, version, "Уточните сроки.")
        else:
            url = f"https://vk.com/wall-1_1?reply={version}"
            await cases.publish(publisher, assignment_id, version, url)
