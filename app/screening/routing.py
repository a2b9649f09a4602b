"""Department and topic suggestions of an organisation (issue #15, Penza p.8, Parfino p.7).

The model (app.domain.screening.routing) is the organisation's learned counts (table
routing_knowledge) plus pseudo-examples rebuilt from its departments' topics and its topic
dictionary. The loaded model is cached per organisation; the cache is checked against the
stored row's `updated_at` at most once a second (one indexed read) and the dictionary part is
rebuilt after DICTIONARY_TTL seconds, so suggestions stay well under 20 ms a message.
"""

from __future__ import annotations

import asyncio
import json
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from app.db.json_columns import json_value
from app.db.tables import Department, RoutingKnowledge, Topic
from app.domain.screening.result import Suggestion
from app.domain.screening.routing import RoutingModel, Seed, features, seeded_model
from app.domain.topics import topic_key
from app.screening.morphology import lemma

LEXICON = Path(__file__).parent / "lexicons" / "routing_topics.toml"
DICTIONARY_TTL = 60.0
# How often a process asks whether another one (the worker) has learned since: a routing
# learned elsewhere shows in this process's suggestions within a second.
CHECK_SECONDS = 1.0
MAX_LEARN_CHARS = 5_000


@dataclass(frozen=True)
class Knowledge:
    """What the organisation's routing has learned, as stored."""

    departments: RoutingModel
    topics: RoutingModel
    learned_through: int
    updated_at: datetime | None

    def state(self) -> dict[str, Any]:
        self.departments.compact()
        self.topics.compact()
        return {"departments": self.departments.to_json(), "topics": self.topics.to_json()}


@dataclass
class _Loaded:
    updated_at: datetime | None
    loaded_at: float
    departments: RoutingModel
    department_names: tuple[str, ...]
    topics: RoutingModel
    topic_names: tuple[str, ...]
    checked_at: float = 0.0


_CACHE: dict[int, _Loaded] = {}


@cache
def seed_words() -> dict[str, tuple[str, ...]]:
    """The cold-start vocabulary of municipal topics, by topic key (a data file)."""
    data = tomllib.loads(LEXICON.read_text(encoding="utf-8"))
    return {topic_key(k): tuple(v) for k, v in data["topics"].items()}


async def suggest_routing(
    organisation_id: int, text: str
) -> tuple[tuple[Suggestion, ...], tuple[Suggestion, ...]]:
    """The top 3 topics and top 3 departments for a message, each with score and «почему»."""
    loaded = await _loaded(organisation_id)
    found = features(text, lemma)
    return (
        loaded.topics.rank(found, loaded.topic_names),
        loaded.departments.rank(found, loaded.department_names),
    )


async def learn_routing(
    organisation_id: int, text: str, department_names: Iterable[str], topics: Iterable[str]
) -> None:
    """Learn one routed message: its text under its departments and topics."""
    departments, names = list(department_names), list(topics)

    def learn(knowledge: Knowledge) -> int | None:
        learn_example(knowledge, text, departments, names)
        return None

    await update_knowledge(organisation_id, learn)


def learn_example(
    knowledge: Knowledge, text: str, departments: Iterable[str], topics: Iterable[str]
) -> None:
    """Add one example to loaded knowledge (the caller stores it)."""
    found = features(text[:MAX_LEARN_CHARS], lemma)
    knowledge.departments.learn(found, departments)
    knowledge.topics.learn(found, topics)


