"""The small interface between the engine and a rule kind.

A rule kind is one module in ``textclean/kinds/`` that defines ``KIND``, an
instance of :class:`RuleKind`, with a JSON Schema beside it
(``<module>.schema.json``) for the keys a rule of that kind may have. The engine only ever
calls :meth:`RuleKind.compile` and :meth:`Stage.apply`, and, for a stage that reads corpus
evidence, its ``collector()`` (see :mod:`textclean.model.evidence`); what a stage declares about what a later
pass of the pipeline must read again (``locality``, ``unsettles``) only saves work.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import regex

from .document import Finding

#: Seconds the matches on one document may take together, plus MATCH_SECONDS_PER_MB for each
#: megabyte of text, before the rule running then is reported and the document left unchanged.
MATCH_TIMEOUT = 2.0
MATCH_SECONDS_PER_MB = 1.0


@dataclass(frozen=True)
class Rule:
    """A validated rule as written in a rule file."""

    id: str
    kind: str
    description: str
    spec: dict[str, Any]
    source: str = "<memory>"
    line: int = 0
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    example_lines: tuple[int, ...] = field(default=(), compare=False)  # the line of each item of ``examples``

    @property
    def examples(self) -> list[dict[str, Any]]:
        return self.spec.get("examples", [])

    def where(self, key: str | None = None) -> str:
        """``file:line`` of the rule, or of one of its keys when known."""
        return f"{self.source}:{self.key_lines.get(key, self.line) if key else self.line}"

    def example_where(self, index: int) -> str:
        """``file:line`` of example ``index``, or of ``examples`` when its line is not known."""
        line = self.example_lines[index] if index < len(self.example_lines) else 0
        return f"{self.source}:{line}" if line else self.where("examples")


class RuleError(ValueError):
    """A rule that cannot be used: names the file, the line, the rule and the cause."""

    def __init__(self, where: str, rule_id: str | None, message: str):
        self.where, self.rule_id, self.message = where, rule_id, message
        rule = f" rule '{rule_id}':" if rule_id else ""
        super().__init__(f"{where}:{rule} {message}")

    def __reduce__(self):  # raised in a worker process, it comes back whole
        return type(self), (self.where, self.rule_id, self.message)

    @classmethod
    def of(cls, rule: Rule, message: str, key: str | None = None) -> RuleError:
        return cls(rule.where(key), rule.id, message)


class RuleTimeout(RuntimeError):
    """A rule's pattern ran past the time budget of one document's matches."""

    def __init__(self, rule_id: str, seconds: float):
        self.rule_id = rule_id
        super().__init__(f"rule '{rule_id}': pattern timed out: the matches on this document ran past their "
                         f"budget of {seconds:.1f}s; document left unchanged")


class Change(NamedTuple):
    """A replacement proposed by a stage, in offsets of the stage's input text."""

    start: int
    end: int
    after: str
    rule: str
    note: str = ""  # the evidence for it, where the rule alone does not tell (a line's pages on its site)


@dataclass
class StageOutput:
    changes: list[Change] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


class Stage(Protocol):
    """A compiled step of the pipeline: text in, proposed changes out.

    A stage that reads corpus evidence also defines ``collector()`` (a fresh
    :class:`textclean.model.evidence.Collector`, or None when its rules need no first pass), and its
    ``apply`` then takes a :class:`textclean.model.evidence.Corpus` as well: the document's site and the
    evidence its collectors gathered, frozen. A stage that can report what documents show together
    (``textclean check`` of many files) defines ``reporter()``: a fresh
    :class:`textclean.model.evidence.Reporter`, or None.

    What a later pass must read again, where a stage declares it (by default, the whole text):
    ``locality(text)`` returns a :class:`LineLocal` where the stage is line-local on ``text``, else None;
    ``unsettles`` names the kinds of the stages to which its changes can give more to do, where that is
    not every stage (it then does its own work in one go).
    """

    kind: str

    def apply(self, text: str) -> StageOutput:
        """Changes must not overlap; the engine sorts and applies them."""


@dataclass(frozen=True)
class LineLocal:
    """A stage's answer to ``locality(text)`` (:class:`Stage`) where it is line-local on ``text``.

    Its changes and findings on a line (with its line break) then depend only on that line and on
    ``context`` (what it reads of the whole text, such as a document-wide condition of a rule), and it
    extracts no metadata: run on some of the text's lines joined in order, whose locality is the same, it
    changes and reports on each of them what it does there in the whole text. A later pass of the
    pipeline runs it only on the lines that edits touched since it last ran.
    """

    context: Hashable = None


@dataclass(frozen=True)
class RuleKind:
    """What a kind module declares to the engine."""

    name: str
    order: int
    summary: str
    compile: Callable[[list[Rule], dict[str, Any]], Stage]  # usually the stage class itself
    rule_schema: dict[str, Any]
    settings_schema: dict[str, Any] = field(default_factory=dict)
    #: Its edits move text into metadata (header lines): where metadata cannot be kept, as in files cleaned
    #: in place, the kind does not run unless the project says so.
    moves_to_metadata: bool = False
    #: Its edits only take text out (lines, a header glued to a line) and put none in: in a marks run
    #: (``Cleaner(marks=True)``) they are kept as marks on the input text, which stays whole
    #: (:mod:`textclean.model.marks`).
    only_removes: bool = False


def schema_beside(module_file: str) -> dict[str, Any]:
    """Load ``<module>.schema.json`` from beside a kind module."""
    return json.loads(Path(module_file).with_suffix(".schema.json").read_text("utf-8"))


def compile_pattern(rule: Rule, pattern: str, key: str = "pattern", flags: int = 0,
                    named_lists: dict[str, Any] | None = None, written: str | list[str] | None = None) -> regex.Pattern:
    """Compile a user pattern with the ``regex`` module, reporting errors against the rule.

    ``named_lists`` are the word lists that ``\\L<name>`` in the pattern refers to. An error
    is placed in what the rule wrote under ``key`` (or in ``written``, where the rule's text
    needs a stand-in to compile alone), which ``pattern`` may wrap.
    """
    try:
        return regex.compile(pattern, flags, ignore_unused=True, **(named_lists or {}))
    except regex.error as exc:
        written = rule.spec.get(key) if written is None else written
        raise RuleError.of(rule, f"{key} does not compile: {_as_written(exc, written, flags, named_lists)}",
                           key) from None


def _as_written(error: regex.error, written: Any, flags: int, named_lists: dict[str, Any] | None) -> str:
    """The error of the first written pattern (or list item) that fails alone, at its own position; else the
    error's message without a position, which would be one in the wrapping."""
    items = [written] if isinstance(written, str) else written if isinstance(written, list) else []
    for number, item in enumerate(items):
        try:
            regex.compile(item, flags, ignore_unused=True, **(named_lists or {}))
        except regex.error as own:
            where = f" of item {number + 1}" if isinstance(written, list) else ""
            return (f"{own.msg} at position {own.pos}" if own.pos is not None else own.msg) + where
    return error.msg
