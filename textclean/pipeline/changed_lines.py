"""The lines edits touched, for a later fixpoint pass that runs a line-local stage on them alone.

:func:`touched_spans` follows where a list of edits left its marks on the text they produced;
:class:`Selection` takes the whole lines holding them, as one text a stage can run on, and maps the
offsets of what the stage says there back to the text.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate, compress, pairwise
from operator import add, attrgetter, gt, lt, sub

from ..model.document import Edit
from ..model.kind import StageOutput

_start, _before, _after = attrgetter("start"), attrgetter("before"), attrgetter("after")


#: Following an edit costs about as much as a stage's scan of this many characters (ftfy's checks, in C): where
#: the text has fewer characters than that per edit made since a stage last ran, it reads the whole text again.
CHARACTERS_PER_EDIT = 256


def worth_following(edits: Sequence[Edit], text: str) -> bool:
    """Whether to find the lines ``edits`` touched in ``text`` (which they produced) rather than read it all."""
    return len(edits) * CHARACTERS_PER_EDIT <= len(text)


def touched_spans(edits: Sequence[Edit]) -> list[tuple[int, int]]:
    """Closed spans ``(start, end)`` of the text ``edits`` produced that hold what they wrote, ascending and apart.

    A position outside every span holds the character it held before the edits (one a removal ended
    next to counts as touched: the span of a removal is the point where it was).

    >>> touched_spans([Edit("r", "k", 2, 4, "xx", ""), Edit("r", "k", 0, 1, "a", "AB")])  # "a?xx!" -> "AB?!"
    [(0, 2), (3, 3)]
    """
    # Lists and map() rather than a loop over the edits: a page of menus loses hundreds of lines.
    starts = list(map(_start, edits))
    befores = list(map(len, map(_before, edits)))
    afters = list(map(len, map(_after, edits)))
    ends = list(map(add, starts, afters))
    # Runs: each edit of a run stands at or after where the one before it left the text, in the text the edits
    # of the run before it left.
    breaks = [0, *compress(range(1, len(edits)), map(lt, starts[1:], ends)), len(edits)]
    spans: list[tuple[int, int]] = []
    for first, stop in pairwise(breaks):
        new_starts, new_ends, removed = starts[first:stop], ends[first:stop], befores[first:stop]
        grown = list(accumulate(map(sub, afters[first:stop], removed), initial=0))  # before each edit of the run
        old_starts = list(map(sub, new_starts, grown))
        old_ends = list(map(add, old_starts, removed))
        run = (old_starts, old_ends, grown)
        mapped = [(_moved(start, new_starts, *run), _moved(end, new_ends, *run)) for start, end in spans]
        own = list(zip(new_starts, new_ends, strict=True))
        spans = _merged(sorted(mapped + own) if mapped else own)
    return spans


def _moved(pos: int, inside: list[int], old_starts: list[int], old_ends: list[int], grown: list[int]) -> int:
    """Where ``pos``, in the text before a run of edits, is after it: where an edit stands, its place in
    ``inside`` (the starts or the ends of what the edits wrote)."""
    at = bisect_left(old_ends, pos)  # the edits before ``at`` end before ``pos``
    return inside[at] if at < len(old_starts) and old_starts[at] <= pos else pos + grown[at]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Closed spans ascending by start, those that overlap or meet made one."""
    if not spans:
        return []
    starts, ends = zip(*spans, strict=True)
    reach = list(accumulate(ends, max))  # the furthest end so far
    firsts = [0, *compress(range(1, len(spans)), map(gt, starts[1:], reach))]
    lasts = [*map((-1).__add__, firsts[1:]), len(spans) - 1]
    return list(zip(map(starts.__getitem__, firsts), map(reach.__getitem__, lasts), strict=True))


@dataclass(frozen=True)
class Selection:
    """Whole lines of a text (each with its line break), joined in order: those that hold a span or meet it.

    ``blocks``: for each run of consecutive lines taken, its start in :attr:`text` and in the whole text.
    """

    text: str
    blocks: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, text: str, spans: Iterable[tuple[int, int]]) -> Selection:
        """The lines of ``text`` that hold a position of the closed ``spans`` (ascending)."""
        lines: list[tuple[int, int]] = []  # (start, end) in ``text``, the line break included
        for start, end in spans:
            first = text.rfind("\n", 0, start) + 1
            if lines and first <= lines[-1][1]:
                first = lines[-1][0]
                lines.pop()
            lines.append((first, text.find("\n", end) + 1 or len(text)))
        pieces, blocks, size = [], [], 0
        for start, end in lines:
            pieces.append(text[start:end])
            blocks.append((size, start))
            size += end - start
        return cls("".join(pieces), tuple(blocks))

    def _shift(self, pos: int) -> int:
        """What to add to an offset into :attr:`text` at ``pos`` or just after it, for the whole text."""
        at, start = self.blocks[bisect_right(self.blocks, (pos, float("inf"))) - 1]
        return start - at

    def in_text(self, output: StageOutput) -> StageOutput:
        """``output`` of a stage run on :attr:`text`, in offsets of the whole text."""
        if not output.changes and not output.findings:
            return output
        changes = []
        for change in output.changes:
            shift = self._shift(change.start)
            changes.append(change._replace(start=change.start + shift, end=change.end + shift))
        return StageOutput(changes, output.metadata,
                           [replace(finding, start=finding.start + self._shift(finding.start))
                            for finding in output.findings])
