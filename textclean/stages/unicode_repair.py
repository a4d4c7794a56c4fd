"""The unicode stage: exactly ``ftfy.fix_text(text, config)``, with ftfy called only where it could change something.

Configuration (:data:`DEFAULT_CONFIG`) is ftfy's default except for two fixes:

- ``uncurl_quotes=False``: typographic quotes are content, not damage.
- ``fix_character_width=False``: ftfy's width fix maps every fullwidth form
  (U+FF01-U+FFEF) and the ideographic space U+3000 to ASCII, which rewrites the
  punctuation of Chinese and Japanese text ('，' '！' '？' '：' '；' '（' '）' and
  '　'). With it off, CJK text keeps its punctuation, and fullwidth Latin
  letters ('ＬＯＵＤ') stay as they are. NFC normalization never touches
  either.

How ftfy is skipped. ``fix_text`` fixes a text segment by segment (a line, or
``max_decode_length`` characters of a longer line), and each enabled fix can
change a segment only if the segment contains certain characters:

- mojibake (``fix_encoding``) only if ftfy's ``is_bad`` finds one of its
  mojibake sequences, each of which contains one of a few hundred characters
  (derived below from ftfy's own ``BADNESS_RE``), and never in ASCII text;
- HTML entities, C1 controls, curly quotes, surrogates, terminal escapes: only
  where ftfy's own regex for that fix matches;
- ligatures, widths, control characters: only the keys of ftfy's translation
  tables; line breaks: only CR, U+0085, U+2028 and U+2029;
- normalization only if the segment is not already normalized.

A segment that none of them touches comes back from ``fix_and_explain``
unchanged, so the stage finds the candidate segments with one scan of the
document for those characters and calls ftfy on the segments where a fix
could apply. One ``is_normalized`` call stands for all the lines of a
document (a newline never combines with its neighbours). Mojibake is checked
by running ``BADNESS_RE`` only in windows around the characters every match
must contain. The sets and the window width are computed from ftfy's own
patterns when the stage is built, so a different ftfy version cannot make the
check wrong, only slower. Where the ``google-re2`` wheel is installed, one re2
scan of the whole document (:mod:`textclean.matching.re2_prefilter`, a superset of
``BADNESS_RE``) tells first whether any mojibake can be there at all: in most
documents it cannot, and the scan for candidate segments then leaves out the
mojibake clues (accented letters among them).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Any

from ftfy import TextFixerConfig, chardata, fix_and_explain, fixes
from ftfy.badness import BADNESS_RE

from ..matching.memo import remember
from ..matching.re2_prefilter import prefilter
from ..matching.re_tree import sre_parse
from ..model.kind import Change, LineLocal, StageOutput

#: ftfy's defaults, minus uncurling quotes and fixing character width (see the module docstring).
DEFAULT_CONFIG = TextFixerConfig(uncurl_quotes=False, fix_character_width=False, explain=True)

#: What ``ftfy.fixes.fix_line_breaks`` replaces with a newline.
_LINE_BREAKS = "\r\x85\u2028\u2029"
_NON_ASCII = range(0x80, 0x110000)
#: Characters of text after which the badness check compiles its re2 prefilter: loading re2 and compiling the
#: pattern take 6 ms of CPU time (tens of milliseconds of wall time in a fresh process), which the prefilter
#: saves within a few MB (about 11 ms a MB of the fullpage corpus); a one-file fix does without it.
PREFILTER_AFTER = 1_000_000
_PATTERN_OPS = {sre_parse.LITERAL, sre_parse.NOT_LITERAL, sre_parse.IN, sre_parse.ANY, sre_parse.BRANCH,
                sre_parse.SUBPATTERN, sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT}
#: A rough weight of how often characters of a Unicode category occur in text (symbols: 1).
_COMMONNESS = {"Ll": 10, "Lo": 10, "Lm": 10, "Zs": 10, "Lu": 2, "Lt": 2,
               "Pi": 3, "Pf": 3, "Ps": 3, "Pe": 3, "Pd": 3, "Po": 3}
_START_ANCHORS = {sre_parse.AT_BEGINNING, sre_parse.AT_BEGINNING_STRING, sre_parse.AT_BEGINNING_LINE}


class UnicodeRepair:
    """Returns, as changes, what ``ftfy.fix_text(text, self.config)`` changes, line by line.

    ``self.config`` always has ``explain=True``: the steps ftfy reports name each edit.
    """

    kind = "unicode"

    def __init__(self, config: TextFixerConfig = DEFAULT_CONFIG):
        self.config = config._replace(explain=True)
        self._triggers = _Triggers(self.config)
        # Segments ftfy was found to leave as they are (with whether HTML is unescaped in them): the
        # second pipeline pass, and lines a site repeats, skip the checks.
        self._unchanged: dict[tuple[str, bool], None] = {}

    def locality(self, text: str) -> LineLocal | None:
        """Line-local (ftfy fixes a text segment by segment, each in a line), unless ``unescape_html`` is "auto"
        and ``text`` holds a '<': HTML is then unescaped only in the lines before the first that holds one."""
        return None if self.config.unescape_html == "auto" and "<" in text else LineLocal()

    def apply(self, text: str) -> StageOutput:
        output = StageOutput()
        config, triggers = self.config, self._triggers
        limit = config.max_decode_length
        # The document-wide checks stand for every segment only when all segments end at a newline.
        every_segment = (triggers.scan is None or len(text) > limit
                         or (config.normalization is not None
                             and not unicodedata.is_normalized(config.normalization, text)))
        html_off_from = text.find("<") if config.unescape_html == "auto" else -1
        bad_possible = triggers.badness is not None and triggers.badness.may_be_in(text)
        scan = triggers.scan if bad_possible else triggers.scan_not_bad
        pos = 0
        while pos < len(text):
            if not every_segment:
                hit = scan.search(text, pos)
                if hit is None:
                    break
                pos = hit.start()
            start, end = _segment(text, pos, limit)
            segment = text[start:end]
            segment_config = config
            if 0 <= html_off_from < end:  # fix_text stops unescaping HTML from the first line with '<'
                segment_config = config._replace(unescape_html=False)
            pos = end
            known = (segment, bool(segment_config.unescape_html))
            if known in self._unchanged:
                continue
            if triggers.could_change(segment, known[1], normalized=not every_segment, bad_possible=bad_possible):
                fixed, steps = fix_and_explain(segment, segment_config)
                if fixed != segment:
                    output.changes.append(_minimal_change(start, segment, fixed, _rule_name(steps or [])))
                    continue
            remember(self._unchanged, known, None)
        return output


class _Triggers:
    """What can make ftfy change a segment under one configuration."""

    def __init__(self, config: TextFixerConfig):
        self.normalization = config.normalization
        tables = {
            "fix_latin_ligatures": chardata.LIGATURES,
            "fix_character_width": chardata.WIDTH_MAP,
            "remove_control_chars": chardata.CONTROL_CHARS,
            "fix_line_breaks": map(ord, _LINE_BREAKS),
        }
        patterns = {
            "fix_c1_controls": [chardata.C1_CONTROL_RE],
            "uncurl_quotes": [chardata.SINGLE_QUOTE_RE, chardata.DOUBLE_QUOTE_RE],
            "fix_surrogates": [fixes.SURROGATE_RE],
            "remove_terminal_escapes": [fixes.ANSI_RE],
        }
        chars = {cp for name, table in tables.items() if getattr(config, name) for cp in table}
        self.patterns = []  # fixes that match more than one character
        for pattern in (p for name, group in patterns.items() if getattr(config, name) for p in group):
            one_char = _single_char_set(pattern)
            if one_char is None:
                self.patterns.append(pattern)
            else:
                chars |= one_char
        #: Characters that some enabled fix always rewrites or removes.
        self.chars = re.compile(_char_class(chars))
        self.entities = chardata.HTML_ENTITY_RE if config.unescape_html else None
        self.badness = _BadnessCheck() if config.fix_encoding else None

        clues: set[int] | None = set(chars)
        for pattern in self.patterns + ([self.entities] if self.entities else []):
            needed = _required_chars(pattern)
            clues = None if needed is None or clues is None else clues | needed
        #: :attr:`scan` for a text where the mojibake check cannot find anything.
        self.scan_not_bad = None if clues is None else re.compile(_char_class(clues))
        #: Finds every character without which no fix applies; None when some fix has no such set.
        self.scan = self.scan_not_bad if clues is None or not self.badness \
            else re.compile(_char_class(clues | set(self.badness.clues)))

    def could_change(self, segment: str, unescape_html: bool, normalized: bool, bad_possible: bool = True) -> bool:
        """False only if ``fix_and_explain(segment, config)`` would return the segment as it is.

        ``normalized``: the segment is known to be normalized already; ``bad_possible``: False when the
        mojibake check is known to find nothing in it (:meth:`_BadnessCheck.may_be_in` of its document).
        """
        return bool(
            self.chars.search(segment)
            or any(pattern.search(segment) for pattern in self.patterns)
            or (unescape_html and self.entities and self.entities.search(segment))
            or (self.normalization and not normalized
                and not unicodedata.is_normalized(self.normalization, segment))
            or (bad_possible and self.badness and self.badness.is_bad(segment))
        )


class _BadnessCheck:
    """``ftfy.badness.is_bad``, searching only near the characters every mojibake match contains.

    ftfy only fixes the encoding of a segment that is not ASCII and for which ``is_bad`` is true.
    """

    def __init__(self):
        #: :meth:`may_be_in` makes its re2 prefilter once it has seen this many characters (see
        #: :data:`PREFILTER_AFTER`); infinite where there is none (re2 not installed).
        self.prefilter_after: float = PREFILTER_AFTER
        self._prefilter = None
        self._unfiltered = 0  # characters of the texts seen without the prefilter
        parsed = sre_parse.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
        needed = None if BADNESS_RE.flags & re.IGNORECASE else _required_chars_of(parsed)
        # ftfy never decodes ASCII text again, so any non-ASCII character is a safe (if slow) clue.
        self.clues = _NON_ASCII if needed is None else needed
        self._clue = re.compile(_char_class(self.clues))
        width = parsed.getwidth()[1]
        # Windows are exact when every match holds a clue and depends on nothing outside itself
        # but the start of the text.
        exact = needed is not None and width < sre_parse.MAXREPEAT and _context_free(parsed)
        self._width = width if exact else None

    def __getstate__(self) -> dict:
        return dict(self.__dict__, _prefilter=None, _unfiltered=0)  # a process loading it compiles its own

    def may_be_in(self, text: str) -> bool:
        """False when :meth:`is_bad` is false for every part of ``text``: its re2 prefilter finds nothing there."""
        prefilter = self._prefilter
        if prefilter is None:
            self._unfiltered += len(text)
            if self._unfiltered < self.prefilter_after:
                return True
            prefilter = self._prefilter = _badness_prefilter()
            if prefilter is None:  # re2 is not installed
                self.prefilter_after = math.inf
                return True
        try:
            return prefilter.search(text) is not None
        except UnicodeEncodeError:  # a lone surrogate, which re2's UTF-8 cannot hold
            return True

    def is_bad(self, segment: str) -> bool:
        width = self._width
        if width is None:
            return bool(self._clue.search(segment)) and bool(BADNESS_RE.search(segment))
        low = high = -1
        for clue in self._clue.finditer(segment):
            at = clue.start()
            if high >= 0 and at - width < high:  # this clue's window overlaps the current one: extend it
                high = at + width
                continue
            if high >= 0 and BADNESS_RE.search(segment, low, high):
                return True
            low, high = max(at - width + 1, 0), at + width
        return high >= 0 and bool(BADNESS_RE.search(segment, low, high))


@cache
def _badness_prefilter() -> Any | None:
    """The re2 prefilter of BADNESS_RE (:func:`textclean.matching.re2_prefilter.prefilter`), made once in a process."""
    return prefilter(BADNESS_RE)


def _segment(text: str, pos: int, limit: int) -> tuple[int, int]:
    """Start and end of the segment of ``fix_text``'s loop that holds ``pos``."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos) + 1 or len(text)
    start = line_start + (pos - line_start) // limit * limit
    return start, min(start + limit, line_end)


