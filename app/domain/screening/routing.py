"""Department and topic suggestions: a classifier that learns one routed message at a time.

A multinomial naive Bayes over lemmas and lemma bigrams. It is chosen over a discriminative
model because its state is plain counts: one routed case adds to them (no retraining pass),
the counts are JSON, and pseudo-examples (a department's topics, a topic's synonyms) mix with
real examples in the same currency — a new organisation gets sensible suggestions on its first
day and its own history takes over as cases are routed.

The model ranks only; the specialist chooses (nothing is pre-ticked).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from app.domain.screening.result import Suggestion
from app.domain.screening.tokens import Lemmatizer, tokens

STATE_VERSION = 1
# Additive smoothing of word counts (Lidstone): small, because messages are short and a
# department's own vocabulary is what matters.
ALPHA = 0.1
# How much one pseudo-example (a topic name, a synonym, a seed word) weighs against one
# routed message: enough to rank on a first day, little enough to be outvoted within weeks.
PSEUDO_WEIGHT = 3.0
# Above this many distinct features the rarest (seen once) are dropped: the state stays a few
# hundred kilobytes per organisation whatever its history.
MAX_FEATURES = 60_000
TOP = 3
WHY_WORDS = 4
# Words that carry no routing signal (a closed list: pronouns, particles, the politeness
# of every appeal). Our own list.
_STOP_WORDS = """
    и в во не на я он она они мы вы ты что это как с со к ко по за из у о об от до для же ли бы
    а но или то так уже еще все весь всё быть этот тот который мой наш ваш свой его её их
    здравствуйте добрый день вечер утро пожалуйста спасибо просить очень когда где почему
    сколько можно нужно надо нет да тоже даже только там тут здесь вот уж ни при над под
    между через без про год месяц неделя раз весь сам самый себя кто чей какой также
"""
STOP_LEMMAS = frozenset(_STOP_WORDS.split())


@dataclass
class LabelCounts:
    """What one label (a department or a topic) has seen: examples and feature counts."""

    docs: float = 0.0
    total: float = 0.0
    words: dict[str, float] = field(default_factory=dict)

    def add(self, features: Sequence[str], weight: float) -> None:
        self.docs += weight
        for feature, count in Counter(features).items():
            self.words[feature] = self.words.get(feature, 0.0) + count * weight
            self.total += count * weight


@dataclass
class RoutingModel:
    """Counts per label; `examples` is how many real (not pseudo) examples it learned."""

    labels: dict[str, LabelCounts] = field(default_factory=dict)
    examples: int = 0
    _known: frozenset[str] | None = field(default=None, compare=False, repr=False)

    def learn(self, features: Sequence[str], names: Iterable[str], weight: float = 1.0) -> None:
        """Add one example (a message's features) under each of its labels."""
        if not features:
            return
        for name in dict.fromkeys(n for n in names if n):
            self.labels.setdefault(name, LabelCounts()).add(features, weight)
        self.examples += 1
        self._known = None

    def merged(self, other: RoutingModel) -> RoutingModel:
        """This model's counts plus another's (the pseudo-examples plus the learned ones)."""
        result = RoutingModel(examples=self.examples + other.examples)
        for model in (self, other):
            for name, counts in model.labels.items():
                target = result.labels.setdefault(name, LabelCounts())
                target.docs += counts.docs
                target.total += counts.total
                for word, count in counts.words.items():
                    target.words[word] = target.words.get(word, 0.0) + count
        return result

    def rank(
        self, features: Sequence[str], candidates: Iterable[str] | None = None, top: int = TOP
    ) -> tuple[Suggestion, ...]:
        """The best `top` labels with their posterior (0..1) and the words behind each."""
        names = [n for n in (candidates or self.labels) if n in self.labels]
        vocabulary = self._vocabulary()
        counted = Counter(f for f in features if f in vocabulary)
        if not names or not counted:
            return ()
        size = len(vocabulary)
        docs = sum(self.labels[n].docs for n in names)
        scores: dict[str, float] = {}
        for name in names:
            label = self.labels[name]
            denominator = label.total + ALPHA * size
            score = math.log((label.docs + 1.0) / (docs + len(names)))
            for feature, count in counted.items():
                score += count * math.log((label.words.get(feature, 0.0) + ALPHA) / denominator)
            scores[name] = score
        best = max(scores.values())
        exp = {n: math.exp(s - best) for n, s in scores.items()}
        norm = sum(exp.values())
        ranked = sorted(names, key=lambda n: (-scores[n], n))[:top]
        return tuple(
            Suggestion(n, round(exp[n] / norm, 4), self._why(n, counted, size)) for n in ranked
        )

    def _why(self, name: str, counted: Counter[str], size: int) -> tuple[str, ...]:
        """The features that favour this label most over the others (shown as «почему»)."""
        label = self.labels[name]
        others_total = sum(c.total for n, c in self.labels.items() if n != name)
        lift: list[tuple[float, str]] = []
        for feature in counted:
            if not label.words.get(feature):
                continue
            mine = (label.words[feature] + ALPHA) / (label.total + ALPHA * size)
            rest = sum(c.words.get(feature, 0.0) for n, c in self.labels.items() if n != name)
            theirs = (rest + ALPHA) / (others_total + ALPHA * size)
            if mine > theirs:
                lift.append((math.log(mine / theirs), feature))
        lift.sort(key=lambda item: (-item[0], item[1]))
        return tuple(feature.replace("_", " ") for _, feature in lift[:WHY_WORDS])

    def _vocabulary(self) -> frozenset[str]:
        # Cached between learning steps: ranking must stay well under 20 ms a message.
        if self._known is None:
            self._known = frozenset(w for c in self.labels.values() for w in c.words)
        return self._known

    def compact(self) -> None:
        """Drop the features seen once when there are too many (called before storing)."""
        if len(self._vocabulary()) <= MAX_FEATURES:
            return
        for counts in self.labels.values():
            rare = [w for w, c in counts.words.items() if c <= 1.0]
            for word in rare:
                counts.total -= counts.words.pop(word)
        self._known = None

    def to_json(self) -> dict[str, Any]:
        """The counts as JSON (RoutingKnowledge.state)."""
        return {
            "version": STATE_VERSION,
            "examples": self.examples,
            "labels": {
                name: {"docs": c.docs, "total": c.total, "words": c.words}
                for name, c in self.labels.items()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> RoutingModel:
        """The model stored as JSON; an empty or older state is an empty model."""
        if not data or data.get("version") != STATE_VERSION:
            return cls()
        labels = {
            str(name): LabelCounts(
                float(c["docs"]),
                float(c["total"]),
                {str(w): float(n) for w, n in c["words"].items()},
            )
            for name, c in data.get("labels", {}).items()
        }
        return cls(labels, int(data.get("examples", 0)))


def features(text: str, lemma: Lemmatizer) -> list[str]:
    """What the model reads of a text: content lemmas and adjacent-lemma bigrams."""
    words = [
        t.lemma
        for t in tokens(text, lemma)
        if len(t.lemma) > 2 and t.lemma not in STOP_LEMMAS and not t.lemma.isdigit()
    ]
    return words + [f"{a}_{b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class Seed:
    """Pseudo-examples for one label: texts that stand for what the label is about."""

    label: str
    texts: tuple[str, ...]


def seeded_model(seeds: Iterable[Seed], lemma: Lemmatizer) -> RoutingModel:
    """The cold-start model: each seed text is a pseudo-example of its label."""
    model = RoutingModel()
    for seed in seeds:
        for text in seed.texts:
            model.learn(features(text, lemma), [seed.label], PSEUDO_WEIGHT)
    model.examples = 0
    return model
