"""E-mail copies of notifications over SMTP (aiosmtplib), retried with backoff in the database.

A run claims due e-mails by moving their next attempt a lease ahead (so a second worker skips
them), sends each with a timeout, and records the outcome. A failed e-mail waits 1, 2, 4 …
minutes (at most 6 hours) and is given up after MAX_ATTEMPTS; nothing else waits for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiosmtplib
import anyio.to_thread

from app.core import clock
from app.core.config import Settings, get_settings
from app.core.secrets import SecretError
from app.db.sealed import SMTP_PASSWORD, get_secret
from app.db.tables import Notification

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
SEND_TIMEOUT_SECONDS = 15.0
BATCH = 50

_CLAIM = """
UPDATE notification AS n SET email_next_attempt_at = {}
FROM app_user AS u
WHERE n."user" = u.id AND n.id IN (
    SELECT id FROM notification
    WHERE email_status = 'pending' AND email_next_attempt_at <= {}
    ORDER BY email_next_attempt_at, id LIMIT {}
    FOR UPDATE SKIP LOCKED)
RETURNING n.id, n.title, n.body, n.url, n.email_attempts, n.attachment, u.email, u.full_name
"""


@dataclass
class MailResult:
    """What one run did."""

    sent: int = 0
    failed: int = 0  # this attempt failed (retried later or given up)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4 … minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


def compose(
    settings: Settings, row: dict[str, Any], attachments: list[tuple[str, bytes]] | None = None
) -> EmailMessage:
    """The Russian e-mail of a notification, with the link to the case (and its report file)."""
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = row["email"]
    mail["Subject"] = f"Отклик: {row['title']}"
    link = f"{settings.base_url}{row['url']}" if row["url"] else settings.base_url
    mail.set_content(
        f"Здравствуйте, {row['full_name']}!\n\n{row['body']}\n\nОткрыть: {link}\n\n"
        "— Отклик. Письмо отправлено автоматически; выбрать, какие уведомления приходят "
        "на почту, можно в настройках уведомлений.\n"
    )
    for name, data in attachments or []:
        maintype, subtype = _MEDIA_TYPES.get(Path(name).suffix, ("application", "octet-stream"))
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return mail


# A detached signature travels as application/pkcs7-signature (RFC 8551), the way CryptoPro
# and the government portal's checker expect a .sig beside its file.
_MEDIA_TYPES = {
    ".pdf": ("application", "pdf"),
    ".sig": ("application", "pkcs7-signature"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _read_attachments(settings: Settings, relative: str) -> list[tuple[str, bytes]]:
    """The report file and its detached signature (`<file>.sig`) when there is one. A file
    removed from var/ leaves the e-mail without it rather than unsent."""
    found: list[tuple[str, bytes]] = []
    if not relative:
        return found
    for path in (settings.var_dir / relative, settings.var_dir / f"{relative}.sig"):
        if path.is_file():
            found.append((path.name, path.read_bytes()))
    return found


async def smtp_password(settings: Settings) -> str | None:
    """The SMTP password: the one stored sealed (`otklik smtp set`), else SMTP_PASSWORD."""
    try:
        stored = await get_secret(SMTP_PASSWORD)
    except SecretError as error:
        log.warning("stored SMTP password does not open (%s); using SMTP_PASSWORD", error.code)
        stored = None
    return stored or settings.smtp_password


async def _send(settings: Settings, mail: EmailMessage, password: str | None) -> None:
    implicit_tls = settings.smtp_tls and settings.smtp_port == 465
    await aiosmtplib.send(
        mail,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_user,
        password=password,
        use_tls=implicit_tls,
        start_tls=settings.smtp_tls and not implicit_tls,
        timeout=SEND_TIMEOUT_SECONDS,
    )


async def send_pending(limit: int = BATCH) -> MailResult:
    """Send the e-mails that are due; record each success or failure."""
    settings = get_settings()
    result = MailResult()
    if not settings.smtp_host:
        return result
    now = clock.now()
    claimed = await Notification.raw(_CLAIM, now + LEASE, now, limit)
    password = await smtp_password(settings) if claimed else None
    for row in claimed:
        try:
            attachments = await anyio.to_thread.run_sync(
                _read_attachments, settings, row["attachment"] or ""
            )
            await _send(settings, compose(settings, row, attachments), password)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            result.failed += 1
            await _failed(row, clock.now(), error)
            continue
        result.sent += 1
        await Notification.update(
            {
                Notification.email_status: "sent",
                Notification.emailed_at: clock.now(),
                Notification.email_attempts: row["email_attempts"] + 1,
                Notification.email_next_attempt_at: None,
                Notification.email_last_error: "",
            }
        ).where(Notification.id == row["id"])
    return result


async def _failed(row: dict[str, Any], now: datetime, error: Exception) -> None:
    attempts = row["email_attempts"] + 1
    give_up = attempts >= MAX_ATTEMPTS
    log.warning("e-mail of notification %s failed (attempt %s): %s", row["id"], attempts, error)
    await Notification.update(
        {
            Notification.email_status: "failed" if give_up else "pending",
            Notification.email_attempts: attempts,
            Notification.email_last_error: f"{type(error).__name__}: {error}"[:1000],
            Notification.email_next_attempt_at: None if give_up else now + backoff(attempts),
        }
    ).where(Notification.id == row["id"])
