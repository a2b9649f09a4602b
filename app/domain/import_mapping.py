"""Exports of external monitoring systems (CSV/XLSX): which column is which field, dates as
people write them, and a row of the file as intake input.

Pure rules: the file is read elsewhere (app.intake.import_files) into header names and rows
of text cells. Here the headers are matched to our fields by their Russian and English names,
a row becomes the raw mapping of app.domain.intake.validate_incoming, and every problem of a
row is named in Russian with the column it came from.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from app.domain.intake import IncomingMessage, IntakeError, validate_incoming
from app.domain.networks import NETWORKS, network_of_url

# Our fields in the order of the mapping form; only the text is required.
FIELDS = ("text", "url", "network", "author_name", "author_url", "posted_at", "external_id")
FIELD_TITLES = {
    "text": "Текст",
    "url": "Ссылка на сообщение",
    "network": "Соцсеть",
    "author_name": "Автор",
    "author_url": "Ссылка на автора",
    "posted_at": "Дата публикации",
    "external_id": "Идентификатор в сети",
}


def _names(listed: str) -> frozenset[str]:
    return frozenset(listed.split("; "))


# Header names (normalised: lower case, ё → е, words only) that certainly mean a field.
_EXACT: dict[str, frozenset[str]] = {
    "text": _names(
        "текст; текст сообщения; текст публикации; текст поста; текст комментария; "
        "текст упоминания; сообщение; содержание; содержимое; text; message; message text; "
        "content; body; post text"
    ),
    "url": _names(
        "ссылка; ссылка на сообщение; ссылка на публикацию; ссылка на пост; "
        "ссылка на комментарий; ссылка на упоминание; url; url публикации; url сообщения; "
        "адрес; link; permalink; post url"
    ),
    "network": _names(
        "соцсеть; соц сеть; социальная сеть; соцсеть площадка; площадка; сеть; источник; "
        "хост; ресурс; network; social network; platform; source; host"
    ),
    "author_name": _names(
        "автор; имя автора; автор сообщения; автор публикации; пользователь; ник; "
        "author; author name; user; username; nickname"
    ),
    "author_url": _names(
        "ссылка на автора; ссылка на профиль; ссылка на профиль автора; профиль автора; "
        "профиль; url автора; author url; author link; profile; profile url"
    ),
    "posted_at": _names(
        "дата; дата публикации; дата и время; дата и время публикации; время публикации; "
        "дата создания; опубликовано; date; datetime; published; published at; created; "
        "created at; time; timestamp"
    ),
    "external_id": _names(
        "id; ид; идентификатор; id сообщения; id публикации; id поста; external id; "
        "post id; message id"
    ),
}
_AUTHOR = ("автор", "author", "пользовател", "user")
_LINK = ("ссылк", "url", "link", "профил", "profile", "адрес")
_ID = ("id", "ид", "идентификатор", "uid", "guid")
# Word beginnings that probably mean a field, tried in this order: the first rule that fits
# a header decides (so «Ссылка на автора» is the author's link, not the message's).
_LIKELY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("author_name", ("имя", "name", "ник", "nick")),
    ("posted_at", ("дат", "date", "врем", "time", "опубликован", "published", "created")),
    ("network", ("соцсет", "социальн", "площадк", "сеть", "network", "platform", "источник")),
    ("url", ("ссылк", "url", "link", "адрес", "permalink")),
    ("text", ("текст", "text", "сообщени", "message", "содержани", "content", "фрагмент")),
)

_WORDS = re.compile(r"[^\W_]+")


def normalise_header(value: str) -> str:
    """A header as compared: lower case, ё as е, its words separated by one space."""
    return " ".join(_WORDS.findall(value.casefold().replace("ё", "е")))


def _likely_field(header: str) -> str | None:
    words = header.split()

    def has(*stems: str) -> bool:
        return any(w.startswith(s) for w in words for s in stems)

    if has(*_AUTHOR):
        if has(*_LINK):
            return "author_url"
        if any(w in _ID for w in words):
            return None  # the author's id in the network: not a field of ours
        return "author_name"
    if any(w in _ID for w in words):
        return "external_id"
    return next((name for name, stems in _LIKELY if has(*stems)), None)


def guess_mapping(headers: Sequence[str]) -> dict[str, int]:
    """Field → column index, guessed from the header names; a column serves one field.

    A header that is one of a field's known names wins over one that only looks like it;
    among equals the leftmost column wins."""
    candidates: list[tuple[int, int, int, str]] = []
    for index, raw in enumerate(headers):
        header = normalise_header(raw)
        exact = [name for name in FIELDS if header in _EXACT[name]]
        for name in exact:
            candidates.append((0, index, FIELDS.index(name), name))
        likely = None if exact else _likely_field(header)
        if likely is not None:
            candidates.append((1, index, FIELDS.index(likely), likely))
    mapping: dict[str, int] = {}
    for _, index, _, name in sorted(candidates):
        if name not in mapping and index not in mapping.values():
            mapping[name] = index
    return mapping


def headers_key(headers: Sequence[str]) -> str:
    """What identifies "a file with the same columns": its normalised headers in order."""
    joined = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(joined.encode()).hexdigest()


def column_letter(index: int) -> str:
    """The spreadsheet name of a column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds each field, and the network of rows that do not show their own."""

    columns: Mapping[str, int] = field(default_factory=dict)
    network: str = ""  # a code of NETWORKS, or "" (the row must show its network)

    def to_json(self) -> dict[str, Any]:
        """As stored (remembered per organisation)."""
        return {"columns": dict(self.columns), "network": self.network}

    @classmethod
    def from_json(cls, data: Any, width: int) -> ColumnMapping:
        """A stored mapping for a file of `width` columns; whatever does not fit is dropped."""
        if not isinstance(data, Mapping):
            return cls()
        columns = data.get("columns")
        columns = columns if isinstance(columns, Mapping) else {}
        kept = {
            name: index
            for name, index in columns.items()
            if name in FIELDS and isinstance(index, int) and 0 <= index < width
        }
        network = data.get("network")
        return cls(kept, network if network in NETWORKS else "")


def mapping_problems(
    mapping: ColumnMapping, width: int, networks: Mapping[str, str]
) -> dict[str, str]:
    """Why the mapping cannot be used for a file of `width` columns (field → Russian)."""
    problems: dict[str, str] = {}
    if "text" not in mapping.columns:
        problems["text"] = "Выберите столбец с текстом сообщения."
    seen: dict[int, str] = {}
    for name in FIELDS:
        index = mapping.columns.get(name)
        if index is None:
            continue
        if not 0 <= index < width:
            problems[name] = "Такого столбца в файле нет."
        elif index in seen:
            problems[name] = (
                f"Столбец {column_letter(index)} уже выбран для поля «{FIELD_TITLES[seen[index]]}»."
            )
        else:
            seen[index] = name
    if mapping.network and mapping.network not in networks:
        problems["network_default"] = "Выберите сеть из списка."
    return problems


# Network names as monitoring systems write them (normalised), besides the hosts.
_NETWORK_NAMES: dict[str, str] = {
    **{normalise_header(title): code for code, title in NETWORKS.items()},
    **dict.fromkeys(("вк", "vk", "vkontakte", "в контакте", "вконтакте"), "vk"),
    **dict.fromkeys(("ок", "ok", "odnoklassniki", "одноклассники"), "ok"),
    **dict.fromkeys(("телеграм", "телеграмм", "tg", "telegram"), "telegram"),
    **dict.fromkeys(("макс", "max", "мессенджер max"), "max"),
    **dict.fromkeys(("фейсбук", "fb", "facebook"), "facebook"),
    **dict.fromkeys(("твиттер", "x", "twitter"), "twitter"),
    **dict.fromkeys(("инстаграм", "instagram"), "instagram"),
    **dict.fromkeys(("другое", "другой", "other"), "other"),
}


def network_from_name(value: str) -> str | None:
    """The network a cell names («ВКонтакте», «VK», «vk.com», «https://t.me/…»), or None."""
    name = normalise_header(value)
    if not name:
        return None
    if name in _NETWORK_NAMES:
        return _NETWORK_NAMES[name]
    text = value.strip().lower()
    return network_of_url(text if "://" in text else f"https://{text}")


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("января", "январь", "янв"),
            ("февраля", "февраль", "фев"),
            ("марта", "март", "мар"),
            ("апреля", "апрель", "апр"),
            ("мая", "май"),
            ("июня", "июнь", "июн"),
            ("июля", "июль", "июл"),
            ("августа", "август", "авг"),
            ("сентября", "сентябрь", "сен", "сент"),
            ("октября", "октябрь", "окт"),
            ("ноября", "ноябрь", "ноя"),
            ("декабря", "декабрь", "дек"),
        ),
        start=1,
    )
    for name in names
}
_TIME = r"(?:(?:\s*,\s*|\s+в\s+|\s+|t)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
_NUMERIC_DATE = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})" + _TIME)
_WORDED_DATE = re.compile(r"(\d{1,2})\s+([а-я]+)\.?\s+(\d{4})(?:\s*г(?:ода|\.)?)?" + _TIME)
DATE_FORMATS_RU = "ДД.ММ.ГГГГ ЧЧ:ММ, «12 марта 2025 14:30» или ГГГГ-ММ-ДД ЧЧ:ММ"


