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

Which matched lines are the article's header is decided for the page as a whole
(:func:`_choose`), because a page also prints dates that are not its own: the
day's date in a masthead, the dates of listed items, a magazine's issue date in
the footer. A rule with ``labelled: false`` (a bare date) counts only where the
article's body follows it within ``settings.date_header.article.body_within``
lines, and a line in the footer zone only where the body ends right above it. A
head line beats a footer line and a labelled line beats a bare one; where the best
candidates for a field disagree, the field is left empty, their lines stay and a
finding says why. A finding names each value not taken. Lines that lost go with
the winner, and a bare date with no text after it (a masthead) goes, so that a
later pass cannot take them; a footer line without the text above it stays, so
that the footer zone does not move up to the next line of a list.
"""
from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import regex

from ..matching.backtracking import free_length
from ..matching.keywords import LineIndex, line_keywords
from ..matching.lines import TextLines, lines_of, numbered_line_removals, zone_positions
from ..matching.memo import remember
from ..matching.patterns import PatternSet, refuse_unusable_groups, timed
from ..matching.re_tree import parse, pieces, sre, sre_parse
from ..model.document import Finding
from ..model.evidence import Corpus, SiteLineCounts, line_key
from ..model.kind import Change, Rule, RuleError, RuleKind, StageOutput, compile_pattern, schema_beside
from .dates import DIGIT, DateGrammar, DateRefused, Reading

_DEFAULT_LINES = 5
# The settings.date_header.article keys a rule reads: where the body must be (a bare date, a footer line) and,
# for a bare date, when its line is a site's masthead.
_BODY_KEYS = ("body_within", "paragraph_words", "paragraph_chars", "sentence_ends")
_MASTHEAD_KEYS = ("masthead_pages", "masthead_share")
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
    in its place (:class:`_ExactDates`, set by the stage), so that a word the span took
    for a month cannot hide the right reading of the line.
    """

    def __init__(self, rule: Rule, grammar: DateGrammar):
        self.rule = rule
        self.grammar = grammar
        where = rule.spec.get("where", "head")
        self.zones = [where] if isinstance(where, str) else where
        self.lines = rule.spec.get("lines", _DEFAULT_LINES)
        self.max_length = rule.spec.get("max_length", _DEFAULT_MAX_LENGTH)
        self.bare = 0 if rule.spec.get("labelled", True) else 1
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
        #: The rule with the full grammar for each date, without the definitions it calls; and the set that
        #: matches it (:class:`_ExactDates`).
        self.exact_pattern = self._pattern(grammar.pattern) if self.dates else ""
        self.exact = _ExactDates.Branch(None, "")
        #: What the pattern matches before its date, where it is plain enough to rule out a line (:meth:`may_lead`).
        self._label = _before_date(rule.spec["pattern"], self._flag) \
            if len(self.dates) == 1 and self.zones != ["glued"] else None
        self._misses: dict[tuple[str, str], None] = {}  # (method, text) that gave no match and no refusal

    def _pattern(self, date_pattern: Callable[[str], str], definitions: str = "") -> str:
        """The rule's pattern with ``date_pattern`` for each placeholder, ending in the ``definitions`` it calls."""
        count = iter(range(len(self.dates)))

        def expand(_: regex.Match) -> str:
            name = f"_d{next(count)}"
            return f"(?-x:(?P<{name}>{date_pattern(name + '_')}))"

        pattern = _PLACEHOLDER.sub(expand, self.rule.spec["pattern"])
        pattern += definitions  # last, so that the rule's own groups keep their numbers
        return rf"\s*(?{self._flag}:{pattern})\s*" if self.zones == ["glued"] else f"(?{self._flag}:{pattern})"

    @property
    def _flag(self) -> str:
        return "i" if self.rule.spec.get("ignore_case", True) else "-i"

    def may_lead(self, line: str) -> bool:
        """Whether ``line`` and a line break may begin what the rule's pattern matches before its date; False only
        where that is sure. A line that holds no date, joined to the next, is matched only this way."""
        if self._label is None:
            return True
        pattern, free = self._label
        try:
            return timed(pattern.fullmatch, line + "\n", None, None, None, True, free=free) is not None
        except TimeoutError:
            return True  # the rule's own pattern is tried, under the document's budget

    def match(self, method: str, text: str) -> tuple[int, dict[str, str]] | None:
        """Where the rule's match on ``text`` (``method``: fullmatch or match) ends, and the metadata it gives.

        Raises :class:`DateRefused` when a date in it is ambiguous or cannot exist.
        """
        if (self.dates and not DIGIT.search(text)) or (method, text) in self._misses:
            return None
        if method == "fullmatch" and not self.patterns.fullmatches(text):  # the cheaper call, most texts miss
            return None
        hit = getattr(self.patterns, method)(text)
        values = self._values(hit[1]) if hit else None
        end = hit[1].end() if hit else 0
        if hit and values is None and self.exact.patterns:
            exact = self.exact
            hit = getattr(exact.patterns, method)(exact.marker + text)
            values = self._values(hit[1]) if hit else None
            end = hit[1].end() - len(exact.marker) if hit else 0
        if values is None:
            remember(self._misses, (method, text), None)
            return None
        return end, values

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