def _single_char_set(pattern: re.Pattern) -> set[int] | None:
    """The code points of a pattern that matches exactly one of them, else None."""
    if pattern.flags & re.IGNORECASE:
        return None
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    return _char_set(*parsed[0]) if len(parsed) == 1 and parsed[0][0] in (sre_parse.LITERAL, sre_parse.IN) else None


def _required_chars(pattern: re.Pattern) -> set[int] | None:
    """Code points one of which every match of ``pattern`` contains, or None if not known."""
    if pattern.flags & re.IGNORECASE:
        return None
    return _required_chars_of(sre_parse.parse(pattern.pattern, pattern.flags))


def _required_chars_of(items) -> set[int] | None:
    """The least common set of characters, one of which every match of a parsed sequence contains."""
    candidates = []
    for op, arg in items:
        if op in (sre_parse.LITERAL, sre_parse.IN):
            candidates.append(_char_set(op, arg))
        elif op is sre_parse.BRANCH:
            per_branch = [_required_chars_of(branch) for branch in arg[1]]
            candidates.append(None if None in per_branch else set().union(*per_branch))
        elif op is sre_parse.SUBPATTERN and not arg[1] & sre_parse.SRE_FLAG_IGNORECASE:
            candidates.append(_required_chars_of(arg[-1]))
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and arg[0] >= 1:
            candidates.append(_required_chars_of(arg[2]))
    candidates = [chars for chars in candidates if chars]
    # Any candidate is correct; the rarest in real text makes the fewest needless checks.
    return min(candidates, default=None,
               key=lambda chars: (min(chars) < 0x80, sum(_COMMONNESS.get(unicodedata.category(chr(cp)), 1)
                                                         for cp in chars)))


