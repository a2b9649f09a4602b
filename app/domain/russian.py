"""Russian grammar the pages and reports need: the plural of a noun after a number."""

from __future__ import annotations


def plural_form(n: int, one: str, few: str, many: str) -> str:
    """The word for `n` things: 1 ответ, 2 ответа, 5 ответов, 11 ответов, 21 ответ, 22 ответа.

    Russian chooses by the last two digits: 11–14 take «many»; otherwise a last digit 1 takes
    «one», 2–4 «few», the rest «many».
    """
    tail = abs(n) % 100
    if 11 <= tail <= 14:
        return many
    last = tail % 10
    if last == 1:
        return one
    if 2 <= last <= 4:
        return few
    return many


def plural(n: int, one: str, few: str, many: str) -> str:
    """The number with its word: «1 ответ», «2 ответа», «5 ответов»."""
    return f"{n}\u00a0{plural_form(n, one, few, many)}"
