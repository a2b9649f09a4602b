"""Addresses of the portal's pages that are stored or sent where no request exists.

Notifications, e-mails and redirects after sign-in carry these paths (relative; e-mails
prefix BASE_URL). Pages and templates build the same addresses from route names
(`url_for`); tests/unit/core/test_links.py checks that each function here gives exactly
what its named route gives, so the two cannot drift apart.
"""

from __future__ import annotations

from urllib.parse import quote


def organisation(slug: str) -> str:
    """The root of an organisation's pages."""
    return f"/o/{quote(slug)}"


def role_home(slug: str, role: str) -> str:
    """A role's first page in an organisation (route names `queue.<role>`, `head`, `admin`)."""
    return f"{organisation(slug)}/{quote(role)}"


def admin_accounts(slug: str) -> str:
    """The administrator's «Аккаунты» page (route `admin.accounts`)."""
    return f"{role_home(slug, 'admin')}/accounts"


def case(slug: str, message_id: int) -> str:
    """The case page (route `case`)."""
    return f"{organisation(slug)}/cases/{int(message_id)}"


def activity(slug: str, alert_id: int) -> str:
    """A heightened-activity alert (route `activity`)."""
    return f"{organisation(slug)}/activity/{int(alert_id)}"


def violations(slug: str, month: str | None = None) -> str:
    """The violations register, optionally of one month `YYYY-MM` (route `violations`)."""
    query = f"?month={quote(month)}" if month else ""
    return f"{organisation(slug)}/violations{query}"


def head(slug: str, immediate_report_id: int | None = None) -> str:
    """The head's page, scrolled to one immediate report (route `head`)."""
    anchor = f"#immediate-{int(immediate_report_id)}" if immediate_report_id else ""
    return f"{organisation(slug)}/head{anchor}"


def report_file(slug: str, report_id: int) -> str:
    """An archived report's file (route `report_file`)."""
    return f"{organisation(slug)}/reports/files/{int(report_id)}"
