"""Heightened-activity alerts as people read them: the subject, the messages with excerpts,
and the immediate report to the head pre-filled from them (Penza p.21, Parfino p.24)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.db.json_columns import json_value
from app.db.rows import view_of
from app.db.tables import ActivityAlert, Message
from app.domain.activity import SurgeKind
from app.domain.networks import NETWORKS

EXCERPT = 160
# The notification names this many messages; the alert page lists them all.
NOTIFY_SAMPLES = 3
# The alert page lists at most this many messages (a surge of hundreds is summarised).
PAGE_MESSAGES = 100


def subject_ru(kind: SurgeKind | str, subject: str) -> str:
    """«по теме «Дороги»» or «по адресу «ул. Ленина, 5»»."""
    return f"по адресу «{subject}»" if kind == SurgeKind.PLACE else f"по теме «{subject}»"


def _excerpt(text: str) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


@dataclass(frozen=True)
class AlertMessage:
    """One message of a surge: where, who, when and the start of its text."""

    id: int
    network: str
    author_name: str
    at: datetime
    excerpt: str
    state: str

    @property
    def network_title(self) -> str:
        """Russian name of the network."""
        return NETWORKS.get(self.network, self.network)


async def alert_messages(organisation_id: int, ids: list[int]) -> list[AlertMessage]:
    """The organisation's messages with these ids, oldest first, with excerpts."""
    if not ids:
        return []
    rows = await Message.raw(
        "SELECT id, network, author_name, coalesce(posted_at, collected_at) AS at, "
        "left(text, 1000) AS text, state FROM message "
        "WHERE organisation = {} AND id = ANY({}::int[]) ORDER BY at, id",
        organisation_id,
        ids[:PAGE_MESSAGES],
    )
    return [view_of(AlertMessage, r, excerpt=_excerpt(r["text"])) for r in rows]


@dataclass(frozen=True)
class ActivityAlertView:
    """A surge of messages on one topic or address and the messages in it."""

    id: int
    topic: str
    window_start: datetime
    window_end: datetime
    message_count: int
    usual: float | None
    reason: str
    message_ids: list[int]
    created_at: datetime
    place: str = ""
    messages: list[AlertMessage] = field(default_factory=list)  # loaded for one alert

    @property
    def kind(self) -> SurgeKind:
        """By address or by topic."""
        return SurgeKind.PLACE if self.place else SurgeKind.TOPIC

    @property
    def subject_ru(self) -> str:
        """«по теме «Дороги»» or «по адресу «ул. Ленина, 5»»."""
        return subject_ru(self.kind, self.place or self.topic)

    def immediate_comment(self, hours: str, local: str) -> str:
        """The immediate report pre-filled from the alert (the specialist edits it)."""
        usual = f" при обычных {self.usual:.1f}".replace(".", ",") if self.usual else ""
        listed = "; ".join(
            f"№ {m.id} ({m.network_title}): «{m.excerpt}»" for m in self.messages[:5]
        )
        more = self.message_count - min(len(self.messages), 5)
        tail = f" и ещё {more}" if more > 0 else ""
        return (
            f"Повышенная активность {self.subject_ru}: за {hours} рабочих ч до {local} "
            f"поступило {self.message_count} сообщений{usual}. {listed}{tail}."
        )


async def list_activity_alerts(
    organisation_id: int, limit: int = 50, alert_id: int | None = None
) -> list[ActivityAlertView]:
    """The organisation's activity alerts, newest first (one of them, with its messages,
    when `alert_id` is given)."""
    query = ActivityAlert.select().where(ActivityAlert.organisation == organisation_id)
    if alert_id is not None:
        query = query.where(ActivityAlert.id == alert_id)
    rows = await query.order_by(ActivityAlert.id, ascending=False).limit(limit)
    out = []
    for r in rows:
        ids = [int(i) for i in json_value(r["message_ids"]) or []]
        messages = await alert_messages(organisation_id, ids) if alert_id is not None else []
        out.append(
            view_of(
                ActivityAlertView,
                r,
                message_ids=ids,
                place=r.get("place") or "",
                messages=messages,
            )
        )
    return out
