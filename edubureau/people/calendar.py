"""The school calendar: which dates are school days.

A school day is a Monday–Friday inside a term, unless it is a holiday (放假), plus the make-up
days (调休上课, usually a Saturday or Sunday) inside a term. Make-up days outside terms are
ignored: the national 调休 calendar does not bring pupils back during the vacations.
"""

import datetime

from .models import CalendarDay, Term


def _terms(start, end):
    return list(
        Term.objects.filter(start_date__lte=end, end_date__gte=start).values_list("start_date", "end_date")
    )


def _exceptions(start, end):
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind"))


def _is_school_day(day, terms, exceptions):
    if not any(first <= day <= last for first, last in terms):
        return False
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.MAKEUP:
        return True
    return day.weekday() < 5


def is_school_day(day: datetime.date) -> bool:
    return _is_school_day(day, _terms(day, day), _exceptions(day, day))


def school_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The school days from start to end, both included, in order (two queries in all)."""
    if end < start:
        return []
    terms, exceptions = _terms(start, end), _exceptions(start, end)
    days = (start + datetime.timedelta(days=n) for n in range((end - start).days + 1))
    return [day for day in days if _is_school_day(day, terms, exceptions)]