def parse_posted_at(value: str, tz: tzinfo) -> datetime | None:
    """A publication time as exports write it; a time without a zone is the organisation's.

    Day first (Russian order): 12.03.2025 14:30, 12/03/25, «12 марта 2025 г. в 14:30»; and
    ISO 8601 (2025-03-12 14:30:00, 2025-03-12T11:30:00Z). Empty → None; ValueError (Russian)
    for what is not a date or names a day that does not exist."""
    text = value.strip()
    if not text:
        return None
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _day_first(text.casefold().replace("ё", "е"), value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)


def _day_first(text: str, original: str) -> datetime:
    numeric = _NUMERIC_DATE.fullmatch(text)
    worded = None if numeric else _WORDED_DATE.fullmatch(text)
    match = numeric or worded
    if match is None or (worded is not None and worded[2] not in _MONTHS):
        raise ValueError(
            f"Дата «{original.strip()[:40]}» не распознана: ожидается {DATE_FORMATS_RU}."
        )
    day, month, year = match[1], match[2], match[3]
    month_number = _MONTHS[month] if worded is not None else int(month)
    year_number = int(year) + (2000 if len(year) == 2 else 0)
    try:
        return datetime(
            year_number,
            month_number,
            int(day),
            int(match[4] or 0),
            int(match[5] or 0),
            int(match[6] or 0),
        )
    except ValueError:
        raise ValueError(f"Такой даты нет: «{original.strip()[:40]}».") from None


