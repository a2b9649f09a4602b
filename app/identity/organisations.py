"""An organisation's rules: its regulation profile and its working calendar."""

from __future__ import annotations

from dataclasses import dataclass

from app.db.json_columns import json_value
from app.db.tables import Organisation, ProfileCopy
from app.domain.networks import accepted_networks
from app.domain.regulation import load_profile
from app.domain.regulation.model import RegulationProfile
from app.domain.regulation.profile_io import profile_from_mapping
from app.domain.worktime import WorkCalendar
from app.domain.worktime.org_calendar import work_calendar_from_settings


class OrganisationNotFound(LookupError):
    """No such organisation."""


@dataclass(frozen=True)
class OrganisationRules:
    """What the lifecycle needs of an organisation."""

    id: int
    slug: str
    name: str
    timezone: str
    profile: RegulationProfile
    calendar: WorkCalendar
    # Networks the administrator enabled besides the profile's (Penza p.4, Parfino p.3).
    enabled_networks: tuple[str, ...] = ()

    @property
    def accepted_networks(self) -> frozenset[str]:
        """The networks messages may come from: the profile's ∪ the enabled ones."""
        return accepted_networks(self.profile.networks, self.enabled_networks)

    @property
    def networks_clause(self) -> str:
        """The clause of the profile that lists the networks."""
        return self.profile.clauses.get("networks", "")


async def organisation_rules(organisation_id: int) -> OrganisationRules:
    """The organisation's profile (its edited copy, else the built-in) and WorkCalendar."""
    row = await Organisation.objects().where(Organisation.id == organisation_id).first()
    if row is None:
        raise OrganisationNotFound(organisation_id)
    copy = (
        await ProfileCopy.select(ProfileCopy.data)
        .where(
            (ProfileCopy.organisation == organisation_id) & (ProfileCopy.code == row.profile_code)
        )
        .first()
    )
    if copy is not None:
        data = copy["data"]
        profile = profile_from_mapping(json_value(data))
    else:
        profile = load_profile(row.profile_code)
    calendar = work_calendar_from_settings(row.timezone, row.schedule, row.calendar_options)
    return OrganisationRules(
        row.id,
        row.slug,
        row.name,
        row.timezone,
        profile,
        calendar,
        tuple(row.enabled_networks or ()),
    )


async def organisation_id_by_slug(slug: str) -> int:
    """The id of the organisation with this slug."""
    row = await Organisation.select(Organisation.id).where(Organisation.slug == slug).first()
    if row is None:
        raise OrganisationNotFound(slug)
    return int(row["id"])
