"""Four eyes on every draft (Penza p.12, Parfino p.13): nobody reviews what they wrote.

The authors of a draft are everyone who wrote a version of it since a draft of the
assignment was last approved: the writer and each reviser. An author may not approve the
draft nor return it, whatever other roles they hold (small administrations give one person
several). When every person who carries the approving duty today (substitutes included) is
an author, the review falls to the official, who then reviews in the approver's stead.
This is our reading where the clauses are silent: the regulation names an approver other
than the executor, and the official answers for the whole process (Penza p.19, Parfino p.22).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from app.domain.roles import Role

AUTHOR_REFUSED_RU = "Проект согласует другой сотрудник: вы — его автор."
IN_STEAD_RU = "Согласующий — автор проекта, поэтому проект согласует должностное лицо."


@dataclass(frozen=True)
class DraftVersion:
    """One version of an assignment's draft: who wrote it and whether it was approved."""

    author_id: int | None
    approved: bool


@dataclass(frozen=True)
class ReviewRight:
    """Whether a person may review the current draft, and in whose stead."""

    allowed: bool
    in_stead: bool = False
    note_ru: str = ""


def draft_authors(versions: Sequence[DraftVersion]) -> frozenset[int]:
    """Who wrote the current draft: the authors of the versions since the last approval."""
    authors: set[int] = set()
    for version in reversed(versions):
        if version.approved:
            break
        if version.author_id is not None:
            authors.add(version.author_id)
    return frozenset(authors)


def review_right(
    user_id: int | None,
    user_roles: Collection[Role],
    approver_roles: Collection[Role],
    approvers: Collection[int],
    authors: frozenset[int],
) -> ReviewRight:
    """May this person review the draft? `approvers` carry the approving duty today."""
    approves = bool(set(user_roles) & set(approver_roles))
    in_stead = Role.OFFICIAL in user_roles and not set(approvers) - authors
    if not (approves or in_stead):
        return ReviewRight(False)  # not their duty at all: the lifecycle refuses by role
    if user_id in authors:
        return ReviewRight(False, note_ru=AUTHOR_REFUSED_RU)
    if approves:
        return ReviewRight(True)
    return ReviewRight(True, in_stead=True, note_ru=IN_STEAD_RU)