class _ExactDates:
    """The dated rules' patterns with the full grammar for each date, compiled together: the grammar's word lists
    (months, weekdays, zones, day words: a fifth of a second to compile) once for all rules, not once per rule.

    A rule's branch is chosen by a marker put before the text, which only its branch matches. A pattern that
    looks behind, asserts a position (an anchor, a word boundary) or sets flags for the whole pattern would see
    the marker or reach the other branches: such a rule, or one ``re``'s parser cannot read, has its own set.
    """

    class Branch(NamedTuple):
        patterns: PatternSet | None
        marker: str  # put before the text, it picks the rule's branch

    def __init__(self, rules: list[_CompiledRule], grammar: DateGrammar):
        dated = [compiled for compiled in rules if compiled.dates]
        shared = [compiled for compiled in dated if _may_share(compiled.rule.spec["pattern"])]
        markers = [f"\x00{number}\x00" for number in range(len(shared))]
        if shared:
            entries = [(compiled.rule, regex.escape(marker) + compiled.exact_pattern)
                       for compiled, marker in zip(shared, markers, strict=True)]
            last_rule, last = entries[-1]
            entries[-1] = (last_rule, last + grammar.definitions)  # the groups are called from every branch
            together = PatternSet(entries, named_lists=grammar.named_lists, checked=True)
            for compiled, marker in zip(shared, markers, strict=True):
                compiled.exact = self.Branch(together, marker)
        for compiled in dated:
            if compiled.exact.patterns is None:
                compiled.exact = self.Branch(PatternSet([(compiled.rule, compiled.exact_pattern + grammar.definitions)],
                                                        named_lists=grammar.named_lists, checked=True), "")


# What the part of a pattern before its date may hold for a line to be ruled out by it: a text ``regex`` matches
# partly where it matches the first characters of a text of the pattern (no lookaround, anchor, reference,
# atomic group or possessive repeat, which could stop a partial match that the whole pattern continues).
_PLAIN = {sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY, sre.MAX_REPEAT, sre.MIN_REPEAT, sre.SUBPATTERN, sre.BRANCH}
_DATE_HERE = "(?P<_date_here>.+)"


def _before_date(written: str, flag: str) -> tuple[regex.Pattern, int] | None:
    """The part of a rule's pattern (as written, with its one date) before the date, compiled with the rule's
    case ``flag``, and its :func:`free_length`; None where the date is not in the pattern's main sequence (it
    stands in a branch or a repeat) or the part is not plain."""
    tree = parse(_PROPERTY.sub(r"\1\\w", _PLACEHOLDER.sub(lambda _: _DATE_HERE, written)))
    if tree is None or tree.state.flags & ~sre.SRE_FLAG_UNICODE or not _in_sequence(tree, tree.state.groupdict[
            "_date_here"]):
        return None
    date = _PLACEHOLDER.search(written)
    before = written[:date.start()]
    depth = sum((1 if piece == "(" else -1) for piece, syntax in pieces(before) if syntax and piece in "()")
    part = before + ")" * depth
    plain = parse(_PROPERTY.sub(r"\1\\w", part))
    if plain is None or not _only(plain, _PLAIN):
        return None
    whole = f"(?{flag}:{part})"
    return regex.compile(whole), free_length((whole,))


