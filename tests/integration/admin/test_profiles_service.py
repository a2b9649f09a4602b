"""An administrator's own profiles: clone, edit, save with validation, switch (issue #4)."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime

import pytest

from app.admin import profiles
from app.db.tables import Event, Organisation, ProfileCopy
from app.domain.regulation import ProfileError
from app.identity.organisations import organisation_rules
from tests.integration.cases_helpers import MSK, Clock, message, org_id, person
from tests.integration.services_helpers import routed_case

pytestmark = pytest.mark.usefixtures("demo")


async def admin(slug: str = "penza"):
    return await person("admin", slug)


async def refused(action: Awaitable[object], fragment: str) -> None:
    """The action is refused with a Russian message containing the fragment."""
    with pytest.raises(ProfileError) as error:
        await action
    assert fragment in error.value.message_ru


async def kinds(slug: str) -> list[str]:
    rows = await Event.select(Event.kind).where(
        (Event.organisation == await org_id(slug)) & Event.kind.like("profile_%")
    )
    return [r["kind"] for r in rows]


async def test_clone_edit_save_and_switch_recomputes_open_cases() -> None:
    Clock(datetime(2025, 3, 17, 10, 0, tzinfo=MSK))
    message_id, _ = await routed_case("penza")
    assert (await message(message_id))["answer_due_at"] == datetime(2025, 3, 18, 9, 48, tzinfo=MSK)
    ctx = await admin()
    assert await profiles.clone_profile(ctx, "penza-local", "Пенза, местная редакция") != []
    mapping = await profiles.profile_mapping(ctx.organisation_id, "penza-local")
    assert mapping["name"] == "Пенза, местная редакция"
    mapping["timings"]["answer_normal"]["minutes"] = 6 * 60
    await profiles.save_profile(ctx, "penza-local", mapping)
    # Not in force yet: the organisation still runs on the built-in profile.
    assert (await organisation_rules(ctx.organisation_id)).profile.code == "penza-2020"
    await profiles.switch_profile(ctx, "penza-local")
    rules = await organisation_rules(ctx.organisation_id)
    assert rules.profile.code == "penza-local"
    assert rules.profile.timings.answer_normal.minutes == 360
    # The open case follows the new budget: 6 working hours from Monday 10:00 → 16:48.
    assert (await message(message_id))["answer_due_at"] == datetime(2025, 3, 17, 16, 48, tzinfo=MSK)
    listed = {p.code: p for p in await profiles.available_profiles(ctx.organisation_id)}
    assert listed["penza-local"].active and not listed["penza-2020"].active
    assert listed["penza-local"].based_on == "penza-2020"
    assert await kinds("penza") == ["profile_cloned", "profile_saved", "profile_switched"]
    saved = await Event.select().where(Event.kind == "profile_saved").output(load_json=True).first()
    assert saved is not None and saved["actor_role"] == "admin"
    assert saved["before"]["timings.answer_normal.minutes"] == 480
    assert saved["after"]["timings.answer_normal.minutes"] == 360


async def test_impossible_values_are_refused_in_russian_and_nothing_changes() -> None:
    ctx = await admin()
    await profiles.clone_profile(ctx, "penza-test")
    mapping = await profiles.profile_mapping(ctx.organisation_id, "penza-test")
    mapping["timings"]["draft_lead_normal"]["minutes"] = 10 * 60  # after the 8-hour answer
    await refused(profiles.save_profile(ctx, "penza-test", mapping), "не позже момента выявления")
    mapping["timings"]["draft_lead_normal"]["minutes"] = 0
    await refused(profiles.save_profile(ctx, "penza-test", mapping), "положительным числом минут")
    mapping["timings"] = "восемь часов"
    await refused(profiles.save_profile(ctx, "penza-test", mapping), "«timings»: ожидается таблица")
    stored = await profiles.profile_mapping(ctx.organisation_id, "penza-test")
    assert stored["timings"]["draft_lead_normal"]["minutes"] == 180
    assert await kinds("penza") == ["profile_cloned"]


async def test_warnings_are_returned_to_show() -> None:
    ctx = await admin("parfino")
    await profiles.clone_profile(ctx, "parfino-fast")
    mapping = await profiles.profile_mapping(ctx.organisation_id, "parfino-fast")
    mapping["timings"]["hand_over"]["minutes"] = 5 * 60
    warnings = await profiles.save_profile(ctx, "parfino-fast", mapping)
    assert "route_after_draft_due" in {w.code for w in warnings}
    assert all(w.message_ru for w in warnings)


async def test_only_an_admin_changes_profiles_and_builtins_stay_files() -> None:
    specialist = await person("penza-specialist", "penza")
    await refused(profiles.clone_profile(specialist, "penza-x"), "только администратор")
    ctx = await admin()
    await refused(profiles.clone_profile(ctx, "parfino-2020"), "встроенным регламентом")
    await refused(profiles.clone_profile(ctx, "Пенза!"), "латиница")
    await profiles.clone_profile(ctx, "penza-x")
    await refused(profiles.clone_profile(ctx, "penza-x"), "уже есть")
    builtin = await profiles.profile_mapping(ctx.organisation_id, "penza-2020")
    await refused(profiles.save_profile(ctx, "penza-2020", builtin), "только копии")
    await refused(profiles.switch_profile(ctx, "penza-y"), "не найден")
    # Another organisation neither sees nor uses Penza's copy.
    parfino = await admin("parfino")
    await refused(profiles.switch_profile(parfino, "penza-x"), "не найден")
    penza = await Organisation.objects().where(Organisation.slug == "penza").first()
    assert penza.profile_code == "penza-2020"


async def test_a_stale_edit_is_refused() -> None:
    ctx = await admin()
    await profiles.clone_profile(ctx, "penza-x")
    seen = (await ProfileCopy.objects().where(ProfileCopy.code == "penza-x").first()).updated_at
    mapping = await profiles.profile_mapping(ctx.organisation_id, "penza-x")
    await profiles.save_profile(ctx, "penza-x", mapping, seen)
    await refused(
        profiles.save_profile(ctx, "penza-x", mapping, seen), "изменён другим пользователем"
    )


def test_editor_text_is_read_as_json_or_toml_and_bounded() -> None:
    assert profiles.mapping_from_text('{"code": "a"}') == {"code": "a"}
    assert profiles.mapping_from_text('code = "a"\n[timings]\n') == {"code": "a", "timings": {}}
    with pytest.raises(ProfileError, match="не читается"):
        profiles.mapping_from_text("code = ")
    with pytest.raises(ProfileError, match="слишком велик"):
        profiles.mapping_from_text("#" * (profiles.MAX_PROFILE_CHARS + 1))
