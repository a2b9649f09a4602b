"""What any connector hands to intake: deletions mark, thread context is kept and bounded."""

from __future__ import annotations

import pytest

from app.connectors.accounts import THREAD_EARLIER_LIMIT, THREAD_TEXT_LIMIT, store_item
from app.connectors.base import ConnectedAccount, Incoming, ThreadContext
from app.db.json_columns import json_value
from app.db.tables import Event, Message
from app.identity.organisations import organisation_id_by_slug, organisation_rules

pytestmark = pytest.mark.usefixtures("demo")


def _raw(external_id: str, text: str = "Яма у дома 5") -> dict[str, str]:
    return {"network": "vk", "external_id": external_id, "text": text}


async def _account() -> ConnectedAccount:
    org_id = await organisation_id_by_slug("penza")
    return ConnectedAccount(0, org_id, "vk", "1", "", "token")


async def test_deletion_marks_the_message_and_keeps_its_text() -> None:
    account = await _account()
    rules = await organisation_rules(account.organisation_id)
    assert await store_item(account, Incoming(_raw("-1_5_77"), "1"), rules)
    delete = Incoming({"external_id": "-1_5_77"}, "2", kind="delete")
    assert await store_item(account, delete, rules)
    assert await store_item(account, delete, rules)  # a replayed deletion changes nothing
    row = await Message.select().where(Message.external_id == "-1_5_77").first()
    assert row is not None
    assert row["deleted_in_network_at"] is not None and row["text"] == "Яма у дома 5"
    events = await Event.count().where(
        (Event.message == row["id"]) & (Event.kind == "message_deleted_in_network")
    )
    assert events == 1
    unknown = Incoming({"external_id": "-1_5_78"}, "3", kind="delete")
    assert not await store_item(account, unknown, rules)


async def test_thread_context_is_stored_once_and_bounded() -> None:
    account = await _account()
    rules = await organisation_rules(account.organisation_id)
    earlier = tuple((f"Автор {i}", "х" * 5000) for i in range(THREAD_EARLIER_LIMIT + 3))
    thread = ThreadContext(
        "-1_5", "Пост о ремонте дорог " * 500, "https://vk.com/wall-1_5", earlier
    )
    assert await store_item(account, Incoming(_raw("-1_5_90"), "1", thread=thread), rules)
    other = ThreadContext("-1_6", "Другой пост")
    assert await store_item(account, Incoming(_raw("-1_5_90"), "2", thread=other), rules)
    row = await Message.select().where(Message.external_id == "-1_5_90").first()
    assert row is not None and row["thread_key"] == "-1_5"
    context = json_value(row["thread"])
    assert len(context["parent_text"]) == THREAD_TEXT_LIMIT
    assert [e["author"] for e in context["earlier"]][-1] == f"Автор {THREAD_EARLIER_LIMIT + 2}"
    assert len(context["earlier"]) == THREAD_EARLIER_LIMIT
    assert all(len(e["text"]) == THREAD_TEXT_LIMIT for e in context["earlier"])
