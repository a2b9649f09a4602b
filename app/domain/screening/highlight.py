"""The message text cut into plain and matched pieces, for highlighting evidence on a page.

The page renders each piece with autoescape and wraps the matched ones in <mark>: the text
of a stranger never becomes markup (no |safe), whatever it contains."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ELLIPSIS = "…"


@dataclass(frozen=True)
class Segment:
    """A piece of the text; `why` is the reason shown on a matched piece (else "")."""

    text: str
    is_match: bool = False
    why: str = ""


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of the text that the evidence points at, and why."""

    start: int
    end: int
    why: str = ""


def merged(spans: Iterable[Span], length: int) -> list[Span]:
    """Spans clipped to the text, sorted, overlapping ones joined (their reasons too)."""
    clipped = sorted(
        (Span(max(0, s.start), min(length, s.end), s.why) for s in spans),
        key=lambda s: (s.start, s.end),
    )
    out: list[Span] = []
    for span in clipped:
        if span.end <= span.start:
            continue
        if out and span.start < out[-1].end:
            last = out[-1]
            whys = last.why if span.why in last.why.split("; ") else f"{last.why}; {span.why}"
            out[-1] = Span(last.start, max(last.end, span.end), whys.strip("; "))
        else:
            out.append(span)
    return out


def segments(text: str, spans: Iterable[Span], limit: int | None = None) -> list[Segment]:
    """The text (its first `limit` characters, then «…») as plain and matched pieces.

    Joined back, the pieces give exactly the (cut) text: nothing is added or lost."""
    cut = text if limit is None or len(text) <= limit else text[:limit]
    out: list[Segment] = []
    at = 0
    for span in merged(spans, len(cut)):
        if span.start > at:
            out.append(Segment(cut[at : span.start]))
        out.append(Segment(cut[span.start : span.end], True, span.why))
        at = span.end
    if at < len(cut):
        out.append(Segment(cut[at:]))
    if len(cut) < len(text):
        out.append(Segment(ELLIPSIS))
    return out