def _in_sequence(tree: Any, group: int) -> bool:
    """Whether ``group`` is in the main sequence of ``tree``: inside groups only, no branch or repeat around it."""
    for op, argument in tree:
        if op == sre.SUBPATTERN and (argument[0] == group or _in_sequence(argument[-1], group)):
            return True
    return False


def _subtrees(argument: Any) -> Iterator[Any]:
    """The subpatterns a node's ``argument`` holds (a group's body, a branch's alternatives, a repeat's item)."""
    for part in argument if isinstance(argument, (tuple, list)) else ():
        for sub in part if isinstance(part, list) else [part]:
            if isinstance(sub, sre_parse.SubPattern):
                yield sub


def _only(tree: Any, ops: set[Any]) -> bool:
    """Whether ``tree`` is made of ``ops`` alone (what a set holds aside)."""
    return all(op in ops and (op == sre.IN or all(_only(sub, ops) for sub in _subtrees(argument)))
               for op, argument in tree)


def _may_share(pattern: str) -> bool:
    """Whether a rule's own pattern (its dates aside) can be a branch behind a marker: ``re``'s parser reads it,
    and it has no lookbehind, no anchor or word boundary, and no flag for the whole pattern."""
    tree = parse(_PROPERTY.sub(r"\1\\w", _PLACEHOLDER.sub("(?:.+)", pattern)))
    return tree is not None and not tree.state.flags & ~sre.SRE_FLAG_UNICODE and _looks_only_ahead(tree)


def _looks_only_ahead(tree: Any) -> bool:
    return all(op != sre.AT and not (op in (sre.ASSERT, sre.ASSERT_NOT) and argument[0] < 0)
               and all(_looks_only_ahead(sub) for sub in _subtrees(argument)) for op, argument in tree)


def ascii_digits(text: str) -> str:
    """``text`` in ASCII digits when it is decimal digits only, of any script; otherwise ``text`` unchanged.

    >>> ascii_digits("۹۲۱۹۹"), ascii_digits("٠٠٧"), ascii_digits("A-12")
    ('92199', '007', 'A-12')
    """
    return "".join(str(unicodedata.digit(char)) for char in text) if text.isdecimal() else text


@dataclass
class _Candidate:
    """A header line (or pair of lines, or a glued dateline) a rule matched, before the page decides on it."""

    rule: str
    positions: tuple[int, ...]  # among the non-blank lines
    values: dict[str, str]
    rank: tuple[int, int]  # (head 0 / footer 1, labelled 0 / bare 1): lower wins
    start: int  # offset of the match in the stage's input
    change: Change | None = None  # a glued dateline: the part of the first line it takes


def _same(first: str, second: str) -> bool:
    """Whether two values say the same: equal, or dates of one day where one is less precise."""
    if first == second:
        return True
    short, long = sorted((first, second), key=len)
    return len(short) == 10 and short[4:5] == "-" and long.startswith(short + "T")


def _choose(candidates: list[_Candidate], output: StageOutput) -> set[int]:
    """Fill ``output.metadata`` from the candidates, with a finding for each value not taken; the indexes of
    the candidates whose lines stay: those that disagree where nothing decides between them.

    For each field the best-ranked candidates decide; when they disagree the field stays empty.
    """
    staying = set()
    for field_name in dict.fromkeys(name for candidate in candidates for name in candidate.values):
        having = [index for index, candidate in enumerate(candidates) if field_name in candidate.values]
        best = min(candidates[index].rank for index in having)
        top = [index for index in having if candidates[index].rank == best]
        first = candidates[top[0]]
        other = next((candidates[index] for index in top[1:]
                      if not _same(first.values[field_name], candidates[index].values[field_name])), None)
        if other is not None:
            staying.update(top)
            output.findings.append(Finding(first.rule, f"{field_name} left empty: {first.values[field_name]!r} "
                                           f"({first.rule}) and {other.values[field_name]!r} ({other.rule}) "
                                           "disagree, and nothing on the page says which is the article's",
                                           first.start))
            continue
        value = output.metadata[field_name] = max((candidates[index].values[field_name] for index in top), key=len)
        for index in having:
            candidate = candidates[index]
            if not _same(value, candidate.values[field_name]):
                output.findings.append(Finding(candidate.rule, f"{field_name} {candidate.values[field_name]!r} "
                                               f"not taken: {value!r} has better evidence", candidate.start))
    return staying


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


