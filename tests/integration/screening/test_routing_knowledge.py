"""Department and topic suggestions learned per organisation (table routing_knowledge)."""

from __future__ import annotations

import pytest

from app.db.tables import RoutingKnowledge
from app.screening.routing import learn_routing, suggest_routing
from tests.integration.cases_helpers import org_id

pytestmark = pytest.mark.usefixtures("demo")

HOUSING = "Управление жилищно-коммунального хозяйства"
TRANSPORT = "Управление транспорта и связи"
CULTURE = "Управление культуры"


async def test_a_new_organisation_gets_suggestions_from_its_departments_topics() -> None:
    topics, departments = await suggest_routing(
        await org_id("penza"), "Третий день нет горячей воды, батареи холодные"
    )
    assert departments[0].name == HOUSING
    assert departments[0].why
    assert {t.name for t in topics[:2]} <= {"Отопление", "Водоснабжение", "ЖКХ"}
    assert topics[0].name in {"Отопление", "Водоснабжение"}
    assert 0 < departments[0].score <= 1
    assert len(departments) == 3


async def test_learning_moves_the_ranking_and_is_stored() -> None:
    penza = await org_id("penza")
    text = "Соседи шумят на фестивале во дворе"
    _, before = await suggest_routing(penza, text)
    for _ in range(3):
        await learn_routing(
            penza, "Фестиваль во дворе, громкая музыка до ночи", [CULTURE], ["Культура"]
        )
    topics, after = await suggest_routing(penza, text)
    assert after[0].name == CULTURE
    assert "фестиваль" in after[0].why
    assert topics[0].name == "Культура"
    row = await RoutingKnowledge.select().where(RoutingKnowledge.organisation == penza).first()
    assert row is not None and row["examples"] == 3
    assert before != after
