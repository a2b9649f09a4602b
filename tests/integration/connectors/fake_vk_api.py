"""The methods of the fake VK API (see fake_vk): what each answers, as VK's schema says
(github.com/VKCOM/vk-api-schema: methods.json, responses.json, objects.json, errors.json)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.integration.connectors.fake_vk import FakeVk

GROUP_ID = 218000001
WALL = -GROUP_ID
GROUP = {
    "id": GROUP_ID,
    "name": "Администрация города Пензы",
    "screen_name": "penza_adm",
    "is_closed": 0,
    "type": "page",
}
USERS = {1001: ("Иван", "Петров"), 1002: ("Мария", "Сидорова"), 1003: ("Олег", "Смирнов")}
BIG_PHOTO = "https://sun9-1.userapi.com/impg/w1280/photo.jpg"
# Methods a community key may not call (schema: access_token_type is user / service only).
USER_OR_SERVICE = {"wall.get", "wall.getById", "wall.getComments"}
COMMUNITY_ONLY = {
    "groups.getLongPollServer",
    "groups.setLongPollSettings",
    "messages.send",
    "groups.getCallbackConfirmationCode",
    "groups.getCallbackServers",
    "groups.addCallbackServer",
    "groups.editCallbackServer",
    "groups.setCallbackSettings",
    "wall.createComment",
}
NEEDS = {
    "messages.send": "messages",
    "groups.setLongPollSettings": "manage",
    "groups.getCallbackServers": "manage",
    "groups.addCallbackServer": "manage",
    "groups.editCallbackServer": "manage",
    "groups.setCallbackSettings": "manage",
}
ERRORS = {
    5: "User authorization failed: invalid access_token (4).",
    8: "Invalid request: v (version) is required",
    15: "Access denied: no access to call this method",
    27: "Group authorization failed: method is unavailable with group auth.",
    28: "Application authorization failed: method is unavailable with service token.",
    29: "Rate limit reached",
    100: "One of the parameters specified was missing or invalid",
}


class VkError(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def answer(fake: FakeVk, name: str, p: dict[str, str]) -> Any:
    """The `response` of a method, or VkError."""
    if "v" not in p:
        raise VkError(8)
    token = p.get("access_token")
    if token not in (fake.token, fake.service_token):
        raise VkError(5)
    if token == fake.token and name in USER_OR_SERVICE:
        raise VkError(27)
    if token == fake.service_token and name in COMMUNITY_ONLY:
        raise VkError(28)
    if name in fake.refusals:
        raise VkError(fake.refusals.pop(name))
    if NEEDS.get(name, "") not in fake.rights | {""}:
        raise VkError(15)
    if (
        name.startswith("groups.")
        and name != "groups.getById"
        and p.get("group_id") != str(GROUP_ID)
    ):
        raise VkError(100)
    if name == "groups.getById":
        return {"groups": [GROUP], "profiles": []}
    if name == "groups.getLongPollServer":
        return {
            "key": fake.key,
            "server": f"{fake.base_url}/lp/{GROUP_ID}",
            "ts": str(fake.seq),
        }
    if name in ("groups.setLongPollSettings", "groups.setCallbackSettings"):
        fake.settings[name] = p
        return 1
    if name == "groups.getCallbackConfirmationCode":
        return {"code": fake.confirmation}
    if name == "groups.getCallbackServers":
        return {"count": len(fake.callback_servers), "items": fake.callback_servers}
    if name == "groups.addCallbackServer":
        server = {
            "id": fake._id(),
            "title": p["title"],
            "creator_id": 1,
            "url": p["url"],
            "secret_key": p.get("secret_key", ""),
            "status": "unconfigured",
        }
        fake.callback_servers.append(server)
        return {"server_id": server["id"]}
    if name == "groups.editCallbackServer":
        server = next(s for s in fake.callback_servers if s["id"] == int(p["server_id"]))
        server.update(url=p["url"], title=p["title"], secret_key=p.get("secret_key", ""))
        return 1
    if name == "users.get":
        ids = [int(i) for i in p.get("user_ids", "").split(",") if i]
        return [user(i) for i in ids if i in USERS]
    if name == "wall.getById":
        keys = [k.split("_") for k in p["posts"].split(",")]
        found = [int(pid) for o, pid in keys if int(o) == WALL and int(pid) in fake.posts]
        return {"items": [fake.posts[pid] for pid in found]}
    if name == "wall.get":
        items = sorted(fake.posts.values(), key=lambda x: -x["id"])
        return {"count": len(items), "items": items[: int(p.get("count", 20))]}
    if name == "wall.getComments":
        return _get_comments(fake, p)
    if name == "wall.createComment":
        return _create_comment(fake, p)
    if name == "messages.send":
        return _send(fake, p)
    raise VkError(100)


def _get_comments(fake: FakeVk, p: dict[str, str]) -> dict[str, Any]:
    alive = [c for c in fake.comments.get(int(p["post_id"]), []) if not c.get("deleted")]
    top = [c for c in alive if not c["parents_stack"]]
    top.sort(key=lambda c: c["id"], reverse=p.get("sort") == "desc")
    top = top[: int(p.get("count", 10))]
    items = []
    for c in top:
        replies = [r for r in alive if r["parents_stack"][:1] == [c["id"]]]
        limit = int(p.get("thread_items_count", 0))
        items.append(c | {"thread": {"count": len(replies), "items": replies[:limit]}})
    answer: dict[str, Any] = {
        "count": len(top),
        "items": items,
        "current_level_count": len(top),
    }
    if p.get("extended") == "1":
        authors = {c["from_id"] for c in alive}
        answer |= {"profiles": [user(a) for a in authors if a in USERS], "groups": [GROUP]}
    return answer


def _create_comment(fake: FakeVk, p: dict[str, str]) -> dict[str, Any]:
    guid = p.get("guid", "")
    if guid and guid in fake.guids:
        return fake.guids[guid]
    post_id = int(p["post_id"])
    if int(p["owner_id"]) != WALL or post_id not in fake.posts:
        raise VkError(100)
    reply_to = int(p.get("reply_to_comment", 0))
    from_id = WALL if p.get("from_group") == str(GROUP_ID) else 1
    comment_id = fake.comment(post_id, p["message"], from_id=from_id, reply_to=reply_to)
    made = fake.comments[post_id][-1]
    answer = {"comment_id": comment_id, "parents_stack": made["parents_stack"]}
    if guid:
        fake.guids[guid] = answer
    return answer


def _send(fake: FakeVk, p: dict[str, str]) -> list[dict[str, Any]]:
    rid = int(p.get("random_id", 0))
    if rid and rid in fake.random_ids:
        return fake.random_ids[rid]
    answer = []
    for peer in (int(x) for x in p["peer_ids"].split(",")):
        message = {
            "peer_id": peer,
            "message_id": fake._id(),
            "conversation_message_id": fake._id(),
            "text": p["message"],
        }
        fake.sent.append(message)
        answer.append({k: message[k] for k in ("peer_id", "message_id", "conversation_message_id")})
    if rid:
        fake.random_ids[rid] = answer
    return answer


def user(user_id: int) -> dict[str, Any]:
    first, last = USERS[user_id]
    return {
        "id": user_id,
        "first_name": first,
        "last_name": last,
        "can_access_closed": True,
        "is_closed": False,
    }


def photo_object(owner_id: int) -> dict[str, Any]:
    sizes = [
        ("s", 75, 56, "https://sun9-1.userapi.com/impg/s75/photo.jpg"),
        ("w", 1280, 960, BIG_PHOTO),
        ("x", 604, 453, "https://sun9-1.userapi.com/impg/x604/photo.jpg"),
    ]
    listed = [{"type": t, "width": w, "height": h, "url": u} for t, w, h, u in sizes]
    return {
        "id": 457239017,
        "album_id": -14,
        "owner_id": owner_id,
        "date": int(time.time()),
        "has_tags": False,
        "text": "",
        "sizes": listed,
    }
