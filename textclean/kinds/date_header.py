"""The ``date_header`` kind: header lines become metadata and leave the body.

A rule's ``pattern`` must match a whole header line. ``{date}`` in it stands for
a date in any shape the grammar knows, written with the words in the
``settings.date_header`` of the loaded packs, and fills ``field`` with ISO 8601;
``{date:FIELD}`` fills another field (``Published {date} / Updated {date:updated}``).
A group ``(?P<value>...)`` fills ``field``, and any other named group fills the
field of its name (``(?P<author>...)``); without either, the whole match is stored.
A value of digits only is stored in ASCII digits, whatever script it was written
in (``کد خبر: ۹۲۱۹۹`` gives ``92199``), as dates are.

A label may stand on its own line with the date on the next: where a line does
not match, it is tried again joined to the next non-blank line, so white space
in the pattern between label and date may be that line break.

``where: glued`` matches at the start of the first line and removes only what
matched, for datelines glued to the first sentence. A date that is ambiguous
or cannot exist leaves the line in place and is reported as a finding.
"""
from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Callable, Hashable
from typing import Any

import regex

from ..dates import DIGIT, DateGrammar, DateRefused, Reading
from ..document import Finding
from ..keywords import LineIndex, line_keywords
from ..kind import Change, Rule, RuleError, RuleKind, StageOutput, compile_pattern, schema_beside
from ..lines import TextLines, lines_of, numbered_line_removals, zone_positions
from ..memo import remember
from ..patterns import PatternSet, refuse_unusable_groups

_DEFAULT_LINES = 5
#: ``{date}`` placeholders the patterns of one rule file may hold.
MOST_DATES_PER_FILE = 32
_DEFAULT_MAX_LENGTH = 200
_PLACEHOLDER = regex.compile(r"\{date(?::(?P<field>[a-z][a-z0-9_]*))?\}")
_UNESCAPED = r"(?<!\\)((?:\\\\)*)"  # not after a backslash that escapes what follows
# What a person may have meant as a placeholder: a word in braces, but not \p{Lu} and the like ({e} and
# {e<=1} are regex's fuzzy matching).
_LIKE_PLACEHOLDER = regex.compile(_UNESCAPED + r"(?<!\\[pPNx])(\{[A-Za-z_]\w+(?::[^{}]*)?\})")
_NAMED_GROUP = regex.compile(_UNESCAPED + r"\(\?P<(\w+)>")
_PROPERTY = regex.compile(_UNESCAPED + r"\\[pP](?:\{[^}]*\}|\w)")  # \p{Lu}, \pL: only ``regex`` knows them
_DATED = "dated"  # the key of DateHeaderStage._holds, besides the rules, for the lines that may hold a date


def _keywords(pattern: str) -> frozenset[str] | None:
    """Case-folded strings, one of which every text (a line, or a line and the next) that ``pattern`` matches holds.

    None: no such strings are known, the pattern must be tried on every line. For the parser that reads
    the literals (that of ``re``), a date stands in as any text, a Unicode property as a class of characters,
    and named groups are numbered apart (it refuses a name used twice).
    """
    count = itertools.count()
    pattern = _PROPERTY.sub(r"\1\\w", _PLACEHOLDER.sub("(?:.+)", pattern))
    pattern = _NAMED_GROUP.sub(lambda match: f"{match[1]}(?P<{match[2]}_{next(count)}>", pattern)
    return line_keywords(pattern)


@functools.lru_cache(maxsize=1024)
def _zones(regions: frozenset[tuple[tuple[str, ...], int]], count: int) -> tuple[dict, frozenset[int]]:
    """For a text of ``count`` non-blank lines: region (zones, lines) -> its positions in order, and the
    positions of all regions' lines and the lines after them (which a line may be joined to).

    Remembered for each count; the answer is shared, not to be changed."""
    positions = {region: sorted({pos for zone in region[0] for pos in zone_positions(
        "tail" if zone == "footer" else "head", region[1], count)}) for region in regions}
    return positions, frozenset(near for found in positions.values() for pos in found
                                for near in (pos, pos + 1) if near < count)


