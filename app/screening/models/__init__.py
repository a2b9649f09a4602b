"""The statistical model of the abuse flags: weights beside this module, trained by
bench/screening_train.py on the corpora named in docs/screening.md (both MIT-licensed).

Nothing is downloaded at run time: without the file the flags come from the lexicon alone.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import numpy as np

from app.domain.screening.ngrams import NgramModel

MODEL_FILE = "insult_ngrams.npz"


@cache
def insult_model() -> NgramModel | None:
    """The n-gram model of insults, or None when its weights are not installed."""
    resource = files(__name__).joinpath(MODEL_FILE)
    if not resource.is_file():
        return None
    with resource.open("rb") as f, np.load(f) as data:
        lo, hi = (int(n) for n in data["ngrams"])
        return NgramModel(data["weights"].astype(np.float32), float(data["bias"][0]), (lo, hi))