def _article(article: dict[str, Any], rules: list[_CompiledRule]) -> dict[str, Any]:
    """``settings.date_header.article``, checked: a bare-date rule needs all of its keys, a rule with a footer
    zone those that find the body (they are data in the rule files, rules/dates.yaml, with no default here)."""
    for compiled in rules:
        needed = (_BODY_KEYS + _MASTHEAD_KEYS if compiled.bare and compiled.zones != ["glued"]
                  else _BODY_KEYS if "footer" in compiled.zones else ())
        missing = [key for key in needed if key not in article]
        if missing:
            why = "a bare date (labelled: false)" if compiled.bare else "a line in the footer zone"
            raise RuleError.of(compiled.rule, f"{why} is taken only beside the article's text, which "
                               f"settings.date_header.article says how to find, but it lacks {', '.join(missing)}: "
                               "set them in a rule file's settings (rules/dates.yaml has them), or load that file "
                               "with this one", "labelled" if compiled.bare else "where")
    return article


def _names(count: int) -> dict[str, Any]:
    return {"type": "array", "minItems": count, "maxItems": count,
            "items": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}}


class _HeadLineCounts(SiteLineCounts):
    """Per site, on how many pages each of the first ``head`` non-blank lines of a page stands."""

    def __init__(self, head: int, max_length: int, min_pages: int):
        super().__init__(max_length, min_pages, None)
        self.head = head

    def observe(self, site: str, text: str) -> None:
        super().observe(site, "\n".join(itertools.islice(filter(str.strip, text.split("\n")), self.head)))


_ALONE = Corpus()  # a document cleaned on its own: no site, no corpus evidence


