"""Persian (Jalali) and Hijri dates to Gregorian.

Jalali: the arithmetic of Borkowski's algorithm as used by jalaali-js, exact
for Jalali years -61 to 3177. Hijri: the Umm al-Qura calendar through
``hijridate`` (its table covers 1343-1500 AH).

>>> jalali_to_gregorian(1400, 4, 16)
datetime.date(2021, 7, 7)
>>> hijri_to_gregorian(1442, 11, 27)
datetime.date(2021, 7, 7)
"""
from __future__ import annotations

import datetime as dt

from hijridate import Hijri

# Jalali years where the 33-year leap cycle restarts.
_BREAKS = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394,
           2456, 3178)


def _div(a: int, b: int) -> int:
    """Integer division truncating toward zero, as the algorithm is written."""
    return int(a / b)


def _mod(a: int, b: int) -> int:
    return a - _div(a, b) * b


def _jalali_year(jy: int) -> tuple[bool, int]:
    """Whether Jalali year ``jy`` is leap, and the March day of its first day (1 Farvardin)."""
    if not _BREAKS[0] <= jy < _BREAKS[-1]:
        raise ValueError(f"Jalali year {jy} is outside {_BREAKS[0]}..{_BREAKS[-1] - 1}")
    gy = jy + 621
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += _div(jump, 33) * 8 + _div(_mod(jump, 33), 4)
        jp = jm
    n = jy - jp
    leap_j += _div(n, 33) * 8 + _div(_mod(n, 33) + 3, 4)
    if _mod(jump, 33) == 4 and jump - n == 4:
        leap_j += 1
    leap_g = _div(gy, 4) - _div((_div(gy, 100) + 1) * 3, 4) - 150
    march = 20 + leap_j - leap_g
    if jump - n < 6:
        n = n - jump + _div(jump + 4, 33) * 33
    leap = _mod(_mod(n + 1, 33) - 1, 4)
    return leap == 0, march


def jalali_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a Jalali date; ValueError if the Jalali date does not exist."""
    leap, march = _jalali_year(year)
    if not 1 <= month <= 12:
        raise ValueError(f"Jalali month {month} does not exist")
    length = 31 if month <= 6 else 30 if month <= 11 or leap else 29
    if not 1 <= day <= length:
        raise ValueError(f"Jalali month {month} of {year} has {length} days, not {day}")
    first = dt.date(year + 621, 3, march)
    return first + dt.timedelta(days=(month - 1) * 31 - max(0, month - 7) + day - 1)


def hijri_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of an Umm al-Qura Hijri date; ValueError if it does not exist."""
    try:
        return dt.date(*Hijri(year, month, day).to_gregorian().datetuple())
    except OverflowError as exc:
        raise ValueError(str(exc)) from None
