"""Validation of incoming messages (manual entry and the intake API): untrusted input.

Every field is bounded; URLs must be http(s); errors are collected per field with a
Russian message so a form can show each next to its field and an API client gets them all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from app.core.errors import FieldErrors
from app.domain.networks import NETWORKS, network_refusal_ru

ATTACHMENT_KINDS = ("photo", "video", "file")
# Longest text a reply may have in each network (its public limits for a comment or post),
# shown by the draft preview; "other" has no limit of its own.
NETWORK_TEXT_LIMITS: dict[str, int] = {
    "vk": 4096,
    "ok": 4096,
    "telegram": 4096,
    "facebook": 8000,
    "twitter": 280,
    "instagram": 2200,
}

MAX_TEXT = 20_000
MAX_NAME = 300
MAX_URL = 1_000
MAX_EXTERNAL_ID = 200
MAX_ATTACHMENTS = 20


class IntakeError(FieldErrors):
    """One or more fields are invalid; `errors` maps field → Russian message.

    `network_refused`: a well-formed message whose only fault is its network, which the
    organisation does not accept (the API answers 422 rather than 400)."""

    def __init__(self, errors: dict[str, str], network_refused: bool = False) -> None:
        super().__init__(errors, detail="; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.network_refused = network_refused and set(errors) == {"network"}


@dataclass(frozen=True)
class Attachment:
    """A photo, video or file referenced by URL."""

    url: str
    kind: str = "photo"
    name: str = ""


@dataclass(frozen=True)
class IncomingMessage:
    """A validated message ready to be stored."""

    network: str
    text: str
    external_id: str = ""
    url: str = ""
    author_name: str = ""
    author_url: str = ""
    author_external_id: str = ""
    posted_at: datetime | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)

    def dedup_key(self) -> str:
        """Identity of the post: network + external id, else its URL, else its content."""
        if self.external_id:
            return f"{self.network}:id:{self.external_id}"
        if self.url:
            return f"url:{self.url}"
        content = "\x00".join(
            (self.network, self.author_name, self.text, str(self.posted_at or ""))
        )
        return "text:" + hashlib.sha256(content.encode()).hexdigest()


def normalise_url(raw: str) -> str:
    """An http(s) URL without its fragment; raises ValueError for anything else."""
    value = raw.strip()
    if len(value) > MAX_URL:
        raise ValueError(f"Ссылка длиннее {MAX_URL} символов.")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError("Ссылка должна начинаться с http:// или https://.")
    if any(ch.isspace() for ch in value) or "\\" in value:
        raise ValueError("Ссылка содержит недопустимые символы.")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def _text(raw: Mapping[str, Any], key: str, limit: int, errors: dict[str, str]) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[key] = "Ожидается строка."
        return ""
    value = value.strip()
    if len(value) > limit:
        errors[key] = f"Не длиннее {limit} символов (сейчас {len(value)})."
    return value.replace("\x00", "")


def _url(raw: Mapping[str, Any], key: str, errors: dict[str, str]) -> str:
    value = _text(raw, key, MAX_URL, errors)
    if not value or key in errors:
        return ""
    try:
        return normalise_url(value)
    except ValueError as error:
        errors[key] = str(error)
        return ""


# Social networks are younger than this; a later instant than now + 1 day is a clock error.
EARLIEST_POSTED_AT = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)
LATEST_POSTED_YEAR = 2100


def _posted_at(
    raw: Mapping[str, Any], now: datetime | None, errors: dict[str, str]
) -> datetime | None:
    value = raw.get("posted_at")
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            errors["posted_at"] = "Дата и время в формате ГГГГ-ММ-ДДTЧЧ:ММ (ISO 8601)."
            return None
    if parsed.tzinfo is None:
        errors["posted_at"] = "Укажите часовой пояс (например, +03:00)."
        return None
    # Years are compared first: 0001-01-01+14:00 or 9999-12-31-12:00 have no UTC instant.
    if parsed.year < EARLIEST_POSTED_AT.year or parsed < EARLIEST_POSTED_AT:
        errors["posted_at"] = "Дата публикации не может быть раньше 2000 года."
        return None
    if parsed.year > LATEST_POSTED_YEAR or (now is not None and parsed > now + FUTURE_TOLERANCE):
        errors["posted_at"] = "Дата публикации не может быть позже завтрашнего дня."
        return None
    return parsed


def _attachments(raw: Mapping[str, Any], errors: dict[str, str]) -> tuple[Attachment, ...]:
    items = raw.get("attachments") or []
    if not isinstance(items, list):
        errors["attachments"] = "Ожидается список вложений."
        return ()
    if len(items) > MAX_ATTACHMENTS:
        errors["attachments"] = f"Не больше {MAX_ATTACHMENTS} вложений."
        return ()
    result = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            errors["attachments"] = f"Вложение {number}: ожидается объект с полем url."
            return ()
        item_errors: dict[str, str] = {}
        url = _url(item, "url", item_errors)
        kind = item.get("kind") or "photo"
        if kind not in ATTACHMENT_KINDS:
            item_errors["kind"] = "тип должен быть photo, video или file"
        name = _text(item, "name", MAX_NAME, item_errors)
        if not url and "url" not in item_errors:
            item_errors["url"] = "нужна ссылка"
        if item_errors:
            errors["attachments"] = f"Вложение {number}: " + "; ".join(item_errors.values())
            return ()
        result.append(Attachment(url=url, kind=str(kind), name=name))
    return tuple(result)


def validate_incoming(
    raw: Mapping[str, Any],
    now: datetime | None = None,
    accepted: frozenset[str] | None = None,
    networks_clause: str = "",
) -> IncomingMessage:
    """Check and normalise one incoming message; raises IntakeError with every problem.

    With `now`, a publication time more than a day ahead of it is refused; with `accepted`
    (app.domain.networks.accepted_networks), a network outside it (Penza p.4, Parfino p.3)."""
    errors: dict[str, str] = {}
    network = raw.get("network")
    refused = False
    if network not in NETWORKS:
        errors["network"] = "Выберите социальную сеть из списка."
    elif accepted is not None and network not in accepted:
        errors["network"] = network_refusal_ru(str(network), networks_clause)
        refused = True
    text = _text(raw, "text", MAX_TEXT, errors)
    if not text and "text" not in errors:
        errors["text"] = "Введите текст сообщения."
    message = IncomingMessage(
        network=str(network),
        text=text,
        external_id=_text(raw, "external_id", MAX_EXTERNAL_ID, errors),
        url=_url(raw, "url", errors),
        author_name=_text(raw, "author_name", MAX_NAME, errors),
        author_url=_url(raw, "author_url", errors),
        author_external_id=_text(raw, "author_external_id", MAX_EXTERNAL_ID, errors),
        posted_at=_posted_at(raw, now, errors),
        attachments=_attachments(raw, errors),
    )
    if errors:
        raise IntakeError(errors, network_refused=refused)
    return message
