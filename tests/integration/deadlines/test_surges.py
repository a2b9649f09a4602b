"""Surges by topic or address over the same weekday-hours of earlier weeks, the alert with
the messages' excerpts, and the immediate report from it (Penza p.21, Parfino p.24)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.db.tables import ActivityAlert, Message, Organisation
from app.notify.notifications import Kind
from tests.integration.cases_helpers import MSK, Clock, org_id
from tests.integration.timers_helpers import (
    notes,
    pooled,  # noqa: F401 — fixture
    sweep_at,
    user_id,
)

pytestmark = pytest.mark.usefixtures("demo")

LENINA = "ул. Ленина, 5"
MONDAY = datetime(2025, 3, 17, 12, 0, tzinfo=MSK)  # the sweep runs at 15:15 that Monday
SWEEP = MONDAY.replace(hour=15, minute=15)


async def insert(slug: str, times: list[datetime], text: str, **values: object) -> list[int]:
    organisation = await org_id(slug)
    rows = await Message.insert(
        *[
            Message(
                organisation=organisation,
                network="vk" if i % 2 else "ok",
                text=f"{text} ({i})",
                author_name=f"Житель {i}",
                collected_at=t,
                dedup_key=f"{text}-{t.isoformat()}-{i}",
                **values,
            )
            for i, t in enumerate(times)
        ]
    ).returning(Message.id)
    return [r["id"] for r in rows]


def mondays_before(n: int, count: int) -> list[datetime]:
    """`count` messages at noon on each of the `n` Mondays before MONDAY."""
    return [
        MONDAY - timedelta(weeks=k) + timedelta(minutes=m)
        for k in range(1, n + 1)
        for m in range(count)
    ]


async def test_a_surge_at_one_address_raises_one_alert_listing_the_messages() -> None:
    clock = Clock(SWEEP)
    await insert("penza", mondays_before(4, 1), "Течёт крыша", places=[LENINA])
    surge = await insert(
        "penza",
        [MONDAY + timedelta(minutes=5 * i) for i in range(6)],
        "Вода льётся с потолка в подъезде",
        places=[LENINA],
    )
    # A steady address (three every Monday noon, three now) and a steady topic never alert.
    await insert("penza", mondays_before(4, 3), "Яма", places=["ул. Мира, 1"])
    await insert(
        "penza", [MONDAY + timedelta(minutes=i) for i in range(3)], "Яма", places=["ул. Мира, 1"]
    )
    await insert("penza", mondays_before(4, 8), "Снег", topics=["Снег"])
    await insert(
        "penza", [MONDAY + timedelta(minutes=i) for i in range(8)], "Снег", topics=["Снег"]
    )
    await sweep_at(clock, SWEEP)
    await sweep_at(clock, SWEEP + timedelta(minutes=1))
    [alert] = await ActivityAlert.select()
    assert (alert["place"], alert["topic"], alert["message_count"]) == (LENINA, "", 6)
    assert alert["usual"] == 1 and alert["reason"] == "rate"
    assert (
        sorted(alert["message_ids"]) == sorted(surge)
        if isinstance(alert["message_ids"], list)
        else True
    )
    [note] = [n for n in await notes() if n["kind"] == Kind.ACTIVITY]
    assert note["user"] == await user_id("penza-specialist")
    assert f"по адресу «{LENINA}»" in note["title"]
    assert "«Вода льётся с потолка в подъезде (0)»" in note["body"] and "и ещё 3" in note["body"]
    assert "п. 21 Положения" in note["body"]


async def test_parfino_topic_over_its_mondays_alerts_but_the_same_count_each_week_not() -> None:
    clock = Clock(SWEEP)
    await insert("parfino", mondays_before(4, 6), "Отопление", topics=["Отопление"])
    await insert(
        "parfino",
        [MONDAY + timedelta(minutes=i) for i in range(6)],
        "Отопление",
        topics=["Отопление"],
    )
    await sweep_at(clock, SWEEP)
    assert await ActivityAlert.count() == 0
    await insert(
        "parfino",
        [MONDAY + timedelta(minutes=30 + i) for i in range(14)],
        "Батареи холодные",
        topics=["Отопление"],
    )
    await sweep_at(clock, SWEEP + timedelta(minutes=2))
    [alert] = await ActivityAlert.select()
    assert (alert["topic"], alert["message_count"], alert["usual"]) == ("Отопление", 20, 6)
    assert "п. 24" in next(n for n in await notes() if n["kind"] == Kind.ACTIVITY)["body"]


async def test_older_fixed_threshold_settings_still_apply() -> None:
    clock = Clock(SWEEP)
    penza = await org_id("penza")
    await Organisation.update(
        {Organisation.alert_settings: {"activity": {"threshold": 8, "baseline_days": 28}}}
    ).where(Organisation.id == penza)
    await insert("penza", mondays_before(4, 8), "Снег", topics=["Снег"])
    await insert(
        "penza", [MONDAY + timedelta(minutes=i) for i in range(8)], "Снег", topics=["Снег"]
    )
    await sweep_at(clock, SWEEP)
    [alert] = await ActivityAlert.select()
    assert alert["reason"] == "threshold" and alert["topic"] == "Снег"
