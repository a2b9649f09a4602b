"""The VK connector's way out and its Callback API: replies that a retry never posts twice,
«Разместить» through it, the Callback API's confirmation, secret and events, and
`otklik connect vk` (issue #14)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.connectors.accounts import connect_account, publish_reply, store_item
from app.connectors.base import ConnectedAccount, ConnectorError, reading_key_name
from app.connectors.registry import connector_for
from app.connectors.vk import VkConnector, confirmation_name
from app.db.sealed import get_secret, put_secret
from app.db.tables import Message, Publication, SocialAccount
from app.identity.organisations import organisation_id_by_slug, organisation_rules
from tests.integration.cli.test_cli import otklik
from tests.integration.connectors.fake_vk import GROUP, GROUP_ID, WALL, FakeVk, serve
from tests.integration.connectors.helpers import approved_case, publish_through_network

pytestmark = pytest.mark.usefixtures("demo")

SECRET = "callback-secret-of-penza"


@pytest.fixture
def vk() -> Iterator[FakeVk]:
    yield from serve(FakeVk())


async def _connect(vk: FakeVk) -> int:
    org_id = await organisation_id_by_slug("penza")
    account_id, _ = await connect_account(org_id, "vk", str(GROUP_ID), vk.token, vk.base_url)
    return account_id


async def test_a_reply_retried_with_the_same_key_is_posted_once(vk: FakeVk) -> None:
    account_id = await _connect(vk)
    post = vk.post("Новости")
    comment = vk.comment(post, "Когда уберут снег?")
    thread = f"{WALL}_{post}_{comment}"
    first = await publish_reply(account_id, thread, "Уберут завтра.", "otklik-draft-7")
    again = await publish_reply(account_id, thread, "Уберут завтра.", "otklik-draft-7")
    assert first == again
    reply_id, url = first
    made = [c for c in vk.comments[post] if c["from_id"] == WALL]
    assert [(c["text"], c["reply_to_comment"]) for c in made] == [("Уберут завтра.", comment)]
    assert reply_id == f"{WALL}_{post}_{made[0]['id']}"
    assert url == f"https://vk.com/wall{WALL}_{post}?reply={made[0]['id']}&thread={comment}"
    [sent, _] = [p for m, p in vk.requests if m == "wall.createComment"]
    assert sent["guid"] == "otklik-draft-7" and sent["from_group"] == str(GROUP_ID)
    # A new answer (another draft) is another comment; a citizen's post gets a comment on it.
    await publish_reply(account_id, thread, "Уточнение: после обеда.", "otklik-draft-8")
    citizen = vk.post("Прошу починить лавочку", from_id=1002)
    reply_id, url = await publish_reply(account_id, f"{WALL}_{citizen}", "Починим.", "k9")
    assert url == f"https://vk.com/wall{WALL}_{citizen}?reply={reply_id.rsplit('_', 1)[1]}"
    assert "reply_to_comment" not in [p for m, p in vk.requests if m == "wall.createComment"][-1]
    assert len([c for c in vk.comments[post] if c["from_id"] == WALL]) == 2


async def test_a_direct_reply_is_sent_once_per_key(vk: FakeVk) -> None:
    account_id = await _connect(vk)
    number = vk.direct("Не горит фонарь", from_id=1002)
    thread = f"dm:1002:{number}"
    first = await publish_reply(account_id, thread, "Заявка передана.", "otklik-draft-3")
    assert await publish_reply(account_id, thread, "Заявка передана.", "otklik-draft-3") == first
    [sent] = vk.sent
    assert sent["peer_id"] == 1002 and sent["text"] == "Заявка передана."
    assert first == (
        f"dm:1002:{sent['conversation_message_id']}",
        f"https://vk.com/gim{GROUP_ID}?sel=1002",
    )
    random_ids = {p["random_id"] for m, p in vk.requests if m == "messages.send"}
    assert len(random_ids) == 1 and 0 < int(random_ids.pop()) < 2**31
    vk.rights.discard("messages")
    with pytest.raises(ConnectorError, match="доступ запрещён — проверьте права токена"):
        await publish_reply(account_id, thread, "Ещё ответ.", "otklik-draft-4")
    with pytest.raises(ConnectorError, match="куда во ВКонтакте отвечать"):
        await publish_reply(account_id, "dm:2000000001:5", "Ответ в беседу.", "k")


async def test_publishing_through_the_network_records_the_reply_link(vk: FakeVk) -> None:
    account_id = await _connect(vk)
    post = vk.post("Новости")
    comment = vk.comment(post, "Когда вывезут мусор?")
    assignment_id = await approved_case("vk", f"{WALL}_{post}_{comment}")
    assert await publish_through_network(assignment_id) == "posted"
    [made] = [c for c in vk.comments[post] if c["from_id"] == WALL]
    [posted] = await Publication.select().where(Publication.assignment == assignment_id)
    assert posted["external_id"] == f"{WALL}_{post}_{made['id']}"
    assert posted["url"] == f"https://vk.com/wall{WALL}_{post}?reply={made['id']}&thread={comment}"
    assert posted["account"] == account_id and made["text"] == "Вывезут завтра."


def _body(event: dict[str, object], secret: str | None = SECRET) -> bytes:
    return json.dumps(event | ({"secret": secret} if secret is not None else {})).encode()


async def test_callback_confirmation_secret_and_events(vk: FakeVk) -> None:
    account_id = await _connect(vk)
    org_id = await organisation_id_by_slug("penza")
    account = ConnectedAccount(account_id, org_id, "vk", str(GROUP_ID), vk.base_url, vk.token)
    connector = connector_for("vk")
    assert isinstance(connector, VkConnector)
    confirm = {"type": "confirmation", "group_id": GROUP_ID}
    reply = await connector.receive(account, {}, _body(confirm, None), SECRET)
    assert (reply.status, reply.body, reply.items) == (200, vk.confirmation, [])
    await put_secret(confirmation_name(account_id), "fixed-code")  # set by hand: it wins
    reply = await connector.receive(account, {}, _body(confirm, None), SECRET)
    assert reply.body == "fixed-code"
    post = vk.post("Новости")
    vk.comment(post, "Упало дерево на Садовой", from_id=1003)
    event = vk.last_event()
    for body in (_body(event, "wrong"), _body(event, None), _body(event | {"group_id": 1})):
        refused = await connector.receive(account, {}, body, SECRET)
        assert (refused.status, refused.items) == (403, [])
    assert (await connector.receive(account, {}, b"{not json", SECRET)).status == 400
    reply = await connector.receive(account, {}, _body(event), SECRET)
    assert (reply.status, reply.body) == (200, "ok")
    [item] = reply.items
    assert item.cursor_after == event["event_id"] and item.kind == "message"
    assert item.raw["author_name"] == "Олег Смирнов"
    rules = await organisation_rules(org_id)
    assert await store_item(account, item, rules)
    [message] = await Message.select().where(Message.organisation == org_id)
    assert message["text"] == "Упало дерево на Садовой"
    assert message["thread_key"] == f"{WALL}_{post}"
    own = vk.comment(post, "Спасибо, передали.", from_id=WALL)
    reply = await connector.receive(account, {}, _body(vk.last_event()), SECRET)
    assert (reply.status, reply.items, own > 0) == (200, [], True)


async def test_subscribe_sets_up_the_callback_server_or_says_to_do_it_by_hand(
    vk: FakeVk,
) -> None:
    account_id = await _connect(vk)
    org_id = await organisation_id_by_slug("penza")
    account = ConnectedAccount(account_id, org_id, "vk", str(GROUP_ID), vk.base_url, vk.token)
    connector = VkConnector()
    url = "https://otklik.example.ru/hooks/vk/1"
    await connector.subscribe(account, url, SECRET)
    await connector.subscribe(account, url, SECRET + "-new")
    [server] = vk.callback_servers
    assert (server["url"], server["secret_key"]) == (url, SECRET + "-new")
    settings = vk.settings["groups.setCallbackSettings"]
    assert settings["server_id"] == str(server["id"]) and settings["api_version"] == "5.199"
    assert all(settings[e] == "1" for e in ("wall_reply_new", "wall_reply_delete", "message_new"))
    vk.rights.discard("manage")
    with pytest.raises(ConnectorError, match="Настройте Callback API в сообществе вручную"):
        await connector.subscribe(account, url, SECRET)


async def test_connect_vk_from_the_console(vk: FakeVk, tmp_path: Path) -> None:
    token_file, service_file = tmp_path / "token", tmp_path / "service"
    token_file.write_text(vk.token + "\n")
    service_file.write_text(vk.service_token + "\n")
    result = otklik(
        "connect", "vk", "--org", "penza", "--id", str(GROUP_ID), "--token-file",
        str(token_file), "--service-token-file", str(service_file), "--api-base", vk.base_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"Подключено: «{GROUP['name']}»" in result.stdout
    account = await SocialAccount.select().where(SocialAccount.network == "vk").first()
    assert account is not None
    assert await get_secret(reading_key_name(account["id"])) == vk.service_token
    result = otklik(
        "connect", "nosuch", "--org", "penza", "--id", "1", "--token-file", str(token_file)
    )
    assert result.returncode != 0 and "подключения пока нет" in result.stderr
    assert "vk" in result.stderr.split("есть:")[1]
