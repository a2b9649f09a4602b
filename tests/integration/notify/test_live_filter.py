"""Live case changes reach only the people who may see the case (no leak across departments)."""

from __future__ import annotations

import json

from redis.asyncio import Redis

from app.journal.live import organisation_channel
from app.notify.live_stream import case_change_filter
from tests.integration.cases_helpers import department, org_id, person
from tests.integration.services_helpers import HOUSING, routed_case


async def test_a_change_carries_the_departments_of_its_case(demo: None, redis: Redis) -> None:
    pubsub = redis.pubsub()
    await pubsub.subscribe(organisation_channel(await org_id("penza")))
    message_id, _ = await routed_case("penza")
    changes = []
    for _ in range(20):
        got = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
        if got is not None:
            changes.append(json.loads(got["data"]))
        elif changes:
            break
    await pubsub.aclose()
    housing = await department("penza", HOUSING["penza"])
    assert {"message_id": message_id, "kind": "routed", "departments": [housing]} in changes


async def test_an_executor_gets_only_the_changes_of_their_departments_cases(demo: None) -> None:
    executor = await person("penza-executor", "penza")
    specialist = await person("penza-specialist", "penza")
    [own] = executor.department_ids
    other = own + 1000

    def change(departments: list[int]) -> str:
        return json.dumps({"message_id": 1, "kind": "routed", "departments": departments})

    to_executor, to_specialist = case_change_filter(executor), case_change_filter(specialist)
    assert to_executor(change([own])) and to_executor(change([other, own]))
    assert not to_executor(change([other])) and not to_executor(change([]))
    assert to_specialist(change([other])) and to_specialist(change([]))
    assert not to_executor("not json") and not to_executor('{"departments": "x"}')
