"""In-app notifications: created exactly once (unique key), listed, counted, marked as read.

Creating one also queues its e-mail copy when the user wants that kind by e-mail (see
app.notify.mailer) and announces it on the user's Redis channel for the live bell (SSE).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core import clock
from app.core.config import get_settings
from app.db.tables import Notification, NotificationPreference, User
from app.journal.live import user_channel

log = logging.getLogger(__name__)


class Kind(StrEnum):
    """Kinds of notification; each user chooses per kind: in-app only, or also by e-mail."""

    WARNING = "warning"  # a share of a step's budget is left
    DEADLINE = "deadline"  # a step's deadline has come
    VIOLATION = "violation"  # a violation to oversee (Penza p.19)
    ACTIVITY = "activity"  # heightened activity (Penza p.21, Parfino p.24)
    REPORT_DUE = "report_due"  # the monthly violations report is due (Parfino p.22)
    IMMEDIATE = "immediate"  # an immediate report to the head, and its reminder (p.21/p.24)
    REPORT = "report"  # a scheduled summary or violations report (p.19–20, p.22–23)
    CONNECTOR = "connector"  # a network refused an official account's token (issue #14)
    PUBLICATION = "publication"  # the network keeps refusing an answer: post it by hand
    AUTHOR_REPLY = "author_reply"  # the author answered a clarification (Parfino p.10)


KIND_TITLES: dict[Kind, str] = {
    Kind.WARNING: "Предупреждения о приближении срока",
    Kind.DEADLINE: "Наступление срока",
    Kind.VIOLATION: "Нарушения сроков",
    Kind.ACTIVITY: "Повышенная активность по теме",
    Kind.REPORT_DUE: "Срок отчёта о нарушениях",
    Kind.IMMEDIATE: "Срочные доклады главе",
    Kind.REPORT: "Сводные отчёты и отчёты о нарушениях",
    Kind.CONNECTOR: "Отключение официальных аккаунтов сетью",
    Kind.PUBLICATION: "Ответ не размещается через сеть",
    Kind.AUTHOR_REPLY: "Ответ автора на уточнение",
}

# In-app + e-mail unless the user chose otherwise; warnings stay in-app (they come often).
DEFAULT_EMAIL: dict[Kind, bool] = {
    Kind.WARNING: False,
    Kind.DEADLINE: True,
    Kind.VIOLATION: True,
    Kind.ACTIVITY: True,
    Kind.REPORT_DUE: True,
    Kind.IMMEDIATE: True,
    Kind.REPORT: True,
    Kind.CONNECTOR: True,
    Kind.PUBLICATION: True,
    Kind.AUTHOR_REPLY: True,
}


@dataclass(frozen=True)
class NewNotification:
    """A notification to create; `dedup_key` makes it exactly-once."""

    user_id: int
    kind: Kind
    title: str
    body: str
    url: str
    dedup_key: str
    organisation_id: int | None = None
    message_id: int | None = None
    attachment: str = ""  # a file under var_dir the e-mail carries (a signed report)


@dataclass(frozen=True)
class NotificationView:
    """A notification as the list page shows it."""

    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
    message_id: int | None

    @property
    def unread(self) -> bool:
        """Not read yet."""
        return self.read_at is None


async def preferences(user_id: int) -> dict[Kind, bool]:
    """Per kind: True = in-app and e-mail, False = in-app only (defaults filled in)."""
    rows = await NotificationPreference.select(
        NotificationPreference.kind, NotificationPreference.email
    ).where(NotificationPreference.user == user_id)
    chosen = {r["kind"]: bool(r["email"]) for r in rows}
    return {kind: chosen.get(str(kind), DEFAULT_EMAIL[kind]) for kind in Kind}


async def set_preference(user_id: int, kind: Kind, email: bool) -> None:
    """Choose in-app only (email False) or in-app and e-mail for one kind."""
    await NotificationPreference.raw(
        'INSERT INTO notification_preference ("user", kind, email) VALUES ({}, {}, {}) '
        'ON CONFLICT ("user", kind) DO UPDATE SET email = EXCLUDED.email',
        user_id,
        str(kind),
        email,
    )


async def _email_wanted(items: Sequence[NewNotification]) -> set[tuple[int, str]]:
    """(user, kind) pairs to e-mail: SMTP configured, the user has an address and wants it."""
    if not get_settings().smtp_host or not items:
        return set()
    users = {i.user_id for i in items}
    addresses = await User.select(User.id).where(
        User.id.is_in(list(users)) & (User.email != "") & User.is_active.eq(True)
    )
    with_email = {r["id"] for r in addresses}
    rows = await NotificationPreference.select().where(
        NotificationPreference.user.is_in(list(with_email) or [0])
    )
    chosen = {(r["user"], r["kind"]): bool(r["email"]) for r in rows}
    return {
        (i.user_id, str(i.kind))
        for i in items
        if i.user_id in with_email and chosen.get((i.user_id, str(i.kind)), DEFAULT_EMAIL[i.kind])
    }


async def create_notifications(
    items: Sequence[NewNotification], redis: Redis | None = None
) -> list[int]:
    """Insert each notification unless its key exists; announce the new ones; their ids."""
    if not items:
        return []
    now = clock.now()
    emailed = await _email_wanted(items)
    rows = []
    for i in items:
        email = (i.user_id, str(i.kind)) in emailed
        rows.append(
            Notification(
                user=i.user_id,
                organisation=i.organisation_id,
                kind=str(i.kind),
                message=i.message_id,
                title=i.title[:300],
                body=i.body,
                url=i.url[:500],
                created_at=now,
                dedup_key=i.dedup_key[:300],
                email_status="pending" if email else "none",
                email_next_attempt_at=now if email else None,
                attachment=i.attachment,
            )
        )
    inserted = (
        await Notification.insert(*rows)
        .on_conflict(target=Notification.dedup_key, action="DO NOTHING")
        .returning(Notification.id, Notification.user, Notification.kind, Notification.title)
    )
    await announce(inserted, redis)
    return [r["id"] for r in inserted]


async def announce(inserted: Iterable[dict[str, Any]], redis: Redis | None = None) -> None:
    """Publish `{"type": "notification", …, "unread": n}` on each user's live channel.
    Redis being down loses only the live ping: the bell reads the database on the next page."""
    inserted = list(inserted)
    if not inserted:
        return
    client = redis
    if client is None:
        url = get_settings().redis_url
        if not url:
            return
        client = Redis.from_url(url)
    try:
        for row in inserted:
            payload = {
                "type": "notification",
                "id": row["id"],
                "kind": row["kind"],
                "title": row["title"],
                "unread": await unread_count(row["user"]),
            }
            await client.publish(user_channel(row["user"]), json.dumps(payload, ensure_ascii=False))
    except (RedisError, OSError):
        log.warning("live notification ping not published", exc_info=True)
    finally:
        if redis is None:
            await client.aclose()


async def unread_count(user_id: int) -> int:
    """How many notifications the user has not read (the bell)."""
    return int(
        await Notification.count().where(
            (Notification.user == user_id) & Notification.read_at.is_null()
        )
    )


async def list_notifications(
    user_id: int, *, unread_only: bool = False, limit: int = 50, before_id: int | None = None
) -> list[NotificationView]:
    """The user's notifications, newest first; page with `before_id` (the last id shown)."""
    query = Notification.select(
        Notification.id,
        Notification.kind,
        Notification.title,
        Notification.body,
        Notification.url,
        Notification.created_at,
        Notification.read_at,
        Notification.message,
    ).where(Notification.user == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_null())
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    rows = await query.order_by(Notification.id, ascending=False).limit(min(limit, 200))
    return [
        NotificationView(
            r["id"],
            r["kind"],
            r["title"],
            r["body"],
            r["url"],
            r["created_at"],
            r["read_at"],
            r["message"],
        )
        for r in rows
    ]


async def mark_read(user_id: int, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when `ids` is None); how many changed."""
    query = Notification.update({Notification.read_at: clock.now()}).where(
        (Notification.user == user_id) & Notification.read_at.is_null()
    )
    if ids is not None:
        wanted = [int(i) for i in ids]
        if not wanted:
            return 0
        query = query.where(Notification.id.is_in(wanted))
    changed = await query.returning(Notification.id)
    return len(changed)
