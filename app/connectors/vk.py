"""VK (ВКонтакте): comments on the community's wall, posts by others, messages to the community.

The connected account's id is the community's id (a positive number) and its token a
community access key. Methods are called as `POST {base}/method/{name}` with
`access_token` and `v` (API_VERSION, the one place the version is pinned); the base is the
account's `api_base` or https://api.vk.com. Events come by the Bots Long Poll API
(`groups.getLongPollServer`, then `{server}?act=a_check&key&ts&wait`; the stored cursor
is `ts`) or by the Callback API (`receive`); `vk_events` parses both alike. Replies go out
with `wall.createComment` (`guid`) or `messages.send` (`random_id`), so a retry never
posts twice. https://dev.vk.com/ru/api/bots-long-poll/getting-started,
https://dev.vk.com/ru/api/callback/getting-started

Reading the wall (`wall.getById`, `wall.get`, `wall.getComments`) is open to a user or
service key only, never to a community key (VK's schema, error 27). With the VK app's
service key stored as `network/<account id>/service_token`, a comment comes with its post's
text and the thread's earlier comments, and after lost long-poll history the recent posts'
comments are backfilled; without it comments still come in, without that context.
"""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from hashlib import sha256
from typing import Any

import httpx

from app.connectors import limits
from app.connectors.base import (
    ConnectedAccount,
    ConnectorError,
    Fetched,
    WebhookReply,
    reading_key_name,
)
from app.connectors.runtime import http
from app.connectors.vk_events import (
    comment_url,
    conversation_url,
    group_id_of,
    random_id,
    refusal_ru,
    target,
)
from app.connectors.vk_reads import Api, backfill, normalise
from app.core import clock
from app.db.sealed import get_secret
from app.db.tables import SocialAccount

log = logging.getLogger("otklik.connectors.vk")

API_VERSION = "5.199"
API_BASE = "https://api.vk.com"
POLL_WAIT_SECONDS = 1  # one worker pass: a short wait, so a minute's cron never overlaps
HTTP_TIMEOUT_SECONDS = 10.0
# Methods that write into the community (the rate-limit table tells them apart).
POST_METHODS = {"wall.createComment", "messages.send"}
EVENTS = ("wall_reply_new", "wall_reply_edit", "wall_reply_delete", "wall_post_new", "message_new")
BACKFILL_DEFAULT = timedelta(days=1)  # when nothing was ever stored from the account
MAX_WEBHOOK_BODY = 1_000_000
CALLBACK_TITLE = "Otklik"


def confirmation_name(account_id: int) -> str:
    """The stored secret holding a fixed Callback API confirmation string (optional)."""
    return f"network/{account_id}/confirmation"


@dataclass(frozen=True)
class _Session:
    """A Bots Long Poll session: where to ask and with which key (the ts is the cursor)."""

    server: str
    key: str
    ts: str
    owner: str  # api base and token fingerprint the session was opened with


# How long to wait after VK's rate-limit errors (dev.vk.com/ru/reference/errors): 6 too many
# requests per second, 9 flood control on identical actions, 29 the method's daily limit.
RATE_LIMIT_WAITS: dict[int, float] = {6: 1.0, 9: 60.0, 29: 3600.0}


