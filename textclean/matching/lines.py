"""Line bookkeeping shared by the kinds that work on whole lines."""
from __future__ import annotations

from functools import partial
from itertools import accumulate, compress, repeat

from ..model.kind import Change
from . import compiled


class TextLines:
    """A text's lines (split at newlines) as written and stripped, and which of them hold more than white space."""

    def __init__(self, text: str):
        self.text = text
        self.raw = text.split("\n")
        self.stripped = list(map(str.strip, self.raw))
        self._nonblank: list[int] | None = None

    @property
    def nonblank(self) -> list[int]:
        """The numbers of the lines that hold more than white space."""
        if self._nonblank is None:
            self._nonblank = nonblank_numbers(self.stripped)
        return self._nonblank

    def start(self, number: int) -> int:
        """The offset of line ``number`` in the text."""
        return sum(map(len, self.raw[:number])) + number  # asked for a few lines near either end, not all


@compiled.twin("textclean.matching._lines")
def nonblank_numbers(lines: list[str]) -> list[int]:
    """The numbers of the lines of ``lines`` that are not empty."""
    return list(compress(range(len(lines)), lines))


_last: TextLines | None = None


def lines_of(text: str) -> TextLines:
    """The lines of ``text``, to be read, not changed.

    The last text asked about is remembered: the stages that read lines run one
    after another and mostly get the same text.
    """
    global _last
    last = _last  # read once: another thread may replace it meanwhile
    if last is None or not (last.text is text or last.text == text):
        last = _last = TextLines(text)
    return last


@compiled.twin("textclean.matching._lines")
def numbered_line_removals(text: str, raw_lines: list[str], removed: dict[int, str],
                           notes: dict[int, str] | None = None) -> list[Change]:
    """One change per removed line (line number in ``raw_lines = text.split("\\n")`` -> rule id), with
    its note (the evidence for it) where ``notes`` holds one.

    A line goes with its newline; the last line, which has none, goes with the
    newline before it, unless the line before was removed too.
    """
    if not removed:
        return []
    before = list(accumulate(map(len, raw_lines), initial=0))  # characters of the lines before, newlines aside
    last = len(raw_lines) - 1
    notes = notes or {}
    numbers = [number for number in sorted(removed) if number != last]
    # map() and tuple.__new__ (what Change._make calls, here without a Python frame per change): a page of menus
    # loses hundreds of lines
    make = partial(tuple.__new__, Change)
    starts = [before[number] + number for number in numbers]
    ends = [before[number + 1] + number + 1 for number in numbers]
    changes = list(map(make, zip(starts, ends, repeat(""), map(removed.__getitem__, numbers),
                                 map(notes.get, numbers, repeat("")), strict=False)))
    if last in removed:
        start = before[last] + last
        changes.append(Change(start if last - 1 in removed else max(0, start - 1), len(text), "", removed[last],
                              notes.get(last, "")))
    return changes


def zone_positions(zone: str, size: int, count: int) -> range:
    """Positions among ``count`` non-blank lines in the head or tail zone of ``size`` lines."""
    if zone == "head":
        return range(min(size, count))
    if zone == "tail":
        return range(max(0, count - size), count)
    return range(count)
