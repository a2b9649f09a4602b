"""An organisation's own regulation profiles: clone the current one, edit, save, switch.

The built-in profiles stay files and are never changed; an administrator works on copies
(ProfileCopy rows). Every save is validated like the built-ins: impossible values are
refused with ProfileError.message_ru, budgets that cannot fit are returned as warnings.
Every change writes an event; open cases get their deadlines recomputed.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core import clock
from app.db.tables import Message, Organisation, ProfileCopy
from app.deadlines.refresh import refresh_deadlines
from app.domain.lifecycle import MessageState
from app.domain.regulation import (
    BUILTIN_CODES,
    ProfileError,
    ProfileWarning,
    load_profile,
    profile_from_mapping,
    profile_to_mapping,
    validate_profile,
)
from app.domain.roles import Role
from app.identity.actor import ActorContext
from app.identity.organisations import organisation_rules
from app.journal.events import EventActor, record_event

# A profile is a few kilobytes; the bound keeps a pasted file from filling the database.
MAX_PROFILE_CHARS = 100_000
MAX_LOGGED_CHANGES = 50
OPEN_STATES = (MessageState.HANDING_OVER, MessageState.ROUTING, MessageState.IN_WORK)


def _refuse(message_ru: str) -> ProfileError:
    return ProfileError(message_ru, message_ru)


def _admin(ctx: ActorContext) -> EventActor:
    if Role.ADMIN not in ctx.roles:
        raise _refuse("Регламенты изменяет только администратор организации.")
    return EventActor(ctx.user_id, str(Role.ADMIN), ctx.substitute_for(Role.ADMIN))


def checked_profile(mapping: Mapping[str, Any]) -> list[ProfileWarning]:
    """Validate a profile mapping: ProfileError if impossible, else the warnings to show."""
    if len(json.dumps(mapping, ensure_ascii=False, default=str)) > MAX_PROFILE_CHARS:
        raise _refuse(f"Регламент слишком велик (больше {MAX_PROFILE_CHARS} знаков).")
    try:
        profile = profile_from_mapping(mapping)
    except ProfileError:
        raise
    except (TypeError, AttributeError, KeyError, ValueError) as error:
        # The reader expects tables where the file has them; an edited copy may not.
        raise _refuse("Регламент: неверная структура данных.") from error
    return validate_profile(profile)


def mapping_from_text(text: str) -> dict[str, Any]:
    """A profile mapping from the editor's text, JSON or TOML; ProfileError if unreadable."""
    if len(text) > MAX_PROFILE_CHARS:
        raise _refuse(f"Регламент слишком велик (больше {MAX_PROFILE_CHARS} знаков).")
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise _refuse(f"Текст регламента не читается: {str(error)[:200]}") from error
    if not isinstance(data, dict):
        raise _refuse("Регламент: ожидается таблица значений.")
    return data


async def _copy(organisation_id: int, code: str) -> dict[str, Any] | None:
    return (
        await ProfileCopy.select()
        .where((ProfileCopy.organisation == organisation_id) & (ProfileCopy.code == code))
        .output(load_json=True)
        .first()
    )


async def profile_mapping(organisation_id: int, code: str) -> dict[str, Any]:
    """The mapping of the organisation's copy with this code, else of the built-in profile."""
    copy = await _copy(organisation_id, code)
    if copy is not None:
        return dict(copy["data"])
    if code not in BUILTIN_CODES:
        raise _refuse(f"Регламент «{code}» не найден.")
    return profile_to_mapping(load_profile(code))


@dataclass(frozen=True)
class ProfileChoice:
    """A regulation profile the organisation can switch to: built in, or its own copy."""

    code: str
    name: str
    builtin: bool
    based_on: str
    updated_at: datetime | None
    active: bool


async def available_profiles(organisation_id: int) -> list[ProfileChoice]:
    """The built-in profiles and the organisation's copies, with the one in force marked."""
    org = await Organisation.select(Organisation.profile_code).where(
        Organisation.id == organisation_id
    )
    active = org[0]["profile_code"] if org else ""
    copies = (
        await ProfileCopy.select(
            ProfileCopy.code, ProfileCopy.based_on, ProfileCopy.data, ProfileCopy.updated_at
        )
        .where(ProfileCopy.organisation == organisation_id)
        .order_by(ProfileCopy.code)
        .output(load_json=True)
    )
    found = [
        {"code": p.code, "name": p.name, "builtin": True, "based_on": "", "updated_at": None}
        for p in (load_profile(code) for code in BUILTIN_CODES)
    ] + [
        {
            "code": c["code"],
            "name": c["data"].get("name", c["code"]),
            "builtin": False,
            "based_on": c["based_on"],
            "updated_at": c["updated_at"],
        }
        for c in copies
    ]
    return [ProfileChoice(**p, active=p["code"] == active) for p in found]


