"""The screening detectors as the rest of Otklik calls them: text in, flags and evidence out.

Lexicons and the n-gram model are loaded once per process and cached; the rules are in
app.domain.screening. The model only adds insulting_language where the lexicon found nothing
and it is at least MODEL_THRESHOLD sure (chosen on the evaluation in docs/screening.md).
"""

from __future__ import annotations

from app.domain.screening import abuse, importance, normalise
from app.domain.screening.result import Evidence
from app.domain.screening.tokens import Reading
from app.screening.lexicons import abuse_lexicon, importance_lexicon
from app.screening.models import insult_model
from app.screening.morphology import lemma

MODEL_THRESHOLD = 0.6


def flag_abuse(text: str) -> tuple[tuple[str, ...], tuple[Evidence, ...]]:
    """Abuse and threat flags (FlagCode values, in a stable order) with their evidence."""
    found = abuse.flag_abuse(
        text, abuse_lexicon(), lemma, model=insult_model(), model_threshold=MODEL_THRESHOLD
    )
    return found.flags, found.evidence


def suggest_importance(
    text: str, *, reading: Reading | None = None
) -> tuple[str, tuple[Evidence, ...]]:
    """«high» or «normal», with the fragments that made it high (`reading`: the text's, when
    the caller has it)."""
    found = importance.suggest_importance(text, importance_lexicon(), lemma, reading=reading)
    return found.importance, found.evidence


def forget_words() -> None:
    """Empty every memory of words seen (lemmas, readings, verdicts, model weights): the
    process as a fresh worker starts, for the benchmark's cold figures."""
    lemma.cache_clear()
    normalise.forget()
    abuse_lexicon().forget()
    model = insult_model()
    if model is not None:
        model.forget()
