"""The topic dictionary «Темы» (Parfino p.7): add, rename, merge, switch off, synonyms.

Cases store topic names (Message.topics, Assignment.topic), so renaming a topic or merging one
into another rewrites the cases' topics to the kept name; the old name becomes a synonym, so a
specialist typing it later gets the kept topic. Suggestions (topics typed by specialists that
the dictionary lacked) are accepted as topics or merged into one. Every change is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.admin.common import AdminNotFound, lock_organisation, log_change, refuse
from app.db.tables import Assignment, Message, Topic
from app.domain.topics import MAX_SYNONYMS, MAX_TOPIC, clean_topic, topic_key
from app.identity.actor import ActorContext


@dataclass(frozen=True)
class TopicRow:
    """A dictionary topic or a suggestion with the number of cases that carry it."""

    id: int
    name: str
    synonyms: list[str]
    is_active: bool
    is_suggestion: bool
    cases: int


def parse_synonyms(text: str) -> list[str]:
    """Comma-separated synonyms, cleaned and without repeats."""
    result: list[str] = []
    for raw in text.split(","):
        synonym = clean_topic(raw)
        if synonym and topic_key(synonym) not in {topic_key(s) for s in result}:
            result.append(synonym)
    if len(result) > MAX_SYNONYMS:
        raise refuse("synonyms", f"Не более {MAX_SYNONYMS} синонимов.")
    return result


def _name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise refuse("name", "Введите название темы.")
    if len(name) > MAX_TOPIC:
        raise refuse("name", f"Не длиннее {MAX_TOPIC} символов.")
    return name


async def topic_rows(organisation_id: int) -> list[TopicRow]:
    """Topics by name, then suggestions, each with its number of cases."""
    rows = await Topic.select().where(Topic.organisation == organisation_id)
    counts = await Message.raw(
        "SELECT t AS name, count(*) AS n FROM message, unnest(topics) AS t "
        "WHERE organisation = {} GROUP BY t",
        organisation_id,
    )
    by_name = {r["name"]: int(r["n"]) for r in counts}
    result = [
        TopicRow(
            r["id"],
            r["name"],
            list(r["synonyms"] or []),
            r["is_active"],
            r["is_suggestion"],
            by_name.get(r["name"], 0),
        )
        for r in rows
    ]
    return sorted(result, key=lambda t: (t.is_suggestion, not t.is_active, topic_key(t.name)))


async def _row(ctx: ActorContext, topic_id: int) -> dict[str, Any]:
    row = (
        await Topic.select()
        .where((Topic.id == topic_id) & (Topic.organisation == ctx.organisation_id))
        .first()
    )
    if row is None:
        raise AdminNotFound(topic_id)
    return row


async def _check_free(
    ctx: ActorContext, spellings: list[str], own_ids: tuple[int, ...], field: str
) -> None:
    """Refuses a name or synonym another topic already uses."""
    rows = await Topic.select(Topic.id, Topic.name, Topic.synonyms).where(
        Topic.organisation == ctx.organisation_id
    )
    for row in rows:
        if row["id"] in own_ids:
            continue
        taken = {topic_key(s) for s in (row["name"], *(row["synonyms"] or []))}
        for spelling in spellings:
            if topic_key(spelling) in taken:
                raise refuse(field, f"«{spelling}» уже есть в словаре: тема «{row['name']}».")


async def add_topic(ctx: ActorContext, name_text: str, synonyms_text: str = "") -> None:
    """A new topic of the dictionary."""
    name, synonyms = _name(name_text), parse_synonyms(synonyms_text)
    async with Topic._meta.db.transaction():
        await lock_organisation(ctx.organisation_id)
        await _check_free(ctx, [name], (), "name")
        await _check_free(ctx, synonyms, (), "synonyms")
        await Topic(
            organisation=ctx.organisation_id, name=name, key=topic_key(name), synonyms=synonyms
        ).save()
        await log_change(ctx, "admin_topic_added", after={"name": name, "synonyms": synonyms})


async def _rewrite_cases(organisation_id: int, old: str, new: str) -> list[int]:
    """Replace the topic `old` by `new` in every case of the organisation; their ids."""
    rows = await Message.select(Message.id, Message.topics).where(
        (Message.organisation == organisation_id) & Message.topics.any(old)
    )
    changed = []
    for row in rows:
        topics = list(dict.fromkeys(new if t == old else t for t in row["topics"]))
        await Message.update({Message.topics: topics}).where(Message.id == row["id"])
        changed.append(int(row["id"]))
    await Assignment.update({Assignment.topic: new}).where(
        (Assignment.organisation == organisation_id) & (Assignment.topic == old)
    )
    return changed


async def save_topic(ctx: ActorContext, topic_id: int, name_text: str, synonyms_text: str) -> None:
    """Rename a topic and set its synonyms; the cases follow the new name."""
    name, synonyms = _name(name_text), parse_synonyms(synonyms_text)
    async with Topic._meta.db.transaction():
        await lock_organisation(ctx.organisation_id)
        row = await _row(ctx, topic_id)
        old = row["name"]
        if topic_key(old) != topic_key(name) and old not in synonyms:
            synonyms.append(old)  # the old spelling still finds the topic
        synonyms = [s for s in synonyms if topic_key(s) != topic_key(name)]
        await _check_free(ctx, [name], (topic_id,), "name")
        await _check_free(ctx, synonyms, (topic_id,), "synonyms")
        await Topic.update(
            {Topic.name: name, Topic.key: topic_key(name), Topic.synonyms: synonyms}
        ).where(Topic.id == topic_id)
        changed = await _rewrite_cases(ctx.organisation_id, old, name) if old != name else []
        await log_change(
            ctx,
            "admin_topic_saved",
            before={"name": old, "synonyms": list(row["synonyms"] or [])},
            after={"name": name, "synonyms": synonyms, "messages": changed},
            comment=str(topic_id),
        )


async def merge_topic(ctx: ActorContext, source_id: int, target_id: int | None) -> int:
    """Merge a topic or suggestion into another: cases rewritten; returns how many."""
    if target_id is None or target_id == source_id:
        raise refuse("target", "Выберите тему, с которой объединить.")
    async with Topic._meta.db.transaction():
        await lock_organisation(ctx.organisation_id)
        source, target = await _row(ctx, source_id), await _row(ctx, target_id)
        if target["is_suggestion"]:
            raise refuse("target", "Объединять можно только с темой словаря, не с предложением.")
        spellings = [source["name"], *(source["synonyms"] or [])]
        synonyms = list(target["synonyms"] or [])
        for spelling in spellings:
            keys = {topic_key(s) for s in (target["name"], *synonyms)}
            if topic_key(spelling) not in keys:
                synonyms.append(spelling)
        await Topic.delete().where(Topic.id == source_id)
        await Topic.update({Topic.synonyms: synonyms[:MAX_SYNONYMS]}).where(Topic.id == target_id)
        changed = await _rewrite_cases(ctx.organisation_id, source["name"], target["name"])
        await log_change(
            ctx,
            "admin_topic_merged",
            before={"name": source["name"], "suggestion": source["is_suggestion"]},
            after={"into": target["name"], "messages": changed},
            comment=str(source_id),
        )
    return len(changed)


async def set_topic_state(ctx: ActorContext, topic_id: int, active: bool) -> None:
    """Switch a topic off (no longer offered nor accepted) or on; a suggestion is accepted."""
    async with Topic._meta.db.transaction():
        row = await _row(ctx, topic_id)
        await Topic.update({Topic.is_active: active, Topic.is_suggestion: False}).where(
            Topic.id == topic_id
        )
        kind = "admin_topic_activated" if active else "admin_topic_deactivated"
        if row["is_suggestion"] and active:
            kind = "admin_topic_accepted"
        await log_change(ctx, kind, before={"name": row["name"]}, comment=str(topic_id))
