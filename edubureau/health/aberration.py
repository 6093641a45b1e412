"""EARS C1/C2/C3 aberration detection on a school's daily sick-absence series: a pure module, no Django.

The method is the CDC Early Aberration Reporting System's, as the domain sheet
(shared/domain/health-reporting.md) defines it, over **school days only** (a weekend or a holiday is not a
day of the series, so Monday's baseline is the previous Friday and the days before it):

- C1_t = (x_t - mean(x_{t-7} .. x_{t-1})) / max(sd, floor); alert when C1_t > 3.
- C2_t = the same statistic over the baseline x_{t-9} .. x_{t-3} (a 2-day guard band, so that the first
  days of a rising outbreak do not inflate their own baseline); alert when C2_t > 3.
- C3_t = sum over i = 0, 1, 2 of max(0, C2_{t-i} - 1); alert when C3_t > 2.

sd is the sample standard deviation (n - 1), as in EARS. Why a floor: a school with seven quiet days has
sd = 0 and the statistic would divide by zero (or, with a tiny sd, alert on one sick child). The floor
is the caller's choice, as a rate: at least the **rate of one student** (one_student_floor). The
services use the Poisson sd of the baseline count, √(mean sick pupils), with one pupil as its minimum
(services.statistical_floor; the alternatives and their false-alarm counts on the demo term are in
services.ears_today and docs/health.md). A day lacking its full baseline (the first 7 school days for
C1, 9 for C2, 11 for C3) gets None and never alerts.
"""

import math
from dataclasses import dataclass

BASELINE_DAYS = 7
GUARD_DAYS = 2
C1_THRESHOLD = 3.0
C2_THRESHOLD = 3.0
C3_THRESHOLD = 2.0


@dataclass(frozen=True)
class EarsDay:
    """The three statistics for one school day of the series (None: not enough history yet)."""

    value: float
    c1: float | None
    c2: float | None
    c3: float | None

    @property
    def c1_alert(self) -> bool:
        return self.c1 is not None and self.c1 > C1_THRESHOLD

    @property
    def c2_alert(self) -> bool:
        return self.c2 is not None and self.c2 > C2_THRESHOLD

    @property
    def c3_alert(self) -> bool:
        return self.c3 is not None and self.c3 > C3_THRESHOLD

    @property
    def alert(self) -> bool:
        return self.c1_alert or self.c2_alert or self.c3_alert

    @property
    def methods(self) -> list[str]:
        """The methods that alert on this day, e.g. ["C1", "C3"]."""
        flags = {"C1": self.c1_alert, "C2": self.c2_alert, "C3": self.c3_alert}
        return [name for name, raised in flags.items() if raised]


def one_student_floor(enrolled: int, percent: bool = False) -> float:
    """The rate of one student in a school of `enrolled` students: the σ floor we use (as % if asked)."""
    if enrolled <= 0:
        raise ValueError("在校人数必须大于 0。")
    return (100.0 if percent else 1.0) / enrolled


def _statistic(value: float, baseline: list[float], floor: float) -> float:
    mean = sum(baseline) / len(baseline)
    variance = sum((x - mean) ** 2 for x in baseline) / (len(baseline) - 1)
    return (value - mean) / max(math.sqrt(variance), floor)


def ears(series: list[float], floor: float) -> list[EarsDay]:
    """C1, C2 and C3 for every day of `series` (consecutive school days, oldest first)."""
    if not floor > 0 or math.isinf(floor):
        raise ValueError("σ 下限必须是正数。")
    if any(not math.isfinite(x) for x in series):
        raise ValueError("序列中有非有限值（NaN 或无穷）。")
    c1: list[float | None] = []
    c2: list[float | None] = []
    for t, value in enumerate(series):
        c1.append(_statistic(value, series[t - BASELINE_DAYS : t], floor) if t >= BASELINE_DAYS else None)
        start = t - GUARD_DAYS - BASELINE_DAYS
        c2.append(_statistic(value, series[start : t - GUARD_DAYS], floor) if start >= 0 else None)
    days = []
    for t, value in enumerate(series):
        window = c2[t - 2 : t + 1] if t >= 2 else []
        c3 = sum(max(0.0, c - 1) for c in window) if window and None not in window else None
        days.append(EarsDay(value=value, c1=c1[t], c2=c2[t], c3=c3))
    return days
