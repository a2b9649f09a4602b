"""The specialist's edits of a message's places: add or remove an address, within bounds."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.errors import UserError

MAX_PLACE = 200  # Message.places holds varchar(200)
MAX_PLACES = 20


class PlaceError(UserError):
    """An edit of the places refused; nothing was changed."""


def clean_place(label: str) -> str:
    """The address as typed, spaces collapsed; refused when empty or too long."""
    cleaned = " ".join(label.split())
    if not cleaned:
        raise PlaceError("Введите адрес.", "place_empty")
    if len(cleaned) > MAX_PLACE:
        raise PlaceError(f"Адрес длиннее {MAX_PLACE} знаков.", "place_too_long")
    return cleaned


def edited_places(current: Sequence[str], add: str = "", remove: str = "") -> list[str]:
    """The places after adding `add` (if not there yet) or removing `remove`."""
    places = list(current)
    if remove:
        return [p for p in places if p != remove]
    place = clean_place(add)
    if place.casefold() in {p.casefold() for p in places}:
        return places
    if len(places) >= MAX_PLACES:
        raise PlaceError(f"Не больше {MAX_PLACES} адресов у сообщения.", "too_many_places")
    return [*places, place]
