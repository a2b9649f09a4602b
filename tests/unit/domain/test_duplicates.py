"""Near-duplicates: the same complaint posted twice is one, two complaints stay two."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.domain.screening.duplicates import (
    MAX_WORDS,
    Fingerprint,
    fingerprint,
    first_copy,
    near_duplicate,
    similarity,
)
from app.screening.morphology import lemma

VK = "Уже неделю не горят фонари на улице Мира возле школы, детям страшно ходить вечером"


def fp(text: str) -> Fingerprint:
    return fingerprint(text, lemma)


def test_the_same_complaint_in_another_network_is_a_copy() -> None:
    ok = "Уже неделю не горят фонари на улице Мира возле школы! Детям страшно ходить вечером."
    assert near_duplicate(fp(VK), fp(ok))
    assert similarity(fp(VK), fp(ok)) == 1.0


def test_inflection_and_small_edits_keep_a_copy_a_copy() -> None:
    edited = "Уже неделю не горит фонарь на улице Мира возле школы, детям страшно ходить вечером!!"
    assert near_duplicate(fp(VK), fp(edited))


def test_two_complaints_on_one_subject_are_not_copies() -> None:
    other = "На улице Мира фонари горят через один, а у школы темно, почините освещение"
    assert not near_duplicate(fp(VK), fp(other))
    assert similarity(fp(VK), fp(other)) < 0.3


def test_another_house_number_is_another_complaint() -> None:
    five = "Нет горячей воды в доме по улице Ленина, 5 уже третий день, никто не отвечает"
    seven = "Нет горячей воды в доме по улице Ленина, 7 уже третий день, никто не отвечает"
    assert not near_duplicate(fp(five), fp(seven))
    assert near_duplicate(fp(five), fp(five.upper()))
    assert not near_duplicate(fp(five.replace("5", "5а")), fp(five.replace("5", "7а")))


def test_short_texts_must_match_exactly() -> None:
    assert not near_duplicate(fp("Когда уберут снег?"), fp("Когда уберут мусор?"))
    assert near_duplicate(fp("Когда уберут снег?"), fp("когда уберут снег"))
    assert not near_duplicate(fp(""), fp(""))


def test_first_copy_is_the_most_similar_earlier_message() -> None:
    edited = "Уже неделю не горят фонари на улице Мира у школы, детям страшно ходить вечером"
    earlier = [(1, fp("Яма на дороге у рынка, пробил колесо")), (2, fp(edited)), (3, fp(VK))]
    assert first_copy(fp(VK + "!"), earlier) == 3
    assert first_copy(fp("Совсем другое сообщение про парк и лавочки в нём"), earlier) is None


def test_the_cost_is_bounded() -> None:
    long = fp("слово " * 50_000)
    assert long.words == MAX_WORDS


@given(st.text(max_size=300))
def test_a_text_is_a_copy_of_itself_and_similarity_is_symmetric(text: str) -> None:
    a, b = fp(text), fp(text + " дополнение к тексту сообщения")
    assert similarity(a, b) == similarity(b, a)
    assert 0.0 <= similarity(a, b) <= 1.0
    if a.shingles:
        assert near_duplicate(a, fp(text))


def test_among_the_demo_messages_only_the_posted_twice_complaint_is_a_copy() -> None:
    from app.demo.cases_data import DEMO_CASES

    pairs = [
        (a.text, b.text)
        for cases in DEMO_CASES.values()
        for i, a in enumerate(cases)
        for b in cases[i + 1 :]
        if near_duplicate(fp(a.text), fp(b.text))
    ]
    assert [a[:40] for a, _ in pairs] == ["Когда отремонтируют дорогу на ул. Стасов"]
