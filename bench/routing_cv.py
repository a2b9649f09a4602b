"""How the routing model's constants were chosen: k-fold cross-validation on the training part.

Run: python -m bench.routing_cv [--corpus …] [--label category] [--folds 5] [--seed 7]

Only the training part of bench.routing_eval's split (same seed and share) is read; the
held-out part is left for the one final score of `python -m bench.routing_eval`. Each variant
learns every fold's training appeals one at a time and ranks the fold's appeals; the table is
the mean top-1 / top-3 over the folds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

from app.domain.screening import routing
from app.domain.screening.routing import RoutingModel, features
from app.screening.morphology import lemma
from bench.routing_eval import corpus_split

# Each variant: the module constants it sets. "naive Bayes alone" = no linear step; "linear
# alone" = the naive Bayes share too small to matter (it only breaks ties).
VARIANTS: dict[str, dict[str, float]] = {
    "naive Bayes alone (v1)": {"STEP_CAP": 0.0},
    "linear alone": {"NB_SHARE": 1e-9},
    "NB share 0.3": {"NB_SHARE": 0.3},
    "NB share 0.5 (kept)": {"NB_SHARE": 0.5},
    "NB share 1.0": {"NB_SHARE": 1.0},
    "NB share 2.0": {"NB_SHARE": 2.0},
    "NB share 0.5, step cap 0.1": {"NB_SHARE": 0.5, "STEP_CAP": 0.1},
}


@contextmanager
def constants(values: dict[str, float]) -> Iterator[None]:
    saved = {name: getattr(routing, name) for name in values}
    for name, value in values.items():
        setattr(routing, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(routing, name, value)


def folds(labels: list[str], count: int, seed: int) -> list[int]:
    """A stratified fold number per row."""
    rng = random.Random(seed)
    rows = sorted(range(len(labels)), key=lambda i: labels[i])
    by_label: dict[str, list[int]] = {}
    for i in rows:
        by_label.setdefault(labels[i], []).append(i)
    fold_of = [0] * len(labels)
    position = 0
    for label in sorted(by_label):
        members = by_label[label]
        rng.shuffle(members)
        for i in members:
            fold_of[i] = position % count
            position += 1
    return fold_of


def score(found: list[list[str]], labels: list[str], fold_of: list[int], count: int) -> str:
    top1 = top3 = 0
    for fold in range(count):
        model = RoutingModel()
        for words, label, where in zip(found, labels, fold_of, strict=True):
            if where != fold:
                model.learn(words, [label])
        for words, label, where in zip(found, labels, fold_of, strict=True):
            if where == fold:
                ranked = [s.name for s in model.rank(words)]
                top1 += bool(ranked) and ranked[0] == label
                top3 += label in ranked[:3]
    return f"top-1 {top1 / len(labels):.3f}  top-3 {top3 / len(labels):.3f}"


def main() -> None:
    args, train, _ = corpus_split(
        __doc__.splitlines()[0],
        {
            "--folds": {"type": int, "default": 5},
            "--fold-seed": {"type": int, "action": "append"},
        },
    )
    found = [features(text, lemma) for text, _ in train]
    labels = [label for _, label in train]
    print(f"Перекрёстная проверка на обучающей части: {len(train)} обращений, {args.folds} блоков")
    for fold_seed in args.fold_seed or [11]:
        fold_of = folds(labels, args.folds, fold_seed)
        for name, values in VARIANTS.items():
            with constants(values):
                print(
                    f"разбиение {fold_seed}, {name:<28} {score(found, labels, fold_of, args.folds)}"
                )


if __name__ == "__main__":
    main()