class _CompiledRule:
    """One rule: its patterns, the fields its date placeholders fill, and how it reads dates.

    ``{date}`` is first matched by the grammar's fast :meth:`~DateGrammar.span`; only
    when a span found that way is no date is the rule tried with the full grammar
    in its place (compiled when first needed), so that a word the span took for a
    month cannot hide the right reading of the line.
    """

    def __init__(self, rule: Rule, grammar: DateGrammar):
        self.rule = rule
        self.grammar = grammar
        where = rule.spec.get("where", "head")
        self.zones = [where] if isinstance(where, str) else where
        self.lines = rule.spec.get("lines", _DEFAULT_LINES)
        self.max_length = rule.spec.get("max_length", _DEFAULT_MAX_LENGTH)
        order = rule.spec.get("order", {})
        self.reading = Reading(
            order={sep: order for sep in "./-"} if isinstance(order, str) else order,
            two_digit_years=rule.spec.get("two_digit_years", False),
            calendar=rule.spec.get("calendar", "gregorian"),
        )
        for like in _LIKE_PLACEHOLDER.finditer(rule.spec["pattern"]):
            if not _PLACEHOLDER.fullmatch(like.group(2)):
                raise RuleError.of(rule, f"unknown placeholder {like.group(2)}: a date is {{date}}, or "
                                   "{date:FIELD} with FIELD in lower case letters, digits and _", "pattern")
        self.dates = [(f"_d{n}", placeholder.group("field") or rule.spec["field"])
                      for n, placeholder in enumerate(_PLACEHOLDER.finditer(rule.spec["pattern"]))]
        self.region = (tuple(self.zones), self.lines)
        self.keywords = _keywords(rule.spec["pattern"])
        #: Keys of DateHeaderStage._holds: a line (or it and the next) must hold each to be tried.
        self.gates: list[Hashable] = ([self] if self.keywords else []) + ([_DATED] if self.dates else [])
        # With the grammar in it, a rule takes long to compile, so it waits for its first use; what the rule
        # adds to the grammar is checked now, with an empty group for each date (an error is placed in the
        # pattern as written, each date a group of its length).
        refuse_unusable_groups(rule, rule.spec["pattern"])
        as_written = _PLACEHOLDER.sub(lambda found: f"(?:{'.' * (len(found[0]) - 4)})", rule.spec["pattern"])
        compile_pattern(rule, self._pattern(lambda prefix: ""), named_lists=grammar.named_lists, written=as_written)
        #: The rule with the grammar's fast :meth:`~DateGrammar.span` for each date; and with the full grammar.
        self.patterns = PatternSet([(rule, self._pattern(grammar.span))], named_lists=grammar.named_lists,
                                   checked=True)
        self._exact = PatternSet([(rule, self._pattern(grammar.pattern, grammar.definitions))],
                                 named_lists=grammar.named_lists, checked=True) if self.dates else None
        self._misses: dict[tuple[str, str], None] = {}  # (method, text) that gave no match and no refusal

    def _pattern(self, date_pattern: Callable[[str], str], definitions: str = "") -> str:
        """The rule's pattern with ``date_pattern`` for each placeholder, ending in the ``definitions`` it calls."""
        count = iter(range(len(self.dates)))

        def expand(_: regex.Match) -> str:
            name = f"_d{next(count)}"
            return f"(?-x:(?P<{name}>{date_pattern(name + '_')}))"

        pattern = _PLACEHOLDER.sub(expand, self.rule.spec["pattern"])
        flag = "i" if self.rule.spec.get("ignore_case", True) else "-i"
        pattern += definitions  # last, so that the rule's own groups keep their numbers
        return rf"\s*(?{flag}:{pattern})\s*" if self.zones == ["glued"] else f"(?{flag}:{pattern})"

    def match(self, method: str, text: str) -> tuple[regex.Match, dict[str, str]] | None:
        """The rule's match on ``text`` (``method``: fullmatch or match) and the metadata it gives.

        Raises :class:`DateRefused` when a date in it is ambiguous or cannot exist.
        """
        if (self.dates and not DIGIT.search(text)) or (method, text) in self._misses:
            return None
        if method == "fullmatch" and not self.patterns.fullmatches(text):  # the cheaper call, most texts miss
            return None
        hit = getattr(self.patterns, method)(text)
        values = self._values(hit[1]) if hit else None
        if hit and values is None and self._exact:
            hit = getattr(self._exact, method)(text)
            values = self._values(hit[1]) if hit else None
        if values is None:
            remember(self._misses, (method, text), None)
            return None
        return hit[1], values

    def _values(self, match: regex.Match) -> dict[str, str] | None:
        values = {}
        for group, field in self.dates:
            iso = self.grammar.parse(match.group(group), self.reading)
            if iso is None:
                return None
            values[field] = iso
        for name, text in match.groupdict().items():
            if not name.startswith("_") and text is not None:
                values[self.rule.spec["field"] if name == "value" else name] = ascii_digits(text.strip())
        if not values:
            values[self.rule.spec["field"]] = ascii_digits(match.group().strip())
        return values


