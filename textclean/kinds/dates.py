"""A date grammar for header lines, built from words given as data, and its ISO 8601 output.

The grammar knows the shapes of dates (day month year, month day year, numeric
dates, ISO 8601, RFC 2822, year年month月day日, a weekday before or after the date,
in brackets too, a time before or after the date, am/pm after or before the time,
a dotted time after a word that says it is one); every word it matches -- month
and weekday names, ordinal endings, "of"/"de", "at"/"um", "kl.", year marks,
am/pm, time-zone names -- comes from the ``date_header`` settings of a rule file.
Digits may be of any script (Arabic-Indic, Persian, Devanagari, ...).

>>> grammar = DateGrammar({"months": {"en": [["january", "jan"], ["february", "feb"], ["march", "mar"],
...     ["april", "apr"], ["may"], ["june", "jun"], ["july", "jul"], ["august", "aug"],
...     ["september", "sep", "sept"], ["october", "oct"], ["november", "nov"], ["december", "dec"]]}})
>>> grammar.parse("07 July 2021 - 21:49")
'2021-07-07T21:49'
>>> grammar.parse("2021-07-07T21:49:05+04:30")
'2021-07-07T21:49:05+04:30'
>>> grammar.parse("July 2021") is None
True
>>> grammar.parse("31 Feb 2021")
Traceback (most recent call last):
...
textclean.kinds.dates.DateRefused: no such date: day 31 of month 2 of 2021
>>> grammar.parse("03/05/2021")
Traceback (most recent call last):
...
textclean.kinds.dates.DateRefused: ambiguous: either 03 or 05 could be the month
>>> grammar.parse("03/05/2021", Reading(order={"/": "mdy"}))
'2021-03-05'
"""
from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import regex

from ..matching.keywords import Automaton, fold_case
from ..matching.patterns import compile_later
from .calendars import hijri_to_gregorian, jalali_to_gregorian

_H = r"[^\S\n]"  # horizontal white space: a date never runs across lines
_PUNCT = r"[,،.;|/·•∙@–—-]"  # between a date and its time
_CALENDARS: dict[str, Callable[[int, int, int], dt.date]] = {
    "gregorian": dt.date,
    "jalali": jalali_to_gregorian,
    "hijri": hijri_to_gregorian,
}
_MONTH_KEYS = {"months": "gregorian", "jalali_months": "jalali", "hijri_months": "hijri"}
# Letters that Arabic-script text writes in more than one way, and what they fold to.
_LETTER_VARIANTS = {"ی": "ي", "ى": "ي", "ک": "ك", "أ": "ا", "إ": "ا", "آ": "ا"}
# What a letter of a word in the settings may be written as: any yeh or kaf, a hamza'd alef without its hamza.
_SAME_LETTER = {"ی": "یيى", "ي": "یيى", "ى": "یيى", "ک": "کك", "ك": "کك", "أ": "أا", "إ": "إا", "آ": "آا"}
_IGNORED = "\u200c\u0640"  # zero-width non-joiner, tatweel
_DEFAULT_YEARS = (1900, 2099)
# The long word lists. In a span, where one of their names goes, one to three words of any letters stand.
# The full grammar needs months in five places; every copy of a list costs a fifth of a second to compile,
# so it defines each list once as a group and calls that group where the list goes.
_LONG_LISTS = ("months", "weekdays", "zones")
# Lists called as a group in the span too: the day words (Persian ordinals in all their spellings) stand in five
# places of the grammar, and each copy took 40 ms to compile (a cold start's rules: 155 copies).
_SPAN_CALLED = ("day_words",)
# A call of such a group saves every group of the pattern, so the grammar first looks at the next character:
# a digit, a space or a punctuation mark starts no name, for no letter case makes one of them anything else.
_NAME_START = r"[^\d\s\p{P}]"
_WORD = r"\p{L}[\p{L}\p{M}'’]*+(?:-\p{L}[\p{L}\p{M}'’]*+)?"
_ANY_WORDS = rf"{_WORD}(?:(?:[^\S\n]|\u200c)+{_WORD}){{0,2}}"
DIGIT = regex.compile(r"\d")  # every date has one
# Every date the grammar reads holds a month name (followed by no letter) or this: the digits and repeated
# separator of a numeric or year-first date (dots may have a space after them: 7. 7. 2021, 2021. 7. 7.), or
# the year mark of a CJK date (see _build).
_NUMERIC = regex.compile(r"\d([-/.])\d{1,2}\1\d|\d\.[^\S\n]\d{1,2}\.[^\S\n]\d|\d{4}[^\S\n]*[年년]")


