"""Copies of one complaint: the same text posted in VK and OK, or by two accounts.

At intake a new message is compared with the organisation's messages of the last few days
that share its words (the full-text index narrows them to at most MAX_CANDIDATES); the most
similar near-duplicate (app.domain.screening.duplicates) becomes its `duplicate_of` — always
the group's first copy, so a group is one message and its copies. Nothing is decided: the
«Новые» queue shows the group, and the specialist decides the copies the same way or links
one as a repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.db.tables import Message
from app.domain.networks import NETWORKS, NETWORKS_IN
from app.domain.screening.duplicates import fingerprint, first_copy
from app.intake.repeats import significant_words
from app.screening.morphology import lemma

# A copy is posted within hours; after this long a similar text is a repeat, not a copy.
COPY_WINDOW = timedelta(days=3)
MAX_CANDIDATES = 50

# The expression of the message_search_russian index, so the search can use it.
_CANDIDATES = """
SELECT c.id, c.text, c.duplicate_of FROM message c, message src
WHERE src.id = {} AND src.organisation = {} AND c.organisation = src.organisation
  AND c.id <> src.id AND (c.collected_at, c.id) < (src.collected_at, src.id)
  AND c.collected_at >= src.collected_at - {}::interval
  AND to_tsvector('russian', coalesce(c.text, '') || ' ' || coalesce(c.author_name, ''))
      @@ websearch_to_tsquery('russian', {})
ORDER BY c.collected_at DESC, c.id DESC
LIMIT {}
"""


async def link_duplicate(organisation_id: int, message_id: int) -> int | None:
    """Link a new message to the first copy of the same complaint; returns that id or None."""
    row = (
        await Message.select(Message.text)
        .where((Message.id == message_id) & (Message.organisation == organisation_id))
        .first()
    )
    words = significant_words(row["text"]) if row is not None else []
    if row is None or not words:
        return None
    rows = await Message.raw(
        _CANDIDATES,
        message_id,
        organisation_id,
        COPY_WINDOW,
        " or ".join(words),  # letters only: " or " makes an OR query and nothing else
        MAX_CANDIDATES,
    )
    new = fingerprint(row["text"], lemma)
    found = first_copy(new, ((r["id"], fingerprint(r["text"], lemma)) for r in rows))
    if found is None:
        return None
    first = next(r["duplicate_of"] or r["id"] for r in rows if r["id"] == found)
    await Message.update({Message.duplicate_of: first}).where(Message.id == message_id)
    return int(first)


@dataclass(frozen=True)
class Copy:
    """Another message of the same group as the «Новые» queue names it."""

    id: int
    network: str
    author_name: str
    state: str
    collected_at: datetime
    first: bool  # the group's first copy

    @property
    def network_title(self) -> str:
        """Russian name of the network."""
        return NETWORKS.get(self.network, self.network)

    @property
    def where_ru(self) -> str:
        """«в ВКонтакте», «в Одноклассниках»."""
        return f"в {NETWORKS_IN.get(self.network, 'сети')}"


async def copies_of(organisation_id: int, ids: list[int]) -> dict[int, list[Copy]]:
    """For each of these messages, the other messages of its group (first copy first)."""
    if not ids:
        return {}
    rows = await Message.raw(
        "WITH g AS (SELECT id, coalesce(duplicate_of, id) AS head FROM message "
        "  WHERE organisation = {} AND id = ANY({}::int[])) "
        "SELECT g.id AS of, m.id, m.network, m.author_name, m.state, m.collected_at, "
        "  m.duplicate_of IS NULL AS first "
        "FROM g JOIN message m ON m.organisation = {} "
        "  AND (m.id = g.head OR m.duplicate_of = g.head) AND m.id <> g.id "
        "ORDER BY g.id, m.duplicate_of IS NOT NULL, m.collected_at, m.id",
        organisation_id,
        ids,
        organisation_id,
    )
    out: dict[int, list[Copy]] = {}
    for r in rows:
        out.setdefault(r["of"], []).append(
            Copy(r["id"], r["network"], r["author_name"], r["state"], r["collected_at"], r["first"])
        )
    return out
