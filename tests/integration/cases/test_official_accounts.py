"""Answers are posted from the organisation's official accounts (Penza p.5, Parfino p.4):
the publication records which one; with several in the network the publisher chooses."""

from __future__ import annotations

import pytest

from app.cases import actions as cases
from app.db.tables import Publication, SocialAccount
from app.domain.lifecycle import DraftKind
from tests.integration.cases_helpers import message, org_id, person
from tests.integration.services_helpers import routed_case, version_of

pytestmark = pytest.mark.usefixtures("demo")


async def _approved(slug: str, text: str) -> tuple[int, int]:
    message_id, assignment_id = await routed_case(slug, text)
    executor = await person(f"{slug}-executor", slug)
    specialist = await person(f"{slug}-specialist", slug)
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Отремонтируем.")
    await cases.approve(specialist, assignment_id, await version_of(assignment_id))
    return message_id, assignment_id


async def _account(slug: str, name: str, network: str = "vk", active: bool = True) -> int:
    row = SocialAccount(
        organisation=await org_id(slug), network=network, name=name, is_active=active
    )
    await row.save()
    return int(row.id)


async def test_penza_p5_the_only_account_in_the_network_is_recorded() -> None:
    await SocialAccount.delete().where(SocialAccount.id > 0)
    only = await _account("penza", "Администрация г. Пензы — ВКонтакте")
    await _account("penza", "Администрация в ОК", network="ok")
    await _account("penza", "Старая страница", active=False)
    message_id, assignment_id = await _approved("penza", "Не горят фонари у школы")
    publisher = await person("penza-specialist", "penza")
    url = (await message(message_id))["url"] or "https://vk.com/wall-1_1"
    await cases.publish(publisher, assignment_id, await version_of(assignment_id), url)
    [posted] = await Publication.select().where(Publication.assignment == assignment_id)
    assert posted["account"] == only


async def test_parfino_p4_with_two_accounts_the_publisher_must_choose() -> None:
    await SocialAccount.delete().where(SocialAccount.id > 0)
    await _account("parfino", "Администрация района")
    second = await _account("parfino", "Комитет ЖКХ района")
    message_id, assignment_id = await _approved("parfino", "Яма на ул. Космонавтов")
    coordinator = await person("parfino-coordinator", "parfino")
    url = (await message(message_id))["url"] or "https://vk.com/wall-1_1"
    version = await version_of(assignment_id)
    with pytest.raises(cases.CaseError, match="Выберите официальный аккаунт"):
        await cases.publish(coordinator, assignment_id, version, url)
    foreign = await _account("penza", "Чужой аккаунт")
    with pytest.raises(cases.CaseError, match="Выберите официальный аккаунт"):
        await cases.publish(coordinator, assignment_id, version, url, account_id=foreign)
    await cases.publish(coordinator, assignment_id, version, url, account_id=second)
    [posted] = await Publication.select().where(Publication.assignment == assignment_id)
    assert posted["account"] == second