class DateRefused(ValueError):
    """A matched date that is ambiguous or cannot exist; the text is left as it is."""


@dataclass(frozen=True)
class Reading:
    """How one rule reads what a date leaves open.

    ``order``: numeric dates by separator ('.', '/', '-') -> 'dmy' or 'mdy'; a
    separator not listed is read only where one number cannot be a month.
    ``two_digit_years``: read '21 as 2021 (and '85 as 1985), else refuse.
    ``calendar``: how numeric dates are read, and whether Hijri month names count.
    """

    order: Mapping[str, str] = field(default_factory=dict)
    two_digit_years: bool = False
    calendar: str = "gregorian"


def fold(word: str) -> str:
    """The form a word is looked up by: case, Arabic-script letter variants and spacing folded.

    >>> fold("Ramadan") == fold("RAMADAN"), fold("ذی‌القعده") == fold("ذي القعده")
    (True, True)
    """
    word = "".join(_LETTER_VARIANTS.get(ch, ch) for ch in fold_case(word) if ch not in _IGNORED)
    return re.sub(r"[\s.'’]", "", word)


def _spellings(word: str) -> set[str]:
    """The ways a word is written that :func:`fold` treats as one: Arabic-script letter
    variants, and a space written as a space, a zero-width non-joiner or nothing."""
    options = [(" ", "\u200c", "") if ch.isspace() else _SAME_LETTER.get(ch, ch) for ch in word]
    return {"".join(letters) for letters in itertools.product(*options)}


