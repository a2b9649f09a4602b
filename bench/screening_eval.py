"""Evaluation of the abuse flags on public labelled Russian corpora, against a baseline.

Run: python -m bench.screening_eval [--threshold 0.6] [--errors N]

Reads var/corpora/ (docs/screening.md «Evaluation» says where each file comes from) and
prints, for each held-out set, precision, recall and F1 of "any abuse flag" for the lexicon
alone, the lexicon with the n-gram model, and a TF-IDF (word 1–2-grams + character 2–5-grams)
+ logistic regression baseline trained on the same training part; then the false-flag rate of
each on ordinary citizens' complaints (KZgovData's held-out half and the demo's complaints).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from app.domain.screening import abuse
from app.screening.detectors import MODEL_THRESHOLD, suggest_importance
from app.screening.lexicons import abuse_lexicon
from app.screening.models import insult_model
from app.screening.morphology import lemma
from bench.screening_corpora import (
    complaints,
    complaints_split,
    demo_complaints,
    russe_detox,
    split,
    vk_distorted,
)
from bench.screening_train import training_set

Predict = Callable[[Sequence[str]], list[int]]


def scores(labels: Sequence[int], predicted: Sequence[int]) -> tuple[float, float, float]:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def ours(with_model: bool, threshold: float) -> Predict:
    lexicon, model = abuse_lexicon(), insult_model() if with_model else None

    def predict(texts: Sequence[str]) -> list[int]:
        return [
            int(
                bool(
                    abuse.flag_abuse(
                        t, lexicon, lemma, model=model, model_threshold=threshold
                    ).flags
                )
            )
            for t in texts
        ]

    return predict


def baseline(texts: Sequence[str], labels: Sequence[int]) -> Predict:
    """TF-IDF over words and characters with logistic regression, balanced classes."""
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    x = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(x, labels)

    def predict(batch: Sequence[str]) -> list[int]:
        features = hstack([words.transform(batch), chars.transform(batch)]).tocsr()
        return [int(p) for p in model.predict(features)]

    return predict


def row(name: str, labels: Sequence[int], predicted: Sequence[int]) -> None:
    p, r, f = scores(labels, predicted)
    print(f"  {name:<28} precision {p:5.3f}  recall {r:5.3f}  F1 {f:5.3f}")


def false_flags(name: str, texts: Sequence[str], predict: Predict, show: bool = False) -> None:
    predicted = predict(texts)
    flagged = sum(predicted)
    for text, p in zip(texts, predicted, strict=True):
        if p and show:
            print("    flagged:", text[:160])
    print(f"  {name:<28} {flagged:4d} / {len(texts)} = {flagged / len(texts):6.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=MODEL_THRESHOLD)
    parser.add_argument("--errors", type=int, default=0, help="print this many misses of each kind")
    args = parser.parse_args()

    _, ordinary_test = complaints_split()
    vk_texts, vk_labels = vk_distorted()
    _, (test_x, test_y) = split(vk_texts, vk_labels, "vk")
    base = baseline(*training_set())
    lexicon_only = ours(False, args.threshold)
    combined = ours(True, args.threshold)
    detox_x, detox_y = russe_detox("dev")
    sets = {
        f"VK distorted toxicity, held-out {len(test_x)}": (test_x, test_y),
        f"RUSSE detox dev pairs, {len(detox_x)}": (detox_x, detox_y),
    }
    for title, (texts, labels) in sets.items():
        print(f"{title} ({sum(labels)} abusive):")
        for name, predict in (
            ("lexicon", lexicon_only),
            ("lexicon + n-gram model", combined),
            ("TF-IDF + LR baseline", base),
        ):
            predicted = predict(texts)
            row(name, labels, predicted)
            if args.errors and name == "lexicon + n-gram model":
                pairs = list(zip(texts, labels, predicted, strict=True))
                misses = [t for t, y, p in pairs if y and not p][: args.errors]
                wrong = [t for t, y, p in pairs if p and not y][: args.errors]
                for t in misses:
                    print("    missed:", t[:160].replace("\n", " "))
                for t in wrong:
                    print("    false: ", t[:160].replace("\n", " "))
    demo = demo_complaints()
    print(
        f"False flags on ordinary complaints (KZgovData held-out {len(ordinary_test)}, "
        f"demo {len(demo)}):"
    )
    for name, predict in (
        ("lexicon", lexicon_only),
        ("lexicon + n-gram model", combined),
        ("TF-IDF + LR baseline", base),
    ):
        false_flags(f"{name}, KZgovData", ordinary_test, predict, bool(args.errors))
        false_flags(f"{name}, demo", demo, predict, bool(args.errors))
    everything, urgency = complaints()
    false_flags("lexicon, all 1,200 KZgovData", everything, lexicon_only)
    importance_agreement(everything, urgency)


def importance_agreement(texts: Sequence[str], urgency: Sequence[str]) -> None:
    """How often «high» is suggested for KZgovData's complaints by their own urgency label."""
    print("Importance «high» suggested, by KZgovData's urgency label:")
    for label in ("высокая", "средняя", "низкая"):
        chosen = [t for t, u in zip(texts, urgency, strict=True) if u == label]
        high = sum(1 for t in chosen if suggest_importance(t)[0] == "high")
        print(f"  {label:<10} {high:4d} / {len(chosen)} = {high / len(chosen):6.1%}")


if __name__ == "__main__":
    main()
