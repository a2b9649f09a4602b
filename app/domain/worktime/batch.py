"""Vectorised working-time arithmetic (numpy) for recomputing many deadlines at once.

Instants are numpy ``datetime64[us]`` values in UTC (or int64 microseconds since the Unix
epoch); durations are ``timedelta64[us]`` (or int64 microseconds). Semantics are exactly those
of WorkCalendar.add / WorkCalendar.between.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import numpy.typing as npt

from app.domain.worktime.errors import OutOfCalendarError
from app.domain.worktime.tables import EPOCH, Tables

I64 = npt.NDArray[np.int64]


def _us(values: npt.ArrayLike, unit: str) -> I64:
    arr = np.asarray(values)
    if arr.dtype.kind in "Mm":
        arr = arr.astype(f"{'M' if arr.dtype.kind == 'M' else 'm'}8[{unit}]").view(np.int64)
    return arr.astype(np.int64, copy=False)


class BatchIndex:
    """The interval index of one WorkCalendar as numpy arrays."""

    def __init__(self, tables: Tables, transitions: list[tuple[int, int]], origin: date) -> None:
        self.starts = np.asarray(tables.starts, dtype=np.int64)
        self.ends = np.asarray(tables.ends, dtype=np.int64)
        self.cum_start = np.asarray(tables.cum_start, dtype=np.int64)
        self.cum_end = np.asarray(tables.cum_end, dtype=np.int64)
        self.total = tables.total_us
        self.origin_us = (datetime.combine(origin, time()) - EPOCH) // timedelta(microseconds=1)
        utc = np.asarray([u for u, _ in transitions], dtype=np.int64)
        self.offsets = np.asarray([o for _, o in transitions], dtype=np.int64)
        self.trans_utc = utc
        # Wall time from which each offset applies; ambiguous wall times take the earlier
        # offset (fold=0), as WorkCalendar does. Results never fall inside a change.
        prev = np.concatenate([self.offsets[:1], self.offsets[:-1]])
        self.trans_wall = utc + np.maximum(prev, self.offsets)

    def _wall(self, utc_us: I64) -> I64:
        k = np.searchsorted(self.trans_utc, utc_us, side="right") - 1
        wall = utc_us + self.offsets[np.maximum(k, 0)] - self.origin_us
        if wall.size and (wall.min() < 0 or wall.max() >= self.total):
            raise OutOfCalendarError("an instant lies outside the production calendar data")
        return wall

    def _utc(self, wall: I64) -> I64:
        local = wall + self.origin_us
        k = np.searchsorted(self.trans_wall, local, side="right") - 1
        return local - self.offsets[np.maximum(k, 0)]

    def _cum_at(self, wall: I64) -> I64:
        k = np.searchsorted(self.starts, wall, side="right") - 1
        kk = np.maximum(k, 0)
        inside = np.minimum(wall, self.ends[kk]) - self.starts[kk]
        return np.where(k < 0, 0, self.cum_start[kk] + inside)

    def add(self, starts: npt.ArrayLike, works: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
        """Vectorised WorkCalendar.add: UTC datetime64[us] results."""
        utc = _us(starts, "us")
        w = np.broadcast_to(_us(works, "us"), utc.shape)
        target = self._cum_at(self._wall(utc)) + w
        forward = np.searchsorted(self.cum_end, target, side="left")
        backward = np.searchsorted(self.cum_start, target, side="right") - 1
        k = np.where(w > 0, forward, backward)
        moved = w != 0
        if np.any(moved & ((k < 0) | (k >= len(self.starts)) | (target < 0))):
            raise OutOfCalendarError("a result falls outside the production calendar data")
        kk = np.clip(k, 0, len(self.starts) - 1)
        wall = self.starts[kk] + target - self.cum_start[kk]
        result = np.where(moved, self._utc(wall), utc)
        return result.view("M8[us]")

    def between(self, starts: npt.ArrayLike, ends: npt.ArrayLike) -> npt.NDArray[np.timedelta64]:
        """Vectorised WorkCalendar.between: timedelta64[us] working time in [start, end)."""
        a = self._cum_at(self._wall(_us(starts, "us")))
        b = self._cum_at(self._wall(_us(ends, "us")))
        return (b - a).view("m8[us]")
