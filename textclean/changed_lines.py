"""The lines edits touched, for a later fixpoint pass that runs a line-local stage on them alone.

:func:`touched_spans` follows where a list of edits left its marks on the text they produced;
:class:`Selection` takes the whole lines holding them, as one text a stage can run on, and maps the
offsets of what the stage says there back to the text.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from .document import Edit
from .kind import StageOutput


def touched_spans(edits: Sequence[Edit]) -> list[tuple[int, int]]:
    """Closed spans ``(start, end)`` of the text ``edits`` produced that hold what they wrote, ascending and apart.

    A position outside every span holds the character it held before the edits (one a removal ended
    next to counts as touched: the span of a removal is the point where it was).

    >>> touched_spans([Edit("r", "k", 2, 4, "xx", ""), Edit("r", "k", 0, 1, "a", "AB")])  # "a?xx!" -> "AB?!"
    [(0, 2), (3, 3)]
    """
    spans: list[tuple[int, int]] = []
    for run in _runs(edits):
        old_starts, old_ends, new_starts, new_ends, grown = [], [], [], [], [0]
        for edit in run:  # an edit of a run stands where the edits before it in the run left the text
            old_starts.append(edit.start - grown[-1])
            old_ends.append(old_starts[-1] + len(edit.before))
            new_starts.append(edit.start)
            new_ends.append(edit.start + len(edit.after))
            grown.append(grown[-1] + len(edit.after) - len(edit.before))

        def moved(pos: int, inside: list[int]) -> int:
            at = bisect_left(old_ends, pos)  # the edits before ``at`` end before ``pos``
            return inside[at] if at < len(old_starts) and old_starts[at] <= pos else pos + grown[at]

        spans = _merged(sorted([*((moved(start, new_starts), moved(end, new_ends)) for start, end in spans),
                                *zip(new_starts, new_ends, strict=True)]))
    return spans


def _runs(edits: Sequence[Edit]) -> Iterator[Sequence[Edit]]:
    """The edits in runs, each edit of a run at or after where the one before it left the text."""
    first = 0
    for index in range(1, len(edits)):
        before = edits[index - 1]
        if edits[index].start < before.start + len(before.after):
            yield edits[first:index]
            first = index
    if edits:
        yield edits[first:]


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ascending closed spans, those that overlap or meet made one."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


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