async def _lock(organisation_id: int) -> None:
    # Profile changes of one organisation run one at a time (no unique index on the copies).
    await Organisation.raw("SELECT id FROM organisation WHERE id = {} FOR UPDATE", organisation_id)


async def refresh_open_cases(organisation_id: int) -> int:
    rules = await organisation_rules(organisation_id)
    rows = await Message.select(Message.id).where(
        (Message.organisation == organisation_id)
        & Message.state.is_in([str(s) for s in OPEN_STATES])
    )
    for row in rows:
        await refresh_deadlines(rules, row["id"])
    return len(rows)


async def clone_profile(ctx: ActorContext, code: str, name: str = "") -> list[ProfileWarning]:
    """Copy the organisation's profile in force under a new code, to be edited and switched to."""
    actor = _admin(ctx)
    code, name = code.strip(), name.strip()[:300]
    if code in BUILTIN_CODES:
        raise _refuse(f"Код «{code}» занят встроенным регламентом: выберите другой.")
    async with ProfileCopy._meta.db.transaction():
        await _lock(ctx.organisation_id)
        if await _copy(ctx.organisation_id, code) is not None:
            raise _refuse(f"Регламент с кодом «{code}» уже есть.")
        rules = await organisation_rules(ctx.organisation_id)
        mapping = profile_to_mapping(rules.profile)
        mapping.update(code=code, name=name or f"{rules.profile.name} (копия)")
        warnings = checked_profile(mapping)
        await ProfileCopy(
            organisation=ctx.organisation_id,
            code=code,
            based_on=rules.profile.code,
            data=mapping,
            updated_by=ctx.user_id,
            updated_at=clock.now(),
        ).save()
        await record_event(
            ctx.organisation_id,
            "profile_cloned",
            actor,
            before={"code": rules.profile.code},
            after={"code": code, "name": mapping["name"]},
        )
    return warnings


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flat(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    """The changed leaves as {dotted path: value}, before and after, bounded for the log."""
    old, new = _flat(before), _flat(after)
    paths = sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))
    paths = paths[:MAX_LOGGED_CHANGES]
    return {p: old.get(p) for p in paths}, {p: new.get(p) for p in paths}


async def save_profile(
    ctx: ActorContext,
    code: str,
    mapping: Mapping[str, Any],
    seen_updated_at: datetime | None = None,
) -> list[ProfileWarning]:
    """Store the edited copy after validation; returns the warnings to show."""
    actor = _admin(ctx)
    if mapping.get("code") != code:
        raise _refuse("Код регламента менять нельзя: сделайте копию с новым кодом.")
    warnings = checked_profile(mapping)
    async with ProfileCopy._meta.db.transaction():
        await _lock(ctx.organisation_id)
        copy = await _copy(ctx.organisation_id, code)
        if copy is None:
            raise _refuse(f"Регламент «{code}» не найден: изменять можно только копии.")
        if seen_updated_at is not None and copy["updated_at"] != seen_updated_at:
            raise _refuse("Регламент уже изменён другим пользователем. Обновите страницу.")
        data = json.loads(json.dumps(mapping))
        await ProfileCopy.update(
            {
                ProfileCopy.data: data,
                ProfileCopy.updated_by: ctx.user_id,
                ProfileCopy.updated_at: clock.now(),
            }
        ).where(ProfileCopy.id == copy["id"])
        before, after = _changes(copy["data"], data)
        after["warnings"] = [w.code for w in warnings]
        await record_event(
            ctx.organisation_id, "profile_saved", actor, before=before, after=after, comment=code
        )
        org = await Organisation.select(Organisation.profile_code).where(
            Organisation.id == ctx.organisation_id
        )
        if org and org[0]["profile_code"] == code:
            await refresh_open_cases(ctx.organisation_id)
    return warnings


async def switch_profile(ctx: ActorContext, code: str) -> list[ProfileWarning]:
    """Put a built-in profile or one of the organisation's copies in force."""
    actor = _admin(ctx)
    async with ProfileCopy._meta.db.transaction():
        await _lock(ctx.organisation_id)
        warnings = checked_profile(await profile_mapping(ctx.organisation_id, code))
        org = await Organisation.select(Organisation.profile_code).where(
            Organisation.id == ctx.organisation_id
        )
        previous = org[0]["profile_code"] if org else ""
        await Organisation.update({Organisation.profile_code: code}).where(
            Organisation.id == ctx.organisation_id
        )
        recomputed = await refresh_open_cases(ctx.organisation_id)
        await record_event(
            ctx.organisation_id,
            "profile_switched",
            actor,
            before={"code": previous},
            after={"code": code, "recomputed_cases": recomputed},
        )
    return warnings
