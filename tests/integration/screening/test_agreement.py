"""The specialist's decision against the suggestion, recorded with the decision itself, and
the agreement rate per month the official sees."""

from __future__ import annotations

from datetime import datetime

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.cases import actions as cases
from app.cases.actions import RouteTarget
from app.cases.transaction import CaseError
from app.core import clock
from app.db.tables import ScreeningDecision
from app.domain.regulation.model import Importance, RefusalReason
from app.screening.assess import assess_message
from tests.integration.cases_helpers import MSK, Clock, department, message, new_message, person
from tests.integration.conftest import sign_in

pytestmark = pytest.mark.usefixtures("demo")

URGENT = "Прорвало трубу на ул. Ленина, 5, горячей воды нет"
OBSCENE = "Да вы там все хуй положили на наш двор"


async def _assessed(slug: str, text: str) -> int:
    message_id = await new_message(slug, text)
    assert await assess_message(message_id)
    return message_id


async def _decisions(message_id: int) -> dict[str, dict]:
    rows = (
        await ScreeningDecision.select()
        .where(ScreeningDecision.message == message_id)
        .output(load_json=True)
    )
    return {r["kind"]: r for r in rows}


async def test_mark_refuse_and_route_record_agreement_in_their_transaction() -> None:
    specialist = await person("penza-specialist", "penza")
    urgent = await _assessed("penza", URGENT)
    await cases.mark_for_reaction(specialist, urgent, 1, ["Водоснабжение"], Importance.NORMAL)
    marked = await _decisions(urgent)
    assert marked["flags"]["agreed"] is True  # no abuse suggested, none found
    assert (
        marked["importance"]["suggested"] == "high" and marked["importance"]["decided"] == "normal"
    )
    assert marked["importance"]["agreed"] is False  # the specialist chose otherwise
    assert marked["topic"]["decided"] == ["Водоснабжение"]
    assert marked["flags"]["decided_by"] == specialist.user_id

    housing = await department("penza", "Управление жилищно")
    await cases.route(specialist, urgent, 2, [RouteTarget(housing, "Вода")])
    routed = (await _decisions(urgent))["department"]
    assert routed["suggested"][0] == "Управление жилищно-коммунального хозяйства"
    assert routed["decided"] == ["Управление жилищно-коммунального хозяйства"]
    assert routed["agreed"] is True

    obscene = await _assessed("penza", OBSCENE)
    await cases.refuse(specialist, obscene, 1, RefusalReason.OBSCENE)
    assert (await _decisions(obscene))["flags"]["agreed"] is True
    await cases.undo_screening(specialist, obscene, 2)
    assert await _decisions(obscene) == {}  # taken back with the decision
    await cases.mark_for_reaction(specialist, obscene, 3, ["ЖКХ"], Importance.NORMAL)
    assert (await _decisions(obscene))["flags"]["agreed"] is False  # flagged, yet marked

    # A refused action writes nothing: the record stands or falls with the decision.
    stale = await _assessed("penza", OBSCENE + "!")
    with pytest.raises(CaseError):
        await cases.refuse(specialist, stale, 7, RefusalReason.OBSCENE)
    assert await _decisions(stale) == {}
    # Nothing suggested yet (the worker has not assessed it): nothing to agree with.
    fresh = await new_message("penza", OBSCENE + "!!")
    await cases.refuse(specialist, fresh, 1, RefusalReason.OBSCENE)
    assert await _decisions(fresh) == {}
    assert (await message(fresh))["state"] == "refused"


async def test_the_official_sees_the_agreement_rate_per_month(app: Litestar) -> None:
    time = Clock(datetime(2026, 10, 14, 11, tzinfo=MSK))
    specialist = await person("parfino-specialist", "parfino")
    for n in range(3):
        message_id = await _assessed("parfino", f"{OBSCENE} {n}")
        await cases.refuse(specialist, message_id, 1, RefusalReason.OBSCENE)
    message_id = await _assessed("parfino", OBSCENE)
    await cases.refuse(specialist, message_id, 1, RefusalReason.NO_REACTION)
    time.set(datetime(2026, 11, 10, 11, tzinfo=MSK))
    specialist = await person("parfino-specialist", "parfino")
    message_id = await _assessed("parfino", URGENT)
    await cases.mark_for_reaction(specialist, message_id, 1, ["ЖКХ"], Importance.HIGH)
    penza = await person("penza-specialist", "penza")
    other = await _assessed("penza", OBSCENE)
    await cases.mark_for_reaction(penza, other, 1, ["ЖКХ"], Importance.NORMAL)
    clock.set_clock(None)
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "parfino-official")
        official = (await client.get("/o/parfino/official")).text
        assert 'data-testid="agreement-link"' in official
        page = (await client.get("/o/parfino/screening/agreement")).text
        october = page[page.index('data-month="2026-10"') :].split("</tr>")[0]
        november = page[page.index('data-month="2026-11"') :].split("</tr>")[0]
        assert "флаги: согласие 75 % (3 из 4)" in october
        assert "флаги: согласие 100 % (1 из 1)" in november
        assert "важность: согласие 100 % (1 из 1)" in november
        assert page.index('data-month="2026-11"') < page.index('data-month="2026-10"')
        assert "0 из 1" not in page  # Penza's decisions are not Parfino's
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "parfino-executor")
        refused = await client.get("/o/parfino/screening/agreement")
        assert refused.status_code == 403