class VkConnector:
    """The VK connector. Keeps only the long-poll sessions (server and key) in memory, by
    account; the cursor (ts) is the account's, in the database."""

    network = "vk"
    default_api_base = API_BASE
    idempotent_publish = True  # guid / random_id: a repeated call never posts twice

    def __init__(self, poll_wait_seconds: int = POLL_WAIT_SECONDS) -> None:
        self.poll_wait_seconds = poll_wait_seconds
        self._sessions: dict[int, _Session] = {}
        self._configured: set[str] = set()

    async def _call(
        self, account: ConnectedAccount, method: str, params: dict[str, Any], token: str = ""
    ) -> Any:
        """One API method; the community key unless another token (the service key) is given."""
        base = (account.api_base or API_BASE).rstrip("/")
        data = {**params, "access_token": token or account.token, "v": API_VERSION}
        if token:  # the app's service key: a bucket of its own
            await limits.acquire_for(replace(account, token=token), "reading")
        else:
            await limits.acquire_for(account, "post" if method in POST_METHODS else "call")
        body = await _request("POST", f"{base}/method/{method}", str(account.id), data=data)
        error = body.get("error")
        if isinstance(error, dict):
            code = int(error.get("error_code") or 0)
            raise ConnectorError(
                refusal_ru(code, str(error.get("error_msg", ""))),
                f"vk_{code}",
                retry_after=RATE_LIMIT_WAITS.get(code),
                # 5 = authorization failed; only the community key's refusal disconnects it.
                auth_failed=code == 5 and not token,
            )
        if "response" not in body:
            raise ConnectorError("ВКонтакте ответил непонятно (нет response) — повторим позже.")
        return body["response"]

    def _api(self, account: ConnectedAccount) -> Api:
        async def call(method: str, params: dict[str, Any], token: str) -> Any:
            return await self._call(account, method, params, token)

        return call

    async def check(self, account: ConnectedAccount) -> str:
        """The community's name (`groups.getById`); the key must be this community's own."""
        group_id = group_id_of(account)
        answer = await self._call(account, "groups.getById", {})
        groups = answer.get("groups") if isinstance(answer, dict) else answer
        group = (groups or [{}])[0]
        if int(group.get("id") or 0) != group_id:
            raise ConnectorError(
                f"ВКонтакте ответил: это ключ доступа другого сообщества (id {group.get('id')}),"
                f" а подключается {group_id} — возьмите ключ в «Работе с API» этого сообщества."
            )
        return str(group.get("name") or group_id)

    # --- Bots Long Poll -------------------------------------------------------------

    async def fetch(
        self, account: ConnectedAccount, cursor: str, wait_seconds: int | None = None
    ) -> Fetched:
        """Events since `ts` (the long poll waits `wait_seconds`, default the connector's
        short one), handling `failed` 1 (history lost: go on from the new ts and backfill),
        2 (key expired: new key, same ts) and 3 (new key and ts, backfill)."""
        group_id = group_id_of(account)
        session = await self._session(account, group_id)
        ts = cursor or session.ts
        wait = self.poll_wait_seconds if wait_seconds is None else wait_seconds
        answer = await self._a_check(account, session, ts, wait)
        lost = 0
        if answer.get("failed") == 1:
            lost, ts = 1, str(answer.get("ts") or session.ts)
            answer = await self._a_check(account, session, ts, wait)
        elif answer.get("failed") in (2, 3):
            lost = 3 if answer["failed"] == 3 else 0
            session = await self._session(account, group_id, fresh=True)
            ts = session.ts if lost else ts
            answer = await self._a_check(account, session, ts, wait)
        if "failed" in answer or not isinstance(answer.get("updates"), list):
            self._sessions.pop(account.id, None)
            raise ConnectorError(
                f"ВКонтакте: сервер Long Poll не принял запрос ({str(answer)[:100]}) — "
                "повторим при следующем опросе."
            )
        reader = await _service_token(account)
        events: list[dict[str, Any]] = []
        names: dict[int, str] = {}
        if lost and cursor:
            since = await _last_event_at(account)
            events, names = await backfill(
                self._api(account), account.id, group_id, reader, lost, since
            )
        events += [e for e in answer["updates"] if isinstance(e, dict)]
        new_ts = str(answer.get("ts") or ts)
        # Until the last item is stored, a crash must re-read the whole batch: the items
        # before it keep the cursor we came with (intake's idempotency absorbs the re-read).
        pairs = [(event, cursor or ts) for event in events]
        items = await normalise(self._api(account), group_id, pairs, reader, names)
        if items:
            items[-1] = replace(items[-1], cursor_after=new_ts)
        return Fetched(items=items, cursor=new_ts)

    async def _session(
        self, account: ConnectedAccount, group_id: int, fresh: bool = False
    ) -> _Session:
        owner = f"{account.api_base}|{sha256(account.token.encode()).hexdigest()[:16]}"
        cached = self._sessions.get(account.id)
        if cached is not None and cached.owner == owner and not fresh:
            return cached
        if owner not in self._configured:
            await self._configure_long_poll(account, group_id)
            self._configured.add(owner)
        got = await self._call(account, "groups.getLongPollServer", {"group_id": group_id})
        server = str(got["server"])
        if not server.startswith(("http://", "https://")):
            server = f"https://{server}"
        session = _Session(server, str(got["key"]), str(got["ts"]), owner)
        self._sessions[account.id] = session
        return session

    async def _configure_long_poll(self, account: ConnectedAccount, group_id: int) -> None:
        """Best effort: Long Poll on, in API_VERSION's format, with the events we take (needs
        the «управление сообществом» right; without it the admin sets this by hand)."""
        settings = {"group_id": group_id, "enabled": 1, "api_version": API_VERSION}
        try:
            await self._call(
                account, "groups.setLongPollSettings", settings | dict.fromkeys(EVENTS, 1)
            )
        except ConnectorError as error:
            log.warning("VK account %s: Long Poll settings not set: %s", account.id, error)

    async def _a_check(
        self, account: ConnectedAccount, session: _Session, ts: str, wait: int
    ) -> dict[str, Any]:
        params = {"act": "a_check", "key": session.key, "ts": ts, "wait": wait}
        return await _request("GET", session.server, str(account.id), params=params, wait=wait)

    # --- Replies ----------------------------------------------------------------------

    async def publish(
        self, account: ConnectedAccount, thread: str, text: str, key: str
    ) -> tuple[str, str]:
        """A comment under the citizen's comment or post (`wall.createComment` with `guid`
        = key), or a message in the conversation (`messages.send` with `random_id` from the
        key): VK does not post twice for the same guid / random_id."""
        group_id = group_id_of(account)
        where = target(thread)
        if where.peer_id:
            sent = await self._call(
                account,
                "messages.send",
                {"peer_ids": where.peer_id, "random_id": random_id(key), "message": text,
                 "group_id": group_id},
            )  # fmt: skip
            first = (sent or [{}])[0]
            if first.get("error"):
                raise ConnectorError(
                    refusal_ru(int(first["error"].get("code") or 0), str(first["error"]))
                )
            number = first.get("conversation_message_id") or first.get("message_id")
            return f"dm:{where.peer_id}:{number}", conversation_url(group_id, where.peer_id)
        params = {
            "owner_id": where.owner_id,
            "post_id": where.post_id,
            "from_group": group_id,
            "message": text,
            "guid": key,
        }
        if where.comment_id:
            params["reply_to_comment"] = where.comment_id
        made = await self._call(account, "wall.createComment", params)
        reply = int(made["comment_id"])
        stack = made.get("parents_stack") or []
        top = int(stack[0]) if stack else where.comment_id
        return (
            f"{where.owner_id}_{where.post_id}_{reply}",
            comment_url(where.owner_id, where.post_id, reply, top),
        )

    # --- Callback API -----------------------------------------------------------------

    async def receive(
        self, account: ConnectedAccount, headers: dict[str, str], body: bytes, secret: str
    ) -> WebhookReply:
        """A Callback API call: `confirmation` → the confirmation string; an event with the
        account's secret key in `secret` → "ok" and its items, each with `cursor_after` =
        the `event_id` (VK resends an event until it gets "ok": the caller dedupes by it)."""
        if len(body) > MAX_WEBHOOK_BODY:
            return WebhookReply(413, "too large")
        try:
            event = json.loads(body)
        except ValueError:
            return WebhookReply(400, "bad request")
        group_id = group_id_of(account)
        if not isinstance(event, dict) or str(event.get("group_id")) != str(group_id):
            return WebhookReply(403, "forbidden")
        if event.get("type") == "confirmation":
            code = await self._confirmation(account, group_id)
            return WebhookReply(200, code) if code else WebhookReply(503, "unavailable")
        given = str(event.get("secret") or "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return WebhookReply(403, "forbidden")
        event_id = str(event.get("event_id") or "")[:200]
        reader = await _service_token(account)
        try:
            items = await normalise(self._api(account), group_id, [(event, event_id)], reader, {})
        except ConnectorError as error:  # the key is refused: VK resends the event later
            log.warning("VK account %s: callback event not taken: %s", account.id, error)
            return WebhookReply(503, "retry later")
        return WebhookReply(200, "ok", items)

    async def _confirmation(self, account: ConnectedAccount, group_id: int) -> str:
        """The stored confirmation string, else VK's current one (it changes from time to
        time: `groups.getCallbackConfirmationCode`)."""
        stored = await get_secret(confirmation_name(account.id)) if account.id else None
        if stored:
            return stored
        try:
            got = await self._call(
                account, "groups.getCallbackConfirmationCode", {"group_id": group_id}
            )
        except ConnectorError as error:
            log.warning("VK account %s: no confirmation code: %s", account.id, error)
            return ""
        return str(got.get("code") or "")

    async def subscribe(self, account: ConnectedAccount, url: str, secret: str) -> None:
        """Best effort: add (or update) our Callback API server with the secret key, in
        API_VERSION's format, with the events we take. Needs «управление сообществом»."""
        group_id = group_id_of(account)
        server = {"group_id": group_id, "url": url, "title": CALLBACK_TITLE, "secret_key": secret}
        try:
            known = await self._call(account, "groups.getCallbackServers", {"group_id": group_id})
            same = [s for s in known.get("items", []) if s.get("url") == url]
            if same:
                server_id = int(same[0]["id"])
                await self._call(
                    account, "groups.editCallbackServer", server | {"server_id": server_id}
                )
            else:
                added = await self._call(account, "groups.addCallbackServer", server)
                server_id = int(added["server_id"])
            settings = {"group_id": group_id, "server_id": server_id, "api_version": API_VERSION}
            await self._call(
                account, "groups.setCallbackSettings", settings | dict.fromkeys(EVENTS, 1)
            )
        except ConnectorError as error:
            raise ConnectorError(
                f"{error.message_ru} Настройте Callback API в сообществе вручную: Управление → "
                f"Работа с API → Callback API (адрес {url}, секретный ключ, версия "
                f"{API_VERSION})."
            ) from error


async def _request(
    method: str,
    url: str,
    shard: str,
    *,
    data: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    wait: int = 0,
) -> dict[str, Any]:
    """One request on the shared HTTP client of `shard` (the account's id)."""
    try:
        response = await http.client(shard).request(
            method, url, data=data, params=params, timeout=HTTP_TIMEOUT_SECONDS + wait
        )
        body = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise ConnectorError(
            f"ВКонтакте недоступен ({type(error).__name__}): проверьте сеть и адрес API."
        ) from error
    if not isinstance(body, dict):
        raise ConnectorError("ВКонтакте ответил непонятно — повторим позже.")
    return body


async def _service_token(account: ConnectedAccount) -> str:
    return (await get_secret(reading_key_name(account.id)) or "") if account.id else ""


async def _last_event_at(account: ConnectedAccount) -> datetime:
    """When the account last stored an item (the backfill goes back to it)."""
    row = (
        await SocialAccount.select(SocialAccount.last_event_at)
        .where(SocialAccount.id == account.id)
        .first()
    )
    last = (row or {}).get("last_event_at")
    return last if last is not None else clock.now() - BACKFILL_DEFAULT
