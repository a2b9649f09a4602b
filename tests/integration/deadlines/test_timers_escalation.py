"""Escalation per profile (Penza p.19, Parfino p.22), heightened activity (Penza p.21,
Parfino p.24), attribution to the responsible person and their substitute, final lateness."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.cases import actions as cases
from app.db.tables import Absence, ActivityAlert, Department, Message, Organisation
from app.deadlines.activity import list_activity_alerts
from app.deadlines.violations import list_violations, violations_for_period
from app.domain.escalation import violations_report_due
from app.domain.lifecycle import DraftKind
from app.identity.organisations import organisation_rules
from app.notify.notifications import Kind
from tests.integration.cases_helpers import MSK, Clock, department, org_id, person
from tests.integration.timers_helpers import (
    add_user,
    notes,
    parfino_case,
    penza_case,
    pooled,  # noqa: F401 — fixture
    sweep_at,
    user_id,
    violations,
)

pytestmark = pytest.mark.usefixtures("demo")


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=MSK)


async def kind_users(kind: Kind, message_id: int | None = None) -> set[int]:
    return {n["user"] for n in await notes(message_id) if n["kind"] == kind}


async def test_penza_p19_violation_goes_at_once_to_first_deputy_and_curating_deputies() -> None:
    clock = Clock(at(17, 10))
    penza = await org_id("penza")
    housing = await department("penza", "Управление жилищно")
    culture = await department("penza", "Управление культуры")
    listed = await add_user("deputy-housing", penza, "official", curated=[housing])
    curator = await add_user("deputy-curator", penza, "official", curated=[culture])
    await Department.update({Department.curator: curator}).where(Department.id == housing)
    unrelated = await add_user("deputy-culture", penza, "official", curated=[culture])
    first_deputy = await user_id("penza-official")  # curates every department
    stand_in = await add_user("first-deputy-stand-in", penza, "official")
    await Absence(
        organisation=penza,
        user=first_deputy,
        substitute=stand_in,
        reason="vacation",
        starts_on=date(2025, 3, 10),
        ends_on=date(2025, 3, 21),
    ).save()
    message_id, assignment_id = await penza_case(clock)
    clock.set(at(17, 11))
    executor = await person("penza-executor", "penza")
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Починим.")
    await sweep_at(clock, at(17, 12, 1))  # the p.12 review was due at 12:00
    await sweep_at(clock, at(17, 12, 2))
    assert await kind_users(Kind.VIOLATION, message_id) == {first_deputy, stand_in, listed, curator}
    assert unrelated not in await kind_users(Kind.VIOLATION)
    [violation] = await violations(message_id)
    assert violation["step"] == "review" and violation["clause"] == "12"
    assert violation["responsible_user"] == await user_id("penza-specialist")
    assert violation["department"] == housing and violation["escalated_at"] is not None
    body = (await notes(message_id, "violation"))[0]["body"]
    assert "п. 19 Положения" in body and "Управление жилищно" in body
    # The late approval at 12:30 gives the final lateness: 30 working minutes.
    clock.set(at(17, 12, 30))
    await cases.approve(await person("penza-specialist", "penza"), assignment_id, 2)
    [violation] = await violations(message_id)
    assert violation["final_late_minutes"] == 30 and violation["resolved_at"] == at(17, 12, 30)


async def test_penza_p19_official_page_filters_violations() -> None:
    clock = Clock(at(17, 10))
    penza = await org_id("penza")
    message_id, _ = await penza_case(clock, route=False)
    await sweep_at(clock, at(18, 12))  # route (p.8), draft (p.11), answer (p.10) all missed
    housing = await department("penza", "Управление жилищно")
    specialist = await user_id("penza-specialist")
    everything = await list_violations(penza)
    assert sorted(v.step for v in everything) == ["answer", "draft", "route"]
    # The specialist routes and places answers; the draft had no executor yet (not routed).
    owners = {v.step: v.responsible_user_id for v in everything}
    assert owners == {"route": specialist, "answer": specialist, "draft": None}
    assert [v.step for v in await list_violations(penza, step="route")] == ["route"]
    assert await list_violations(penza, department_id=housing) == []
    assert len(await list_violations(penza, user_id=specialist)) == 2
    on_monday = await list_violations(penza, start=at(17, 0), end=at(18, 0))
    assert sorted(v.step for v in on_monday) == ["draft", "route"]  # the answer: Tuesday 9:48
    route = (await list_violations(penza, step="route"))[0]
    assert route.case_url == f"/o/penza/cases/{message_id}"
    assert route.step_title == "Направление исполнителям" and route.lateness_minutes > 0


async def test_parfino_p22_violations_gathered_for_the_monthly_report_due_by_the_5th() -> None:
    clock = Clock(at(17, 10))
    parfino = await org_id("parfino")
    message_id, _ = await parfino_case(clock, route=False)
    await sweep_at(clock, at(17, 10, 31))  # p.7 hand-over missed
    assert [v["step"] for v in await violations(message_id)] == ["hand_over"]
    assert await kind_users(Kind.VIOLATION) == set()  # nobody at once: a monthly report
    march = await violations_for_period(parfino, at(1, 0), at(1, 0, month=4))
    assert [v.step for v in march] == ["hand_over"]
    rules = await organisation_rules(parfino)
    assert violations_report_due(rules.profile, date(2025, 3, 1)) == date(2025, 4, 5)
    await sweep_at(clock, at(31, 17))
    assert await kind_users(Kind.REPORT_DUE) == set()  # March is not over yet
    await sweep_at(clock, at(1, 9, month=4))
    await sweep_at(clock, at(2, 9, month=4))
    reminders = [n for n in await notes() if n["kind"] == Kind.REPORT_DUE]
    assert [n["user"] for n in reminders] == [await user_id("parfino-specialist")]
    assert "до 05.04.2025" in reminders[0]["title"] and "п. 22" in reminders[0]["body"]


async def test_substitute_of_an_absent_executor_is_warned_and_the_absent_one_is_charged() -> None:
    clock = Clock(at(17, 10))
    penza = await org_id("penza")
    executor = await user_id("penza-executor")
    stand_in = await add_user("executor-stand-in", penza, "executor")
    await Absence(
        organisation=penza,
        user=executor,
        substitute=stand_in,
        reason="illness",
        starts_on=date(2025, 3, 17),
        ends_on=date(2025, 3, 18),
    ).save()
    message_id, _ = await penza_case(clock)
    await sweep_at(clock, at(17, 15, 49))  # the p.11 draft was due at 15:48
    warned = {n["user"] for n in await notes(message_id, "warning50", "draft")}
    assert warned == {executor, stand_in}
    [draft] = [v for v in await violations(message_id) if v["step"] == "draft"]
    assert draft["responsible_user"] == executor and draft["substitute_user"] == stand_in


async def insert_messages(slug: str, topic: str, times: list[datetime]) -> None:
    organisation = await org_id(slug)
    await Message.insert(
        *[
            Message(
                organisation=organisation,
                network="vk",
                text=f"{topic} {i}",
                topics=[topic],
                collected_at=t,
                state="routing",
                dedup_key=f"{topic}-{i}",
            )
            for i, t in enumerate(times)
        ]
    )


async def test_penza_p21_heightened_activity_alerts_the_specialist_once() -> None:
    clock = Clock(at(17, 15))
    await insert_messages("penza", "Дороги", [at(17, 11) + timedelta(minutes=i) for i in range(10)])
    await sweep_at(clock, at(17, 15))
    await sweep_at(clock, at(17, 15, 1))
    [alert] = await ActivityAlert.select()
    assert alert["topic"] == "Дороги" and alert["message_count"] == 10
    # No fixed threshold by default since issue #15: ten where Monday mornings had none.
    assert alert["reason"] == "rate" and alert["usual"] == 0
    [note] = [n for n in await notes() if n["kind"] == Kind.ACTIVITY]
    assert note["user"] == await user_id("penza-specialist")
    assert "п. 21 Положения" in note["body"] and note["url"] == f"/o/penza/activity/{alert['id']}"
    [listed] = await list_activity_alerts(await org_id("penza"), alert_id=alert["id"])
    assert len(listed.message_ids) == 10 and listed.topic == "Дороги"
    assert await list_activity_alerts(await org_id("parfino")) == []


async def test_parfino_p24_activity_above_the_usual_rate_alerts_the_specialist() -> None:
    clock = Clock(at(17, 15))
    parfino = await org_id("parfino")
    await Organisation.update(
        {Organisation.alert_settings: {"activity": {"threshold": 50, "min_count": 5}}}
    ).where(Organisation.id == parfino)
    usual = [at(3, 10), at(6, 12)]  # two in the four weeks before
    await insert_messages("parfino", "ЖКХ", usual + [at(17, 12, i) for i in range(5)])
    await sweep_at(clock, at(17, 15))
    [alert] = await ActivityAlert.select()
    assert alert["reason"] == "rate" and alert["message_count"] == 5 and alert["usual"] < 1
    notified = [n["user"] for n in await notes() if n["kind"] == Kind.ACTIVITY]
    assert notified == [await user_id("parfino-specialist")]
    assert "п. 24" in (await notes())[0]["body"]
