"""An organisation's topic dictionary as screening uses it (Parfino p.7).

Marking and reclassifying read the typed topics against the dictionary
(app.domain.topics.resolve_topics): a synonym is stored as its topic, an unknown topic is
stored as typed and kept as a suggestion for the administrator (app/admin/topics.py). The
specialist's forms ask `suggest` for the topics that match what is being typed.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core.errors import UserError
from app.db.tables import Topic
from app.domain.topics import (
    ResolvedTopics,
    TopicEntry,
    resolve_topics,
    suggestions_for,
    topic_key,
)


class TopicError(UserError):
    """A topic that cannot be used (switched off by the administrator)."""


async def dictionary(organisation_id: int) -> list[TopicEntry]:
    """Every topic and suggestion of the organisation."""
    rows = await Topic.select(
        Topic.name, Topic.synonyms, Topic.is_active, Topic.is_suggestion
    ).where(Topic.organisation == organisation_id)
    return [
        TopicEntry(r["name"], tuple(r["synonyms"] or ()), r["is_active"], r["is_suggestion"])
        for r in rows
    ]


async def resolve(organisation_id: int, typed: Iterable[str]) -> ResolvedTopics:
    """Typed topics as stored: canonical names; refuses topics switched off."""
    resolved = resolve_topics(typed, await dictionary(organisation_id))
    if resolved.inactive:
        names = ", ".join(f"«{n}»" for n in resolved.inactive)
        raise TopicError(
            f"Тема {names} отключена администратором: выберите тему из списка.", "topic_inactive"
        )
    return resolved


async def add_suggestions(organisation_id: int, names: Iterable[str], user_id: int | None) -> None:
    """Keep typed unknown topics as suggestions (once per spelling)."""
    for name in names:
        await Topic.insert(
            Topic(
                organisation=organisation_id,
                name=name,
                key=topic_key(name),
                is_suggestion=True,
                suggested_by=user_id,
            )
        ).on_conflict(target=(Topic.organisation, Topic.key), action="DO NOTHING")


async def add_topics(organisation_id: int, names: Iterable[str]) -> int:
    """Add topics the dictionary does not know by any spelling (a department's topics, the
    demo's); returns how many were added."""
    added = 0
    for name in resolve_topics(names, await dictionary(organisation_id)).unknown:
        inserted = (
            await Topic.insert(Topic(organisation=organisation_id, name=name, key=topic_key(name)))
            .on_conflict(target=(Topic.organisation, Topic.key), action="DO NOTHING")
            .returning(Topic.id)
        )
        added += len(inserted)
    return added


async def suggest(organisation_id: int, typed: str) -> list[str]:
    """Topics for the last comma-separated piece being typed (by name or synonym)."""
    return suggestions_for(typed.rsplit(",", 1)[-1], await dictionary(organisation_id))
