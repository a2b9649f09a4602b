"""Four eyes (Penza p.12, Parfino p.13): nobody reviews a draft they wrote or revised."""

from __future__ import annotations

from app.domain.review import DraftVersion, draft_authors, review_right
from app.domain.roles import Role

S, E, OF = Role.SPECIALIST, Role.EXECUTOR, Role.OFFICIAL


def test_authors_are_the_writers_since_the_last_approval() -> None:
    versions = [
        DraftVersion(1, approved=True),  # an intermediate answer, approved
        DraftVersion(2, approved=False),  # the final draft, written by 2
        DraftVersion(3, approved=False),  # revised by 3
    ]
    assert draft_authors(versions) == {2, 3}
    assert draft_authors([]) == frozenset()
    assert draft_authors([DraftVersion(None, approved=False)]) == frozenset()


def test_an_author_never_reviews_whatever_roles_they_hold() -> None:
    right = review_right(7, {S, E, OF}, {S}, approvers={7, 8}, authors=frozenset({7}))
    assert not right.allowed and "автор" in right.note_ru


def test_an_approver_who_did_not_write_it_reviews() -> None:
    assert review_right(8, {S}, {S}, approvers={7, 8}, authors=frozenset({7})).allowed


def test_the_official_reviews_in_stead_only_when_every_approver_is_an_author() -> None:
    alone = review_right(9, {OF}, {S}, approvers={7}, authors=frozenset({7}))
    assert alone.allowed and alone.in_stead and "должностное лицо" in alone.note_ru
    assert not review_right(9, {OF}, {S}, approvers={7, 8}, authors=frozenset({7})).allowed
    nobody = review_right(9, {OF}, {S}, approvers=set(), authors=frozenset({7}))
    assert nobody.allowed and nobody.in_stead


def test_others_are_left_to_the_lifecycle_to_refuse() -> None:
    right = review_right(5, {E}, {S}, approvers={7}, authors=frozenset({7}))
    assert not right.allowed and right.note_ru == ""
    # The executor who wrote it is refused by role, not by authorship.
    writer = review_right(5, {E}, {S}, approvers={7}, authors=frozenset({5}))
    assert not writer.allowed and writer.note_ru == ""
