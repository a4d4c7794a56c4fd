"""Edits and results: what a cleaning run did to one document, as data."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    evidence: str = ""  # what the rule saw, where its id alone does not say why the edit was made

    def to_dict(self) -> dict[str, Any]:
        record = {
            "rule": self.rule,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
        }
        if self.evidence:
            record["evidence"] = self.evidence
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
            evidence=data.get("evidence", ""),
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

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def edit_position(self, index: int) -> tuple[int, int]:
        """Line and column in the input text where edit ``index`` starts."""
        return line_col(self.original, input_offset(self.edits[:index], self.edits[index].start))


class ReplayError(ValueError):
    """An edit log does not fit the text it is replayed on."""


def replay(text: str, edits: list[Edit]) -> str:
    """Apply ``edits`` to ``text`` in order, checking each edit's ``before``.

    >>> replay("a  b", [Edit("r", "k", 1, 3, "  ", " ")])
    'a b'
    """
    for n, edit in enumerate(edits):
        if text[edit.start:edit.end] != edit.before:
            raise ReplayError(f"edit {n} ({edit.rule}) expects {edit.before!r} at {edit.start}")
        text = text[:edit.start] + edit.after + text[edit.end:]
    return text


def undo(text: str, edits: list[Edit]) -> str:
    """Reverse ``edits`` on the text they produced, giving back the input.

    >>> undo("a b", [Edit("r", "k", 1, 3, "  ", " ")])
    'a  b'
    """
    for n, edit in reversed(list(enumerate(edits))):
        end = edit.start + len(edit.after)
        if text[edit.start:end] != edit.after:
            raise ReplayError(f"edit {n} ({edit.rule}) expects {edit.after!r} at {edit.start}")
        text = text[:edit.start] + edit.before + text[end:]
    return text


def input_offset(edits: list[Edit], pos: int) -> int:
    """Map ``pos`` in the text that ``edits`` produced back to the input they were applied to."""
    for edit in reversed(edits):
        if pos >= edit.start + len(edit.after):
            pos += len(edit.before) - len(edit.after)
        elif pos > edit.start:
            pos = edit.start
    return pos


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
