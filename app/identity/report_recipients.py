"""Who receives each scheduled report (Penza p.20: the head, the first deputy and other
officials «по согласованию»): an explicit list per organisation and report, kept by the
administrator; without one, the holders of the profile's recipient roles."""

from __future__ import annotations

from datetime import date

from app.db.json_columns import json_value
from app.db.tables import Membership, Organisation
from app.domain.regulation.model import ReportRule
from app.identity.staff import load_staff

REPORT_KINDS = ("summary", "violations")


async def agreed_recipients(organisation_id: int) -> dict[str, list[int]]:
    """The explicit lists by report kind (a kind missing = the profile's roles)."""
    row = (
        await Organisation.select(Organisation.report_recipients)
        .where(Organisation.id == organisation_id)
        .first()
    )
    raw = json_value(row["report_recipients"]) if row else None
    if not isinstance(raw, dict):
        return {}
    return {
        kind: [int(u) for u in users if isinstance(u, int)]
        for kind, users in raw.items()
        if kind in REPORT_KINDS and isinstance(users, list)
    }


async def report_recipients(
    organisation_id: int, kind: str, rule: ReportRule, day: date
) -> list[int]:
    """Who gets the report today: the agreed list (still members of the organisation), else
    the holders of the profile's recipient roles; with the substitutes of the absent."""
    staff = await load_staff(organisation_id, day)
    agreed = (await agreed_recipients(organisation_id)).get(kind)
    if agreed is not None:
        members = {m.user_id for m in staff.members}
        return staff.with_substitutes([u for u in agreed if u in members])
    users: list[int] = []
    for role in rule.recipients:
        users.extend(staff.holders(role))
    return staff.with_substitutes(users)


async def set_agreed_recipients(organisation_id: int, kind: str, users: list[int] | None) -> None:
    """Store the agreed list of a report (None: back to the profile's roles); only members
    of the organisation are kept."""
    if kind not in REPORT_KINDS:
        raise ValueError(kind)
    current = await agreed_recipients(organisation_id)
    if users is None:
        current.pop(kind, None)
    else:
        rows = await Membership.select(Membership.user).where(
            Membership.organisation == organisation_id
        )
        members = {int(r["user"]) for r in rows}
        current[kind] = sorted({u for u in users if u in members})
    await Organisation.update({Organisation.report_recipients: current}).where(
        Organisation.id == organisation_id
    )
