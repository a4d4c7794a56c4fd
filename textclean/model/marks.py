"""Marks: what a marks run (``Cleaner(marks=True)``, ``clean --marks``) records instead of removing text.

A mark is a span of the input text that a rule would remove: ``{"rule", "kind", "start", "end", "line"}``
(and ``"note"``, the evidence, where the rule alone does not tell), with ``start`` and ``end`` character
offsets into the text the marks were made on and ``line`` the 1-based line where the span starts. The
marks of one document never overlap and are sorted by ``start``, and spans of one rule that meet are one
mark; applying all of them
(:func:`apply_marks`) gives the text a normal run with the same stages gives.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .document import Edit, _runs, line_cols

#: The metadata field a marks run keeps a document's marks in.
MARKS_FIELD = "marks"


@dataclass(frozen=True)
class Mark:
    """A span of the input text that ``rule`` (of ``kind``) would remove."""

    rule: str
    kind: str
    start: int
    end: int
    line: int
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        record = {"rule": self.rule, "kind": self.kind, "start": self.start, "end": self.end, "line": self.line}
        if self.note:
            record["note"] = self.note
        return record


def marks_from_edits(text: str, edits: list[Edit]) -> list[Mark]:
    """The edits of a run that only removed text, as spans of its input ``text``.

    An edit's offsets count the text as it stood when it was made; its span of the input is what it removed
    there, so an edit that took out lines on either side of a line an earlier edit removed gives two marks.
    Spans of one rule (and note) that meet are one mark: a menu of twenty lines is one mark, not twenty.
    In time linear in the edits and marks, times the runs of edits (:func:`textclean.model.document._runs`).
    """
    removed: list[tuple[int, int, int]] = []  # (start, end, edit) spans of the input, sorted, disjoint
    for run in _runs(edits):
        spans, shift = [], 0  # the run's spans in the text before it: its edits so far removed ``shift``
        for n in run:
            edit = edits[n]
            if edit.after:
                raise ValueError(f"edit {n} ({edit.rule}) puts text in ({edit.after!r}): only a removal is a mark")
            spans.append((edit.start + shift, edit.end + shift, n))
            shift += edit.end - edit.start
        removed = sorted(removed + _in_input(spans, removed))
    joined: list[list[int]] = []  # [start, end, edit]: spans that meet, of one rule and note, joined
    for start, end, n in removed:
        if joined and joined[-1][1] == start and _same(edits[joined[-1][2]], edits[n]):
            joined[-1][1] = end
        else:
            joined.append([start, end, n])
    starts = [start for start, _, _ in joined]
    return [Mark(edits[n].rule, edits[n].kind, start, end, line, edits[n].note)
            for (start, end, n), (line, _) in zip(joined, line_cols(text, starts), strict=True)]


def _same(one: Edit, other: Edit) -> bool:
    return (one.rule, one.kind, one.note) == (other.rule, other.kind, other.note)


def _in_input(spans: list[tuple[int, int, int]], removed: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Ascending spans of the text that is left once ``removed`` is taken out of the input, as the pieces of the
    input they cover (a span that reaches over a removed stretch gives a piece on either side of it)."""
    pieces = []
    at, skipped = 0, 0  # removed spans passed so far, and the characters they hold
    for start, end, n in spans:
        pos, left = start, end - start  # pos: in the text left; left: characters of the span still to place
        while at < len(removed) and removed[at][0] <= pos + skipped:
            skipped += removed[at][1] - removed[at][0]
            at += 1
        while left:
            origin = pos + skipped
            stop = min(origin + left, removed[at][0] if at < len(removed) else origin + left)
            if stop > origin:
                pieces.append((origin, stop, n))
                left -= stop - origin
                pos += stop - origin
            if left:
                skipped += removed[at][1] - removed[at][0]
                at += 1
    return pieces


def apply_marks(text: str, marks: Iterable[Mark | Mapping[str, Any]]) -> str:
    """``text`` without the spans ``marks`` cover: what the run that made them would have left.

    ``marks`` are :class:`Mark` objects or their dicts, as a marks run keeps them in metadata (field
    ``marks``); pass a part of them to apply only some (``[m for m in marks if m["kind"] == "boilerplate"]``).
    A mark outside the text, or overlapping another, is a ValueError naming it.

    >>> apply_marks("Share\\nThe bridge reopened.\\n", [{"rule": "share.word", "kind": "boilerplate",
    ...                                                  "start": 0, "end": 6, "line": 1}])
    'The bridge reopened.\\n'
    """
    spans = sorted(_span(mark, len(text)) for mark in marks)
    pieces, copied = [], 0
    for start, end, rule in spans:
        if start < copied:
            raise ValueError(f"mark of {rule} at {start}:{end} overlaps the mark before it, which ends at {copied}")
        pieces.append(text[copied:start])
        copied = end
    pieces.append(text[copied:])
    return "".join(pieces)


def _span(mark: Mark | Mapping[str, Any], length: int) -> tuple[int, int, str]:
    if isinstance(mark, Mark):
        start, end, rule = mark.start, mark.end, mark.rule
    elif isinstance(mark, Mapping):
        start, end, rule = mark.get("start"), mark.get("end"), mark.get("rule")
    else:
        raise ValueError(f"{_shown(mark)} is not a mark (an object with rule, start and end)")
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in (start, end)) \
            or not 0 <= start <= end <= length:
        raise ValueError(f"mark of {rule!r} spans {start!r} to {end!r}, which is not a span of the text "
                         f"({length} characters)")
    return start, end, str(rule)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def mark_records(text: str, marks: Iterable[Mark]) -> list[dict[str, Any]]:
    """``marks`` as the edit log keeps them: each mark's dict with the text of ``text`` it spans, ``before``."""
    return [{**mark.to_dict(), "before": text[mark.start:mark.end]} for mark in marks]


def removals(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The marks of one document as :func:`mark_records` gives them (sorted, disjoint) turned into the edit records
    of the removals they stand for, in order: each span moved back by what the marks before it take out, so that
    replaying them (:func:`textclean.model.document.replay`) gives :func:`apply_marks`. Each keeps its mark's ``line``.

    >>> removals([{"rule": "a", "kind": "k", "start": 0, "end": 2, "line": 1, "before": "x\\n"},
    ...           {"rule": "b", "kind": "k", "start": 5, "end": 7, "line": 3, "before": "y\\n"}])[1]["start"]
    3
    """
    edits, removed = [], 0
    for record in records:
        start, before = record["start"] - removed, record["before"]
        edits.append({"rule": record["rule"], "kind": record["kind"], "start": start, "end": start + len(before),
                      "before": before, "after": "", "note": record.get("note", ""), "line": record["line"]})
        removed += len(before)
    return edits


def marked_bytes(text: str, marks: Iterable[Mark]) -> list[int]:
    """The UTF-8 bytes of ``text`` each of ``marks`` covers."""
    return [len(text[mark.start:mark.end].encode("utf-8", "surrogatepass")) for mark in marks]

