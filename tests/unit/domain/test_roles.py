"""Who sees a case: every case for the overseeing roles, own departments' for an executor."""

from __future__ import annotations

import pytest

from app.domain.roles import Role, sees_case

E, S, OF, H, A, C = (
    Role.EXECUTOR,
    Role.SPECIALIST,
    Role.OFFICIAL,
    Role.HEAD,
    Role.ADMIN,
    Role.COORDINATOR,
)


@pytest.mark.parametrize(
    ("roles", "own", "routed", "sees"),
    [
        ({S}, set(), set(), True),
        ({C}, set(), {2}, True),
        ({OF}, set(), {2}, True),
        ({H}, set(), set(), True),
        ({A}, set(), {7}, True),
        ({E}, {3}, {3}, True),
        ({E}, {3}, {2, 3}, True),
        ({E}, {3}, {2}, False),
        ({E}, {3}, set(), False),  # not routed yet: no executor sees it
        ({E, S}, {3}, {2}, True),
        (set(), set(), {2}, False),
        (set(), {2}, {2}, False),  # a department without the executor role gives nothing
    ],
)
def test_sees_case(roles: set[Role], own: set[int], routed: set[int], sees: bool) -> None:
    assert sees_case(frozenset(roles), frozenset(own), frozenset(routed)) is sees
