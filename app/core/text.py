"""Text from strangers made safe to print: no bidi controls (used by every template)."""

from __future__ import annotations

from typing import Any

# Embeddings, overrides and isolates (U+202A–E, U+2066–9): a stranger's name or text could
# use them to reverse what follows it on the page («…gnp.exe» shown as «…exe.png»).
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi_controls(value: Any) -> Any:
    """Jinja's `finalize`: every printed text loses its bidi controls (marked-safe HTML too)."""
    # Markup.translate returns Markup: marked-safe HTML stays safe.
    return value.translate(BIDI_CONTROLS) if isinstance(value, str) else value
