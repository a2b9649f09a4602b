"""Networks of the profile (Penza p.4, Parfino p.3), enabled by the admin; publication links."""

from __future__ import annotations

import pytest

from app.admin.organisation import save_networks
from app.cases import actions as cases
from app.cases.actions import CaseError
from app.db.tables import Event, Message, Organisation, Publication
from app.demo.cases_data import DEMO_CASES
from app.domain.lifecycle import DraftKind
from app.identity.api_tokens import issue_token
from app.identity.organisations import organisation_rules
from tests.integration.admin.test_admin import admin_client, post, second_browser
from tests.integration.cases_helpers import org_id, person
from tests.integration.conftest import csrf_token, sign_in
from tests.integration.services_helpers import routed_case

pytestmark = pytest.mark.usefixtures("demo")
POST = {"network": "telegram", "text": "Когда уберут снег у школы № 5?", "external_id": "t-1"}


async def enabled(slug: str) -> list[str]:
    row = await Organisation.select(Organisation.enabled_networks).where(Organisation.slug == slug)
    return list(row[0]["enabled_networks"])


async def test_demo_organisations_enable_todays_networks_through_the_logged_setting() -> None:
    assert await enabled("penza") == ["telegram", "max"]
    assert await enabled("parfino") == ["telegram", "max"]
    events = (
        await Event.select(Event.after)
        .output(load_json=True)
        .where(
            (Event.kind == "admin_networks_enabled") & (Event.organisation == await org_id("penza"))
        )
    )
    assert [e["after"] for e in events] == [{"enabled_networks": ["telegram", "max"]}]


async def test_penza_p4_api_refuses_a_network_the_organisation_does_not_accept(client) -> None:
    penza = await Organisation.objects().where(Organisation.slug == "penza").first()
    token = await issue_token(penza, "Мониторинг", created_by=None)
    admin = await person("admin", "penza")
    await save_networks(admin, penza_networks := ("ok", "vk", "facebook", "twitter"), [])
    assert penza_networks  # the profile's list is passed by the page; nothing enabled now
    headers = {"authorization": f"Bearer {token}"}

    refused = await client.post("/api/v1/messages", json=POST, headers=headers)
    assert refused.status_code == 422
    assert set(refused.json()["extra"]) == {"network"}
    assert (
        "«Telegram» не входит в перечень социальных сетей организации (п. 4 Положения)"
        in (refused.json()["extra"]["network"])
    )
    assert await Message.count().where(Message.external_id == "t-1") == 0

    await save_networks(admin, (), ["telegram"])
    accepted = await client.post("/api/v1/messages", json=POST, headers=headers)
    assert accepted.status_code == 201
    kinds = (
        await Event.select(Event.before, Event.after)
        .output(load_json=True)
        .where(Event.kind == "admin_networks_enabled")
    )
    assert kinds[-2:] == [
        {"before": {"enabled_networks": ["telegram", "max"]}, "after": {"enabled_networks": []}},
        {"before": {"enabled_networks": []}, "after": {"enabled_networks": ["telegram"]}},
    ]


async def test_parfino_p3_manual_entry_shows_the_network_error_on_the_form(client) -> None:
    await save_networks(await person("admin", "parfino"), (), [])
    assert (await sign_in(client, "parfino-specialist")).status_code == 302
    form = await client.get("/o/parfino/specialist/entry/")
    assert 'value="telegram"' not in form.text and 'value="vk"' in form.text
    response = await client.post(
        "/o/parfino/specialist/entry/",
        data={"_csrf_token": await csrf_token(client), "network": "telegram", "text": "Снег"},
        headers={"accept": "text/html"},
    )
    assert response.status_code == 400
    assert "не входит в перечень социальных сетей организации (п. 3 Положения)" in response.text
    assert await Message.count().where(Message.text == "Снег") == 0


async def test_admin_enables_a_network_on_the_organisation_page_and_others_may_not(
    client,
) -> None:
    token = await admin_client(client)
    page = await client.get("/o/penza/admin/organisation")
    assert page.status_code == 200 and "Социальные сети" in page.text and "MAX" in page.text
    saved = await post(client, token, "/o/penza/admin/organisation/networks", {"networks": "max"})
    assert saved.status_code in (302, 303)
    assert await enabled("penza") == ["max"]
    # The profile's networks stay accepted whatever the form says; unknown codes are refused.
    forged = await post(client, token, "/o/penza/admin/organisation/networks", {"networks": "icq"})
    assert forged.status_code == 400 and "Выберите сети из списка" in forged.text
    assert await enabled("penza") == ["max"]

    async with second_browser() as other:
        assert (await sign_in(other, "penza-specialist")).status_code == 302
        refused = await post(
            other,
            await csrf_token(other),
            "/o/penza/admin/organisation/networks",
            {"networks": "ok"},
        )
        assert refused.status_code == 403
    assert await enabled("penza") == ["max"]


async def _approved(slug: str, url: str) -> tuple[int, object]:
    _, assignment_id = await routed_case(slug, "Яма на дороге", url=url)
    executor = await person(f"{slug}-executor", slug)
    specialist = await person(f"{slug}-specialist", slug)
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Яму заделают.")
    await cases.approve(specialist, assignment_id, 2)
    return assignment_id, specialist


async def test_publication_link_must_be_in_the_messages_network_and_under_its_post() -> None:
    assignment_id, specialist = await _approved("penza", "https://vk.com/wall-45_100")
    with pytest.raises(CaseError, match="той же сети") as other_network:
        await cases.publish(specialist, assignment_id, 3, "https://ok.ru/group/1/topic/2")
    assert other_network.value.code == "foreign_link"
    with pytest.raises(CaseError, match="другую запись"):
        await cases.publish(specialist, assignment_id, 3, "https://vk.com/wall-45_101?reply=1")
    assert await Publication.count() == 0
    outcome = await cases.publish(
        specialist, assignment_id, 3, "https://m.vk.com/wall-45_100?reply=7"
    )
    assert outcome.state == "done"


async def test_demo_messages_come_from_networks_their_organisation_accepts() -> None:
    for slug, demo_cases in DEMO_CASES.items():
        rules = await organisation_rules(await org_id(slug))
        assert {c.network for c in demo_cases} <= rules.accepted_networks, slug
