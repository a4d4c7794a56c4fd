"""A date grammar for header lines, built from month names given as data, and ISO 8601 output.

>>> grammar = DateGrammar({"en": [["january", "jan"], ["february", "feb"], ["march", "mar"],
...     ["april", "apr"], ["may"], ["june", "jun"], ["july", "jul"], ["august", "aug"],
...     ["september", "sep", "sept"], ["october", "oct"], ["november", "nov"], ["december", "dec"]]})
>>> import regex
>>> m = regex.fullmatch(grammar.pattern, "07 July 2021 - 21:49")
>>> grammar.to_iso(m)
'2021-07-07T21:49'
>>> grammar.to_iso(regex.fullmatch(grammar.pattern, "31 Feb 2021")) is None
True
"""
from __future__ import annotations

import datetime as dt

import regex

_TIME = (
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"
    r"(?:\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|UTC|GMT))?"
)
_TIME_SEP = r"(?:\s*(?:[-–—,|@]|\bat\b)\s*|\s+)"
_ORDINAL = r"(?:st|nd|rd|th)?"


class DateGrammar:
    """``pattern`` matches one date (with an optional time); ``to_iso`` turns a match into ISO 8601."""

    def __init__(self, months: dict[str, list[list[str]]]):
        self.month_number: dict[str, int] = {}
        for names in months.values():
            for number, spellings in enumerate(names, start=1):
                for name in spellings:
                    self.month_number[name.casefold()] = number
        names = "|".join(regex.escape(n) for n in sorted(self.month_number, key=len, reverse=True)) or "(?!)"
        month = rf"(?P<mon>(?i:{names}))\.?"
        self.pattern = "(?:" + "|".join([
            rf"(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})(?:(?:T|\s+){_TIME})?",
            rf"(?P<d>\d{{1,2}}){_ORDINAL}(?:\s+of)?[\s.-]+{month},?[\s.-]+(?P<y>\d{{4}})(?:{_TIME_SEP}{_TIME})?",
            rf"{month}\s+(?P<d>\d{{1,2}}){_ORDINAL},?\s+(?P<y>\d{{4}})(?:{_TIME_SEP}{_TIME})?",
        ]) + ")"

    def to_iso(self, match: regex.Match) -> str | None:
        """ISO 8601 for a match of :attr:`pattern`, or None if the date cannot exist."""
        month = int(match.group("m")) if match.group("m") else self.month_number[match.group("mon").casefold()]
        try:
            date = dt.date(int(match.group("y")), month, int(match.group("d")))
        except ValueError:
            return None
        if match.group("H") is None:
            return date.isoformat()
        hour, minute = int(match.group("H")), int(match.group("M"))
        ampm = (match.group("ampm") or "").replace(".", "").lower()
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        second = match.group("S")
        try:
            time = dt.time(hour, minute, int(second or 0))
        except ValueError:
            return None
        iso = f"{date.isoformat()}T{time.isoformat(timespec='seconds' if second else 'minutes')}"
        return iso + _offset(match.group("tz"))


def _offset(tz: str | None) -> str:
    if not tz:
        return ""
    if tz in ("Z", "UTC", "GMT"):
        return "Z"
    digits = tz[1:].replace(":", "")
    return f"{tz[0]}{digits[:2]}:{digits[2:]}"
