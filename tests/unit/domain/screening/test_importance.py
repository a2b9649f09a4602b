"""Importance suggestion (Parfino p.9): «high» for urgent or socially significant messages."""

from __future__ import annotations

import pytest

from app.screening.detectors import suggest_importance


@pytest.mark.parametrize(
    ("text", "criterion"),
    [
        ("Нет воды третий день!", "отключение воды, тепла, света или газа"),
        ("Воды нет с утра, дети не умыты", "отключение воды, тепла, света или газа"),
        ("Отключили отопление во всём доме", "отключение воды, тепла, света или газа"),
        ("В подвале прорвало трубу, всё в пару", "авария на сетях"),
        ("Из-под асфальта бьёт вода", "авария на сетях"),
        ("Дети идут на дороге без тротуара", "дети в опасности"),
        ("У школы нет перехода, дети перебегают дорогу", "дети в опасности"),
        ("Обрушился балкон на третьем этаже", "подтопление, обрушение"),
        ("Пахнет газом в подъезде", "пожар, газ, взрыв"),
        ("Пожар в соседнем доме", "пожар, газ, взрыв"),
        ("Подтопило подвалы на улице Мира", "подтопление, обрушение"),
        ("Провода оборваны и лежат на земле", "авария на сетях"),
        ("Скорая не смогла подъехать к подъезду", "угроза жизни и здоровью"),
    ],
)
def test_urgent_messages_are_high_with_the_words_that_made_them(text: str, criterion: str) -> None:
    importance, evidence = suggest_importance(text)
    assert importance == "high"
    assert criterion in {e.why_ru for e in evidence}
    for e in evidence:
        assert e.code == "importance"
        assert text[e.start : e.end] == e.fragment


@pytest.mark.parametrize(
    "text",
    [
        "Ямы во дворе, когда засыплют?",
        "Когда покрасят лавочки на детской площадке?",
        "Мусор не вывозят неделю",
        "Фонарь мигает всю ночь",
        "Почему убрали остановку?",
        "Спасибо дворникам за чистоту",
        "Как оформить пособие на ребёнка?",
    ],
)
def test_ordinary_messages_stay_normal(text: str) -> None:
    assert suggest_importance(text) == ("normal", ())