def _cell(cells: Sequence[str], index: int | None) -> str:
    if index is None or not 0 <= index < len(cells):
        return ""
    return cells[index].strip()


def row_to_raw(
    cells: Sequence[str], mapping: ColumnMapping, tz: tzinfo
) -> tuple[dict[str, Any], dict[str, str]]:
    """The row as intake input, and what is wrong with it already (network, date)."""
    value = {name: _cell(cells, mapping.columns.get(name)) for name in FIELDS}
    raw: dict[str, Any] = {
        name: value[name] for name in ("text", "url", "author_name", "author_url", "external_id")
    }
    errors: dict[str, str] = {}
    network = (
        network_from_name(value["network"])
        or network_of_url(value["url"])
        or mapping.network
        or None
    )
    if network is not None:
        raw["network"] = network
    elif value["network"]:
        errors["network"] = (
            f"Соцсеть «{value['network'][:60]}» не распознана: укажите сеть для строк без сети "
            "или исправьте столбец."
        )
    else:
        errors["network"] = "Соцсеть не указана: выберите сеть для строк без сети."
    try:
        raw["posted_at"] = parse_posted_at(value["posted_at"], tz)
    except ValueError as error:
        errors["posted_at"] = str(error)
    return raw, errors


def incoming_from_row(
    cells: Sequence[str],
    mapping: ColumnMapping,
    tz: tzinfo,
    now: datetime,
    accepted: frozenset[str],
    networks_clause: str = "",
) -> IncomingMessage:
    """One row of the file as a validated message; IntakeError with every problem of it."""
    raw, errors = row_to_raw(cells, mapping, tz)
    try:
        message = validate_incoming(raw, now, accepted, networks_clause)
    except IntakeError as error:
        raise IntakeError({**error.errors, **errors}) from None
    if errors:
        raise IntakeError(errors)
    return message


def row_problem_ru(errors: Mapping[str, str], mapping: ColumnMapping) -> str:
    """What is wrong with a row, each problem with its field and column."""
    parts = []
    for name in (*FIELDS, *sorted(set(errors) - set(FIELDS))):
        if name not in errors:
            continue
        index = mapping.columns.get(name)
        where = f" (столбец {column_letter(index)})" if index is not None else ""
        parts.append(f"{FIELD_TITLES.get(name, name)}{where}: {errors[name]}")
    return " ".join(parts)
