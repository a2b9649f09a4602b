"""Evaluation of routing suggestions on a public corpus of citizens' appeals.

Run: python -m bench.routing_eval [--corpus var/corpora/kursk-appeals/train_dataset_train.csv]
     [--label category|executor] [--top 15] [--test-share 0.2] [--seed 7] [--confusions 8]

The corpus (not in the repository; see docs/screening.md for where it comes from and its
terms) is the labelled part of the Kursk region appeals of the «Цифровой прорыв» hackathon:
2,000 appeals, each with its text, theme (161), executor (75 bodies) and category (17 ids).
`--label category` ranks the 17 categories; `--label executor` the `--top` largest executors
(the routing target proper: a department), rows of other executors left out.

A stratified held-out split (each label's rows shuffled with the seed, `--test-share` of them
held out; a label with one row stays in training). Our model (app.domain.screening.routing,
learned one example at a time, cold start off: no pseudo-examples) against a TF-IDF + logistic
regression baseline over the same lemmas (scikit-learn, word unigrams and bigrams). Prints
top-1 and top-3 accuracy of both, our ranking time per message, the size of our stored state
and the label pairs ours confuses most on the held-out part.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import random
import re
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from app.domain.screening.routing import RoutingModel, features
from app.screening.morphology import lemma

CORPUS = Path("var/corpora/kursk-appeals/train_dataset_train.csv")
COLUMNS = {"text": 1, "theme": 2, "executor": 3, "category": 4}
TAG = re.compile(r"<[^>]+>")


def load(path: Path, label: str, top: int) -> list[tuple[str, str]]:
    """(text, label) pairs: HTML tags and entities removed; the `top` largest labels."""
    csv.field_size_limit(1_000_000)
    with path.open(encoding="utf-8", newline="") as file:
        rows = [r for r in csv.reader(file) if len(r) == len(COLUMNS) + 1]
    pairs = [
        (" ".join(html.unescape(TAG.sub(" ", r[COLUMNS["text"]])).split()), r[COLUMNS[label]])
        for r in rows
    ]
    kept = {name for name, _ in Counter(lab for _, lab in pairs).most_common(top)}
    return [(text, lab) for text, lab in pairs if lab in kept and text]


def split(
    pairs: list[tuple[str, str]], share: float, seed: int
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """A stratified split: `share` of each label's rows held out (at least one of two)."""
    rng = random.Random(seed)
    by_label: dict[str, list[tuple[str, str]]] = {}
    for pair in pairs:
        by_label.setdefault(pair[1], []).append(pair)
    train: list[tuple[str, str]] = []
    test: list[tuple[str, str]] = []
    for label in sorted(by_label):
        rows = by_label[label]
        rng.shuffle(rows)
        held = 0 if len(rows) < 2 else max(1, round(len(rows) * share))
        test += rows[:held]
        train += rows[held:]
    rng.shuffle(train)
    return train, test


def ours(
    train: list[list[str]], train_labels: list[str], test: list[list[str]], labels: list[str]
) -> tuple[float, float, float, int, Counter[tuple[str, str]]]:
    """Top-1, top-3, median ranking time (ms), stored state (bytes) and the confusions."""
    model = RoutingModel()
    for found, label in zip(train, train_labels, strict=True):
        model.learn(found, [label])
    model.compact()
    size = len(json.dumps(model.to_json(), ensure_ascii=False).encode())
    top1 = top3 = 0
    times = []
    confused: Counter[tuple[str, str]] = Counter()
    for found, label in zip(test, labels, strict=True):
        started = time.perf_counter()
        ranked = [s.name for s in model.rank(found)]
        times.append((time.perf_counter() - started) * 1000)
        top1 += bool(ranked) and ranked[0] == label
        top3 += label in ranked[:3]
        if ranked and ranked[0] != label:
            confused[label, ranked[0]] += 1
    return top1 / len(test), top3 / len(test), statistics.median(times), size, confused


def baseline(
    train: list[list[str]], train_labels: list[str], test: list[list[str]], labels: list[str]
) -> tuple[float, float]:
    """Top-1 and top-3 accuracy of TF-IDF + logistic regression over the same lemmas."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    def words(found: list[str]) -> str:
        return " ".join(f for f in found if "_" not in f)  # the vectorizer makes the bigrams

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    x_train = vectorizer.fit_transform([words(f) for f in train])
    classifier = LogisticRegression(max_iter=2000, C=10.0)
    classifier.fit(x_train, train_labels)
    probabilities = classifier.predict_proba(vectorizer.transform([words(f) for f in test]))
    order = np.argsort(-probabilities, axis=1)[:, :3]
    classes = classifier.classes_
    ranked = [[classes[i] for i in row] for row in order]
    top1 = sum(r[0] == label for r, label in zip(ranked, labels, strict=True))
    top3 = sum(label in r for r, label in zip(ranked, labels, strict=True))
    return top1 / len(test), top3 / len(test)


def corpus_split(
    description: str, extra: dict[str, dict[str, Any]]
) -> tuple[argparse.Namespace, list[tuple[str, str]], list[tuple[str, str]]]:
    """The command line (the corpus and split options plus `extra`) and the split it names."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--label", choices=["category", "executor", "theme"], default="category")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--test-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    for name, options in extra.items():
        parser.add_argument(name, **options)
    args = parser.parse_args()
    if not args.corpus.is_file():
        raise SystemExit(f"Нет корпуса {args.corpus}: см. docs/screening.md, «Evaluation».")
    train, test = split(load(args.corpus, args.label, args.top), args.test_share, args.seed)
    return args, train, test


def main() -> None:
    args, train, test = corpus_split(
        __doc__.splitlines()[0], {"--confusions": {"type": int, "default": 8}}
    )
    train_features = [features(text, lemma) for text, _ in train]
    test_features = [features(text, lemma) for text, _ in test]
    train_labels = [label for _, label in train]
    test_labels = [label for _, label in test]
    majority = Counter(train_labels).most_common(1)[0][1] / len(train_labels)
    print(
        f"Корпус {args.corpus.name}: метка {args.label}, классов {len(set(train_labels))}, "
        f"обучение {len(train)}, проверка {len(test)}, доля крупнейшего класса {majority:.3f}"
    )
    top1, top3, median_ms, size, confused = ours(
        train_features, train_labels, test_features, test_labels
    )
    base1, base3 = baseline(train_features, train_labels, test_features, test_labels)
    print(f"Отклик (NB + PA):             top-1 {top1:.3f}  top-3 {top3:.3f}  {median_ms:.2f} мс")
    print(f"TF-IDF + логистическая регр.: top-1 {base1:.3f}  top-3 {base3:.3f}")
    print(f"Разница: top-1 {top1 - base1:+.3f}, top-3 {top3 - base3:+.3f}")
    print(f"Состояние модели (JSON): {size / 1024:.0f} КБ")
    print("Чаще всего путает (верная → предложенная первой):")
    for (truth, guess), count in confused.most_common(args.confusions):
        print(f"  {truth} → {guess}: {count}")


if __name__ == "__main__":
    main()
