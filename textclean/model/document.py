"""Edits and results: what a cleaning run did to one document, as data."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .marks import Mark


@dataclass(frozen=True)
class Edit:
    """One change made by one rule.

    ``start`` and ``end`` are offsets into the text as it stands when the edit
    is applied: edits are replayed one after another, in order, so the first
    edit's offsets are offsets into the input text.
    """

    rule: str
    kind: str
    start: int
    end: int
    before: str
    after: str
    note: str = ""  # the evidence for the edit, where the rule alone does not tell ("on 14 of 20 pages of ...")

    def to_dict(self) -> dict[str, Any]:
        record = {
            "rule": self.rule,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
        }
        if self.note:
            record["note"] = self.note
        return record

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edit:
        return cls(
            rule=data["rule"],
            kind=data["kind"],
            start=int(data["start"]),
            end=int(data["end"]),
            before=data["before"],
            after=data["after"],
            note=str(data.get("note", "")),
        )


@dataclass(frozen=True)
class Finding:
    """Something a rule noticed but did not change (an ambiguous header, a timeout).

    ``start`` is an offset into the input text.
    """

    rule: str
    message: str
    start: int = 0
    level: str = "warning"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "message": self.message, "start": self.start, "level": self.level}


@dataclass
class Result:
    """The cleaned text of one document, its metadata, and every edit that led there."""

    original: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: In a marks run, the spans of ``original`` the rules would remove (:class:`textclean.model.marks.Mark`); the
    #: text is then the original, and ``edits`` is empty.
    marks: list[Mark] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def edit_positions(self) -> list[tuple[int, int]]:
        """Line and column in the input text where each edit starts, in the order of the edits."""
        return line_cols(self.original, edit_input_starts(self.edits))


class ReplayError(ValueError):
    """An edit log does not fit the text it is replayed on."""


def _runs(edits: list[Edit]) -> list[range]:
    """The edits in runs, each edit of a run at or after where the one before it left its text: so every edit of a
    run stands where it stood in the text the whole run left, and a run is replayed or undone in one pass over
    the text. The edits of one stage's changes form a run."""
    runs, first = [], 0
    for index in range(1, len(edits)):
        before = edits[index - 1]
        if edits[index].start < before.start + len(before.after):
            runs.append(range(first, index))
            first = index
    if edits:
        runs.append(range(first, len(edits)))
    return runs


def replay(text: str, edits: list[Edit]) -> str:
    """Apply ``edits`` to ``text`` in order, checking each edit's ``before``; in time linear in the text and the
    edits (times the runs of :func:`_runs`).

    >>> replay("a  b", [Edit("r", "k", 1, 3, "  ", " ")])
    'a b'
    """
    for run in _runs(edits):
        pieces, copied, shift = [], 0, 0  # shift: how much longer the text has grown before the next edit
        for n in run:
            edit = edits[n]
            start = edit.start - shift
            end = start + edit.end - edit.start
            if start < copied or edit.end < edit.start or text[start:end] != edit.before:
                raise ReplayError(f"edit {n} ({edit.rule}) expects {edit.before!r} at {edit.start}")
            pieces += (text[copied:start], edit.after)
            copied = end
            shift += len(edit.after) - len(edit.before)
        pieces.append(text[copied:])
        text = "".join(pieces)
    return text


def undo(text: str, edits: list[Edit]) -> str:
    """Reverse ``edits`` on the text they produced, giving back the input; in time linear in the text and the
    edits (times the runs of :func:`_runs`).

    >>> undo("a b", [Edit("r", "k", 1, 3, "  ", " ")])
    'a  b'
    """
    for run in reversed(_runs(edits)):
        pieces, kept_from = [], len(text)  # built from the end: the last edit is checked first
        for n in reversed(run):
            edit = edits[n]
            end = edit.start + len(edit.after)
            if edit.start < 0 or end > kept_from or text[edit.start:end] != edit.after:
                raise ReplayError(f"edit {n} ({edit.rule}) expects {edit.after!r} at {edit.start}")
            pieces += (text[end:kept_from], edit.before)
            kept_from = edit.start
        pieces.append(text[:kept_from])
        text = "".join(reversed(pieces))
    return text


def input_offset(edits: list[Edit], pos: int) -> int:
    """Map ``pos`` in the text that ``edits`` produced back to the input they were applied to."""
    for edit in reversed(edits):
        if pos >= edit.start + len(edit.after):
            pos += len(edit.before) - len(edit.after)
        elif pos > edit.start:
            pos = edit.start
    return pos


def input_offsets(edits: list[Edit], positions: list[int]) -> list[int]:
    """:func:`input_offset` of each of ``positions`` (ascending), in one sweep per run of edits."""
    for run in reversed(_runs(edits)):
        positions = _before_run([edits[n] for n in run], positions)
    return positions


def _before_run(run: list[Edit], positions: list[int]) -> list[int]:
    """Ascending positions in the text a run of edits left, mapped to the text before the run (still ascending)."""
    mapped, at, grown = [], 0, 0  # grown: how much the edits before ``at`` lengthened the text
    for pos in positions:
        while at < len(run) and pos >= run[at].start + len(run[at].after):
            grown += len(run[at].after) - len(run[at].before)
            at += 1
        inside = at < len(run) and pos > run[at].start
        mapped.append((run[at].start if inside else pos) - grown)
    return mapped


def edit_input_starts(edits: list[Edit]) -> list[int]:
    """Where each edit starts in the input text: :func:`input_offset` of its start through the edits before it."""
    starts = [0] * len(edits)
    pending: list[tuple[int, int]] = []  # (position in the text the current run left, edit), ascending
    for run in reversed(_runs(edits)):
        grown, own = 0, []
        for n in run:  # an edit's start, in the text before its run
            own.append((edits[n].start - grown, n))
            grown += len(edits[n].after) - len(edits[n].before)
        moved = _before_run([edits[n] for n in run], [pos for pos, _ in pending])
        pending = sorted([*zip(moved, (n for _, n in pending), strict=True), *own])
    for pos, n in pending:
        starts[n] = pos
    return starts


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def line_cols(text: str, offsets: list[int]) -> list[tuple[int, int]]:
    """:func:`line_col` of each offset, reading ``text`` once."""
    starts = [0, *(found.end() for found in _NEWLINE.finditer(text))]
    found = []
    for offset in offsets:
        line = bisect_right(starts, offset)
        found.append((line, offset - starts[line - 1] + 1))
    return found


_NEWLINE = re.compile("\n")
