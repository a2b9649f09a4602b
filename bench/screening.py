"""Throughput of the screening detectors: abuse flags and the importance suggestion.

Run: python -m bench.screening [--messages 20000] [--distinct 0.3]

Messages are drawn from the demo's complaint texts (app/demo/history_texts.py) with streets,
numbers and a share of abusive and obfuscated phrases mixed in; `--distinct` is the share of
never-seen words (invented surnames and street names), so the lemma cache is not always warm.
Times flag_abuse + suggest_importance per message on one core, after loading the lexicons,
the model and the morphological dictionary. Figures are recorded in docs/screening.md «Speed».
"""

from __future__ import annotations

import argparse
import random
import time

from app.demo.history_texts import TOPICS
from app.screening.detectors import flag_abuse, suggest_importance

EXTRA = (
    "Администрация бездействует, позор!",
    "Вы там все о***ели?",
    "Мэр, тебе конец.",
    "Дети идут по проезжей части.",
    "Это п*здец, а не ремонт.",
    "Ну ты и овощ.",
    "",
)
SYLLABLES = ("ка", "ло", "ми", "ре", "ту", "ва", "ны", "со", "пе", "жи")


def invented(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def messages(n: int, distinct: float, seed: int = 15) -> list[str]:
    rng = random.Random(seed)
    texts = [c for topic in TOPICS for c in topic.complaints]
    result = []
    for _ in range(n):
        street = invented(rng) if rng.random() < distinct else "Ленина"
        text = rng.choice(texts).format(addr=f"ул. {street}, {rng.randint(1, 120)}")
        result.append(f"{text} {rng.choice(EXTRA)}".strip())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--distinct", type=float, default=0.3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    flag_abuse("прогрев")
    suggest_importance("прогрев")
    load = time.perf_counter() - t0
    batch = messages(args.messages, args.distinct)
    chars = sum(len(t) for t in batch) / len(batch)

    t0 = time.perf_counter()
    for text in batch:
        flag_abuse(text)
    t1 = time.perf_counter()
    for text in batch:
        suggest_importance(text)
    t2 = time.perf_counter()
    flagged = sum(1 for text in batch if flag_abuse(text)[0])

    both = t2 - t0
    print(f"load (lexicons, model, dictionary):  {load * 1000:9.0f} ms")
    print(f"messages: {len(batch):,}, {chars:.0f} characters on average, {flagged:,} flagged")
    print(f"flag_abuse:                         {len(batch) / (t1 - t0):9,.0f} messages/s")
    print(f"suggest_importance:                 {len(batch) / (t2 - t1):9,.0f} messages/s")
    print(f"both, one core:                     {len(batch) / both:9,.0f} messages/s")
    print(f"per message:                        {both / len(batch) * 1e6:9.0f} µs")


if __name__ == "__main__":
    main()
