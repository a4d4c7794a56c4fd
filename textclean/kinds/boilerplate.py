"""The ``boilerplate`` kind: removes whole lines that are not article content.

Shapes:
- ``line``: a line whose text (without surrounding spaces) matches ``pattern``.
- ``block``: a start line (``pattern``) and the lines after it, to an ``end`` line or
  for at most ``max_lines`` lines.
- ``tail``: a marker line near the end; it and everything after it go.
- ``head``: a marker line near the start; it and everything before it go.
- ``repeated_title``: a header line (``pattern``) followed by a line that repeats
  part of it, like a breadcrumb ending in the page title: the header goes, the title
  (the headline) stays and is the document's metadata ``title``.
- ``table_row``: a row of cells (``pattern``, split at ``cell_separator``) that goes
  when the line rules, run over its cells as the lines of a page of their own, remove
  every cell: a table row of menu links.
- ``site_lines``: a line that stands on many pages of the document's site, learned by a
  first pass over the corpus or listed by ``textclean boilerplate discover``
  (:mod:`textclean.kinds.boilerplate_site`).
- ``thread``: a comment section: a heading (``pattern``) and the comments after it, to the
  last line that marks a comment (``markers``: "says:", "Reply", a comment's date) or to an
  ``end`` line, with at most ``max_gap`` lines between markers.
- ``page``: page evidence (:mod:`textclean.kinds.page_evidence`): lines classed by their shape and
  their neighbours, with thresholds and stop-word lists in the rule.

Settings protect the article (:class:`Limits`): a head or tail never takes a line that reads like
a paragraph, and starts only where article text stands on its other side; the page's headline is
never taken as part of a menu, block, section or by page evidence; and past ``max_paragraph_loss``
of a document's paragraph text, the paragraph lines stay and a finding says so.

``zone`` limits a rule to the first or last ``zone_lines`` non-blank lines (a
count, a share of the document such as ``"20%"``, or a list of both: the larger).

``context`` says what a line rule needs around it. ``alone``: nothing. ``run``:
another boilerplate line next to it, or a run of ``min_run`` (a setting) such
lines, so that "Share" or "Business" goes in a menu and stays in an article.
``beside``: a menu line that went next to it (one a ``run`` rule matched, or an
``alone`` rule or a block marked ``menu``), or a ``beside`` line that went so: the unnamed
items of a menu.

Every rule's pattern names literal keywords (:func:`textclean.matching.keywords.line_keywords`);
one Aho-Corasick pass over the document finds the lines holding any of them, and
only those lines are tried against the rules whose keywords they hold.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import compress, repeat
from operator import ge
from typing import Any

import regex

from ..matching import compiled
from ..matching.keywords import LineIndex, exact_fold, line_keywords, literal_lines
from ..matching.lines import lines_of, numbered_line_removals, zone_positions
from ..matching.patterns import PatternSet, current_budget, timed
from ..model.document import Finding
from ..model.evidence import Corpus, SiteLineCounts
from ..model.kind import Rule, RuleError, RuleKind, RuleTimeout, StageOutput, compile_pattern, schema_beside
from . import page_evidence
from .boilerplate_site import SiteLines
from .page_evidence import PageEvidence, Thresholds

_ALONE = Corpus()  # a document cleaned on its own: no site, no corpus evidence

_DEFAULT_ZONE_LINES = 10
_DEFAULT_WITHIN = 15
_DEFAULT_BLOCK_LINES = 20
_DEFAULT_TITLE_LENGTH = 15
_DEFAULT_CELL_SEPARATOR = r"\s*\\?\|\s*"  # Markdown table cells, and the escaped bars inside one ("A \| B")
_DEFAULT_MAX_GAP = 8
_DEFAULT_THREAD_LINES = 400
_DEFAULT_MIN_MARKERS = 2
_PAGE_KEYS = {key: {"page"} for key in (*Thresholds.__dataclass_fields__, "stopwords", "outside_article",
                                                "min_removed")}
_SHAPE_KEYS = {"end": {"block", "thread"}, "max_lines": {"block", "thread"}, "inner": {"block"},
               "unless_followed_by": {"line"}, "within_lines": {"tail", "head"},
               "min_title_length": {"repeated_title"}, "cell_separator": {"table_row"},
               "markers": {"thread"}, "max_gap": {"thread"}, "min_markers": {"thread"}, **_PAGE_KEYS}
#: Shapes that take lines for what stands around them, not for their own text: the page's headline stays.
_CONTEXT_SHAPES = {"block", "tail", "head", "thread", "page"}

Size = int | str | list[int | str]  # non-blank lines, a share such as "20%", or the larger of several
_LOOK_UP = -1  # no line has this number: fires_on finds the next line itself


@dataclass(frozen=True)
class _Matcher:
    """One rule, compiled: its pattern (and a block's ``inner`` and ``end``) tried on a stripped line."""

    number: int  # the rule's place among the stage's rules
    rule: Rule
    pattern: PatternSet
    inner: PatternSet | None
    end: PatternSet | None
    unless_next: PatternSet | None
    markers: PatternSet | None
    evidence: PageEvidence | None
    cells: regex.Pattern | None
    keywords: frozenset[str] | None
    spelled: frozenset[str] | None  # every line the pattern matches, case-folded, when that set is finite
    max_length: int | None
    zone: tuple[str, Size]

    @cached_property
    def literals(self) -> frozenset[str] | None:
        """:attr:`spelled`, where the pattern matches each of them: its own case rules can part ways with
        case folding (ß and ss). Checked when first asked, as it compiles the pattern."""
        return self.spelled if self.spelled is not None and all(map(self.pattern.fullmatches, self.spelled)) \
            else None

    @classmethod
    def of(cls, number: int, rule: Rule) -> _Matcher:
        spec = rule.spec
        for key, shapes in _SHAPE_KEYS.items():
            if key in spec and spec.get("shape", "line") not in shapes:
                raise RuleError.of(rule, f"{key} applies only to shape {' or '.join(sorted(shapes))}", key)
        for shape, key in (("thread", "markers"), ("page", "stopwords")):
            if spec.get("shape") == shape and key not in spec:
                raise RuleError.of(rule, f"shape {shape} needs {key}", "shape")
        if "min_removed" in spec and not spec.get("outside_article"):
            raise RuleError.of(rule, "min_removed applies only with outside_article: true", "min_removed")
        if spec.get("menu") and (spec.get("shape", "line") not in ("line", "block")
                                 or spec.get("context", "alone") != "alone"):
            raise RuleError.of(rule, "menu applies only to blocks and to line rules with context alone", "menu")
        flag = "i" if spec.get("ignore_case", True) else "-i"
        pattern = _one_pattern(spec["pattern"])
        if spec.get("shape") in ("tail", "head"):
            zone = (spec["shape"], spec.get("within_lines", _DEFAULT_WITHIN))
        else:
            zone = (spec.get("zone", "any"), spec.get("zone_lines", _DEFAULT_ZONE_LINES))
        compiled = _compiled(rule, flag, "pattern")
        return cls(
            number,
            rule,
            compiled,
            _compiled(rule, flag, "inner"),
            _compiled(rule, flag, "end"),
            _compiled(rule, flag, "unless_followed_by"),
            _compiled(rule, flag, "markers"),
            PageEvidence(Thresholds.of(spec), {language: frozenset(word.casefold() for word in words)
                                               for language, words in spec.get("stopwords", {}).items()})
            if spec.get("shape") == "page" else None,
            compile_pattern(rule, spec.get("cell_separator", _DEFAULT_CELL_SEPARATOR))
            if spec.get("shape") == "table_row" else None,
            line_keywords(pattern),
            literal_lines(pattern) if flag == "i" else None,
            spec.get("max_length"),
            zone,
        )

    def fires_on(self, page: Page, number: int, following: int | None = _LOOK_UP) -> bool:
        """Whether line ``number`` is short enough and matches, and the line after it does not stop the rule.

        ``following``: the next non-blank line's number (None: there is none), where the caller knows it."""
        line = page.lines[number]
        if self.max_length is not None and len(line) > self.max_length:
            return False
        if self.literals is not None and (folded := exact_fold(line)) is not None:
            if folded not in self.literals:  # the set answers as the pattern would, without running it
                return False
        elif not self.pattern.fullmatches(line):
            return False
        if self.unless_next is None:
            return True
        following = page.after(number) if following == _LOOK_UP else following
        if following is None:
            return True
        text = page.lines[following]
        return not (self.unless_next.may_fullmatch(text) and self.unless_next.fullmatches(text))

    def ends_block(self, line: str) -> bool:
        """Whether ``line`` is short enough and matches the block's ``end``."""
        return (self.max_length is None or len(line) <= self.max_length) and self.end.fullmatches(line)


def _one_pattern(value: str | list[str]) -> str:
    """A pattern as written, or a list of patterns as one alternation."""
    if isinstance(value, list):
        return "|".join(f"(?:{alternative})" for alternative in value)
    return value


def _compiled(rule: Rule, flag: str, key: str) -> PatternSet | None:
    """The rule's pattern under ``key``, or each of a list of them, ready to match whole lines."""
    value = rule.spec.get(key)
    if value is None:
        return None
    alternatives = [value] if isinstance(value, str) else value
    return PatternSet([(rule, f"(?{flag}:{alternative})") for alternative in alternatives], key=key)


class Page:
    """One document's lines, as written and stripped."""

    def __init__(self, text: str):
        self._text = lines_of(text)
        self.raw = self._text.raw
        self.lines = self._text.stripped
        self.count = len(self._text.nonblank)
        self._zones: dict[tuple[str, str], range] = {}
        self.paragraphs: dict[int, None] | None = None  # the lines that read like paragraphs (Limits.paragraphs)

    def after(self, number: int) -> int | None:
        """The next non-blank line after ``number``."""
        numbers = self._text.nonblank
        at = bisect_right(numbers, number)
        return numbers[at] if at < len(numbers) else None

    def start(self, number: int) -> int:
        """The offset of line ``number`` in the text."""
        return self._text.start(number)

    def nonblank(self, start: int = 0, stop: int | None = None) -> list[int]:
        """The numbers of the non-blank lines from ``start`` up to ``stop``, in order."""
        numbers = self._text.nonblank
        return numbers[bisect_left(numbers, start):len(numbers) if stop is None else bisect_left(numbers, stop)]

    def zone(self, zone: str, size: Size) -> range:
        """Line numbers in the first (head) or last (tail) ``size`` non-blank lines, or all of them (any)."""
        if zone == "any":
            return range(len(self.lines))
        key = (zone, str(size))
        if key not in self._zones:
            wanted = max(self._lines(part) for part in (size if isinstance(size, list) else [size]))
            positions = zone_positions(zone, wanted, self.count)  # among the non-blank lines
            numbers = self._text.nonblank
            if len(positions) == self.count:
                self._zones[key] = range(len(self.lines))
            elif zone == "head":
                self._zones[key] = range(0, numbers[positions[-1]] + 1) if positions else range(0)
            else:
                self._zones[key] = range(numbers[positions[0]] if positions else len(self.lines), len(self.lines))
        return self._zones[key]

    def _lines(self, size: int | str) -> int:
        return math.ceil(self.count * float(size[:-1]) / 100) if isinstance(size, str) else size


@dataclass(frozen=True)
class Limits:
    """What protects the article, from the kind's settings; a setting left out protects nothing."""

    paragraph_words: int | None = None  # a line of this many words reads like a paragraph
    max_paragraph_loss: float | None = None  # the most of a document's paragraph text the rules may remove
    sentence: regex.Pattern | None = None  # a line of article text: a tail starts after one, a head ends before one
    headline: regex.Pattern | None = None  # a line that can be the page's title
    headline_within: int = 0  # ...standing at most this many non-blank lines before the first article line

    @classmethod
    def of(cls, settings: dict[str, Any]) -> Limits:
        headline = settings.get("headline", {})
        return cls(settings.get("paragraph_words"), settings.get("max_paragraph_loss"),
                   _setting_pattern(settings, "sentence"), _setting_pattern(headline, "pattern", "headline."),
                   headline.get("within_lines", 0))

    def paragraph(self, line: str) -> bool:
        """Whether a stripped line reads like a paragraph."""
        words = self.paragraph_words
        # most lines are told by their length, and the others are split only as far as their first n words
        return words is not None and len(line) >= self.paragraph_length and len(line.split(None, words - 1)) >= words

    @property
    def paragraph_length(self) -> int:
        """The fewest characters a paragraph has: n words take at least 2n - 1."""
        return 2 * self.paragraph_words - 1 if self.paragraph_words is not None else 0

    def paragraphs(self, page: Page) -> dict[int, None]:
        """The numbers of the page's lines that read like paragraphs, in order; found once per page."""
        if page.paragraphs is None:
            page.paragraphs = dict.fromkeys(paragraph_lines(page.lines, page.nonblank(), self.paragraph_words)
                                            if self.paragraph_words is not None else ())
        return page.paragraphs

    def article(self, page: Page, line: int) -> bool:
        """Whether line ``line`` of the page reads like article text: a paragraph or a sentence."""
        return line in self.paragraphs(page) or (self.sentence is not None
                                                 and self.sentence.fullmatch(page.lines[line]) is not None)


@compiled.twin("textclean.matching._boilerplate")
def paragraph_lines(lines: list[str], numbers: list[int], words: int) -> list[int]:
    """The numbers among ``numbers`` (in order) of the lines of ``lines`` that hold ``words`` words or more
    (parts between white space), as :meth:`Limits.paragraph` tells them."""
    # only the lines long enough for a paragraph are split, and only as far as their first n words
    numbers = list(compress(numbers, map(ge, map(len, map(lines.__getitem__, numbers)), repeat(2 * words - 1))))
    return list(compress(numbers, map(ge, map(len, map(str.split, map(lines.__getitem__, numbers), repeat(None),
                                                       repeat(words - 1))), repeat(words))))


def _setting_pattern(settings: dict[str, Any], key: str, prefix: str = "") -> regex.Pattern | None:
    try:
        return regex.compile(settings[key]) if key in settings else None
    except regex.error as exc:
        raise RuleError(f"settings boilerplate.{prefix}{key}", None, f"does not compile: {exc}") from None


class BoilerplateStage:
    kind = "boilerplate"

    def __init__(self, rules: list[Rule], settings: dict[str, Any]):
        self.min_run = settings.get("min_run")
        self.site_lines = SiteLines([rule for rule in rules if rule.spec.get("shape") == "site_lines"], settings)
        rules = [rule for rule in rules if rule.spec.get("shape") != "site_lines"]
        self.limits = Limits.of(settings)
        matchers = [_Matcher.of(number, rule) for number, rule in enumerate(rules)]
        self.index = LineIndex((m.number, m.keywords, m.max_length) for m in matchers if m.keywords)
        groups: dict[str, list[_Matcher]] = {}
        for matcher in matchers:
            spec = matcher.rule.spec
            group = spec.get("context", "alone") if spec.get("shape", "line") == "line" else spec["shape"]
            groups.setdefault(group, []).append(matcher)
        self.sections = groups.get("tail", []) + groups.get("head", [])
        self.blocks = groups.get("block", [])
        self.titles = groups.get("repeated_title", [])
        self.rows = groups.get("table_row", [])
        self.threads = groups.get("thread", [])
        self.pages = groups.get("page", [])
        self.alone, self.run, self.beside = (groups.get(context, []) for context in ("alone", "run", "beside"))
        self.by_context = {m.rule.id: m for m in matchers if m.rule.spec.get("shape") in _CONTEXT_SHAPES} | \
            {m.rule.id: m for m in self.beside}
        # Rules whose removals count against max_paragraph_loss: those with no bound of their own text (a block's
        # end line, a thread's markers) around what they take.
        self.unbounded = {m.rule.id for m in self.sections + self.pages + self.beside} | \
            {m.rule.id for m in self.blocks if m.end is None}
        # Rules that name no keyword are tried on every line; beside rules only ever on a menu's neighbours, page
        # evidence on the lines it classes.
        self.unfiltered = [m.number for m in matchers if not m.keywords and m not in self.beside + self.pages]
        self.menu = {m.rule.id for m in self.alone + self.blocks if m.rule.spec.get("menu")}

    def collector(self) -> SiteLineCounts | None:
        """What the first pass over a corpus counts for the site_lines rules that learn from it."""
        return self.site_lines.collector()

    def apply(self, text: str, corpus: Corpus = _ALONE) -> StageOutput:
        page = Page(text)
        if not page.count:
            return StageOutput()
        removed, metadata = self.phrase_removals(page)
        notes: dict[int, str] = {}  # line number -> the evidence for its removal: its site's pages, its shape
        if corpus.site is not None:
            unclaimed = (line for line in page.nonblank() if line not in removed)
            for line, (rule, note) in self.site_lines.find(page.lines, unclaimed, corpus.site,
                                                             corpus.evidence).items():
                removed[line], notes[line] = rule, note
        headline = self._headline(page, removed)
        for matcher in self.pages:
            _page_evidence(matcher, page, removed, notes, headline, self.limits)
        if headline is not None and (self.taken_by_context(page, headline, removed) or headline in notes):
            del removed[headline]
            notes.pop(headline, None)
        findings = self._paragraph_limit(page, removed)
        return StageOutput(changes=numbered_line_removals(text, page.raw, removed, notes), metadata=metadata,
                           findings=findings)

    def phrase_removals(self, page: Page) -> tuple[dict[int, str], dict[str, Any]]:
        """What every rule but page evidence removes (line number -> rule id), and the metadata it found."""
        candidates = self._candidates(page)
        removed: dict[int, str] = {}
        for matcher in self.sections:
            if matcher.number in candidates:
                _section(matcher, _in_zone(matcher, candidates, page), page, removed, self.limits)
        for shape, matchers in ((_blocks, self.blocks), (_threads, self.threads)):
            for matcher in matchers:
                if matcher.number in candidates:
                    shape(matcher, _in_zone(matcher, candidates, page), page, removed)
        metadata = {}
        for matcher in self.titles:
            if matcher.number in candidates:
                title = _repeated_title(matcher, _in_zone(matcher, candidates, page), page, removed)
                if title and "title" not in metadata:
                    metadata["title"] = title
        self._line_rules(page, candidates, removed)
        for matcher in self.rows:
            for row in _in_zone(matcher, candidates, page) if matcher.number in candidates else ():
                if row not in removed and matcher.fires_on(page, row) and self._all_cells_go(matcher, page.lines[row]):
                    removed[row] = matcher.rule.id
        return removed, metadata

    def taken_by_context(self, page: Page, line: int, removed: dict[int, str]) -> bool:
        """Whether a rule removed ``line`` for what stands around it: not a line its pattern matched whole
        (a block's start, a section's marker, a thread's heading)."""
        matcher = self.by_context.get(removed.get(line))
        return matcher is not None and (matcher.rule.spec.get("shape") in ("page", None)
                                        or not matcher.fires_on(page, line))

    def _headline(self, page: Page, removed: dict[int, str]) -> int | None:
        """The line that titles the page: the nearest line before the first article line that the headline
        pattern matches, passing over lines a rule removed for their own text (a byline, a date)."""
        limits = self.limits
        if limits.headline is None:
            return None
        numbers = page.nonblank()
        body = next((at for at, line in enumerate(numbers)
                     if line not in removed and limits.article(page, line)), None)
        for at in range(body - 1, max(-1, body - 1 - limits.headline_within), -1) if body else ():
            line = numbers[at]
            if line in removed and not self.taken_by_context(page, line, removed):
                continue
            if limits.headline.fullmatch(page.lines[line]):
                return line
        return None

    def _paragraph_limit(self, page: Page, removed: dict[int, str]) -> list[Finding]:
        """Past ``max_paragraph_loss`` of the page's paragraph text, the paragraph lines that rules took for what
        stands around them stay, and a finding says so. A line a rule's pattern matched whole, and the lines of a
        block with an end line or of a comment thread, are not counted: their own text bounds them."""
        limit = self.limits.max_paragraph_loss
        paragraphs = self.limits.paragraphs(page)
        total = sum(map(len, map(page.lines.__getitem__, paragraphs)))
        taken = [line for line in paragraphs if removed.get(line) in self.unbounded]
        lost = sum(map(len, map(page.lines.__getitem__, taken)))
        if limit is None or not total or lost <= limit * total:
            return []
        rules = sorted({removed.pop(line) for line in taken})
        return [Finding("boilerplate.paragraph-limit",
                        f"{', '.join(rules)} would remove {lost / total:.0%} of the paragraph text "
                        f"(limit {limit:.0%}); its {len(taken)} paragraph lines stay", page.start(taken[0]))]

    def _candidates(self, page: Page) -> dict[int, list[int]]:
        """Rule number -> the lines holding its keywords (every line for a rule that names none), in order."""
        candidates = self.index.lines(page.lines)
        for number in self.unfiltered:
            candidates[number] = page.nonblank()
        return candidates

    def _all_cells_go(self, matcher: _Matcher, row: str) -> bool:
        """Whether the line rules remove every non-empty cell of ``row``, its cells taken as a page of lines."""
        try:
            cells = Page("\n".join(timed(matcher.cells.split, row)))
        except TimeoutError:
            raise RuleTimeout(matcher.rule.id, current_budget(row).seconds) from None
        if not cells.count:
            return False
        gone: dict[int, str] = {}
        self._line_rules(cells, self._candidates(cells), gone)
        return len(gone) == cells.count

    def _line_rules(self, page: Page, candidates: dict[int, list[int]], removed: dict[int, str]) -> None:
        """The line rules: alone lines, then run lines that settle, then beside lines next to the menu lines."""
        pending: dict[int, str] = {}
        for group, target in ((self.alone, removed), (self.run, pending)):
            for matcher in group:
                if matcher.number not in candidates:
                    continue
                for line in _in_zone(matcher, candidates, page):
                    if line not in removed and line not in pending and matcher.fires_on(page, line):
                        target[line] = matcher.rule.id
        menu = [line for line, rule in removed.items() if rule in self.menu] + self._settle_runs(page, pending, removed)
        if menu and self.beside:
            self._spread_beside(page, candidates, menu, removed)

    def _settle_runs(self, page: Page, pending: dict[int, str], removed: dict[int, str]) -> list[int]:
        """Run lines go beside a removed line or in a run of ``min_run`` of them; returns those that went."""
        went = []
        for run in _runs(page, pending.keys() | removed.keys()):
            waiting = [line for line in run if line in pending]
            if len(waiting) < len(run) or (self.min_run and len(waiting) >= self.min_run):
                went.extend(waiting)
        removed.update((line, pending[line]) for line in went)
        return went

    def _spread_beside(self, page: Page, candidates: dict[int, list[int]], menu: list[int],
                       removed: dict[int, str]) -> None:
        """Beside lines go next to a menu line that went, and next to each other from there."""
        allowed = [(matcher, page.zone(*matcher.zone), set(candidates.get(matcher.number, ())) if matcher.keywords
                    else None) for matcher in self.beside]
        numbers = page.nonblank()
        last = len(numbers) - 1
        frontier = [bisect_left(numbers, line) for line in menu]  # positions among the non-blank lines
        while frontier:
            position = frontier.pop()
            for beside in (position - 1, position + 1):
                if not 0 <= beside <= last or (neighbour := numbers[beside]) in removed:
                    continue
                following = numbers[beside + 1] if beside < last else None
                for matcher, zone, holding in allowed:
                    if neighbour in zone and (holding is None or neighbour in holding) \
                            and matcher.fires_on(page, neighbour, following):
                        removed[neighbour] = matcher.rule.id
                        frontier.append(beside)
                        break


def _in_zone(matcher: _Matcher, candidates: dict[int, list[int]], page: Page) -> list[int]:
    """The lines holding the matcher's keywords that stand in its zone."""
    if matcher.zone[0] == "any":
        return candidates[matcher.number]
    zone = page.zone(*matcher.zone)
    return [line for line in candidates[matcher.number] if line in zone]


def _section(matcher: _Matcher, markers: list[int], page: Page, removed: dict[int, str], limits: Limits) -> None:
    """The first marker in the tail zone and all after it, or the last in the head zone and all before it,
    from the marker outwards up to a line that reads like a paragraph. A tail marker with no article line
    before it, or a head marker with none after it, is passed over: it heads or ends no article."""
    tail = matcher.rule.spec["shape"] == "tail"
    for marker in (markers if tail else reversed(markers)):
        section = page.nonblank(marker) if tail else page.nonblank(0, marker + 1)[::-1]
        rest = page.nonblank(0, marker) if tail else page.nonblank(marker + 1)
        if (limits.sentence or limits.paragraph_words) and not any(limits.article(page, n) for n in rest):
            continue
        if not matcher.fires_on(page, marker):
            continue
        for line in section:
            if line != marker and line in limits.paragraphs(page):
                break
            removed.setdefault(line, matcher.rule.id)
        return


def _blocks(matcher: _Matcher, starts: list[int], page: Page, removed: dict[int, str]) -> None:
    covered = -1
    for start in starts:
        if start > covered and start not in removed and matcher.fires_on(page, start):
            for covered in _block_from(matcher, start, page) or ():
                removed.setdefault(covered, matcher.rule.id)


def _block_from(matcher: _Matcher, start: int, page: Page) -> list[int] | None:
    """The lines of a block that starts at ``start``; None when ``end`` does not come in time."""
    block = [start]
    line = page.after(start)
    while line is not None and len(block) < matcher.rule.spec.get("max_lines", _DEFAULT_BLOCK_LINES):
        text = page.lines[line]
        if matcher.end and matcher.ends_block(text):
            return [*block, line]
        if matcher.inner and not matcher.inner.fullmatches(text):
            break
        block.append(line)
        line = page.after(line)
    return None if matcher.end else block


def _threads(matcher: _Matcher, headings: list[int], page: Page, removed: dict[int, str]) -> None:
    """A comment thread: its heading to its last marker line (or its end line), with at most ``max_gap``
    lines between markers and at least ``min_markers`` of them."""
    spec = matcher.rule.spec
    max_gap, min_markers = spec.get("max_gap", _DEFAULT_MAX_GAP), spec.get("min_markers", _DEFAULT_MIN_MARKERS)
    covered = -1
    for heading in headings:
        if heading <= covered or heading in removed or not matcher.fires_on(page, heading):
            continue
        last, markers, gap = None, 0, 0
        for line in page.nonblank(heading + 1)[:spec.get("max_lines", _DEFAULT_THREAD_LINES) - 1]:
            text = page.lines[line]
            if matcher.end and matcher.ends_block(text):
                last = line
                break
            if matcher.markers.fullmatches(text):
                markers, last, gap = markers + 1, line, 0
            elif (gap := gap + 1) > max_gap:
                break
        if markers >= min_markers:
            for covered in page.nonblank(heading, last + 1):
                removed.setdefault(covered, matcher.rule.id)


def _page_evidence(matcher: _Matcher, page: Page, removed: dict[int, str], evidence: dict[int, str],
                   headline: int | None, limits: Limits) -> None:
    """The lines page evidence classes as boilerplate, with what it saw; the lines other rules removed count as
    boilerplate, the headline as a paragraph. A page with no line good by its own shape is left alone. With
    ``outside_article``, only lines outside the article's region may go (from the first to the last line that is
    good, or reads like a paragraph and no other rule removed), and only on a side of it (before, after) where
    other rules removed at least ``min_removed`` lines.

    Lines are measured only as far as their classes decide what goes (:class:`page_evidence.PageClasses`)."""
    spec = matcher.rule.spec
    if spec.get("outside_article") and len(removed) < spec.get("min_removed", 0):
        return  # no side of the article can hold that much furniture
    numbers = page.nonblank()
    known = {at: "bad" for at, line in enumerate(numbers) if line in removed}
    if headline is not None:
        known[bisect_left(numbers, headline)] = "good"
    classes = page_evidence.PageClasses(matcher.evidence, [page.lines[line] for line in numbers], known)
    takes = [range(len(numbers))]
    if spec.get("outside_article"):
        paragraphs = limits.paragraphs(page)

        def anchor(at: int) -> bool:
            line = numbers[at]
            return (line not in removed and line in paragraphs) or classes.good(at)

        first = next((at for at in range(len(numbers)) if anchor(at)), None)
        article = range(0) if first is None else \
            range(first, next(at for at in range(len(numbers) - 1, first - 1, -1) if anchor(at)) + 1)
        bad = sorted(at for at, cls in known.items() if cls == "bad")
        before, after = bisect_left(bad, article.start), len(bad) - bisect_left(bad, article.stop)
        takes = [side for side, furniture in ((range(article.start), before),
                                              (range(article.stop, len(numbers)), after))
                 if furniture >= spec.get("min_removed", 0)]
    longest = matcher.max_length if matcher.max_length is not None else math.inf
    eligible = [at for side in takes for at in side
                if numbers[at] not in removed and len(page.lines[numbers[at]]) <= longest]
    if not eligible or not classes.any_good():
        return  # nothing could go, or no paragraph to tell the boilerplate from
    for at, (own, final) in classes.revised(eligible).items():
        line = numbers[at]
        if final == "bad" and matcher.fires_on(page, line):
            removed[line] = matcher.rule.id
            evidence[line] = page_evidence.evidence(own, final, classes.shape(at)) + (
                ", outside the article" if spec.get("outside_article") else "")


def _repeated_title(matcher: _Matcher, headers: list[int], page: Page, removed: dict[int, str]) -> str | None:
    """Removes a header that the line after it repeats in part, the page's title, which stays; returns the first
    such title."""
    found = None
    min_title = matcher.rule.spec.get("min_title_length", _DEFAULT_TITLE_LENGTH)
    for header in headers:
        title = page.after(header)
        if title is None:
            continue
        header_text, title_text = page.lines[header], page.lines[title]
        if (len(title_text) >= min_title and title_text != header_text
                and title_text.casefold() in header_text.casefold() and matcher.fires_on(page, header)):
            removed.setdefault(header, matcher.rule.id)
            found = found or title_text
    return found


def _runs(page: Page, lines: set[int]) -> Iterator[list[int]]:
    """The given lines grouped into runs of neighbours (blank lines between do not count)."""
    run: list[int] = []
    for line in sorted(lines):
        if run and page.after(run[-1]) != line:
            yield run
            run = []
        run.append(line)
    if run:
        yield run


KIND = RuleKind(
    name="boilerplate",
    order=30,
    summary="Removes lines that are not article content: cookie banners, comment widgets, share blocks, breadcrumbs.",
    compile=BoilerplateStage,
    rule_schema=schema_beside(__file__),
    only_removes=True,
    settings_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "min_run": {
                "type": "integer",
                "minimum": 2,
                "description": "A run of this many adjacent lines matched by 'context: run' rules goes even with "
                               "no other boilerplate next to it (a menu). Unset: such lines go only next to "
                               "boilerplate.",
            },
            "site_max_lines": {
                "type": "integer",
                "minimum": 2,
                "description": "The first pass of the site_lines rules keeps the counts of at most this many "
                               "distinct (site, line) pairs, about 100 bytes each; past it, the lines seen on the "
                               "fewest pages are forgotten. Unset: no bound.",
            },
            "paragraph_words": {
                "type": "integer",
                "minimum": 1,
                "description": "A line of this many words or more reads like a paragraph: a head or tail stops "
                               "before it, and max_paragraph_loss counts it. Unset: no line does.",
            },
            "max_paragraph_loss": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": "The most of a document's paragraph text (in characters) the rules may remove, a "
                               "comment thread's own lines aside; past it the paragraph lines stay and a finding "
                               "says so. Unset: no limit.",
            },
            "sentence": {
                "type": "string",
                "minLength": 1,
                "format": "regex",
                "description": "A line of article text, besides a paragraph: a tail marker with no such line "
                               "before it, or a head marker with none after it, is passed over; the headline "
                               "stands before the first.",
            },
            "headline": {
                "type": "object",
                "additionalProperties": False,
                "required": ["pattern", "within_lines"],
                "description": "The page's title, which no menu, block, section or page evidence takes: the "
                               "nearest line before the first article line (a paragraph or a sentence) that "
                               "pattern matches.",
                "properties": {
                    "pattern": {"type": "string", "minLength": 1, "format": "regex",
                                "description": "A regular expression a title line matches whole."},
                    "within_lines": {"type": "integer", "minimum": 1,
                                     "description": "How many non-blank lines before the first article line to look."},
                },
            },
        },
    },
)
