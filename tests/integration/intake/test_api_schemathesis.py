"""Schemathesis against the intake API (issue #13): every generated request, valid or not,
gets an answer the schema documents and never a 5xx. Bounded to fit the suite's time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.asgi import create_app
from app.db.tables import Organisation
from app.identity.api_tokens import issue_token

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
async def token() -> str:
    penza = await Organisation.objects().where(Organisation.slug == "penza").first()
    return await issue_token(penza, "Schemathesis", created_by=None)


@pytest.fixture
def api_schema() -> Iterator[schemathesis.BaseSchema]:
    app = create_app(use_db_pool=False)
    yield schemathesis.openapi.from_asgi("/api/schema/openapi.json", app)


def test_intake_api_never_answers_5xx_and_keeps_to_its_schema(api_schema, token) -> None:
    operation = api_schema["/api/v1/messages"]["POST"]

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(operation.as_strategy())
    def check(case: schemathesis.Case) -> None:
        case.headers = {**(case.headers or {}), "authorization": f"Bearer {token}"}
        # Which networks an organisation accepts is its own setting (documented 422), so a
        # schema-valid body may be refused: that check is left out, every other one runs.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    check()
