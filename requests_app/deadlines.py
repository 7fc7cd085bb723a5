"""Deadlines by the calendar: a due date never falls on a weekend or a Saxon public holiday.

The answer periods stay settings (`MOTION_ANSWER_PERIOD_DAYS`); the public holidays come from the
maintained `holidays` package (Germany, subdivision Saxony), not from a hand-written list.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=64)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.Germany(subdiv="SN", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day in Saxony, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def default_due_date(kind: str, registered_on: date) -> date | None:
    """The due date of a motion of `kind` registered on `registered_on` (None: no period)."""
    period = settings.MOTION_ANSWER_PERIOD_DAYS.get(kind)
    if not period:
        return None
    return next_working_day(registered_on + timedelta(days=period))
