"""Benchmark of the working-time engine against pandas.offsets.CustomBusinessHour.

Run: python -m bench.worktime [--cases 100000] [--pandas-cases 100000] [--batch 1000000]

Times WorkCalendar.add and WorkCalendar.between on random cases (five-day 40-hour week with
the 13:00–14:00 lunch break, Europe/Moscow, 2024–2025), pandas' CustomBusinessHour `+` with the
same weekdays, lunch break and non-working weekdays (holidays and transferred days off; pandas
cannot express working Saturdays or shortened days), and the numpy batch form on a million
deadlines. pandas has no "business time between two instants", so `between` has no pandas
counterpart. Figures are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import random
import time
import warnings
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from app.domain.worktime import ProductionCalendar, WeeklySchedule, WorkCalendar

MSK = ZoneInfo("Europe/Moscow")


def make_cases(n: int, seed: int = 7) -> tuple[list[datetime], list[timedelta], list[datetime]]:
    """Random starts in 2024–2025, whole-hour work of 1–16 h, ends up to ten days later."""
    rng = random.Random(seed)
    base = datetime(2024, 1, 1, tzinfo=MSK)
    span = 700 * 86_400
    starts = [base + timedelta(seconds=rng.randrange(span)) for _ in range(n)]
    works = [timedelta(hours=rng.randint(1, 16)) for _ in range(n)]
    ends = [s + timedelta(seconds=rng.randrange(10 * 86_400)) for s in starts]
    return starts, works, ends


def ops_per_second(n: int, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


def bench_engine(
    wc: WorkCalendar, starts: list[datetime], works: list[timedelta], ends: list[datetime]
) -> tuple[float, float]:
    add, between = wc.add, wc.between
    t0 = time.perf_counter()
    for s, w in zip(starts, works, strict=True):
        add(s, w)
    t1 = time.perf_counter()
    for s, e in zip(starts, ends, strict=True):
        between(s, e)
    t2 = time.perf_counter()
    return ops_per_second(len(starts), t1 - t0), ops_per_second(len(starts), t2 - t1)


def bench_pandas(
    calendar: ProductionCalendar, starts: list[datetime], works: list[timedelta]
) -> float:
    import pandas as pd

    off_weekdays = [
        d
        for d in sorted(calendar.holidays | calendar.days_off)
        if d.weekday() < 5 and date(2024, 1, 1) <= d <= date(2026, 12, 31)
    ]
    offsets = {
        h: pd.offsets.CustomBusinessHour(
            n=h, start=["09:00", "14:00"], end=["13:00", "18:00"], holidays=off_weekdays
        )
        for h in range(1, 17)
    }
    stamps = [pd.Timestamp(s.replace(tzinfo=None)) for s in starts]
    hours = [w // timedelta(hours=1) for w in works]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        for ts, h in zip(stamps, hours, strict=True):
            ts + offsets[h]
        t1 = time.perf_counter()
    return ops_per_second(len(stamps), t1 - t0)


def bench_batch(wc: WorkCalendar, n: int) -> float:
    rng = np.random.default_rng(7)
    base = np.datetime64("2024-01-01T00:00", "us").astype(np.int64) - 3 * 3_600_000_000
    starts = (base + rng.integers(0, 700 * 86_400_000_000, n)).view("M8[us]")
    works = (rng.integers(1, 16 * 60, n) * 60_000_000).view("m8[us]")
    wc.batch.add(starts[:10], works[:10])  # build the numpy index outside the timing
    t0 = time.perf_counter()
    wc.batch.add(starts, works)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--pandas-cases", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000_000)
    args = parser.parse_args()

    calendar = ProductionCalendar.russia()
    t0 = time.perf_counter()
    wc = WorkCalendar(WeeklySchedule.five_day_40h(), calendar)
    build = time.perf_counter() - t0
    starts, works, ends = make_cases(args.cases)
    add_ops, between_ops = bench_engine(wc, starts, works, ends)
    k = min(args.pandas_cases, args.cases)
    pandas_ops = bench_pandas(calendar, starts[:k], works[:k])
    batch_s = bench_batch(wc, args.batch)

    print(f"WorkCalendar build (2020–2027):     {build * 1000:9.1f} ms")
    print(f"add      ({args.cases:,} cases):        {add_ops:12,.0f} ops/s")
    print(f"between  ({args.cases:,} cases):        {between_ops:12,.0f} ops/s")
    print(f"pandas CustomBusinessHour + ({k:,}): {pandas_ops:12,.0f} ops/s")
    print(f"ratio add / pandas:                 {add_ops / pandas_ops:12.1f} x")
    print(f"batch add ({args.batch:,} deadlines):   {batch_s:12.3f} s")


if __name__ == "__main__":
    main()
