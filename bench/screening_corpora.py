"""The public labelled corpora the abuse flags are evaluated on, read from var/corpora/.

Nothing here is downloaded: bring the files with the commands in docs/screening.md
(«Evaluation»). Each reader returns (texts, labels) with 1 for abusive; splits are fixed by a
seeded shuffle so every run and the training script see the same held-out part.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

CORPORA = Path("var/corpora")
SEED = 15
HELD_OUT = 0.3

Labelled = tuple[list[str], list[int]]


def split(texts: list[str], labels: list[int], name: str) -> tuple[Labelled, Labelled]:
    """A fixed (train, held-out) split of a corpus: 70 % / 30 %, the same on every run."""
    order = list(range(len(texts)))
    random.Random(f"{SEED}:{name}").shuffle(order)
    cut = int(len(order) * (1 - HELD_OUT))
    train, test = order[:cut], order[cut:]
    return (
        ([texts[i] for i in train], [labels[i] for i in train]),
        ([texts[i] for i in test], [labels[i] for i in test]),
    )


def vk_distorted(root: Path = CORPORA) -> Labelled:
    """Russian Distorted Toxicity (alla-g/toxicity-detection-thesis, MIT): 3,000 VK comments,
    561 toxic, 126 with distorted words; label `toxicity`."""
    texts, labels = [], []
    with (root / "russian_distorted_toxicity.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            texts.append(row["comments"])
            labels.append(int(row["toxicity"]))
    return texts, labels


def russe_detox(part: str, root: Path = CORPORA) -> Labelled:
    """RUSSE-2022 detoxification pairs (s-nlp/russe_detox_2022): each toxic comment (1) and
    its first neutral rewrite by annotators (0) — the same content without the abuse."""
    texts, labels = [], []
    with (root / f"russe_detox_{part}.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            texts.append(row["toxic_comment"])
            labels.append(1)
            neutral = (row.get("neutral_comment1") or "").strip()
            if neutral:
                texts.append(neutral)
                labels.append(0)
    return texts, labels


def complaints(root: Path = CORPORA) -> tuple[list[str], list[str]]:
    """KZgovData (AdilzhanB/KZgovData, MIT): 1,200 citizens' complaints to local government,
    in Russian (`text_ru`), with an urgency label (высокая / средняя / низкая)."""
    texts, urgency = [], []
    with (root / "kzgovdata.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            texts.append(row["text_ru"])
            urgency.append(row["urgency"])
    return texts, urgency


def complaints_split(root: Path = CORPORA) -> tuple[list[str], list[str]]:
    """The complaints split in two: the first half may be used in training as ordinary
    (non-abusive) text, the second is only for measuring false flags."""
    texts, _ = complaints(root)
    (train, _), (test, _) = split(texts, [0] * len(texts), "complaints")
    return train, test


def demo_complaints() -> list[str]:
    """The demo's complaint texts (app/demo/history_texts.py), with a street filled in."""
    from app.demo.history_texts import TOPICS

    return [
        text.format(addr="ул. Ленина, 5", name="Ольга")
        for topic in TOPICS
        for text in topic.complaints
    ]