class DateHeaderStage:
    kind = "date_header"

    def __init__(self, rules: list[Rule], settings: dict[str, Any]):
        try:
            grammar = DateGrammar(settings)
        except ValueError as exc:
            raise RuleError("settings.date_header", None, str(exc)) from None
        self.grammar = grammar
        self.rules = [_CompiledRule(rule, grammar) for rule in rules]
        _ExactDates(self.rules, grammar)
        self.article = _article(settings.get("article", {}), self.rules)
        _refuse_too_many_dates(self.rules)
        line_rules = [compiled for compiled in self.rules if compiled.zones != ["glued"]]
        self.regions = frozenset(compiled.region for compiled in line_rules)
        self.longest = max((compiled.max_length for compiled in line_rules), default=0)
        # One keyword search over the lines of the zones says which lines hold the literals each rule's pattern
        # demands, so that a line is tried only by the rules it can fit.
        self.index = LineIndex((compiled, compiled.keywords, None) for compiled in line_rules if compiled.keywords)
        self._known: dict[str, list[Hashable]] = {}  # line -> the keys of _holds it holds

    def collector(self) -> _HeadLineCounts | None:
        """With bare-date rules, the first pass counts the lines at the top of each site's pages: a date line
        that stands on many of them is the site's masthead (the day's date), never an article's."""
        bare = [compiled for compiled in self.rules if compiled.bare and compiled.zones != ["glued"]]
        if not bare:
            return None
        return _HeadLineCounts(max(compiled.lines for compiled in bare), max(compiled.max_length for compiled in bare),
                               self.article["masthead_pages"])

    def apply(self, text: str, corpus: Corpus = _ALONE) -> StageOutput:
        output = StageOutput()
        page = lines_of(text)
        count = len(page.nonblank)
        if not count:
            return output
        regions, near = _zones(self.regions, count)
        lines = {pos: page.stripped[page.nonblank[pos]] for pos in near}  # by position among the non-blank lines
        holds = self._holds(lines)
        claimed: dict[int, str] = {}  # position -> rule id of the candidate that matched it
        cut: set[int] = set()  # positions of lines a glued rule took a date from: no other rule may take them
        candidates: list[_Candidate] = []
        for compiled in self.rules:
            if compiled.zones == ["glued"]:
                self._glued(compiled, page, output, claimed, cut, candidates)
                continue
            gates = [holds.get(key) for key in compiled.gates]  # positions of lines that hold what it needs
            if None in gates:
                continue
            # A line may be tried where it, or the next line (joined to it), holds what each gate asks.
            reach = set.intersection(*(held | {pos - 1 for pos in held} for held in gates)) if gates else None
            for pos in regions[compiled.region]:
                if reach is None or pos in reach:
                    self._line(compiled, page, lines, pos, output, claimed, cut, gates, candidates)
        supported = []
        gone: list[_Candidate] = []
        for candidate in candidates:
            refused = self._masthead(candidate, page, corpus) or (
                None if self._supported(candidate, page) else "no article text beside it")
            if refused is None:
                supported.append(candidate)
                continue
            output.findings.append(Finding(candidate.rule, f"{', '.join(candidate.values.values())} not taken: "
                                           f"{refused}", candidate.start))
            if candidate.rank[0] == 0:  # a masthead goes; a footer line stays, so the zone does not move up
                gone.append(candidate)
        staying = _choose(supported, output)
        gone += [candidate for index, candidate in enumerate(supported) if index not in staying]
        removed: dict[int, str] = {}
        for candidate in gone:
            if candidate.change is not None:
                output.changes.append(candidate.change)
            for pos in candidate.positions:
                removed[page.nonblank[pos]] = candidate.rule
        output.changes.extend(numbered_line_removals(text, page.raw, removed))
        return output

    def _masthead(self, candidate: _Candidate, page: TextLines, corpus: Corpus) -> str | None:
        """Why a bare date is its site's masthead (its line stands on ``masthead_pages`` pages and
        ``masthead_share`` of the pages of the site), or None."""
        if not (candidate.rank[1] and corpus.evidence and corpus.site in corpus.evidence.lines):
            return None
        line = page.stripped[page.nonblank[candidate.positions[0]]]
        seen, pages = corpus.evidence.lines[corpus.site].get(line_key(line), 0), corpus.evidence.pages[corpus.site]
        if seen < self.article["masthead_pages"] or seen < self.article["masthead_share"] * pages:
            return None
        return f"the site's masthead, on {seen} of {pages} pages of {corpus.site}"

    def _supported(self, candidate: _Candidate, page: TextLines) -> bool:
        """Whether the article's text is beside the candidate: a paragraph among the ``body_within`` lines
        after a bare date or before a footer line, or fewer lines than that there at all (a page that is its
        header and a short text). A labelled head line and a glued dateline need nothing more."""
        if candidate.change is not None or candidate.rank == (0, 0):
            return True
        within = self.article["body_within"]
        if candidate.rank[0] == 0:
            near = page.nonblank[candidate.positions[-1] + 1:][:within]
        else:
            near = page.nonblank[:candidate.positions[0]][-within:]
        return len(near) < within or any(self._paragraph(page.stripped[number]) for number in near)

    def _paragraph(self, line: str) -> bool:
        """A line that reads as running text: a sentence's end, and enough words or, in a script without
        spaces, enough characters (a list of headlines has the words but not the full stops)."""
        if not line.endswith(tuple(self.article["sentence_ends"])):
            return False
        words = len(line.split())
        return words >= self.article["paragraph_words"] or (words < 3 and len(line) >= self.article["paragraph_chars"])

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
              claimed: dict[int, str], cut: set[int], gates: list[set[int]], candidates: list[_Candidate]) -> None:
        """Try the line at ``pos`` alone, then joined to the next non-blank line (a label above its date).

        Lines are tried only where each of ``gates`` holds one of them (a date never runs across lines).
        """
        if pos in claimed or pos in cut or len(lines[pos]) > compiled.max_length:
            return
        span: tuple[int, ...] = (pos,)
        hit, start = None, page.start(page.nonblank[pos])
        if all(pos in held for held in gates):
            reported = len(output.findings)
            hit = self._try(compiled, "fullmatch", lines[pos], start, output)
            if len(output.findings) > reported:
                return
        if hit is None and pos + 1 in lines and pos + 1 not in claimed and pos + 1 not in cut:
            span = (pos, pos + 1)
            joined = f"{lines[pos]}\n{lines[pos + 1]}"
            # gates[-1]: the lines that may hold a date, for a rule with dates; a date never runs across lines
            if len(joined) <= compiled.max_length and all(not held.isdisjoint(span) for held in gates) and (
                    not compiled.dates or pos in gates[-1] or compiled.may_lead(lines[pos])):
                hit = self._try(compiled, "fullmatch", joined, start, output)
        if hit is not None:
            for covered in span:
                claimed[covered] = compiled.rule.id
            head = "head" in compiled.zones and pos < compiled.lines
            candidates.append(_Candidate(compiled.rule.id, span, hit[1], (0 if head else 1, compiled.bare), start))

    def _glued(self, compiled: _CompiledRule, page: TextLines, output: StageOutput, claimed: dict[int, str],
               cut: set[int], candidates: list[_Candidate]) -> None:
        """Datelines at the start of the first line, one after another while the rule matches what is left (as
        many passes would find them): a whole line that matches is one candidate line, else what matched is."""
        number = page.nonblank[0]
        start = page.start(number)
        if 0 in claimed or 0 in cut:
            return
        raw = page.raw[number]
        taken, values = 0, None  # characters of the line the datelines found so far cover; the first one's values
        while taken < len(raw):
            rest = raw[taken:]
            hit = self._try(compiled, "match", rest[:compiled.max_length], start + taken, output)
            if hit is None or not hit[0]:
                break
            values = values or hit[1]
            if hit[0] == len(rest):
                claimed[0] = compiled.rule.id
                candidates.append(_Candidate(compiled.rule.id, (0,), values, (0, compiled.bare), start))
                return
            taken += hit[0]
        if taken:
            cut.add(0)
            candidates.append(_Candidate(compiled.rule.id, (), values, (0, compiled.bare), start,
                                         Change(start, start + taken, "", compiled.rule.id)))

    @staticmethod
    def _try(compiled: _CompiledRule, method: str, text: str, offset: int,
             output: StageOutput) -> tuple[int, dict[str, str]] | None:
        """Where the rule's match ends and the values it gives; None (and a finding) when a date cannot be trusted."""
        try:
            return compiled.match(method, text)
        except DateRefused as exc:
            output.findings.append(Finding(compiled.rule.id, f"{text.strip()!r} left in place: {exc}", offset))
            return None


