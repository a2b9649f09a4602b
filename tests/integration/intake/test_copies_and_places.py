"""Repeats by address and copies of one complaint (Penza p.15, Parfino p.18; issue #15)."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import actions as cases
from app.db.tables import Message
from app.domain.regulation.model import Importance, RefusalReason
from app.intake.repeats import earlier_cases
from tests.integration.cases_helpers import MSK, Clock, message, new_message, org_id, person
from tests.integration.conftest import csrf_token, sign_in

pytestmark = pytest.mark.usefixtures("demo")

LAMPS = "Уже неделю не горят фонари на улице Мира возле школы, детям страшно ходить вечером"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 3, 17, 10, 0, tzinfo=MSK))


async def placed(message_id: int, *places: str) -> None:
    # Places come from screening (another part of issue #15); tests set them directly.
    await Message.update({Message.places: list(places)}).where(Message.id == message_id)


async def test_penza_p15_repeat_by_address_is_offered_with_its_reason_and_procedure(
    client, clock: Clock
) -> None:
    earlier = await new_message("penza", "Течёт крыша, заливает подъезд", author_name="Анна")
    await placed(earlier, "ул. Ленина, 5")
    await new_message("penza", "Во дворе на Чкалова сломаны качели", author_name="Борис")
    clock.advance(hours=5)
    repeat = await new_message("penza", "Когда отремонтируют кровлю?", author_name="Вера")
    await placed(repeat, "ул. Ленина, 5", "ул. Мира, 1")
    [found] = await earlier_cases(await org_id("penza"), repeat)
    assert (found.id, found.why, found.why_ru) == (
        earlier,
        ["place"],
        "тот же адрес: ул. Ленина, 5",
    )
    await sign_in(client, "penza-specialist")
    page = await client.get(f"/o/penza/cases/{repeat}")
    assert 'data-testid="repeat-suggestions"' in page.text
    assert f'href="/o/penza/cases/{earlier}' in page.text
    assert '<span data-testid="repeat-why">тот же адрес: ул. Ленина, 5</span>' in page.text
    specialist = await person("penza-specialist", "penza")
    await cases.mark_for_reaction(specialist, repeat, 1, ["ЖКХ"], Importance.NORMAL, earlier)
    page = await client.get(f"/o/penza/cases/{repeat}")
    assert f"/o/penza/cases/{earlier}" in page.text
    assert 'data-testid="repeat-procedure"' in page.text
    assert "Порядок (Пенза-2020, п. 15)" in page.text
    assert "Специалист направляет в структурные подразделения" in page.text
    assert "о принятых мерах или о ходе решения вопроса" in page.text
    assert "Следующий шаг — «Направить исполнителям»" in page.text


async def test_parfino_p18_repeat_goes_through_the_coordinator(client, clock: Clock) -> None:
    earlier = await new_message("parfino", "Не вывозят мусор с площадки", author_name="Анна")
    await placed(earlier, "д. Парфино, ул. Карла Маркса, 60")
    clock.advance(hours=2)
    repeat = await new_message("parfino", "Контейнеры переполнены", author_name="Олег")
    await placed(repeat, "д. Парфино, ул. Карла Маркса, 60")
    specialist = await person("parfino-specialist", "parfino")
    await cases.mark_for_reaction(specialist, repeat, 1, ["Мусор"], Importance.NORMAL, earlier)
    await sign_in(client, "parfino-specialist")
    page = await client.get(f"/o/parfino/cases/{repeat}")
    assert "Порядок (Парфино-2020, п. 18)" in page.text
    assert "направляет ответственному работнику для перенаправления" in page.text
    assert "Следующий шаг — «Передать ответственному работнику»" in page.text


async def test_a_copy_in_another_network_is_grouped_in_new_and_decided_the_same_way(
    client, clock: Clock
) -> None:
    vk = await new_message("penza", LAMPS, author_name="Ирина", network="vk")
    clock.advance(minutes=20)
    ok = await new_message("penza", LAMPS + "!", author_name="Ирина П.", network="ok")
    other = await new_message("penza", "Фонари на Мира горят через один", author_name="Пётр")
    assert (await message(ok))["duplicate_of"] == vk
    assert (await message(other))["duplicate_of"] is None
    # The copy offers its first one as a repeat too, with the reason.
    [first, *_] = await earlier_cases(await org_id("penza"), ok)
    assert first.id == vk and first.why[0] == "copy"
    assert first.why_ru.startswith("то же сообщение в ВКонтакте")

    await sign_in(client, "penza-specialist")
    queue = await client.get("/o/penza/specialist")
    assert f'то же сообщение в ВКонтакте: <a href="/o/penza/cases/{vk}' in queue.text
    assert "копия в Одноклассниках" in queue.text
    assert 'data-testid="as-copy"' not in queue.text  # №vk is not decided yet

    specialist = await person("penza-specialist", "penza")
    await cases.mark_for_reaction(specialist, vk, 1, ["Освещение"], Importance.HIGH)
    queue = await client.get("/o/penza/specialist")
    assert f"Решить так же, как №{vk}" in queue.text
    token = await csrf_token(client)
    response = await client.post(
        f"/o/penza/cases/{ok}/as-copy",
        data={"version": "1"},
        headers={"x-csrftoken": token, "HX-Request": "true", "HX-Target": f"new-row-{ok}"},
    )
    assert response.status_code == 200, response.text
    decided = await message(ok)
    assert decided["state"] != "collected" and decided["importance"] == "high"
    assert decided["topics"] == ["Освещение"] and decided["repeat_of"] is None


async def test_a_refused_first_copy_refuses_its_copy_on_the_same_ground(clock: Clock) -> None:
    abuse = "Вы там все бездельники и воры, сколько можно терпеть это безобразие в городе"
    first = await new_message("penza", abuse, author_name="Аноним", network="vk")
    copy = await new_message("penza", abuse, author_name="Аноним 2", network="vk")
    specialist = await person("penza-specialist", "penza")
    with pytest.raises(cases.CaseError, match=f"Сначала примите решение по сообщению № {first}"):
        await cases.decide_as_copy(specialist, copy, 1)
    await cases.refuse(specialist, first, 1, RefusalReason.INSULTING, "Оскорбления")
    await cases.decide_as_copy(specialist, copy, 1)
    row = await message(copy)
    assert (row["state"], row["refusal_reason"], row["refusal_comment"]) == (
        "refused",
        "insulting_language",
        "Оскорбления",
    )
    with pytest.raises(cases.CaseError, match="не копия"):
        await cases.decide_as_copy(specialist, first, 2)


async def test_copies_stay_within_the_organisation_and_the_house_number(
    client, clock: Clock
) -> None:
    five = "Нет горячей воды в доме по улице Ленина, 5 уже третий день, никто не отвечает"
    in_penza = await new_message("penza", five)
    in_parfino = await new_message("parfino", five)
    seven = await new_message("penza", five.replace("5", "7"))
    assert (await message(in_parfino))["duplicate_of"] is None
    assert (await message(seven))["duplicate_of"] is None
    again = await new_message("penza", five, network="ok")
    assert (await message(again))["duplicate_of"] == in_penza
    # Only the organisation's specialist may decide a copy.
    await sign_in(client, "penza-executor")
    token = await csrf_token(client)
    refused = await client.post(
        f"/o/penza/cases/{again}/as-copy", data={"version": "1"}, headers={"x-csrftoken": token}
    )
    assert refused.status_code == 403
    await client.post("/logout", headers={"x-csrftoken": token})
    await sign_in(client, "parfino-specialist")
    token = await csrf_token(client)
    other_org = await client.post(
        f"/o/penza/cases/{again}/as-copy", data={"version": "1"}, headers={"x-csrftoken": token}
    )
    assert other_org.status_code == 403
    elsewhere = await client.post(
        f"/o/parfino/cases/{again}/as-copy", data={"version": "1"}, headers={"x-csrftoken": token}
    )
    assert elsewhere.status_code == 404
    assert (await message(again))["state"] == "collected"
