"""Intake API for external monitoring systems: POST /api/v1/messages with a bearer token."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Controller, Request, post
from litestar.exceptions import ValidationException
from litestar.params import JSONBody
from litestar.response import Response

from app.core import clock
from app.domain.intake import IntakeError, validate_incoming
from app.identity.api_tokens import TokenOwner
from app.identity.organisations import organisation_rules
from app.intake.messages import intake_message
from app.journal.events import EventActor
from app.web.guards import API

# Room for the largest valid message (20,000 characters of Cyrillic) and its fields.
MAX_API_BODY_BYTES = 256 * 1024


@dataclass
class AttachmentIn:
    """A photo, video or file of the post, by URL."""

    url: str
    kind: str = "photo"
    name: str = ""


@dataclass
class MessageIn:
    """A post or comment found by a monitoring system."""

    network: str
    text: str
    external_id: str | None = None
    url: str | None = None
    author_name: str | None = None
    author_url: str | None = None
    author_external_id: str | None = None
    posted_at: str | None = field(default=None, metadata={"description": "ISO 8601 with zone"})
    attachments: list[AttachmentIn] = field(default_factory=list)


@dataclass
class MessageAccepted:
    """The stored message; created is false when the same post was sent before."""

    id: int
    created: bool


class IntakeApiController(Controller):
    """Messages from external monitoring systems."""

    path = "/api/v1"
    tags = ["intake"]  # noqa: RUF012 — Litestar reads it as a class attribute

    @post(
        "/messages",
        opt=API,
        name="api.messages",
        request_max_body_size=MAX_API_BODY_BYTES,
        summary="Принять сообщение из открытого источника",
        description=(
            "Идемпотентно: повторная отправка того же сообщения (сеть + внешний id, "
            "иначе ссылка) возвращает тот же id с created=false. "
            "Авторизация: заголовок Authorization: Bearer <токен организации>. "
            "Ошибки полей — 400; сообщение из сети, которую организация не принимает "
            "(п. 4 / п. 3 Положения, сети включает администратор), — 422 с полем network."
        ),
    )
    async def create_message(
        self, request: Request[Any, Any, Any], data: JSONBody[MessageIn]
    ) -> Response[MessageAccepted]:
        """Validate and store one message for the token's organisation."""
        owner: TokenOwner = request.state["api_owner"]
        raw = {**data.__dict__, "attachments": [a.__dict__ for a in data.attachments]}
        rules = await organisation_rules(owner.organisation_id)
        try:
            incoming = validate_incoming(
                raw, clock.now(), rules.accepted_networks, rules.networks_clause
            )
        except IntakeError as error:
            # A well-formed message from a network the organisation does not accept: 422.
            status = 422 if error.network_refused else 400
            raise ValidationException(
                "Сообщение не принято", extra=error.errors, status_code=status
            ) from error
        message_id, created = await intake_message(
            owner.organisation_id, incoming, EventActor(user_id=None, role="api")
        )
        return Response(MessageAccepted(message_id, created), status_code=201 if created else 200)
