"""Time zones of Russia as a person reads them: «Москва, МСК» or «Екатеринбург, МСК+2 (UTC+5)».

Source: Federal law of 03.06.2011 No. 107-FZ «Об исчислении времени», art. 5 (the zones of
Russia, counted from Moscow time «МСК»); the city is the zone's IANA name in Russian.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

ZONE_CITIES: dict[str, str] = {
    "Europe/Kaliningrad": "Калининград",
    "Europe/Moscow": "Москва",
    "Europe/Simferopol": "Симферополь",
    "Europe/Volgograd": "Волгоград",
    "Europe/Kirov": "Киров",
    "Europe/Samara": "Самара",
    "Europe/Astrakhan": "Астрахань",
    "Europe/Saratov": "Саратов",
    "Europe/Ulyanovsk": "Ульяновск",
    "Asia/Yekaterinburg": "Екатеринбург",
    "Asia/Omsk": "Омск",
    "Asia/Novosibirsk": "Новосибирск",
    "Asia/Barnaul": "Барнаул",
    "Asia/Tomsk": "Томск",
    "Asia/Novokuznetsk": "Новокузнецк",
    "Asia/Krasnoyarsk": "Красноярск",
    "Asia/Irkutsk": "Иркутск",
    "Asia/Chita": "Чита",
    "Asia/Yakutsk": "Якутск",
    "Asia/Vladivostok": "Владивосток",
    "Asia/Sakhalin": "Сахалин",
    "Asia/Magadan": "Магадан",
    "Asia/Srednekolymsk": "Среднеколымск",
    "Asia/Kamchatka": "Петропавловск-Камчатский",
    "Asia/Anadyr": "Анадырь",
}
MOSCOW_OFFSET = timedelta(hours=3)


def _hours(delta: timedelta) -> str:
    """A signed offset in hours: «+3», «−1», «+5:30»."""
    sign = "+" if delta >= timedelta(0) else "−"
    hours, minutes = divmod(abs(int(delta.total_seconds())) // 60, 60)
    return f"{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def zone_short(name: str, at: datetime) -> str:
    """«МСК», «МСК+2», «МСК−1»: the zone against Moscow time at the instant `at`."""
    offset = at.astimezone(ZoneInfo(name)).utcoffset() or timedelta(0)
    diff = offset - MOSCOW_OFFSET
    return "МСК" if not diff else f"МСК{_hours(diff)}"


def zone_title(name: str, at: datetime) -> str:
    """«Москва, МСК (UTC+3)»; a zone without a Russian name: «UTC+5»."""
    offset = at.astimezone(ZoneInfo(name)).utcoffset() or timedelta(0)
    utc = f"UTC{_hours(offset)}"
    city = ZONE_CITIES.get(name)
    return f"{city}, {zone_short(name, at)} ({utc})" if city else utc
