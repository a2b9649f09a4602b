"""POST /api/v1/messages: token, validation, bounds, idempotency, OpenAPI."""

from __future__ import annotations

import asyncio

import pytest

from app.db.tables import Event, Message, Organisation
from app.domain.intake import MAX_TEXT
from app.identity.api_tokens import issue_token, revoke_token

POST = {
    "network": "vk",
    "external_id": "wall-1_100",
    "url": "https://vk.com/wall-1_100",
    "author_name": "Мария Иванова",
    "author_url": "https://vk.com/id1",
    "text": "Во дворе дома 5 по улице Мира вторую неделю нет освещения.",
    "posted_at": "2026-11-20T10:15:00+03:00",
    "attachments": [{"url": "https://vk.com/photo1_2", "kind": "photo"}],
}


@pytest.fixture
async def token(demo) -> str:
    penza = await Organisation.objects().where(Organisation.slug == "penza").first()
    return await issue_token(penza, "Мониторинг", created_by=None)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_message_is_created_once_for_the_tokens_organisation(client, token) -> None:
    first = await client.post("/api/v1/messages", json=POST, headers=bearer(token))
    assert first.status_code == 201
    assert first.json()["created"] is True
    again = await client.post("/api/v1/messages", json=POST, headers=bearer(token))
    assert again.status_code == 200
    assert again.json() == {"id": first.json()["id"], "created": False}

    stored = await Message.objects(Message.organisation).get(Message.id == first.json()["id"])
    assert stored.organisation.slug == "penza"
    assert stored.state == "collected"
    assert stored.posted_at.utcoffset() is not None
    assert stored.text == POST["text"]
    events = await Event.select(Event.kind).where(Event.message == stored.id)
    assert [e["kind"] for e in events] == ["message_collected"]


async def test_concurrent_duplicates_make_one_message(client, token) -> None:
    payload = {**POST, "external_id": "wall-1_200", "url": "https://vk.com/wall-1_200"}
    responses = await asyncio.gather(
        *(client.post("/api/v1/messages", json=payload, headers=bearer(token)) for _ in range(5))
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert await Message.count().where(Message.external_id == "wall-1_200") == 1


async def test_same_url_without_external_id_is_the_same_message(client, token) -> None:
    payload = {k: v for k, v in POST.items() if k != "external_id"}
    ids = {
        (await client.post("/api/v1/messages", json=payload, headers=bearer(token))).json()["id"]
        for _ in range(2)
    }
    assert len(ids) == 1


async def test_invalid_fields_are_all_reported_in_russian_and_nothing_stored(client, token) -> None:
    bad = {
        **POST,
        "network": "myspace",
        "text": "",
        "url": "javascript:alert(1)",
        "posted_at": "2026-11-20 10:15",
    }
    response = await client.post("/api/v1/messages", json=bad, headers=bearer(token))
    assert response.status_code == 400
    extra = response.json()["extra"]
    assert set(extra) == {"network", "text", "url", "posted_at"}
    assert "http" in extra["url"]
    assert "часовой пояс" in extra["posted_at"]
    assert await Message.count() == 0


async def test_oversized_text_and_body_are_refused(client, token) -> None:
    long_text = {**POST, "text": "я" * (MAX_TEXT + 1)}
    response = await client.post("/api/v1/messages", json=long_text, headers=bearer(token))
    assert response.status_code == 400
    assert "Не длиннее 20000 символов" in response.json()["extra"]["text"]
    huge = {**POST, "text": "я" * 300_000}
    response = await client.post("/api/v1/messages", json=huge, headers=bearer(token))
    assert response.status_code == 413
    assert await Message.count() == 0


async def test_missing_wrong_and_revoked_tokens_are_refused(client, token) -> None:
    assert (await client.post("/api/v1/messages", json=POST)).status_code == 401
    wrong = await client.post("/api/v1/messages", json=POST, headers=bearer("otk_nope"))
    assert wrong.status_code == 401
    assert "API-токен" in wrong.json()["detail"]
    penza = await Organisation.objects().where(Organisation.slug == "penza").first()
    from app.db.tables import ApiToken

    row = await ApiToken.objects().first()
    assert await revoke_token(penza.id, row.id)
    revoked = await client.post("/api/v1/messages", json=POST, headers=bearer(token))
    assert revoked.status_code == 401
    assert await Message.count() == 0


async def test_tokens_of_two_organisations_keep_their_messages_apart(client, token) -> None:
    parfino = await Organisation.objects().where(Organisation.slug == "parfino").first()
    other = await issue_token(parfino, "Мониторинг", created_by=None)
    a = await client.post("/api/v1/messages", json=POST, headers=bearer(token))
    b = await client.post("/api/v1/messages", json=POST, headers=bearer(other))
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


async def test_openapi_schema_is_published_with_the_intake_endpoint(client) -> None:
    response = await client.get("/api/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/messages" in schema["paths"]
    assert "/login" not in schema["paths"]


async def test_openapi_states_every_answer_and_the_limits_the_validation_enforces(client) -> None:
    schema = (await client.get("/api/schema/openapi.json")).json()
    answers = schema["paths"]["/api/v1/messages"]["post"]["responses"]
    assert {"200", "201", "400", "401", "413", "422"} <= set(answers)
    fields = schema["components"]["schemas"]["MessageIn"]["properties"]
    assert set(fields["network"]["enum"]) >= {"vk", "ok", "telegram", "max"}
    assert fields["text"]["maxLength"] == 20_000 and fields["author_name"]["maxLength"] == 300
    assert fields["url"]["pattern"].startswith("^[Hh][Tt][Tt][Pp]")
    item = schema["components"]["schemas"]["AttachmentIn"]["properties"]
    assert item["kind"]["enum"] == ["photo", "video", "file"]
    assert (
        schema["components"]["schemas"]["MessageIn"]["properties"]["attachments"]["maxItems"] == 20
    )


async def test_an_edited_repost_is_kept_as_an_edit_and_shown_on_the_case(client, token) -> None:
    from app.db.tables import Event, Message
    from tests.integration.conftest import sign_in

    first = await client.post("/api/v1/messages", json=POST, headers=bearer(token))
    message_id = first.json()["id"]
    edited = {**POST, "text": "Исправлено автором: фонари не горят уже неделю"}
    again = await client.post("/api/v1/messages", json=edited, headers=bearer(token))
    assert (again.status_code, again.json()) == (200, {"id": message_id, "created": False})
    same = await client.post("/api/v1/messages", json=edited, headers=bearer(token))
    assert same.status_code == 200
    edits = await Event.select(Event.comment).where(
        (Event.message == message_id) & (Event.kind == "message_edited")
    )
    assert [e["comment"] for e in edits] == [edited["text"]]  # once, not per repeat
    stored = await Message.select(Message.text).where(Message.id == message_id)
    assert stored[0]["text"] == POST["text"]  # what was screened stays
    await sign_in(client, "penza-specialist")
    page = await client.get(f"/o/penza/cases/{message_id}/")
    assert 'data-testid="message-edited"' in page.text and edited["text"] in page.text
