"""A linear model over hashed character n-grams of the words as meant: a second opinion on
insults the lexicon does not list («ватник», «овощ», new slang).

Each word (de-obfuscated, app.domain.screening.normalise) gives its character 2–4-grams with
word boundaries and the whole word, hashed by CRC-32 into a fixed number of weights; a text's
score is the logistic of the bias plus the sum of its n-grams' weights over the square root of
their number (the L2 norm when n-grams do not repeat). Training (bench/screening_train.py) builds
its matrix with the same `word_features`, so training and inference agree exactly; inference is
numpy only. The words whose n-grams weigh most are the evidence.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from app.domain.screening.abuse import ModelVerdict
from app.domain.screening.normalise import words

NGRAMS = (2, 4)
# A word adds to the evidence when its n-grams weigh at least this much together.
EVIDENCE_WEIGHT = 0.5
MAX_EVIDENCE = 3


def word_features(word: str, n_features: int, ngrams: tuple[int, int] = NGRAMS) -> list[int]:
    """The hashed features of one word: its character n-grams with boundaries, and itself."""
    padded = f" {word} "
    lo, hi = ngrams
    result = [zlib.crc32(f"w {word}".encode()) % n_features]
    for n in range(lo, hi + 1):
        for i in range(len(padded) - n + 1):
            result.append(zlib.crc32(padded[i : i + n].encode()) % n_features)
    return result


ScoredWord = tuple[int, int, str]  # start, end, the word as meant


def text_words(text: str) -> list[ScoredWord]:
    """The words a text is scored on: (start, end, word as meant)."""
    return [(w.start, w.end, w.norm) for w in words(text) if w.mask is None and w.norm.isalpha()]


@dataclass
class NgramModel:
    """Weights of hashed n-gram features and a bias (app/screening/models/*.npz)."""

    weights: npt.NDArray[np.float32]
    bias: float
    ngrams: tuple[int, int] = NGRAMS

    def __post_init__(self) -> None:
        n = len(self.weights)
        ngrams = self.ngrams

        @lru_cache(maxsize=100_000)
        def word_weight(word: str) -> tuple[float, int]:
            idx = word_features(word, n, ngrams)
            return float(self.weights[idx].sum()), len(idx)

        self._word_weight = word_weight

    def forget(self) -> None:
        """Empty the memory of words' weights (a fresh process, for the benchmark)."""
        self._word_weight.cache_clear()

    def __call__(self, found: Sequence[ScoredWord]) -> ModelVerdict:
        """The probability that the words are abusive and the words that weigh most."""
        if not found:
            return ModelVerdict(1 / (1 + math.exp(-self.bias)), ())
        weighed = [(self._word_weight(word), start, end) for start, end, word in found]
        total = sum(w for (w, _), _, _ in weighed)
        count = sum(c for (_, c), _, _ in weighed)
        z = self.bias + total / math.sqrt(count)
        score = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
        top = sorted(weighed, key=lambda item: -item[0][0])[:MAX_EVIDENCE]
        evidence = tuple(sorted((s, e) for (w, _), s, e in top if w >= EVIDENCE_WEIGHT))
        if not evidence and top:
            evidence = ((top[0][1], top[0][2]),)
        return ModelVerdict(score, evidence)
