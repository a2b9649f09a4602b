"""Addresses stored in notifications and e-mails are exactly those of the named routes."""

from __future__ import annotations

from litestar import Litestar

from app.core import links


def test_each_stored_link_is_its_named_route(app: Litestar) -> None:
    path = app.route_reverse
    assert links.case("penza", 17) == path("case", org_slug="penza", message_id=17)
    assert links.activity("penza", 3) == path("activity", org_slug="penza", alert_id=3)
    assert links.violations("penza") == path("violations", org_slug="penza")
    assert links.violations("penza", "2026-11") == path("violations", org_slug="penza") + (
        "?month=2026-11"
    )
    assert links.head("parfino") == path("head", org_slug="parfino")
    assert links.head("parfino", 5) == path("head", org_slug="parfino") + "#immediate-5"
    assert links.admin_accounts("penza") == path("admin.accounts", org_slug="penza")
    assert links.report_file("penza", 9) == path("report_file", org_slug="penza", report_id=9)
    for role, route in [
        ("specialist", "queue.specialist_new"),
        ("coordinator", "queue.coordinator"),
        ("executor", "queue.executor"),
        ("official", "queue.official"),
        ("head", "head"),
        ("admin", "admin"),
    ]:
        assert links.role_home("penza", role) == path(route, org_slug="penza")
