"""Throughput of screening on intake: abuse flags, the importance suggestion and places.

Run: python -m bench.screening [--messages 20000] [--distinct 0.3] [--org penza]

Messages are drawn from the demo's complaint texts (app/demo/history_texts.py) with streets,
numbers and a share of abusive and obfuscated phrases mixed in; `--distinct` is the share of
never-seen words (invented surnames and street names), so the lemma cache is not always warm.
The headline is `assess_text` (flags + importance + places, as the worker runs it) on one core,
after loading the lexicons, the model, the gazetteer and the morphological dictionary, timed
by the process's CPU time (the machine's cores are shared: waiting for one is not screening's
cost; the wall clock's figure for assess_text is printed last). Each figure is taken twice:
«cold» with every word memory emptied first (a word is analysed the first time it is met, as
in a fresh worker), «warm» on the same messages again. The detectors alone follow, measured
the same way. Figures are recorded in docs/screening.md «Speed».
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from app.demo.history_texts import TOPICS
from app.screening.assess import assess_text
from app.screening.detectors import flag_abuse, forget_words, suggest_importance
from app.screening.places import places_in

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


def rate(
    run: Callable[[str], object], batch: list[str], clock: Callable[[], float]
) -> tuple[float, float]:
    """Messages a second with every word memory emptied first, then on the same batch again."""
    forget_words()
    t0 = clock()
    for text in batch:
        run(text)
    t1 = clock()
    for text in batch:
        run(text)
    t2 = clock()
    return len(batch) / (t1 - t0), len(batch) / (t2 - t1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--distinct", type=float, default=0.3)
    parser.add_argument("--org", default="penza", help="the organisation's gazetteer")
    args = parser.parse_args()
    org = args.org

    t0 = time.perf_counter()
    assess_text("прогрев", org)
    load = time.perf_counter() - t0
    batch = messages(args.messages, args.distinct)
    chars = sum(len(t) for t in batch) / len(batch)
    flagged = sum(1 for text in batch if flag_abuse(text)[0])
    located = sum(1 for text in batch if places_in(text, org))

    lines = [
        ("assess_text (flags + importance + places)", lambda t: assess_text(t, org)),
        ("  flag_abuse (lexicon + model)", flag_abuse),
        ("  suggest_importance", suggest_importance),
        (f"  places_in ({org})", lambda t: places_in(t, org)),
    ]
    print(f"load (lexicons, model, gazetteer, dictionary): {load * 1000:.0f} ms")
    print(
        f"messages: {len(batch):,}, {chars:.0f} characters on average, "
        f"{flagged:,} flagged, {located:,} with places"
    )
    print(f"{'one core (CPU time), messages/s':44} {'cold':>8} {'warm':>8}   µs cold/warm")
    for name, run in lines:
        cold, warm = rate(run, batch, time.process_time)
        print(f"{name:44} {cold:8,.0f} {warm:8,.0f}   {1e6 / cold:.0f}/{1e6 / warm:.0f}")
    cold, warm = rate(lines[0][1], batch, time.perf_counter)
    print(f"{'assess_text by the wall clock':44} {cold:8,.0f} {warm:8,.0f}   ", end="")
    print(f"{1e6 / cold:.0f}/{1e6 / warm:.0f}")


if __name__ == "__main__":
    main()
