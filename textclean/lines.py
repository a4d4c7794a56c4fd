"""Line bookkeeping shared by the kinds that work on whole lines."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from .kind import Change


@dataclass(frozen=True)
class Line:
    index: int  # line number in the text, from 0
    start: int
    end: int  # offset of the line's end, before its newline
    text: str  # without surrounding white space


def nonblank_lines(text: str) -> list[Line]:
    """The text's lines that hold more than white space, with their offsets."""
    lines = []
    start = 0
    for index, raw in enumerate(text.split("\n")):
        stripped = raw.strip()
        if stripped:
            lines.append(Line(index, start, start + len(raw), stripped))
        start += len(raw) + 1
    return lines


def line_removals(text: str, lines: list[Line], removed: dict[int, str]) -> list[Change]:
    """One change per removed line (position in ``lines`` -> rule id); see :func:`numbered_line_removals`."""
    return numbered_line_removals(text, text.split("\n"), {lines[pos].index: rule for pos, rule in removed.items()})


def numbered_line_removals(text: str, raw_lines: list[str], removed: dict[int, str]) -> list[Change]:
    """One change per removed line (line number in ``raw_lines = text.split("\\n")`` -> rule id).

    A line goes with its newline; the last line, which has none, goes with the
    newline before it, unless the line before was removed too.
    """
    if not removed:
        return []
    before = list(accumulate(map(len, raw_lines), initial=0))  # characters of the lines before, newlines aside
    last = len(raw_lines) - 1
    changes = [Change(before[number] + number, before[number + 1] + number + 1, "", rule)
               for number, rule in sorted(removed.items()) if number != last]
    if last in removed:
        start = before[last] + last
        changes.append(Change(start if last - 1 in removed else max(0, start - 1), len(text), "", removed[last]))
    return changes


def zone_positions(zone: str, size: int, count: int) -> range:
    """Positions among ``count`` non-blank lines in the head or tail zone of ``size`` lines."""
    if zone == "head":
        return range(min(size, count))
    if zone == "tail":
        return range(max(0, count - size), count)
    return range(count)
