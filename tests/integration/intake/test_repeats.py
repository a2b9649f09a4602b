"""Earlier messages on the same question: by author, thread and Russian full-text search."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import actions as cases
from app.core.errors import UserError
from app.domain.regulation.model import RefusalReason
from app.intake.repeats import earlier_cases, significant_words
from tests.integration.cases_helpers import MSK, Clock, new_message, org_id, person

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 3, 17, 10, 0, tzinfo=MSK))


async def found(slug: str, message_id: int) -> list[tuple[int, list[str]]]:
    return [(r.id, r.why) for r in await earlier_cases(await org_id(slug), message_id)]


def test_significant_words_drop_generic_complaint_words_and_are_bounded() -> None:
    assert significant_words("Опять не горят фонари, я уже писал! 12345") == [
        "горят",
        "фонари",
        "уже",
    ]
    many = " ".join(a + b + "ка" for a in "абвгдежз" for b in "абвгдежз")
    assert len(significant_words(many)) == 40


async def test_similar_text_is_found_through_russian_stemming(clock: Clock) -> None:
    earlier = await new_message(
        "penza", "На улице Мира не горят фонари уже неделю", author_name="А"
    )
    await new_message("penza", "В школе №5 холодно, батареи еле тёплые", author_name="Б")
    clock.advance(hours=3)
    repeat = await new_message("penza", "Фонарей на Мира так и нет, снова темно", author_name="В")
    assert await found("penza", repeat) == [(earlier, ["text"])]


async def test_same_author_and_same_thread_are_found_and_ranked_first(clock: Clock) -> None:
    text_only = await new_message(
        "penza", "Яма на дороге по улице Ленина, колесо пробил", author_name="А"
    )
    clock.advance(minutes=5)
    by_author = await new_message(
        "penza", "Когда уберут снег во дворе?", author_url="https://vk.com/id42", author_name="Б"
    )
    clock.advance(minutes=5)
    in_thread = await new_message(
        "penza", "Поддерживаю!", url="https://vk.com/wall-1_100?reply=7", author_name="Сосед"
    )
    clock.advance(minutes=5)
    repeat = await new_message(
        "penza",
        "Яма на дороге Ленина до сих пор не заделана",
        author_url="https://vk.com/id42",
        url="https://vk.com/wall-1_100?reply=9",
        author_name="В",
    )
    assert await found("penza", repeat) == [
        (in_thread, ["url"]),
        (by_author, ["author"]),
        (text_only, ["text"]),
    ]


async def test_refused_later_own_and_other_organisations_messages_are_excluded(
    clock: Clock,
) -> None:
    refused = await new_message("penza", "Фонари не горят, всех уволить!", author_name="Г")
    specialist = await person("penza-specialist", "penza")
    await cases.refuse(specialist, refused, 1, RefusalReason.NO_REACTION)
    await new_message("parfino", "Не горят фонари у магазина", author_name="Д")
    clock.advance(hours=1)
    message_id = await new_message("penza", "Не горят фонари у школы", author_name="Е")
    clock.advance(hours=1)
    await new_message("penza", "Фонари у школы так и не горят", author_name="Ж")  # later
    assert await found("penza", message_id) == []
    with pytest.raises(UserError, match="не найдено"):
        await earlier_cases(await org_id("parfino"), message_id)


async def test_untrusted_text_is_a_parameter_and_the_result_is_bounded(clock: Clock) -> None:
    hostile = "не горят фонари'); DROP TABLE message; -- | & ! :* <-> " + "фонари " * 2_000
    earlier = await new_message("penza", hostile, author_name="З")
    clock.advance(minutes=1)
    message_id = await new_message("penza", "не горят фонари ' \\ {} %s $1", author_name="И")
    rows = await earlier_cases(await org_id("penza"), message_id, limit=1_000)
    assert [r.id for r in rows] == [earlier]
    assert len(rows[0].excerpt) <= 200 and rows[0].why_ru == "похожий текст"
