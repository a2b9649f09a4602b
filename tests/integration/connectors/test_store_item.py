"""What any connector hands to intake: deletions mark, thread context is kept and bounded."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.connectors.accounts import THREAD_EARLIER_LIMIT, THREAD_TEXT_LIMIT, store_item
from app.connectors.base import ConnectedAccount, Incoming, ThreadContext
from app.db.json_columns import json_value
from app.db.tables import Event, Message
from app.identity.organisations import organisation_id_by_slug, organisation_rules
from tests.integration.conftest import sign_in

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


async def test_the_case_page_shows_the_thread_and_the_deletion_escaped(app: Litestar) -> None:
    account = await _account()
    rules = await organisation_rules(account.organisation_id)
    thread = ThreadContext(
        "-1_7",
        "<b>Ремонт</b> дороги на Московской",
        "https://vk.com/wall-1_7",
        (("Пётр", "<script>alert(1)</script> и у нас яма"),),
    )
    assert await store_item(account, Incoming(_raw("-1_7_3"), "1", thread=thread), rules)
    assert await store_item(account, Incoming({"external_id": "-1_7_3"}, "2", kind="delete"), rules)
    row = await Message.select(Message.id).where(Message.external_id == "-1_7_3").first()
    assert row is not None
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-specialist")
        page = await client.get(f"/o/penza/cases/{row['id']}/")
    assert page.status_code == 200
    assert 'data-testid="thread-context"' in page.text
    assert "&lt;b&gt;Ремонт&lt;/b&gt; дороги на Московской" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; и у нас яма" in page.text
    assert "<script>alert(1)" not in page.text
    assert 'data-testid="deleted-in-network"' in page.text
    assert "Яма у дома 5" in page.text  # the stored text stays
