"""The demo's school calendar, computed for the day the demo is built: the school year around
`today`, its two terms and the statutory holidays (with their 调休 make-up days).

Pure Python with no Django import, at the bottom layer next to `demodata`, so that the registry's
demo (which writes the calendar) and every app's demo (which place their records around today) use
one set of rules. docs/demo.md describes them:

- The school year runs 1 September – 31 August; the one containing `today` is current.
- 第一学期 starts on the first weekday on or after 1 September and ends on the last Friday at
  least a week before 除夕 and not after 23 January.
- 第二学期 starts on the first Monday on or after 春节 + 12 days and not before 15 February, and
  ends on 30 June (the Friday before when that is a weekend).
- Holidays follow the State Council's rules since 2025 (元旦 1 day, 春节 4 days from 除夕, 清明 1,
  劳动节 2, 端午 1, 中秋 1, 国庆 3), laid out as the General Office lays them out: a one-day
  festival joins the nearest weekend, 劳动节 is 1–5 May, 春节 is 除夕 + 7 days (from the Sunday when
  除夕 is a Monday), 国庆 is 1–7 October, or 8 days together with 中秋 when 中秋 falls within a few
  days of it. Every weekday off beyond the statutory days is made up on the nearest weekend day
  outside the holidays, alternating sides, the nearer side first. This reproduces the published
  arrangements of 2025 and 2026; other years are plausible, not official.
- 春节, 端午 and 中秋 come from the lunar calendar: a table for 2020–2040 (`LUNAR`); 清明 is
  computed (the usual 21st-century formula).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

D = datetime.date
DAY = datetime.timedelta(days=1)

# Gregorian dates of 春节 (正月初一), 端午 (五月初五) and 中秋 (八月十五), by year.
LUNAR = {
    2020: ((1, 25), (6, 25), (10, 1)),
    2021: ((2, 12), (6, 14), (9, 21)),
    2022: ((2, 1), (6, 3), (9, 10)),
    2023: ((1, 22), (6, 22), (9, 29)),
    2024: ((2, 10), (6, 10), (9, 17)),
    2025: ((1, 29), (5, 31), (10, 6)),
    2026: ((2, 17), (6, 19), (9, 25)),
    2027: ((2, 6), (6, 9), (9, 15)),
    2028: ((1, 26), (5, 28), (10, 3)),
    2029: ((2, 13), (6, 16), (9, 22)),
    2030: ((2, 3), (6, 5), (9, 12)),
    2031: ((1, 23), (6, 24), (10, 1)),
    2032: ((2, 11), (6, 12), (9, 19)),
    2033: ((1, 31), (6, 1), (9, 8)),
    2034: ((2, 19), (6, 20), (9, 27)),
    2035: ((2, 8), (6, 10), (9, 16)),
    2036: ((1, 28), (5, 30), (10, 4)),
    2037: ((2, 15), (6, 18), (9, 24)),
    2038: ((2, 4), (6, 7), (9, 13)),
    2039: ((1, 24), (5, 27), (10, 2)),
    2040: ((2, 12), (6, 14), (9, 20)),
}
FIRST_YEAR, LAST_YEAR = min(LUNAR), max(LUNAR)


class OutOfRange(ValueError):
    """A year the lunar table does not cover."""


@dataclass(frozen=True)
class Holiday:
    name: str
    first: datetime.date
    last: datetime.date
    makeups: tuple[datetime.date, ...] = ()

    @property
    def days(self) -> list[datetime.date]:
        return [self.first + n * DAY for n in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class Term:
    number: int
    start: datetime.date
    end: datetime.date

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class SchoolYear:
    start_year: int
    terms: tuple[Term, Term]
    holidays: tuple[Holiday, ...]

    @property
    def start(self) -> datetime.date:
        return D(self.start_year, 9, 1)

    @property
    def end(self) -> datetime.date:
        return D(self.start_year + 1, 8, 31)

    def term_of(self, day: datetime.date) -> Term | None:
        return next((t for t in self.terms if day in t), None)

    def is_school_day(self, day: datetime.date) -> bool:
        """The rule of people.calendar: a weekday in a term that is no holiday, or a make-up day in a term."""
        if self.term_of(day) is None:
            return False
        for h in self.holidays:
            if h.first <= day <= h.last:
                return False
            if day in h.makeups:
                return True
        return day.weekday() < 5

    def school_days(
        self, start: datetime.date | None = None, end: datetime.date | None = None
    ) -> list[datetime.date]:
        start, end = max(start or self.start, self.start), min(end or self.end, self.end)
        days = (start + n * DAY for n in range((end - start).days + 1))
        return [d for d in days if self.is_school_day(d)]


def _lunar(year: int) -> tuple[datetime.date, datetime.date, datetime.date]:
    if year not in LUNAR:
        raise OutOfRange(f"演示校历只覆盖 {FIRST_YEAR}–{LAST_YEAR} 年（农历节日表），{year} 年不在其中。")
    return tuple(D(year, m, d) for m, d in LUNAR[year])


def spring_festival(year: int) -> datetime.date:
    return _lunar(year)[0]


def qingming(year: int) -> datetime.date:
    """清明 (the solar term) in the 21st century: 4 or 5 April."""
    y = year % 100
    return D(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def _one_day_block(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """A one-day festival and the weekend it joins: Mon → Sat–Mon, Tue → Sun–Tue, Wed alone,
    Thu → Thu–Sat, Fri → Fri–Sun, Sat → Sat–Mon, Sun → Sat–Mon."""
    before, after = {0: (2, 0), 1: (2, 0), 2: (0, 0), 3: (0, 2), 4: (0, 2), 5: (0, 2), 6: (1, 1)}[
        day.weekday()
    ]
    return day - before * DAY, day + after * DAY


def _blocks(year: int) -> list[tuple[str, datetime.date, datetime.date, int]]:
    """(name, first, last, statutory days) of every holiday in the calendar year, in date order."""
    new_year, dragon_boat, mid_autumn = _lunar(year)
    eve = new_year - DAY
    blocks = [("元旦", *_one_day_block(D(year, 1, 1)), 1)]
    start = eve - DAY if eve.weekday() == 0 else eve
    blocks.append(("春节", start, eve + 7 * DAY, 4))
    blocks.append(("清明节", *_one_day_block(qingming(year)), 1))
    blocks.append(("劳动节", D(year, 5, 1), D(year, 5, 5), 2))
    blocks.append(("端午节", *_one_day_block(dragon_boat), 1))
    if D(year, 9, 29) <= mid_autumn <= D(year, 10, 8):
        first = min(mid_autumn, D(year, 10, 1))
        blocks.append(("国庆节、中秋节", first, first + 7 * DAY, 4))
    else:
        blocks.append(("中秋节", *_one_day_block(mid_autumn), 1))
        blocks.append(("国庆节", D(year, 10, 1), D(year, 10, 7), 3))
    return sorted(blocks, key=lambda b: b[1])


def holidays(year: int) -> list[Holiday]:
    """The holidays of a calendar year with their make-up days (see the module's docstring)."""
    blocks = _blocks(year)
    # A make-up day falls on no holiday, this year's or a neighbouring year's (元旦 may start in December).
    around = [b for y in (year - 1, year + 1) if y in LUNAR for b in _blocks(y)]
    off = {b[1] + n * DAY for b in blocks + around for n in range((b[2] - b[1]).days + 1)}
    taken: set[datetime.date] = set()
    result = []
    for name, first, last, statutory in blocks:
        days = [first + n * DAY for n in range((last - first).days + 1)]
        needed = sum(d.weekday() < 5 for d in days) - statutory
        before, after = _weekend_days(first, -1, off | taken), _weekend_days(last, 1, off | taken)
        makeups = []
        side = 0 if (first - before[0]).days < (after[0] - last).days else 1
        while len(makeups) < needed:
            pool = (before, after)[side]
            makeups.append(pool.pop(0))
            side = 1 - side
        taken.update(makeups)
        result.append(Holiday(name, first, last, tuple(sorted(makeups))))
    return result


def _weekend_days(edge: datetime.date, step: int, excluded: set) -> list[datetime.date]:
    """The nearest few weekend days beyond `edge` in direction `step` that are not in `excluded`."""
    found, day = [], edge
    while len(found) < 4:
        day += step * DAY
        if day.weekday() >= 5 and day not in excluded:
            found.append(day)
    return found


def school_year(start_year: int) -> SchoolYear:
    """The school year starting in September of `start_year`."""
    first = D(start_year, 9, 1)
    while first.weekday() >= 5:
        first += DAY
    new_year = spring_festival(start_year + 1)
    end1 = min(new_year - 8 * DAY, D(start_year + 1, 1, 23))
    while end1.weekday() != 4:
        end1 -= DAY
    start2 = max(new_year + 12 * DAY, D(start_year + 1, 2, 15))
    while start2.weekday() != 0:
        start2 += DAY
    end2 = D(start_year + 1, 6, 30)
    while end2.weekday() >= 5:
        end2 -= DAY
    found = [
        h
        for h in holidays(start_year) + holidays(start_year + 1)
        if D(start_year, 9, 1) <= h.first <= D(start_year + 1, 8, 31)
    ]
    return SchoolYear(start_year, (Term(1, first, end1), Term(2, start2, end2)), tuple(found))


def school_year_of(today: datetime.date) -> SchoolYear:
    """The school year containing `today` (1 September – 31 August)."""
    return school_year(today.year if today.month >= 9 else today.year - 1)


def last_term_started(year: SchoolYear, today: datetime.date) -> Term:
    """The term `today` is in, or the last one that started before it (the summer: 第二学期)."""
    started = [t for t in year.terms if t.start <= today]
    return started[-1] if started else year.terms[0]
