"""Four eyes (Penza p.12, Parfino p.13): nobody approves a draft they wrote, whatever roles."""

from __future__ import annotations

import pytest

from app.cases import actions as cases
from app.cases.case_view import case_view
from app.db.tables import Department, Event, Organisation, User
from app.domain.lifecycle import DraftKind
from app.domain.roles import Role
from app.identity.accounts import create_user, grant_role
from app.identity.organisations import organisation_rules
from tests.integration.cases_helpers import org_id, person
from tests.integration.services_helpers import HOUSING, routed_case, version_of

pytestmark = pytest.mark.usefixtures("demo")


async def _specialist_writes_the_draft() -> tuple[int, int]:
    """The only specialist of Penza is also an executor of the department, and writes."""
    penza = await Organisation.objects().where(Organisation.slug == "penza").first()
    housing = (
        await Department.objects()
        .where((Department.organisation == penza.id) & Department.name.like(f"{HOUSING['penza']}%"))
        .first()
    )
    specialist = await User.objects().where(User.login == "penza-specialist").first()
    await grant_role(specialist, penza, Role.EXECUTOR, housing)
    message_id, assignment_id = await routed_case("penza")
    writer = await person("penza-specialist", "penza")
    await cases.submit_draft(writer, assignment_id, 1, DraftKind.FINAL, "Фонари заменят к пятнице.")
    return message_id, assignment_id


async def test_the_author_cannot_approve_and_the_page_says_who_will() -> None:
    message_id, assignment_id = await _specialist_writes_the_draft()
    writer = await person("penza-specialist", "penza")
    with pytest.raises(cases.CaseError, match="вы — его автор") as refused:
        await cases.approve(writer, assignment_id, await version_of(assignment_id))
    assert refused.value.code == "four_eyes"
    with pytest.raises(cases.CaseError, match="вы — его автор"):
        await cases.return_for_revision(writer, assignment_id, 2, "Сам себе замечание")
    rules = await organisation_rules(await org_id("penza"))
    view = await case_view(rules, writer, message_id)
    assert view is not None
    [assignment] = view.assignments
    assert "approve" not in assignment.actions and "вы — его автор" in assignment.review_note


async def test_when_the_only_approver_wrote_it_the_official_approves_in_stead() -> None:
    message_id, assignment_id = await _specialist_writes_the_draft()
    official = await person("penza-official", "penza")
    rules = await organisation_rules(await org_id("penza"))
    view = await case_view(rules, official, message_id)
    assert view is not None
    [assignment] = view.assignments
    assert "approve" in assignment.actions and "должностное лицо" in assignment.review_note
    outcome = await cases.approve(official, assignment_id, await version_of(assignment_id))
    assert outcome.state == "approved"
    event = await Event.select().where(Event.kind == "draft_approved").first()
    assert event is not None and event["actor_role"] == "official"
    assert "должностное лицо" in event["comment"]


async def test_with_another_approver_the_official_does_not_step_in() -> None:
    _, assignment_id = await _specialist_writes_the_draft()
    penza = await Organisation.objects().where(Organisation.slug == "penza").first()
    second = await create_user("penza-specialist-2", "Второй специалист", "пароль-надёжный")
    await grant_role(second, penza, Role.SPECIALIST)
    official = await person("penza-official", "penza")
    with pytest.raises(cases.CaseError):
        await cases.approve(official, assignment_id, await version_of(assignment_id))
    reviewer = await person("penza-specialist-2", "penza")
    outcome = await cases.approve(reviewer, assignment_id, await version_of(assignment_id))
    assert outcome.state == "approved"
