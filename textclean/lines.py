"""Line bookkeeping shared by the kinds that work on whole lines."""
from __future__ import annotations

from dataclasses import dataclass

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
    """One change per removed line (position in ``lines`` -> rule id).

    A line goes with its newline; a last line without one goes with the newline
    before it, unless the line before was removed too.
    """
    changes = []
    for pos in sorted(removed):
        line = lines[pos]
        if line.end < len(text):
            changes.append(Change(line.start, line.end + 1, "", removed[pos]))
        elif pos - 1 in removed and lines[pos - 1].index == line.index - 1:
            changes.append(Change(line.start, line.end, "", removed[pos]))
        else:
            changes.append(Change(max(0, line.start - 1), line.end, "", removed[pos]))
    return changes


def zone_positions(zone: str, size: int, count: int) -> range:
    """Positions among ``count`` non-blank lines in the head or tail zone of ``size`` lines."""
    if zone == "head":
        return range(min(size, count))
    if zone == "tail":
        return range(max(0, count - size), count)
    return range(count)
