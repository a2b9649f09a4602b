"""The webhook inbox keeps items as JSON and gives back the very same items; its key."""

from __future__ import annotations

import json

from app.connectors.base import Incoming, ThreadContext
from app.connectors.inbox import event_key, incoming_from_json, incoming_to_json


def _through_json(item: Incoming) -> Incoming:
    return incoming_from_json(json.loads(json.dumps(incoming_to_json(item))))


def test_an_item_with_its_thread_comes_back_the_same() -> None:
    item = Incoming(
        raw={
            "network": "vk",
            "external_id": "-1_5_77",
            "text": "Яма у дома 5",
            "attachments": [{"url": "https://vk.com/photo-1_2", "kind": "photo", "name": ""}],
        },
        cursor_after="ev-123",
        kind="edit",
        thread=ThreadContext(
            "-1_5", "Пост о дорогах", "https://vk.com/wall-1_5", (("Анна", "Да"), ("Олег", "Нет"))
        ),
    )
    assert _through_json(item) == item


def test_an_item_without_thread_and_a_deletion_come_back_the_same() -> None:
    message = Incoming({"network": "telegram", "external_id": "-100:1", "text": "Текст"}, "501")
    deletion = Incoming({"external_id": "-1_5_77"}, "ev-124", kind="delete")
    assert _through_json(message) == message
    assert _through_json(deletion) == deletion


def test_the_inbox_key_is_the_event_id_and_the_content() -> None:
    first = Incoming({"network": "max", "external_id": "-5:mid.1", "text": "Один"}, "")
    again = Incoming({"network": "max", "external_id": "-5:mid.1", "text": "Один"}, "")
    other = Incoming({"network": "max", "external_id": "-5:mid.2", "text": "Два"}, "")
    assert event_key(first) == event_key(again) != event_key(other)  # no event id (MAX)
    update = Incoming({"network": "telegram", "external_id": "-100:1", "text": "Т"}, "501")
    assert event_key(update).startswith("501:") and len(event_key(update)) <= 200
    assert len(event_key(Incoming({}, "9" * 500))) <= 200
