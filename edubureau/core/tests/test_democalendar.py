"""The demo's school calendar: the school year around a day, its terms and its holidays with 调休."""

import datetime

import pytest

from edubureau.core import democalendar

D = datetime.date


def test_it_lays_out_2025_2026_as_the_state_council_did():
    year = democalendar.school_year(2025)
    assert [(t.start, t.end) for t in year.terms] == [
        (D(2025, 9, 1), D(2026, 1, 23)),
        (D(2026, 3, 2), D(2026, 6, 30)),
    ]
    assert [(h.name, h.first, h.last, h.makeups) for h in year.holidays] == [
        ("国庆节、中秋节", D(2025, 10, 1), D(2025, 10, 8), (D(2025, 9, 28), D(2025, 10, 11))),
        ("元旦", D(2026, 1, 1), D(2026, 1, 3), (D(2026, 1, 4),)),
        ("春节", D(2026, 2, 15), D(2026, 2, 23), (D(2026, 2, 14), D(2026, 2, 28))),
        ("清明节", D(2026, 4, 4), D(2026, 4, 6), ()),
        ("劳动节", D(2026, 5, 1), D(2026, 5, 5), (D(2026, 5, 9),)),
        ("端午节", D(2026, 6, 19), D(2026, 6, 21), ()),
    ]


def test_it_lays_out_the_published_2025_and_autumn_2026_holidays():
    by_name = {h.name: h for h in democalendar.holidays(2025)}
    assert (by_name["元旦"].first, by_name["元旦"].last) == (D(2025, 1, 1), D(2025, 1, 1))
    assert by_name["春节"].days[0] == D(2025, 1, 28) and by_name["春节"].last == D(2025, 2, 4)
    assert by_name["春节"].makeups == (D(2025, 1, 26), D(2025, 2, 8))
    assert by_name["劳动节"].makeups == (D(2025, 4, 27),)
    autumn = {h.name: h for h in democalendar.holidays(2026)}
    assert (autumn["中秋节"].first, autumn["中秋节"].last) == (D(2026, 9, 25), D(2026, 9, 27))
    assert autumn["国庆节"].makeups == (D(2026, 9, 20), D(2026, 10, 10))


@pytest.mark.parametrize(
    "day, start_year",
    [(D(2026, 8, 31), 2025), (D(2026, 9, 1), 2026), (D(2026, 12, 8), 2026), (D(2027, 3, 10), 2026)],
)
def test_the_school_year_runs_from_september_to_august(day, start_year):
    assert democalendar.school_year_of(day).start_year == start_year


@pytest.mark.parametrize("start_year", range(democalendar.FIRST_YEAR, democalendar.LAST_YEAR))
def test_every_year_has_two_terms_around_the_spring_festival_and_sane_holidays(start_year):
    year = democalendar.school_year(start_year)
    first, second = year.terms
    eve = democalendar.spring_festival(start_year + 1) - datetime.timedelta(days=1)
    assert first.start.weekday() < 5 and D(start_year, 9, 1) <= first.start <= D(start_year, 9, 3)
    assert first.end.weekday() == 4 and first.end <= eve - datetime.timedelta(days=7)
    assert second.start.weekday() == 0 and second.start > eve + datetime.timedelta(days=12)
    assert second.end.weekday() < 5 and D(start_year + 1, 6, 26) <= second.end <= D(start_year + 1, 6, 30)
    assert 175 <= len(year.school_days()) <= 195
    off = [d for h in year.holidays for d in h.days]
    assert len(off) == len(set(off))  # no two holidays overlap
    for h in year.holidays:
        assert all(d.weekday() >= 5 and d not in off for d in h.makeups), h
    names = [h.name for h in year.holidays]
    assert {"元旦", "春节", "清明节", "劳动节", "端午节"} <= set(names)
    assert "国庆节、中秋节" in names or {"国庆节", "中秋节"} <= set(names)


def test_it_knows_school_days_and_terms():
    year = democalendar.school_year(2025)
    assert year.is_school_day(D(2025, 9, 28))  # a Sunday made up for 国庆
    assert not year.is_school_day(D(2025, 10, 2)) and not year.is_school_day(D(2026, 2, 2))
    assert year.term_of(D(2026, 3, 10)).number == 2 and year.term_of(D(2026, 7, 20)) is None
    assert democalendar.last_term_started(year, D(2026, 7, 20)).number == 2
    assert democalendar.last_term_started(year, D(2026, 2, 10)).number == 1


def test_it_refuses_years_outside_its_lunar_table():
    with pytest.raises(democalendar.OutOfRange, match="2041"):
        democalendar.school_year(2040)
