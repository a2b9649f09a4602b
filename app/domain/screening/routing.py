"""Department and topic suggestions: a classifier that learns one routed message at a time.

Two parts, both updated by each routed message alone (no retraining pass, plain JSON state):

- a multinomial naive Bayes over lemmas and lemma bigrams — plain counts, so pseudo-examples
  (a department's topics, a topic's synonyms) mix with real examples in the same currency and a
  new organisation gets sensible suggestions on its first day;
- a passive-aggressive linear model (Crammer et al., 2006) over the same features, weighted
  tf-idf-like (log counts, idf from the stored document frequencies, unit length), that moves
  only when a routed message would have been ranked below another label by a margin: it learns
  what the counts get wrong (phrases shared by several departments) and is what lifts top-1.

A message's score per label is the linear score plus the naive Bayes log-probability per
feature (times NB_SHARE); before the first real example it is the naive Bayes alone.
The constants were chosen by 5-fold cross-validation on the training part of the Kursk appeals
corpus (docs/screening.md, «Evaluation»; `python -m bench.routing_cv`).

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

# 2: document frequencies and the linear weights joined the counts. A version-1 state is read
# as its counts alone (the linear part starts empty and learns from the next routed message).
STATE_VERSION = 2
# Additive smoothing of word counts (Lidstone): small, because messages are short and a
# department's own vocabulary is what matters.
ALPHA = 0.1
# How much one pseudo-example (a topic name, a synonym, a seed word) weighs against one
# routed message: enough to rank on a first day, little enough to be outvoted within weeks.
PSEUDO_WEIGHT = 3.0
# The weight of the naive Bayes log-probability per feature against the linear score, and the
# passive-aggressive step cap (PA-I). Cross-validated: NB_SHARE 0.3–1 tie within noise.
NB_SHARE = 0.5
STEP_CAP = 1.0
MARGIN = 1.0
# The confidence shown is softmax(SHARPNESS × score): the value at which the cross-validated
# log-loss is lowest, so «0.8» is right about four times in five.
SHARPNESS = 5.0
# Above this many distinct features the rarest are dropped before storing: the state stays
# about 2 MB of JSON per organisation whatever its history (1.9 MB on the 1,600 Kursk appeals,
# 48,000 features before pruning; cross-validated top-1 and top-3 unchanged by it).
MAX_FEATURES = 10_000
# The linear weights are kept to five decimals: the JSON stays short, the ranking the same.
DECIMALS = 5
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
    """Counts per label, document frequencies and linear weights per label.

    `examples` is how many real (not pseudo) examples it learned."""

    labels: dict[str, LabelCounts] = field(default_factory=dict)
    examples: int = 0
    documents: dict[str, float] = field(default_factory=dict)
    weights: dict[str, dict[str, float]] = field(default_factory=dict)
    _known: frozenset[str] | None = field(default=None, compare=False, repr=False)

    def learn(self, features: Sequence[str], names: Iterable[str]) -> None:
        """Learn one routed message (its features) under each of its labels."""
        wanted = list(dict.fromkeys(n for n in names if n))
        if not features or not wanted:
            return
        self.examples += 1
        for feature in set(features):
            self.documents[feature] = self.documents.get(feature, 0.0) + 1.0
        self._correct(self._vector(features), wanted)
        self.count(features, wanted, 1.0)

    def count(self, features: Sequence[str], names: Iterable[str], weight: float) -> None:
        """Add to the counts only: a pseudo-example (cold start) or the counts of a message."""
        if not features:
            return
        for name in dict.fromkeys(n for n in names if n):
            self.labels.setdefault(name, LabelCounts()).add(features, weight)
        self._known = None

    def _correct(self, vector: dict[str, float], wanted: list[str]) -> None:
        """The passive-aggressive step: each right label above the best wrong one by MARGIN."""
        rivals = [n for n in self.labels if n not in wanted]
        if not rivals:
            return
        scores = {n: self._linear(n, vector) for n in (*wanted, *rivals)}
        rival = max(rivals, key=lambda n: (scores[n], n))
        for name in wanted:
            loss = MARGIN - (scores[name] - scores[rival])
            if loss <= 0:
                continue
            step = min(STEP_CAP, loss / 2.0)  # |x| = 1 on both sides of the update
            mine = self.weights.setdefault(name, {})
            theirs = self.weights.setdefault(rival, {})
            for feature, value in vector.items():
                mine[feature] = round(mine.get(feature, 0.0) + step * value, DECIMALS)
                theirs[feature] = round(theirs.get(feature, 0.0) - step * value, DECIMALS)

    def _vector(self, features: Sequence[str]) -> dict[str, float]:
        """Log counts times idf (from the stored document frequencies), of unit length."""
        seen = self.examples + 1.0
        vector = {
            f: math.log1p(c) * (math.log(seen / (self.documents.get(f, 0.0) + 1.0)) + 1.0)
            for f, c in Counter(features).items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {f: v / norm for f, v in vector.items()}

    def _linear(self, name: str, vector: Mapping[str, float]) -> float:
        weights = self.weights.get(name)
        if not weights:
            return 0.0
        return sum(weights.get(f, 0.0) * v for f, v in vector.items())

    def merged(self, other: RoutingModel) -> RoutingModel:
        """This model plus another (the pseudo-examples plus the learned ones)."""
        result = RoutingModel(examples=self.examples + other.examples)
        for model in (self, other):
            for name, counts in model.labels.items():
                target = result.labels.setdefault(name, LabelCounts())
                target.docs += counts.docs
                target.total += counts.total
                _add(target.words, counts.words)
            _add(result.documents, model.documents)
            for name, weights in model.weights.items():
                _add(result.weights.setdefault(name, {}), weights)
        return result

    def rank(
        self, features: Sequence[str], candidates: Iterable[str] | None = None, top: int = TOP
    ) -> tuple[Suggestion, ...]:
        """The best `top` labels with their confidence (0..1) and the words behind each."""
        names = [n for n in (candidates or self.labels) if n in self.labels]
        vocabulary = self._vocabulary()
        counted = Counter(f for f in features if f in vocabulary)
        if not names or not counted:
            return ()
        vector = self._vector(features)
        share = NB_SHARE / len(features)  # the naive Bayes log-probability per feature
        size = len(vocabulary)
        docs = sum(self.labels[n].docs for n in names)
        parts: dict[str, dict[str, float]] = {}
        scores: dict[str, float] = {}
        for name in names:
            label = self.labels[name]
            denominator = label.total + ALPHA * size
            weights = self.weights.get(name, {})
            part = {
                f: share * c * math.log((label.words.get(f, 0.0) + ALPHA) / denominator)
                + weights.get(f, 0.0) * vector[f]
                for f, c in counted.items()
            }
            parts[name] = part
            scores[name] = share * math.log((label.docs + 1.0) / (docs + len(names))) + sum(
                part.values()
            )
        best = max(scores.values())
        exp = {n: math.exp(SHARPNESS * (s - best)) for n, s in scores.items()}
        norm = sum(exp.values())
        ranked = sorted(names, key=lambda n: (-scores[n], n))[:top]
        return tuple(Suggestion(n, round(exp[n] / norm, 4), self._why(n, parts)) for n in ranked)

    def _why(self, name: str, parts: Mapping[str, Mapping[str, float]]) -> tuple[str, ...]:
        """The label's own words that raise its score most over the other candidates' mean."""
        others = [p for n, p in parts.items() if n != name]
        words = self.labels[name].words
        lift: list[tuple[float, str]] = []
        for feature, mine in parts[name].items():
            if not words.get(feature):
                continue
            theirs = sum(p[feature] for p in others) / len(others) if others else 0.0
            if mine > theirs:
                lift.append((mine - theirs, feature))
        lift.sort(key=lambda item: (-item[0], item[1]))
        return tuple(feature.replace("_", " ") for _, feature in lift[:WHY_WORDS])

    def _vocabulary(self) -> frozenset[str]:
        # Cached between learning steps: ranking must stay well under 20 ms a message.
        if self._known is None:
            self._known = frozenset(w for c in self.labels.values() for w in c.words)
        return self._known

    def compact(self) -> None:
        """Keep the MAX_FEATURES most frequent features (called before storing)."""
        if len(self._vocabulary()) <= MAX_FEATURES:
            return
        frequency: dict[str, float] = {}
        for counts in self.labels.values():
            _add(frequency, counts.words)
        kept = frozenset(sorted(frequency, key=lambda f: (-frequency[f], f))[:MAX_FEATURES])
        for counts in self.labels.values():
            for word in [w for w in counts.words if w not in kept]:
                counts.total -= counts.words.pop(word)
        self._known = kept
        self.documents = {f: n for f, n in self.documents.items() if f in kept}
        self.weights = {
            name: {f: w for f, w in weights.items() if f in kept}
            for name, weights in self.weights.items()
        }

    def to_json(self) -> dict[str, Any]:
        """The model as JSON (RoutingKnowledge.state)."""
        return {
            "version": STATE_VERSION,
            "examples": self.examples,
            "labels": {
                name: {"docs": c.docs, "total": c.total, "words": c.words}
                for name, c in self.labels.items()
            },
            "documents": self.documents,
            "weights": self.weights,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> RoutingModel:
        """The model stored as JSON; a version-1 state is its counts, anything else empty."""
        if not data or data.get("version") not in (1, STATE_VERSION):
            return cls()
        labels = {
            str(name): LabelCounts(
                float(c["docs"]),
                float(c["total"]),
                {str(w): float(n) for w, n in c["words"].items()},
            )
            for name, c in data.get("labels", {}).items()
        }
        documents = {str(f): float(n) for f, n in data.get("documents", {}).items()}
        weights = {
            str(name): {str(f): float(w) for f, w in found.items()}
            for name, found in data.get("weights", {}).items()
        }
        return cls(labels, int(data.get("examples", 0)), documents, weights)


def _add(target: dict[str, float], source: Mapping[str, float]) -> None:
    for key, value in source.items():
        target[key] = target.get(key, 0.0) + value


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
    """The cold-start model: each seed text is a pseudo-example of its label (counts only)."""
    model = RoutingModel()
    for seed in seeds:
        for text in seed.texts:
            model.count(features(text, lemma), [seed.label], PSEUDO_WEIGHT)
    return model
