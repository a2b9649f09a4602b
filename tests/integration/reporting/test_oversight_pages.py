"""The official's violations register, the bell and notification pages over HTTP."""

from __future__ import annotations

import pytest

from app.cases import actions as cases
from app.deadlines.sweep import sweep
from app.domain.regulation.model import Importance
from app.notify.notifications import Kind, NewNotification, create_notifications
from tests.integration.cases_helpers import MSK, Clock, new_message, person
from tests.integration.conftest import csrf_token, sign_in

pytestmark = pytest.mark.usefixtures("demo")


async def test_official_sees_a_missed_route_step_in_the_register(client) -> None:
    from datetime import datetime

    clock = Clock(datetime(2025, 3, 17, 10, 0, tzinfo=MSK))
    specialist = await person("penza-specialist", "penza")
    message_id = await new_message("penza", "Яма во дворе, уже неделю")
    await cases.mark_for_reaction(specialist, message_id, 1, ["Дороги"], Importance.NORMAL)
    clock.set(datetime(2025, 3, 17, 16, 0, tzinfo=MSK))  # routing (p.8, 2 h) was due 12:48
    await sweep()
    await sign_in(client, "penza-official")
    page = await client.get("/o/penza/violations?month=2025-03")
    assert page.status_code == 200
    assert "Направление исполнителям" in page.text and "п. 8" in page.text
    assert f"/o/penza/cases/{message_id}" in page.text
    other_month = await client.get("/o/penza/violations?month=2025-04")
    assert "Нарушений не найдено" in other_month.text
    garbage = await client.get("/o/penza/violations?month=<script>&step=x&department=y")
    assert garbage.status_code == 200 and "<script>" not in garbage.text


async def test_bell_counts_unread_and_mark_read_clears_it(client) -> None:
    from app.db.tables import User

    await sign_in(client, "penza-head")
    head = await User.objects().where(User.login == "penza-head").first()
    await create_notifications(
        [
            NewNotification(head.id, Kind.ACTIVITY, f"Сигнал {i}", "Тело", "/o/penza/head", f"t{i}")
            for i in range(3)
        ]
    )
    bell = await client.get("/notifications/bell")
    assert 'data-unread="3"' in bell.text
    listing = await client.get("/notifications")
    assert "Сигнал 2" in listing.text
    token = await csrf_token(client)
    await client.post("/notifications/read", data={"all": "1", "_csrf_token": token})
    assert 'data-unread="0"' in (await client.get("/notifications/bell")).text


async def test_email_preference_is_saved_per_kind(client) -> None:
    from app.db.tables import User
    from app.notify.notifications import preferences

    await sign_in(client, "parfino-official")
    token = await csrf_token(client)
    response = await client.post(
        "/notifications/settings",
        data={"email_warning": "1", "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code in (302, 303)
    user = await User.objects().where(User.login == "parfino-official").first()
    chosen = await preferences(user.id)
    assert chosen[Kind.WARNING] is True and chosen[Kind.VIOLATION] is False


async def test_penza_p15_repeat_case_page_links_the_earlier_case_and_asks_for_measures(
    client,
) -> None:
    from datetime import datetime

    from app.cases.actions import RouteTarget
    from tests.integration.cases_helpers import department

    Clock(datetime(2025, 3, 17, 10, 0, tzinfo=MSK))
    specialist = await person("penza-specialist", "penza")
    earlier = await new_message("penza", "Не горят фонари на ул. Мира", author_name="Ольга")
    repeat = await new_message("penza", "Фонари на ул. Мира так и не горят", author_name="Ольга")
    await sign_in(client, "penza-specialist")
    screening = await client.get(f"/o/penza/cases/{repeat}")
    assert 'data-testid="repeat-suggestions"' in screening.text
    assert f'value="{earlier}"' in screening.text
    await cases.mark_for_reaction(specialist, repeat, 1, ["ЖКХ"], Importance.NORMAL, earlier)
    housing = await department("penza", "Управление жилищно")
    await cases.route(specialist, repeat, 2, [RouteTarget(housing, "ЖКХ")])
    await client.post("/logout", headers={"x-csrftoken": await csrf_token(client)})
    await sign_in(client, "penza-executor")
    page = await client.get(f"/o/penza/cases/{repeat}")
    assert f"/o/penza/cases/{earlier}" in page.text
    assert "сообщите о принятых мерах" in page.text