class DateGrammar:
    """Dates in header lines: :meth:`span` finds where one stands, :meth:`parse` reads it into ISO 8601."""

    def __init__(self, settings: Mapping[str, Any]):
        self.months: dict[str, tuple[str, int]] = {}  # folded name -> (calendar, month number)
        for key, calendar in _MONTH_KEYS.items():
            _number_words(self.months, settings.get(key, {}), lambda n, c=calendar: (c, n + 1), key)
        self.weekdays: dict[str, int] = {}  # folded name -> Monday 0 ... Sunday 6
        _number_words(self.weekdays, settings.get("weekdays", {}), lambda n: n, "weekdays")
        self.days: dict[str, int] = {}  # folded day word (Persian ordinals: سوم) -> day of the month
        _number_words(self.days, settings.get("day_words", {}), lambda n: n + 1, "day_words")
        self.zones: dict[str, str | None] = {fold(name): offset for name, offset in
                                             settings.get("time_zones", {}).items()}
        for name, zone in settings.get("time_zones", {}).items():
            if zone and "/" in zone:
                try:
                    ZoneInfo(zone)
                except (ZoneInfoNotFoundError, ValueError):
                    raise ValueError(f"time_zones.{name}: {zone!r} is no time zone this system knows") from None
        self.years = tuple(settings.get("year_range", _DEFAULT_YEARS))
        words = {
            "months": [name for key in _MONTH_KEYS for names in settings.get(key, {}).values()
                       for spellings in names for name in spellings],
            "weekdays": [name for names in settings.get("weekdays", {}).values() for spellings in names
                         for name in spellings],
            "zones": list(settings.get("time_zones", {})),
            "day_words": [name for names in settings.get("day_words", {}).values() for spellings in names
                          for name in spellings],
            **{key: settings.get(key, []) for key in ("ordinal_suffixes", "date_joiners", "time_joiners",
                                                      "year_marks", "time_marks", "am_marks", "pm_marks",
                                                      "am_marks_before", "pm_marks_before", "dot_time_joiners")},
        }
        lists = {f"date_{key}": set().union(*map(_spellings, values)) for key, values in words.items()}
        #: The word lists that ``\\L<date_...>`` in the patterns refers to; pass them to ``regex.compile``.
        self.named_lists = lists
        #: The long word lists as the groups that :meth:`pattern` calls; a pattern embedding it holds them once,
        #: however many dates it has.
        self.definitions = _definitions(_LONG_LISTS + _SPAN_CALLED)
        self._exact = self._build(called=frozenset(_LONG_LISTS + _SPAN_CALLED))
        self._span = self._build(generic=frozenset(_LONG_LISTS), called=frozenset(_SPAN_CALLED)) \
            + _definitions(_SPAN_CALLED)
        self._month_names = Automaton(sorted({fold_case(name) for name in lists["date_months"]}))
        compile_later(self)

    def compile(self) -> None:
        self._grammar  # noqa: B018 - compiled when read

    @cached_property
    def _grammar(self) -> regex.Pattern:
        return regex.compile(self._exact + self.definitions, **self.named_lists)

    def pattern(self, prefix: str = "") -> str:
        """The full grammar as a regular expression, its group names starting with ``prefix``.

        It calls the groups of :attr:`definitions`, which the pattern embedding it must hold.
        """
        return _prefixed(self._exact, prefix)

    def span(self, prefix: str = "") -> str:
        """A pattern for where a date stands in a line, its group names starting with ``prefix``.

        It has the grammar's shape, with any word where a month, weekday or
        time-zone name goes, so that rules embedding it compile fast; :meth:`parse`
        then reads the span it matched with the full grammar. It holds the groups it calls.
        """
        return _prefixed(self._span, prefix, calls=True)

    def may_hold(self, text: str) -> bool:
        """A quick test: False when ``text`` holds no date the grammar reads (no digit, no month name
        and no numbers in the shape of a numeric date)."""
        if not DIGIT.search(text):
            return False
        if _NUMERIC.search(text):
            return True
        folded = fold_case(text)
        return any(end == len(folded) or not folded[end].isalpha()
                   for _, _, end in self._month_names.find_matches_as_indexes(folded, overlapping=True))

    def parse(self, text: str, reading: Reading = Reading()) -> str | None:
        """``text`` as ISO 8601, None if it is not a date; :class:`DateRefused` if it is ambiguous or impossible."""
        match = self._grammar.fullmatch(text)
        return self._to_iso(match, reading) if match else None

    def _build(self, generic: frozenset[str] = frozenset(), called: frozenset[str] = frozenset()) -> str:
        def one_of(key: str, end: str = r"(?!\w)") -> str:
            """One word of a list from the settings (or, if ``generic``, any word), in any letter case, then
            ``end``; a list in ``called`` by a call of its group in :attr:`definitions`."""
            if key in generic:
                return _ANY_WORDS
            if key in called:
                names = self.named_lists[f"date_{key}"]
                look = rf"(?={_NAME_START})" if all(regex.match(_NAME_START, name) for name in names) else ""
                return rf"{look}(?&_date_{key})(?!\w)"
            return rf"(?i:\L<date_{key}>){end}"

        mon = rf"(?P<mon>{one_of('months')})\.?"
        wd = rf"(?P<wd>{one_of('weekdays')})\.?"
        ordinal = rf"(?:{one_of('ordinal_suffixes')})?"
        day = rf"(?:(?P<d>\d{{1,2}})(?!\d){ordinal}|(?P<dw>{one_of('day_words')}))"
        year = rf"(?P<y>\d{{4}}|'?\d{{2}})(?![\d:])(?:{_H}*{one_of('year_marks')})?"
        gap = rf"(?:{_H}*[,،./-]{_H}*|{_H}+)"
        part = rf"{gap}(?:{one_of('date_joiners')}{gap})?"
        named = rf"(?:{day}{part}{mon}{part}{year}|{mon}{part}{day}{part}{year})"
        # Year first is always year-month-day; 年月日 and 년월일 mark the parts in CJK dates.
        # Dots with a space after each, as Czech and Korean write them: 7. 7. 2021, 2021. 7. 7.
        ymd = (rf"(?:(?P<y>\d{{4}})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})(?!\d)"
               rf"|(?P<y>\d{{4}})(?P<sep>\.){_H}(?P<m>\d{{1,2}})\.{_H}(?P<d>\d{{1,2}})(?!\d)"
               rf"|(?P<y>\d{{4}}){_H}*[年년]{_H}*(?P<m>\d{{1,2}}){_H}*[月월]{_H}*(?P<d>\d{{1,2}}){_H}*[日일])")
        numeric = (rf"(?P<a>\d{{1,2}})(?:(?P<sep>[-/.])(?P<b>\d{{1,2}})(?P=sep)|(?P<sep>\.){_H}(?P<b>\d{{1,2}})\.{_H})"
                   rf"(?P<y>\d{{4}}|\d{{2}})(?!\d)")
        date = rf"(?:{named}|{ymd}|{numeric})"

        am = rf"(?P<am>{one_of('am_marks')})\.?"
        pm = rf"(?P<pm>{one_of('pm_marks')})\.?"
        ampm = rf"(?:{_H}*(?:{am}|{pm}))"
        # 오후 9:49, 下午9:49: the mark before the time, a digit may follow it right away
        before = {key: one_of(f"{key}_marks_before", end=r"(?!\p{L})") for key in ("am", "pm")}
        ampm_before = rf"(?:(?:(?P<am>{before['am']})|(?P<pm>{before['pm']})){_H}*)?"
        clock = (rf"{ampm_before}(?:(?P<H>\d{{1,2}})"
                 rf"(?:[:：](?P<M>\d{{2}})(?:[:：](?P<S>\d{{2}})(?:[.,](?P<f>\d{{1,9}}))?)?"
                 rf"|{_H}?[hH]{_H}?(?P<M>\d{{2}}))(?!\d){ampm}?|(?P<H>\d{{1,2}}){ampm}"
                 rf"|(?P<H>\d{{1,2}}){_H}*[時时点點시](?:{_H}*(?P<M>\d{{1,2}}){_H}*[分분])?)")
        zone_names = rf"(?P<zone>{one_of('zones')})"
        offset = r"[+\-−]\d{1,2}(?::?\d{2})?"
        zone = (rf"(?:(?P<utc>Z)(?!\w)|{_H}*\(?(?:{zone_names}(?:{_H}*(?P<tz>{offset}))?"
                rf"|(?P<tz>[+\-−]\d{{2}}(?::?\d{{2}})?))\)?)")
        time_mark = rf"(?:{_H}*{one_of('time_marks')}\.?)?"
        time = rf"(?:{clock}){time_mark}{zone}?"
        # 21.49 is a time only after a word that says so (kl. 21.49, klo 21.49, pukul 21.49): elsewhere it could
        # be a number
        dot_time = (rf"(?:{_H}*{_PUNCT}{{1,2}})?{_H}*{one_of('dot_time_joiners')}\.?{_H}*"
                    rf"(?P<H>\d{{1,2}})\.(?P<M>\d{{2}})(?!\d){time_mark}{zone}?")

        to_time = (rf"(?:T|(?:{_H}*{_PUNCT}{{1,2}}{_H}*|{_H}+|(?<=[日일)）]))"
                   rf"(?:{one_of('time_joiners')}{_H}*)?)")
        to_date = rf"(?:{_H}*{_PUNCT}{{1,2}}{_H}*|{_H}+)"
        to_weekday = rf"(?:{_H}*[,،]{_H}*|{_H}+)"
        # A weekday after the date may stand in brackets, or right after 日 (2021年7月7日(水), 2021年7月7日星期三).
        weekday_after = rf"(?:{to_weekday}|(?<=[日일])){wd}|{_H}*[(（]{_H}*{wd}{_H}*[)）]"
        # The time before the date, or (as C's asctime writes it) between the day and the year.
        return (rf"(?:(?:{wd}{to_weekday})?{date}(?:{weekday_after})?(?:{to_time}{time}|{dot_time})?"
                rf"|{time}{to_date}(?:{wd}{to_weekday})?{date}"
                rf"|(?:{wd}{to_weekday})?{mon}{_H}+{day}{_H}+{time}{_H}+(?P<y>\d{{4}})(?!\d))")

    def _to_iso(self, match: regex.Match, reading: Reading) -> str:
        group = match.group

        calendar = reading.calendar
        if group("mon"):
            calendar, month = _named(self.months, group("mon"), "month")
            if calendar == "hijri" and reading.calendar != "hijri":
                raise DateRefused(f"{group('mon')!r} is a Hijri month and the rule does not read Hijri dates")
            day = int(group("d")) if group("d") else _named(self.days, group("dw"), "day")
        elif group("a"):
            day, month = _day_month(group("a"), group("b"), group("sep"), reading)
        else:
            day, month = int(group("d")), int(group("m"))
        year = self._year(group("y"), reading, calendar)
        try:
            date = _CALENDARS[calendar](year, month, day)
        except ValueError:
            raise DateRefused(f"no such date: day {day} of month {month} of {year}") from None
        if not self.years[0] <= date.year <= self.years[1]:
            raise DateRefused(f"{date.isoformat()} is outside the years {self.years[0]}-{self.years[1]}")
        if group("wd") and _named(self.weekdays, group("wd"), "weekday") != date.weekday():
            raise DateRefused(f"{group('wd')!r} is not the weekday of {date.isoformat()}")
        if group("H") is None:
            return date.isoformat()
        return f"{date.isoformat()}T{self._time(group, date)}"

    def _year(self, text: str, reading: Reading, calendar: str) -> int:
        digits = text.lstrip("'")
        if len(digits) == 4:
            return int(digits)
        if not reading.two_digit_years or calendar != "gregorian":
            raise DateRefused(f"two-digit year {text!r}")
        short = int(digits)
        return short + (1900 if short >= 69 else 2000)  # the POSIX %y pivot

    def _time(self, group: Callable[[str], str | None], date: dt.date) -> str:
        hour, minute = int(group("H")), int(group("M") or 0)
        if group("am") or group("pm"):
            if hour > 12 or (hour == 0 and group("pm")):
                raise DateRefused(f"no such time: {hour} {group('am') or group('pm')}")
            hour = hour % 12 + (12 if group("pm") else 0)
        if hour > 23 or minute > 59 or int(group("S") or 0) > 59:
            raise DateRefused(f"no such time: {group('H')}:{group('M')}")
        text = f"{hour:02d}:{minute:02d}"
        if group("S"):
            text += f":{int(group('S')):02d}" + (f".{group('f')}" if group("f") else "")
        return text + self._offset(group, dt.datetime.combine(date, dt.time(hour, minute)))

    def _offset(self, group: Callable[[str], str | None], when: dt.datetime) -> str:
        """``Z`` for UTC, ``+HH:MM`` for another offset, nothing when the text gives none.

        A zone named by region (``ET``: ``America/New_York``) has the offset it had at ``when``: EDT in
        summer, EST in winter; a time the change of clocks makes ambiguous or skips is refused."""
        if group("zone"):
            base = _named(self.zones, group("zone"), "time zone")
            if base is None:
                raise DateRefused(f"the time zone {group('zone')!r} names more than one offset")
            minutes = _offset_minutes(base) if "/" not in base else _region_minutes(base, when, group("zone"))
            if group("tz"):
                if minutes:
                    raise DateRefused(f"an offset after {group('zone')!r}, which is not UTC")
                minutes = _offset_minutes(group("tz"))
        elif group("tz"):
            minutes = _offset_minutes(group("tz"))
        else:
            return "Z" if group("utc") else ""
        if minutes == 0:
            return "Z"
        sign = "-" if minutes < 0 else "+"
        return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _definitions(keys: Iterable[str]) -> str:
    """A group for each list of ``keys``, to be called where the list goes (see :meth:`DateGrammar._build`)."""
    return "(?(DEFINE){})".format("".join(rf"(?P<_date_{key}>(?i:\L<date_{key}>))" for key in keys))


