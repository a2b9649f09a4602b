"""Intake API for external monitoring systems: POST /api/v1/messages with a bearer token."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Controller, Request, post
from litestar.exceptions import ValidationException
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody, KwargDefinition
from litestar.response import Response

from app.core import clock
from app.domain.intake import (
    ATTACHMENT_KINDS,
    MAX_ATTACHMENTS,
    MAX_EXTERNAL_ID,
    MAX_NAME,
    MAX_TEXT,
    MAX_URL,
    IntakeError,
    validate_incoming,
)
from app.domain.networks import NETWORKS
from app.identity.api_tokens import TokenOwner
from app.identity.organisations import organisation_rules
from app.intake.messages import intake_message
from app.journal.events import EventActor
from app.web.guards import API

# Room for the largest valid message (20,000 characters of Cyrillic) and its fields.
MAX_API_BODY_BYTES = 256 * 1024


# What the Russian validation (app.domain.intake) accepts, stated in the schema: a link is
# http(s) without spaces, a text has a visible character. Documented here, enforced there.
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s\\/]+[^\s\\]*$"
TEXT_PATTERN = r"\S"


def _limit(size: int, description: str = "", pattern: str = "") -> KwargDefinition:
    """The schema's limit of a field (documented; the Russian validation enforces it)."""
    return KwargDefinition(
        max_length=size, description=description or None, pattern=pattern or None
    )


@dataclass
class AttachmentIn:
    """A photo, video or file of the post, by URL."""

    url: Annotated[str, _limit(MAX_URL, "http(s)-ссылка", URL_PATTERN)]
    kind: Annotated[str, KwargDefinition(schema_extra={"enum": list(ATTACHMENT_KINDS)})] = "photo"
    name: Annotated[str, _limit(MAX_NAME)] = ""


@dataclass
class MessageIn:
    """A post or comment found by a monitoring system."""

    network: Annotated[
        str,
        KwargDefinition(
            schema_extra={"enum": list(NETWORKS)},
            description="Сеть; организация принимает сети своего регламента и включённые "
            "администратором (иначе 422)",
        ),
    ]
    text: Annotated[str, _limit(MAX_TEXT, "Текст сообщения", TEXT_PATTERN)]
    external_id: Annotated[str | None, _limit(MAX_EXTERNAL_ID)] = None
    url: Annotated[str | None, _limit(MAX_URL, "http(s)-ссылка на сообщение", URL_PATTERN)] = None
    author_name: Annotated[str | None, _limit(MAX_NAME)] = None
    author_url: Annotated[str | None, _limit(MAX_URL, "", URL_PATTERN)] = None
    author_external_id: Annotated[str | None, _limit(MAX_EXTERNAL_ID)] = None
    posted_at: Annotated[
        str | None,
        KwargDefinition(
            description="ISO 8601 с часовым поясом; не раньше 2000 года и не позже завтрашнего дня"
        ),
    ] = None
    attachments: Annotated[list[AttachmentIn], KwargDefinition(max_items=MAX_ATTACHMENTS)] = field(
        default_factory=list
    )


@dataclass
class IntakeErrorBody:
    """A refused message: Russian messages by field in `extra`."""

    status_code: int
    detail: str
    extra: dict[str, str] = field(default_factory=dict)


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
        responses={
            200: ResponseSpec(MessageAccepted, description="Это сообщение уже принято раньше"),
            400: ResponseSpec(IntakeErrorBody, description="Ошибки полей (по-русски, в extra)"),
            401: ResponseSpec(None, description="Нет токена или токен отозван"),
            413: ResponseSpec(None, description="Тело запроса больше 256 КиБ"),
            422: ResponseSpec(IntakeErrorBody, description="Сеть не принимается организацией"),
        },
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