KIND = RuleKind(
    name="date_header",
    order=20,
    summary="Parses header lines (publish dates, news ids, datelines) into metadata and removes them.",
    compile=DateHeaderStage,
    rule_schema=schema_beside(__file__),
    moves_to_metadata=True,
    only_removes=True,
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
                   ("dot_time_joiners", "Words after which a time may be written with a dot: kl. 21.49."),
                   ("year_marks", "Marks after a year: г., هـ."),
                   ("time_marks", "Marks after a time: Uhr."),
                   ("am_marks", "Words for before noon, after the time."),
                   ("pm_marks", "Words for after noon, after the time."),
                   ("am_marks_before", "Words for before noon, before the time: 오전, 上午."),
                   ("pm_marks_before", "Words for after noon, before the time: 오후, 下午."))},
            "time_zones": {"type": "object", "description": "Time-zone name -> UTC offset '+HH:MM', a region "
                           "('America/New_York': the offset it has on the date, EDT in summer and EST in winter), "
                           "or null where the name stands for more than one offset (such dates are refused).",
                           "additionalProperties": {
                               "type": ["string", "null"],
                               "pattern": r"^(?:[+-]\d{2}:\d{2}|[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+)$"}},
            "day_words": {"type": "object", "description": "Days of the month written as words, by language: "
                          "lists of spellings, the first day first (Persian ordinals: یکم, دوم, سوم).",
                          "additionalProperties": {"type": "array", "minItems": 1, "maxItems": 31,
                                                   "items": {"type": "array", "minItems": 1,
                                                             "items": {"type": "string", "minLength": 1}}}},
            "article": {"type": "object", "additionalProperties": False,
                        "description": "What says a bare date (a rule with labelled: false) is the article's: "
                        "a paragraph within body_within non-blank lines after it, a paragraph being a line of "
                        "paragraph_words words or more, or of paragraph_chars characters in a script without "
                        "spaces, that ends with one of sentence_ends. In a corpus, a bare date line that stands "
                        "at the top of masthead_pages pages and masthead_share of the pages of its site is the "
                        "site's masthead, never the article's date.",
                        "properties": {**{key: {"type": "integer", "minimum": 1}
                                          for key in ("body_within", "paragraph_words", "paragraph_chars",
                                                      "masthead_pages")},
                                       "masthead_share": {"type": "number", "minimum": 0, "maximum": 1},
                                       "sentence_ends": {"type": "string", "minLength": 1}}},
            "year_range": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2,
                           "description": "The first and last Gregorian year a date may have."},
        },
    },
)