async def update_knowledge(
    organisation_id: int, change: Callable[[Knowledge], int | None]
) -> Knowledge:
    """Load the organisation's knowledge locked, apply `change`, store it in one transaction.

    `change` may return a new `learned_through` watermark (the worker's catch-up)."""
    async with RoutingKnowledge._meta.db.transaction():
        await RoutingKnowledge.raw(
            "INSERT INTO routing_knowledge (organisation, state, examples, learned_through, "
            "updated_at) VALUES ({}, '{{}}'::jsonb, 0, 0, now()) "
            "ON CONFLICT (organisation) DO NOTHING",
            organisation_id,
        )
        rows = await RoutingKnowledge.raw(
            "SELECT state, learned_through, updated_at FROM routing_knowledge "
            "WHERE organisation = {} FOR UPDATE",
            organisation_id,
        )
        # The state is megabytes of JSON: parsing, learning and serialising run off the loop.
        knowledge = await asyncio.to_thread(_knowledge, rows[0])
        watermark = await asyncio.to_thread(change, knowledge)
        through = knowledge.learned_through if watermark is None else watermark
        state = await asyncio.to_thread(lambda: json.dumps(knowledge.state(), ensure_ascii=False))
        await RoutingKnowledge.raw(
            "UPDATE routing_knowledge SET state = {}::jsonb, examples = {}, "
            "learned_through = {}, updated_at = clock_timestamp() WHERE organisation = {}",
            state,
            knowledge.departments.examples,
            through,
            organisation_id,
        )
    _CACHE.pop(organisation_id, None)
    return knowledge


async def stored_knowledge(organisation_id: int) -> Knowledge:
    """The organisation's learned knowledge (empty before anything was learned)."""
    rows = await RoutingKnowledge.raw(
        "SELECT state, learned_through, updated_at FROM routing_knowledge WHERE organisation = {}",
        organisation_id,
    )
    return await asyncio.to_thread(_knowledge, rows[0] if rows else {})


def _knowledge(row: dict[str, Any]) -> Knowledge:
    state = json_value(row.get("state")) or {}
    return Knowledge(
        RoutingModel.from_json(state.get("departments")),
        RoutingModel.from_json(state.get("topics")),
        int(row.get("learned_through") or 0),
        row.get("updated_at"),
    )


async def _loaded(organisation_id: int) -> _Loaded:
    cached = _CACHE.get(organisation_id)
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < CHECK_SECONDS:
        return cached
    rows = await RoutingKnowledge.raw(
        "SELECT updated_at FROM routing_knowledge WHERE organisation = {}", organisation_id
    )
    updated_at = rows[0]["updated_at"] if rows else None
    if (
        cached is not None
        and cached.updated_at == updated_at
        and now - cached.loaded_at < DICTIONARY_TTL
    ):
        cached.checked_at = now
        return cached
    loaded = await _load(organisation_id)
    loaded.checked_at = now
    _CACHE[organisation_id] = loaded
    return loaded


async def _load(organisation_id: int) -> _Loaded:
    knowledge = await stored_knowledge(organisation_id)
    departments = await Department.select(
        Department.name, Department.short_name, Department.topics, Department.is_active
    ).where(Department.organisation == organisation_id)
    topics = await Topic.select(
        Topic.name, Topic.synonyms, Topic.is_active, Topic.is_suggestion
    ).where(Topic.organisation == organisation_id)
    synonyms = {topic_key(t["name"]): tuple(t["synonyms"] or ()) for t in topics}
    words = seed_words()

    def about(topic: str) -> tuple[str, ...]:
        key = topic_key(topic)
        return (topic, *synonyms.get(key, ()), *words.get(key, ()))

    department_seeds = [
        Seed(d["name"], (d["name"], *(text for t in d["topics"] or () for text in about(t))))
        for d in departments
        if d["is_active"]
    ]
    live_topics = [t for t in topics if t["is_active"] and not t["is_suggestion"]]
    topic_seeds = [Seed(t["name"], about(t["name"])) for t in live_topics]
    retired = {d["name"] for d in departments if not d["is_active"]}
    department_model = seeded_model(department_seeds, lemma).merged(knowledge.departments)
    topic_model = seeded_model(topic_seeds, lemma).merged(knowledge.topics)
    # Candidates: the active departments and whatever labels a history taught (an imported
    # history may name units by its own labels); never a department switched off.
    department_names = tuple(n for n in department_model.labels if n not in retired)
    retired_topics = {t["name"] for t in topics if not t["is_active"]}
    topic_names = tuple(n for n in topic_model.labels if n not in retired_topics)
    return _Loaded(
        knowledge.updated_at,
        time.monotonic(),
        department_model,
        department_names,
        topic_model,
        topic_names,
    )


def forget_loaded() -> None:
    """Drop every cached model (tests, after the tables were reset under the process)."""
    _CACHE.clear()
