"""Department and topic suggestions learned per organisation (table routing_knowledge)."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest

from app.core import clock
from app.db.tables import Assignment, RoutingKnowledge
from app.screening.routing import forget_loaded, learn_routing, suggest_routing
from app.screening.routing_history import learn_new_assignments
from tasks.routing import learn_from_routing
from tasks.worker import WorkerSettings
from tests.integration.cases_helpers import org_id
from tests.integration.services_helpers import routed_case

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def fresh_models() -> None:
    forget_loaded()  # the demo tables are restored between tests under the cache


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


async def test_the_worker_learns_each_routed_case_once() -> None:
    penza = await org_id("penza")
    base = await _learned(penza)
    text = "На детской площадке сломаны качели, дети могут пораниться"
    first, _ = await routed_case("penza", text, "Управление культуры")
    second, _ = await routed_case("penza", "Фестиваль на набережной", "Управление культуры")
    learned = await learn_new_assignments(settle_seconds=0)
    assert learned >= 2
    assert await _learned(penza) == base + 2
    assert await learn_new_assignments(settle_seconds=0) == 0  # nothing twice
    assert await _learned(penza) == base + 2
    _, departments = await suggest_routing(penza, "сломаны качели на площадке")
    assert departments[0].name == CULTURE
    assert first != second


async def test_the_cron_job_waits_until_a_routing_is_settled() -> None:
    penza = await org_id("penza")
    base = await _learned(penza)
    await routed_case("penza", "Не вывозят мусор с контейнерной площадки")
    assert (await learn_from_routing({}))["learned"] == 0  # just created: not yet settled
    await Assignment.update({Assignment.assigned_at: clock.now() - timedelta(minutes=5)}).where(
        Assignment.organisation == penza
    )
    assert (await learn_from_routing({}))["learned"] == 1
    assert (await learn_from_routing({}))["learned"] == 0
    assert await _learned(penza) == base + 1
    assert learn_from_routing in WorkerSettings.functions
    assert any(job.coroutine is learn_from_routing for job in WorkerSettings.cron_jobs)


async def _learned(organisation_id: int) -> int:
    row = await RoutingKnowledge.select(RoutingKnowledge.examples).where(
        RoutingKnowledge.organisation == organisation_id
    )
    return int(row[0]["examples"]) if row else 0


async def test_suggestions_take_well_under_20_ms_once_the_model_is_loaded() -> None:
    penza = await org_id("penza")
    await learn_routing(penza, "Фестиваль во дворе", [CULTURE], ["Культура"])
    text = "Третий день нет горячей воды в доме по ул. Кирова, 62, батареи холодные"
    await suggest_routing(penza, text)  # loads the model
    times = []
    for _ in range(30):
        started = time.perf_counter()
        await suggest_routing(penza, text)
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.020