def ascii_digits(text: str) -> str:
    """``text`` in ASCII digits when it is decimal digits only, of any script; otherwise ``text`` unchanged.

    >>> ascii_digits("۹۲۱۹۹"), ascii_digits("٠٠٧"), ascii_digits("A-12")
    ('92199', '007', 'A-12')
    """
    return "".join(str(unicodedata.digit(char)) for char in text) if text.isdecimal() else text


def _refuse_too_many_dates(rules: list[_CompiledRule]) -> None:
    """Raise RuleError for the rule that brings the ``{date}`` placeholders of its file past MOST_DATES_PER_FILE:
    each compiles the date grammar anew, which takes a good part of a second."""
    counts: dict[str, int] = {}
    for compiled in rules:
        source = compiled.rule.source
        counts[source] = counts.get(source, 0) + len(compiled.dates)
        if counts[source] > MOST_DATES_PER_FILE:
            raise RuleError.of(compiled.rule, f"pattern brings the {{date}} placeholders of this file to "
                               f"{counts[source]}, more than the {MOST_DATES_PER_FILE} a rule file may hold "
                               "(each compiles the date grammar); split the file", "pattern")


def _names(count: int) -> dict[str, Any]:
    return {"type": "array", "minItems": count, "maxItems": count,
            "items": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}}


class DateHeaderStage:
    kind = "date_header"

    def __init__(self, rules: list[Rule], settings: dict[str, Any]):
        try:
            grammar = DateGrammar(settings)
        except ValueError as exc:
            raise RuleError("settings.date_header", None, str(exc)) from None
        self.grammar = grammar
        self.rules = [_CompiledRule(rule, grammar) for rule in rules]
        _refuse_too_many_dates(self.rules)
        line_rules = [compiled for compiled in self.rules if compiled.zones != ["glued"]]
        self.regions = frozenset(compiled.region for compiled in line_rules)
        self.longest = max((compiled.max_length for compiled in line_rules), default=0)
        # One keyword search over the lines of the zones says which lines hold the literals each rule's pattern
        # demands, so that a line is tried only by the rules it can fit.
        self.index = LineIndex((compiled, compiled.keywords, None) for compiled in line_rules if compiled.keywords)
        self._known: dict[str, list[Hashable]] = {}  # line -> the keys of _holds it holds

    def apply(self, text: str) -> StageOutput:
        output = StageOutput()
        page = lines_of(text)
        count = len(page.nonblank)
        if not count:
            return output
        regions, near = _zones(self.regions, count)
        lines = {pos: page.stripped[page.nonblank[pos]] for pos in near}  # by position among the non-blank lines
        holds = self._holds(lines)
        removed: dict[int, str] = {}  # position -> rule id
        cut: set[int] = set()  # positions of lines a glued rule took a date from: no other rule may take them
        for compiled in self.rules:
            if compiled.zones == ["glued"]:
                self._glued(compiled, page, output, removed, cut)
                continue
            gates = [holds.get(key) for key in compiled.gates]  # positions of lines that hold what it needs
            if None in gates:
                continue
            # A line may be tried where it, or the next line (joined to it), holds what each gate asks.
            reach = set.intersection(*(held | {pos - 1 for pos in held} for held in gates)) if gates else None
            for pos in regions[compiled.region]:
                if reach is None or pos in reach:
                    self._line(compiled, page, lines, pos, output, removed, cut, gates)
        output.changes.extend(numbered_line_removals(
            text, page.raw, {page.nonblank[pos]: rule for pos, rule in removed.items()}))
        return output

    def _holds(self, lines: dict[int, str]) -> dict[Hashable, set[int]]:
        """Rule -> the positions of the lines that hold its keywords; _DATED -> those that may hold a date.

        Keys without such lines are left out. What a line holds is remembered: the pipeline's second pass
        and the lines a site repeats on every page are not searched again.
        """
        known = self._known
        holds: dict[Hashable, set[int]] = {}
        new: dict[str, list[int]] = {}  # line not searched yet -> its positions
        for pos, line in lines.items():
            keys = known.get(line)
            if keys is None:
                if len(line) <= self.longest:
                    new.setdefault(line, []).append(pos)
                continue
            for key in keys:
                holds.setdefault(key, set()).add(pos)
        if new:
            searched = list(new)
            held: dict[str, list[Hashable]] = {line: [_DATED] if self.grammar.may_hold(line) else []
                                               for line in searched}
            for key, numbers in self.index.lines(searched).items():
                for number in numbers:
                    held[searched[number]].append(key)
            for line, keys in held.items():
                remember(known, line, keys)
                for key in keys:
                    holds.setdefault(key, set()).update(new[line])
        return holds

    def _line(self, compiled: _CompiledRule, page: TextLines, lines: dict[int, str], pos: int, output: StageOutput,
              removed: dict[int, str], cut: set[int], gates: list[set[int]]) -> None:
        """Try the line at ``pos`` alone, then joined to the next non-blank line (a label above its date).

        Lines are tried only where each of ``gates`` holds one of them (a date never runs across lines).
        """
        if pos in removed or pos in cut or len(lines[pos]) > compiled.max_length:
            return
        span: tuple[int, ...] = (pos,)
        hit, start = None, None
        if all(pos in held for held in gates):
            start = page.start(page.nonblank[pos])
            reported = len(output.findings)
            hit = self._try(compiled, "fullmatch", lines[pos], start, output)
            if len(output.findings) > reported:
                return
        if hit is None and pos + 1 in lines and pos + 1 not in removed and pos + 1 not in cut:
            span = (pos, pos + 1)
            joined = f"{lines[pos]}\n{lines[pos + 1]}"
            if len(joined) <= compiled.max_length and all(not held.isdisjoint(span) for held in gates):
                hit = self._try(compiled, "fullmatch", joined,
                                page.start(page.nonblank[pos]) if start is None else start, output)
        if hit is not None:
            for covered in span:
                removed[covered] = compiled.rule.id

    def _glued(self, compiled: _CompiledRule, page: TextLines, output: StageOutput, removed: dict[int, str],
               cut: set[int]) -> None:
        """Datelines at the start of the first line, one after another while the rule matches what is left (as
        many passes would find them): a whole line that matches goes with its newline, else what matched."""
        number = page.nonblank[0]
        start = page.start(number)
        if 0 in removed or 0 in cut:
            return
        raw = page.raw[number]
        taken = 0  # characters of the line the datelines found so far cover
        while taken < len(raw):
            rest = raw[taken:]
            hit = self._try(compiled, "match", rest[:compiled.max_length], start + taken, output)
            if hit is None or not hit.end():
                break
            if hit.end() == len(rest):
                removed[0] = compiled.rule.id
                return
            taken += hit.end()
        if taken:
            output.changes.append(Change(start, start + taken, "", compiled.rule.id))
            cut.add(0)

    @staticmethod
    def _try(compiled: _CompiledRule, method: str, text: str, offset: int, output: StageOutput) -> regex.Match | None:
        """The rule's match, its values put into the metadata; None (and a finding) when a date cannot be trusted."""
        try:
            found = compiled.match(method, text)
        except DateRefused as exc:
            output.findings.append(Finding(compiled.rule.id, f"{text.strip()!r} left in place: {exc}", offset))
            return None
        if found is None:
            return None
        match, values = found
        for field, value in values.items():
            output.metadata.setdefault(field, value)
        return match