def _prefixed(pattern: str, prefix: str, calls: bool = False) -> str:
    """``pattern`` with ``prefix`` before its group names; ``calls``: before the names of the groups it calls too
    (which it then holds itself)."""
    pattern = pattern.replace("(?P<", f"(?P<{prefix}").replace("(?P=", f"(?P={prefix}")
    return pattern.replace("(?&", f"(?&{prefix}") if calls else pattern


def _number_words(table: dict[str, Any], by_language: Mapping[str, list[list[str]]], value: Callable[[int], Any],
                  key: str) -> None:
    """Fill ``table`` with each spelling's value; one spelling cannot mean two things."""
    for language, names in by_language.items():
        for number, spellings in enumerate(names):
            for name in spellings:
                folded = fold(name)
                if table.get(folded, value(number)) != value(number):
                    raise ValueError(f"{key}.{language}: {name!r} already means {table[folded]}, not {value(number)}")
                table[folded] = value(number)


def _named(table: dict[str, Any], name: str, what: str) -> Any:
    """What ``name`` stands for in ``table``; refused where the pattern's case-blind match found a spelling
    that folding does not lead to (no crash, whatever the text)."""
    try:
        return table[fold(name)]
    except KeyError:
        raise DateRefused(f"{name!r} is no {what} name this grammar knows") from None