def _char_set(op, arg) -> set[int] | None:
    if op is sre_parse.LITERAL:
        return {arg}
    chars = set()
    for kind, value in arg:
        if kind is sre_parse.LITERAL:
            chars.add(value)
        elif kind is sre_parse.RANGE:
            chars.update(range(value[0], value[1] + 1))
        else:  # a negated set or a category such as \s
            return None
    return chars


def _context_free(items) -> bool:
    """True if a match depends on no character outside it (start-of-text anchors allowed)."""
    for op, arg in items:
        if op is sre_parse.AT:
            if arg not in _START_ANCHORS:
                return False
        elif op not in _PATTERN_OPS:
            return False
        elif op is sre_parse.BRANCH and not all(_context_free(branch) for branch in arg[1]):
            return False
        elif op is sre_parse.SUBPATTERN and not _context_free(arg[-1]):
            return False
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and not _context_free(arg[2]):
            return False
    return True


def _char_class(codepoints: Iterable[int]) -> str:
    """A regex matching exactly one of ``codepoints`` (nothing when there are none)."""
    ranges: list[list[int]] = []
    for cp in sorted(set(codepoints)):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    if not ranges:
        return "(?!)"
    return "[" + "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges) + "]"


def _rule_name(steps) -> str:
    if any(step.action in ("encode", "decode", "transcode") for step in steps):
        return "unicode.mojibake"
    applied = [step.parameter for step in steps if step.action in ("apply", "normalize")]
    return "unicode." + ("+".join(applied) if applied else "fix")


def _minimal_change(offset: int, before: str, after: str, rule: str) -> Change:
    """Trim the common prefix and suffix so the edit shows only what ftfy changed."""
    limit = min(len(before), len(after))
    head = 0
    while head < limit and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return Change(offset + head, offset + len(before) - tail, after[head:len(after) - tail], rule)
