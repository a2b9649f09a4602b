"""Copies of one complaint grouped in «Новые» and decided together; a surge at one address
with its messages' excerpts and the immediate report offered (issue #15, items 5–6)."""

from __future__ import annotations

import random
import re
from datetime import timedelta

from playwright.sync_api import expect

from conftest import run_async
from e2e.conftest import screenshot
from e2e.pages import CasePage


def _tag() -> str:
    # Letters only: a digit would count as a house number and part the copies.
    return "".join(random.choice("абвгдежзиклмн") for _ in range(8))


async def _two_copies(text: str) -> tuple[int, int]:
    from app.domain.intake import validate_incoming
    from app.identity.organisations import organisation_id_by_slug
    from app.intake.messages import intake_message
    from app.journal.events import EventActor

    org = await organisation_id_by_slug("penza")
    ids = []
    for network, author in (("vk", "Дмитрий Орлов"), ("ok", "Светлана Орлова")):
        raw = {"network": network, "text": text, "author_name": author}
        message_id, _ = await intake_message(org, validate_incoming(raw), EventActor.system())
        ids.append(message_id)
    return ids[0], ids[1]


async def _surge(place: str) -> int:
    from app.core import clock
    from app.db.tables import ActivityAlert, Message
    from app.deadlines.sweep import sweep
    from app.identity.organisations import organisation_id_by_slug, organisation_rules

    rules = await organisation_rules(await organisation_id_by_slug("penza"))
    now = clock.now()
    start = rules.calendar.add(now, -timedelta(hours=4))
    texts = [
        "Во дворе прорвало трубу, вода хлещет прямо на детскую площадку",
        "Пахнет газом в подъезде, вызвали аварийку, никто не едет",
        "Из-за прорыва трубы нет воды во всём доме",
        "Дети не могут пройти в школу: двор затоплен",
        "Подвал залит кипятком, пар идёт из окон",
        "Когда починят трубу? Уже несколько часов без воды",
    ]
    await Message.insert(
        *[
            Message(
                organisation=rules.id,
                network="vk",
                text=text,
                author_name=f"Житель {i + 1}",
                collected_at=start + (now - start) * (i + 1) / (len(texts) + 1),
                places=[place],
                dedup_key=f"surge-{place}-{i}",
            )
            for i, text in enumerate(texts)
        ]
    )
    await sweep()
    alert = await ActivityAlert.select(ActivityAlert.id).where(ActivityAlert.place == place).first()
    assert alert is not None
    return int(alert["id"])


def test_copies_are_grouped_in_new_and_the_copy_is_decided_like_the_first(people) -> None:
    text = f"Когда отремонтируют дорогу на улице Стасова? Ямы глубиной по колено {_tag()}"
    vk, ok = run_async(lambda: _two_copies(text))
    specialist = people("penza-specialist")
    specialist.goto("/o/penza/specialist")
    ok_row = specialist.locator(f'li[data-message-id="{ok}"]')
    expect(ok_row.get_by_test_id("copy")).to_contain_text(f"то же сообщение в ВКонтакте: №{vk}")
    vk_row = specialist.locator(f'li[data-message-id="{vk}"]')
    expect(vk_row.get_by_test_id("copy")).to_contain_text(f"копия в Одноклассниках: №{ok}")
    ok_row.scroll_into_view_if_needed()
    screenshot(specialist, "new-copies")
    CasePage(specialist).open("penza", vk).mark("Дороги")
    specialist.goto("/o/penza/specialist")
    ok_row = specialist.locator(f'li[data-message-id="{ok}"]')
    with specialist.expect_response(lambda r: r.request.method == "POST"):
        ok_row.get_by_test_id("as-copy").click()
    result = specialist.locator(f'[data-testid="new-row-result"][data-message-id="{ok}"]')
    expect(result).to_contain_text("Направляется исполнителям")


def test_a_surge_at_one_address_lists_the_messages_and_offers_the_report(people) -> None:
    place = f"ул. Тестовая, дом {_tag()}"
    alert_id = run_async(lambda: _surge(place))
    specialist = people("penza-specialist")
    specialist.goto(f"/o/penza/activity/{alert_id}")
    expect(specialist.get_by_role("heading", level=1)).to_contain_text(f"по адресу «{place}»")
    expect(specialist.get_by_test_id("activity-excerpt")).to_have_count(6)
    expect(specialist.get_by_test_id("activity-messages")).to_contain_text("Пахнет газом")
    comment = specialist.get_by_test_id("immediate-comment")
    expect(comment).to_be_visible()
    expect(comment).to_have_value(
        re.compile(rf"^Повышенная активность по адресу «{re.escape(place)}»")
    )
    screenshot(specialist, "activity-by-address")


async def _placed_pair(place: str) -> tuple[int, int]:
    from app.db.tables import Message
    from app.domain.intake import validate_incoming
    from app.identity.organisations import organisation_id_by_slug
    from app.intake.messages import intake_message
    from app.journal.events import EventActor

    org = await organisation_id_by_slug("parfino")
    ids = []
    for text, author in (
        ("Не вывозят мусор с контейнерной площадки, всё переполнено", "Анна Егорова"),
        ("Когда уберут площадку с баками? Крысы бегают", "Олег Носов"),
    ):
        raw = {"network": "ok", "text": text, "author_name": author}
        message_id, _ = await intake_message(org, validate_incoming(raw), EventActor.system())
        # Screening fills places (another part of issue #15); here they are set directly.
        await Message.update({Message.places: [place]}).where(Message.id == message_id)
        ids.append(message_id)
    return ids[0], ids[1]


def test_parfino_repeat_by_address_is_linked_and_its_procedure_offered(people) -> None:
    place = f"д. Парфино, ул. Карла Маркса, {_tag()}"
    earlier, repeat = run_async(lambda: _placed_pair(place))
    specialist = people("parfino-specialist")
    case = CasePage(specialist).open("parfino", repeat)
    suggestions = specialist.get_by_test_id("repeat-suggestions")
    expect(suggestions).to_contain_text(f"тот же адрес: {place}")
    suggestions.locator(f'input[value="{earlier}"]').check()
    case.mark("ЖКХ")
    expect(specialist.get_by_test_id("repeat-procedure")).to_contain_text("Парфино-2020, п. 18")
    expect(specialist.get_by_test_id("repeat-next")).to_contain_text(
        "Передать ответственному работнику"
    )
    screenshot(specialist, "repeat-procedure-parfino")