def _region_minutes(zone: str, when: dt.datetime, name: str) -> int:
    """The UTC offset in minutes of region ``zone`` at local time ``when``."""
    region = ZoneInfo(zone)
    earlier, later = (when.replace(tzinfo=region, fold=fold).utcoffset() for fold in (0, 1))
    round_trip = when.replace(tzinfo=region).astimezone(dt.timezone.utc).astimezone(region).replace(tzinfo=None)
    if earlier != later or round_trip != when:
        raise DateRefused(f"{when:%Y-%m-%d %H:%M} {name} falls in a change of clocks")
    return int(earlier.total_seconds() // 60)


def _offset_minutes(text: str) -> int:
    sign = -1 if text[0] in "-−" else 1
    hours, _, minutes = text[1:].partition(":")
    if not minutes and len(hours) > 2:
        hours, minutes = hours[:-2], hours[-2:]
    hours, minutes = int(hours), int(minutes or 0)
    if hours > 14 or minutes > 59:
        raise DateRefused(f"no such time-zone offset: {text}")
    return sign * (hours * 60 + minutes)


def _day_month(first: str, second: str, separator: str, reading: Reading) -> tuple[int, int]:
    """Day and month of a numeric date; the rule's order, swapped only where its month cannot be one."""
    a, b = int(first), int(second)
    order = reading.order.get(separator)
    if order is None:
        if a != b and a <= 12 and b <= 12:
            raise DateRefused(f"ambiguous: either {first} or {second} could be the month")
        return (a, b) if b <= 12 else (b, a)
    day, month = (a, b) if order == "dmy" else (b, a)
    return (month, day) if month > 12 >= day else (day, month)
