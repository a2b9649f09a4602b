"""«Разместить» through the connector: the approved answer goes into the citizen's thread
and the publication records the network's reply (issue #14)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.cases import actions as cases
from app.connectors.accounts import connect_account
from app.db.tables import Assignment, Publication
from tests.integration.cases_helpers import person
from tests.integration.connectors.fake_telegram import GROUP_ID, FakeTelegram, serve
from tests.integration.connectors.helpers import approved_case
from tests.integration.services_helpers import version_of

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    yield from serve(FakeTelegram())


async def _approved_telegram_case() -> int:
    return await approved_case("telegram", f"{GROUP_ID}:101")


async def test_publishing_posts_a_reply_to_the_citizens_message(telegram: FakeTelegram) -> None:
    from app.identity.organisations import organisation_id_by_slug

    org_id = await organisation_id_by_slug("penza")
    account_id, _ = await connect_account(
        org_id, "telegram", str(GROUP_ID), telegram.token, telegram.base_url
    )
    assignment_id = await _approved_telegram_case()
    publisher = await person("penza-specialist", "penza")
    outcome = await cases.publish_through_network(
        publisher, assignment_id, await version_of(assignment_id)
    )
    assert outcome.state == "done"
    [sent] = telegram.sent
    assert sent == {
        "chat_id": GROUP_ID,
        "text": "Вывезут завтра.",
        "reply_parameters": {"message_id": 101},
    }
    [posted] = await Publication.select().where(Publication.assignment == assignment_id)
    assert posted["external_id"] == f"{GROUP_ID}:9001"
    assert posted["url"] == f"https://t.me/c/{str(GROUP_ID)[4:]}/9001"
    assert posted["account"] == account_id


async def test_a_refused_post_records_nothing(telegram: FakeTelegram) -> None:
    from app.identity.organisations import organisation_id_by_slug

    org_id = await organisation_id_by_slug("penza")
    await connect_account(org_id, "telegram", str(GROUP_ID), telegram.token, telegram.base_url)
    assignment_id = await _approved_telegram_case()
    telegram.token = "7000001:revoked"
    publisher = await person("penza-specialist", "penza")
    version = await version_of(assignment_id)
    with pytest.raises(cases.CaseError, match="токен бота не принят"):
        await cases.publish_through_network(publisher, assignment_id, version)
    assert await Publication.count().where(Publication.assignment == assignment_id) == 0
    row = await Assignment.select().where(Assignment.id == assignment_id).first()
    assert row is not None and row["version"] == version and row["state"] == "approved"
