"""Earlier messages on the same question (Penza p.15, Parfino p.18), offered for linking.

Found by the same author, the same thread (post) in the network, the same address (an
overlap of Message.places, GIN-indexed), a copy of the same complaint (Message.duplicate_of,
see app.intake.duplicates), or similar text through PostgreSQL full-text search with the
`russian` configuration (stemming makes «фонари» and «фонарей» one lexeme). Only plpgsql is
installed, so no trigram similarity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.core.errors import UserError
from app.db.rows import view_of
from app.db.tables import Message
from app.domain.networks import NETWORKS_IN

MAX_LIMIT = 20
EXCERPT = 200
# The text search sees at most this much of a message: enough for its subject, and bounded.
MAX_QUERY_CHARS = 2_000
MAX_QUERY_WORDS = 40
# Two stems in common make a text match (one is too weak: «двор», «дорога» are everywhere).
MIN_SHARED_LEXEMES = 2
# Words of a complaint that say nothing of its subject (the `russian` stop list drops the rest).
GENERIC_WORDS = frozenset(
    [
        "снова",
        "опять",
        "писал",
        "писала",
        "писали",
        "повторно",
        "пишу",
        "пишем",
        "сколько",
        "можно",
        "когда",
        "почему",
        "пожалуйста",
        "администрация",
        "администрации",
        "здравствуйте",
        "добрый",
        "день",
        "спасибо",
        "уважаемые",
    ]
)
WORD = re.compile(r"[^\W\d_]{3,}")
WHY_RU = {
    "copy": "то же сообщение",
    "url": "та же ветка обсуждения",
    "author": "тот же автор",
    "place": "тот же адрес",
    "text": "похожий текст",
}
REASONS = ("copy", "url", "author", "place", "text")


def significant_words(text: str) -> list[str]:
    """Distinct words of the text worth searching for, in order, bounded."""
    words = (w.lower() for w in WORD.findall(text[:MAX_QUERY_CHARS]))
    unique = dict.fromkeys(w for w in words if w not in GENERIC_WORDS)
    return list(unique)[:MAX_QUERY_WORDS]


# Every {} is a bound parameter. A post's thread is its URL without the comment/reply
# parameters of VK, OK and Telegram links (intake has already normalised the URLs).
EARLIER_SQL = r"""
WITH src AS (
    SELECT m.*, websearch_to_tsquery('russian', {}) AS query,
           tsvector_to_array(to_tsvector('russian', {})) AS lexemes,
           rtrim(regexp_replace(regexp_replace(m.url, '([?&])(reply|comment|thread)=[^&]*',
                 '\1', 'g'), '([?&])&+', '\1', 'g'), '?&/') AS thread_url
    FROM message m WHERE m.id = {} AND m.organisation = {}
), candidates AS (
    SELECT c.id, c.text, c.state, c.detected_at, c.collected_at, c.author_name, c.url,
        c.network,
        coalesce(c.id = src.duplicate_of OR c.duplicate_of = src.id
                 OR c.duplicate_of = src.duplicate_of, false) AS same_copy,
        coalesce(cardinality(src.places) > 0 AND c.places && src.places, false) AS same_place,
        ARRAY(SELECT unnest(c.places) INTERSECT SELECT unnest(src.places) ORDER BY 1)
            AS shared_places,
        (src.url <> '' AND c.url <> '' AND src.thread_url =
           rtrim(regexp_replace(regexp_replace(c.url, '([?&])(reply|comment|thread)=[^&]*',
                 '\1', 'g'), '([?&])&+', '\1', 'g'), '?&/')) AS same_url,
        ((src.author_url <> '' AND c.author_url = src.author_url)
         OR (src.author_external_id <> '' AND c.network = src.network
             AND c.author_external_id = src.author_external_id)
         OR (src.author_name <> '' AND c.author_name = src.author_name)) AS same_author,
        (SELECT count(*) FROM unnest(tsvector_to_array(to_tsvector('russian', c.text))) AS l
         WHERE l = ANY(src.lexemes)) AS shared,
        ts_rank(to_tsvector('russian', c.text), src.query) AS rank,
        cardinality(src.lexemes) AS wanted
    FROM message c, src
    WHERE c.organisation = src.organisation AND c.id <> src.id AND c.state <> 'refused'
      AND (c.collected_at, c.id) < (src.collected_at, src.id)
), scored AS (
    SELECT *, shared > 0 AND shared >= least({}, wanted) AS same_text FROM candidates
)
SELECT * FROM scored
WHERE same_copy OR same_url OR same_author OR same_place OR same_text
ORDER BY same_copy::int * 16 + same_url::int * 4 + same_author::int * 2 + same_place::int * 2
         + same_text::int DESC,
         rank DESC, coalesce(detected_at, collected_at) DESC, id DESC
LIMIT {}
"""


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


@dataclass(frozen=True)
class EarlierCase:
    """An earlier message offered as the one this repeats, and why it was found."""

    id: int
    excerpt: str
    state: str
    detected_at: datetime | None
    collected_at: datetime
    author_name: str
    url: str
    why: list[str]
    network: str = ""
    places: list[str] = field(default_factory=list)  # the addresses both name

    @property
    def why_ru(self) -> str:
        """Why it was found, in Russian («тот же автор, тот же адрес: ул. Ленина, 5»)."""
        return ", ".join(self._reason_ru(w) for w in self.why)

    def _reason_ru(self, why: str) -> str:
        if why == "place" and self.places:
            return f"{WHY_RU[why]}: {'; '.join(self.places)}"
        if why == "copy" and self.network:
            return f"{WHY_RU[why]} в {NETWORKS_IN.get(self.network, 'сети')}"
        return WHY_RU[why]


def _found(row: dict[str, Any]) -> EarlierCase:
    why = [w for w in REASONS if row[f"same_{w}"]]
    return view_of(
        EarlierCase,
        row,
        excerpt=_excerpt(row["text"]),
        why=why,
        places=list(row["shared_places"] or []),
    )


async def earlier_cases(organisation_id: int, message_id: int, limit: int = 5) -> list[EarlierCase]:
    """Earlier messages of the organisation on the same question, most relevant first."""
    row = (
        await Message.select(Message.text)
        .where((Message.id == message_id) & (Message.organisation == organisation_id))
        .first()
    )
    if row is None:
        raise UserError("Сообщение не найдено.", "not_found")
    words = significant_words(row["text"])
    # Words are letters only, so " or " joins them into an OR query and nothing else.
    query, plain = " or ".join(words), " ".join(words)
    limit = max(1, min(int(limit), MAX_LIMIT))
    rows = await Message.raw(
        EARLIER_SQL,
        query,
        plain,
        message_id,
        organisation_id,
        MIN_SHARED_LEXEMES,
        limit,
    )
    return [_found(r) for r in rows]
