"""Train the hashed character n-gram model of the abuse flags (app/screening/models/).

Run: python -m bench.screening_train [--features 262144] [--c 16] [--out PATH]

Training data, all under var/corpora/ (docs/screening.md «Evaluation» says how to bring it):
the training part (70 %) of Russian Distorted Toxicity (VK comments, MIT), the RUSSE-2022
detoxification training pairs (toxic comment and its neutral rewrite; OpenRAIL++ as
s-nlp/ru_paradetox) and, as ordinary text, the training half of KZgovData's complaints (MIT).
These licences allow shipping the weights (OpenRAIL++ passes on its use restrictions).
The held-out parts are left to bench/screening_eval.py. The features are
app.domain.screening.ngrams.word_features, the very function inference uses.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from app.domain.screening.ngrams import NGRAMS, text_words, word_features
from bench.screening_corpora import complaints_split, russe_detox, split, vk_distorted

MODEL = Path("app/screening/models/insult_ngrams.npz")


def features(texts: list[str], n_features: int) -> csr_matrix:
    """Rows of hashed n-gram counts over the square root of their number, as inference does."""
    data: list[float] = []
    indices: list[int] = []
    indptr = [0]
    for text in texts:
        idx = [i for _, _, word in text_words(text) for i in word_features(word, n_features)]
        if idx:
            value = 1 / math.sqrt(len(idx))
            indices.extend(idx)
            data.extend([value] * len(idx))
        indptr.append(len(indices))
    matrix = csr_matrix((data, indices, indptr), shape=(len(texts), n_features), dtype=np.float64)
    matrix.sum_duplicates()
    return matrix


def training_set() -> tuple[list[str], list[int]]:
    """The training part of the toxicity corpus and the training half of the complaints."""
    texts, labels = vk_distorted()
    (train_texts, train_labels), _ = split(texts, labels, "vk")
    ordinary, _ = complaints_split()
    detox_texts, detox_labels = russe_detox("train")
    return (
        train_texts + ordinary + detox_texts,
        train_labels + [0] * len(ordinary) + detox_labels,
    )


def train(n_features: int, c: float) -> tuple[np.ndarray, float]:
    texts, labels = training_set()
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    model.fit(features(texts, n_features), labels)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=2**18)
    parser.add_argument("--c", type=float, default=16.0)
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args()
    weights, bias = train(args.features, args.c)
    np.savez_compressed(
        args.out,
        weights=weights.astype(np.float16),
        bias=np.array([bias]),
        ngrams=np.array(NGRAMS),
        source=np.array(
            "Russian Distorted Toxicity (github.com/alla-g/toxicity-detection-thesis, MIT) "
            "training 70 % + RUSSE-2022 detox train pairs (github.com/s-nlp/russe_detox_2022, "
            "OpenRAIL++ as s-nlp/ru_paradetox) + KZgovData complaints "
            "(github.com/AdilzhanB/KZgovData, MIT) training half; bench/screening_train.py"
        ),
    )
    print(f"{args.out}: {args.out.stat().st_size / 1024:.0f} KiB, bias {bias:.3f}")


if __name__ == "__main__":
    main()