KIND = RuleKind(
    name="date_header",
    order=20,
    summary="Parses header lines (publish dates, news ids, datelines) into metadata and removes them.",
    compile=DateHeaderStage,
    rule_schema=schema_beside(__file__),
    settings_schema={
        "type": "object",
        "additionalProperties": False,
        "description": "The words of dates, by language; see rules/dates-words.yaml.",
        "properties": {
            **{key: {"type": "object", "description": f"{what} month names by language: twelve lists of spellings.",
                     "additionalProperties": _names(12)}
               for key, what in (("months", "Gregorian"), ("jalali_months", "Persian (Jalali)"),
                                 ("hijri_months", "Hijri"))},
            "weekdays": {"type": "object", "description": "Weekday names by language: seven lists, Monday first.",
                         "additionalProperties": _names(7)},
            **{key: {"type": "array", "items": {"type": "string", "minLength": 1}, "description": what}
               for key, what in (
                   ("ordinal_suffixes", "Endings after a day number: st, nd, er, '.'."),
                   ("date_joiners", "Words between day, month and year: of, de."),
                   ("time_joiners", "Words between a date and its time: at, um, à."),
                   ("year_marks", "Marks after a year: г., هـ."),
                   ("time_marks", "Marks after a time: Uhr."),
                   ("am_marks", "Words for before noon."),
                   ("pm_marks", "Words for after noon."))},
            "time_zones": {"type": "object", "description": "Time-zone name -> UTC offset '+HH:MM', or null where "
                           "the name stands for more than one offset (such dates are refused).",
                           "additionalProperties": {"type": ["string", "null"], "pattern": r"^[+-]\d{2}:\d{2}$"}},
            "year_range": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2,
                           "description": "The first and last Gregorian year a date may have."},
        },
    },
)
