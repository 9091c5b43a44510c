"""Waiting-time estimates from recent service times and the counters open for a service."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean


def average_service_seconds(recent: Sequence[float], default_seconds: float) -> float:
    """Average of recent service durations, or the configured default when there are none."""
    samples = [s for s in recent if s > 0]
    return fmean(samples) if samples else default_seconds


def estimate_wait_seconds(people_ahead: int, average_seconds: float, open_counters: int) -> float:
    """Estimated wait for someone with `people_ahead` before them, served by `open_counters`."""
    if people_ahead <= 0:
        return 0.0
    return people_ahead * average_seconds / max(1, open_counters)
