"""Shortcuts for outbox tests: a fake Telegram connected, an approved answer to post."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.cases import actions as cases
from app.connectors.accounts import connect_account
from app.db.tables import Assignment, OutgoingReply
from app.domain.lifecycle import DraftKind
from app.identity.actor import ActorContext
from tests.integration.cases_helpers import org_id, person
from tests.integration.connectors.fake_telegram import GROUP_ID, FakeTelegram, serve
from tests.integration.connectors.helpers import came_through_account
from tests.integration.services_helpers import routed_case, version_of

# Who publishes (Penza p.6: the specialist; Parfino p.15: the coordinator).
PUBLISHER = {"penza": "penza-specialist", "parfino": "parfino-coordinator"}


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    yield from serve(FakeTelegram())


async def connect(telegram: FakeTelegram, slug: str = "penza") -> int:
    """The fake Telegram group connected as the organisation's account; its id."""
    account_id, _ = await connect_account(
        await org_id(slug), "telegram", str(GROUP_ID), telegram.token, telegram.base_url
    )
    return account_id


async def approve_draft(
    slug: str, assignment_id: int, kind: DraftKind = DraftKind.FINAL, text: str = ""
) -> None:
    """The executor's draft of `kind`, approved by the specialist."""
    executor = await person(f"{slug}-executor", slug)
    specialist = await person(f"{slug}-specialist", slug)
    version = await version_of(assignment_id)
    await cases.submit_draft(executor, assignment_id, version, kind, text or "Вывезут завтра.")
    await cases.approve(specialist, assignment_id, await version_of(assignment_id))


async def approved_telegram_case(
    slug: str = "penza", kind: DraftKind = DraftKind.FINAL, message_id: int = 101
) -> tuple[int, int]:
    """A citizen's Telegram comment routed, answered and approved: (message, assignment)."""
    case_id, assignment_id = await routed_case(
        slug, "Когда вывезут мусор?", network="telegram", external_id=f"{GROUP_ID}:{message_id}"
    )
    await came_through_account(case_id)
    await approve_draft(slug, assignment_id, kind)
    return case_id, assignment_id


async def publisher(slug: str = "penza") -> ActorContext:
    return await person(PUBLISHER[slug], slug)


async def outgoing(assignment_id: int) -> dict[str, Any]:
    row = await OutgoingReply.select().where(OutgoingReply.assignment == assignment_id).first()
    assert row is not None
    return row


async def assignment(assignment_id: int) -> dict[str, Any]:
    row = await Assignment.select().where(Assignment.id == assignment_id).first()
    assert row is not None
    return row
