"""Working days with Chinese public holidays and make-up working days (chinese_calendar's data).

Outside the years that data covers, Monday to Friday count as working days (said so on screen)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # chinese_calendar has no data for this year yet
        return day.weekday() < 5


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (the day itself does not count)."""
    day = start
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for i in range(1, (end - start).days + 1) if is_workday(start + timedelta(days=i)))
