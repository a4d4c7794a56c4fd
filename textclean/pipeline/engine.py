"""The rule engine: runs the stages in their fixed order and records every edit.

Order: unicode repair (ftfy) -> the rule kinds, each in the order it declares
(:attr:`textclean.model.kind.RuleKind.order`) -> whitespace tidy. While a stage
changed the text, the pipeline is repeated on its own output until it is
stable, so cleaning is idempotent even when one removal brings another rule
into reach (a header zone that now reaches one line further), or when ftfy
finds more to fix in what it fixed; a stage that already ran on the text as it
now is is not run again, since it would answer the same. A stage whose changes
can give only some stages more to do says so (:class:`textclean.model.kind.Stage`'s
``unsettles``): the whitespace stage finishes in one go, and only touches blank
lines and line ends, which no rule kind looks at; ftfy does (a trailing space
can hide mojibake), so the unicode stage runs again. A stage that is line-local
on the text (:class:`textclean.model.kind.LineLocal`) runs again only on the lines
edits touched since it last ran (:mod:`textclean.pipeline.changed_lines`): it would say
the same as before on the others.

There is no bound on the passes that shorten the text: they end by themselves.
Rules that bring the text back to what an earlier pass left (a cycle, as when a
characters rule undoes what a variants rule wrote), or more than
``max_idle_passes`` passes that do not shorten it, mean the rules have no fixed
point on this text: the document is then left unchanged, with an error finding
naming the rules, so that cleaning is idempotent and never cut short silently. Lines
that inline control comments keep from the rules (:mod:`textclean.pipeline.inline`) are
hidden from each stage, and no change may touch them.

A marks run (``Cleaner(marks=True)``) makes the changes of the kinds that only remove text
(:attr:`textclean.model.kind.RuleKind.only_removes`) on a copy, as a normal run would, and returns the input text
whole with those edits as marks on it (:mod:`textclean.model.marks`): the unicode and whitespace stages do not run,
and the other kinds give their metadata and findings while their changes are not made.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from copy import copy
from dataclasses import replace
from hashlib import blake2b
from operator import itemgetter
from time import perf_counter
from typing import Any

from ..kinds import registry
from ..matching import compiled
from ..matching.patterns import compile_all, document_budget
from ..model.document import Edit, Finding, Result, input_offset
from ..model.evidence import Collector, Corpus, Reporter
from ..model.kind import Change, LineLocal, Rule, RuleError, RuleKind, RuleTimeout, Stage, StageOutput
from ..model.marks import MARKS_FIELD, marks_from_edits
from ..stages.tidy import WhitespaceTidy
from ..stages.unicode_repair import UnicodeRepair
from . import inline, rulecache
from .changed_lines import Selection, touched_spans, worth_following
from .rulefile import RuleSet, load_rules


class Cleaner:
    """Compiled rules, ready to clean any number of documents.

    >>> Cleaner(RuleSet()).clean("Hello  \\n\\n\\n\\nworld\\n").text
    'Hello\\n\\nworld\\n'
    """

    def __init__(self, ruleset: RuleSet | None = None, *, unicode: bool = True, tidy: bool = True,
                 max_idle_passes: int = 64, evidence: dict[int, Any] | None = None, marks: bool = False,
                 incremental: bool = True):
        self.ruleset = load_rules() if ruleset is None else ruleset
        self.max_idle_passes = max_idle_passes
        #: A later pass runs a line-local stage only on the lines edits touched since it last ran; False: on the
        #: whole text, as the same result is reached without that shortcut (for tests and benchmarks).
        self.incremental = incremental
        #: A marks run: the text stays whole; the edits of kinds that only remove text become marks
        #: (:mod:`textclean.model.marks`), the unicode and whitespace stages do not run, and the other kinds give
        #: their metadata and findings but change nothing.
        self.marks = marks
        stages: list[Stage] = [UnicodeRepair()] if unicode and not marks else []
        stages += compile_kinds(self.ruleset)
        if tidy and not marks:
            stages.append(WhitespaceTidy())
        self.stages = stages
        kinds = registry()
        #: In a marks run, the places of the stages whose changes are made (on a copy) and kept as marks.
        self.marking = {index for index, stage in enumerate(stages)
                        if marks and stage.kind in kinds and kinds[stage.kind].only_removes}
        #: The stages that read corpus evidence (they define ``collector()``), by their place.
        self.corpus_stages = {index for index, stage in enumerate(stages) if hasattr(stage, "collector")}
        #: What a first pass over the corpus learned, frozen, by the place of the stage that asked for it.
        self.evidence: dict[int, Any] = dict(evidence or {})
        #: Seconds spent in each stage so far, by stage kind, for run statistics.
        self.stage_seconds: dict[str, float] = {stage.kind: 0.0 for stage in stages}

    def collectors(self) -> dict[int, Collector]:
        """A fresh collector for each stage that wants a first pass over the corpus, by the stage's place."""
        found = {index: self.stages[index].collector() for index in sorted(self.corpus_stages)}
        return {index: collector for index, collector in found.items() if collector is not None}

    def with_evidence(self, evidence: dict[int, Any]) -> Cleaner:
        """The same compiled stages, reading ``evidence`` (what :meth:`collectors` learned, frozen)."""
        other = copy(self)
        other.evidence = dict(evidence)
        return other

    def report_on(self, reporters: dict[str, Reporter | None], text: str, site: str, document: str) -> None:
        """Hand ``text`` (document ``document`` of ``site``, as this cleaner leaves it) to the reporter of each
        stage that defines ``reporter()`` (:mod:`textclean.model.evidence`). ``reporters``, by stage kind, starts empty
        and gets each kind's reporter the first time it is needed, so the cleaners of one run (files of
        several ``per_file_kinds``) share them. Lines inline markers keep from any rule are not read."""
        view = None
        for stage in self.stages:
            if not hasattr(stage, "reporter"):
                continue
            if stage.kind not in reporters:
                reporters[stage.kind] = stage.reporter()
            reporter = reporters[stage.kind]
            if reporter is not None:
                if view is None:
                    view = inline.hidden(text, [inline.Region(region.start, region.end)
                                                for region in inline.regions(text)])
                reporter.observe(site, view, document)

    def clean(self, text: str, metadata: dict[str, Any] | None = None, site: str | None = None) -> Result:
        """Clean one document (of ``site``, for the stages that read corpus evidence). A rule that times out
        (its matches share one budget, :func:`document_budget`), or rules without a fixed point on it
        (:class:`Unsettled`), leave the document unchanged.

        A field already in ``metadata`` keeps its value; where a stage extracts another value for it,
        a warning finding says so. ``site``: the site the document belongs to, for the stages that read
        corpus evidence (:mod:`textclean.model.evidence`); None, a document that stands alone.
        """
        try:
            with document_budget(text):
                return self._clean(text, dict(metadata or {}), site)
        except (RuleTimeout, Unsettled) as exc:
            return Result(text, text, dict(metadata or {}), [], [Finding(exc.rule_id, str(exc), level="error")])

    def _clean(self, text: str, metadata: dict[str, Any], site: str | None) -> Result:
        current, edits, findings = text, [], {}
        given = dict(metadata)  # the input's own fields win over extracted ones, which are then reported
        # The stages that have run on the text as it is now, or would say the same on it.
        settled: set[int] = set()
        # For each stage that has run: the number of edits made before its last run, and its locality then.
        last_run: dict[int, tuple[int, LineLocal | None]] = {}
        kept = inline.regions(current)  # the lines inline markers keep from the rules
        seen = {_digest(current): 0}  # the text as each pass left it -> the number of edits made by then
        idle = 0  # passes that did not shorten the text
        while len(settled) < len(self.stages):
            passed_from, first_edit = current, len(edits)
            for index, stage in enumerate(self.stages):
                if index in settled:
                    continue
                started = perf_counter()
                output, locality = self._apply(index, current, kept, edits, last_run.get(index), site)
                last_run[index] = (len(edits), locality)
                self.stage_seconds[stage.kind] += perf_counter() - started
                _merge_metadata(metadata, given, output.metadata, stage.kind, findings)
                for finding in output.findings:
                    finding = replace(finding, start=input_offset(edits, finding.start))
                    findings.setdefault((finding.rule, finding.start), finding)  # once, from its first pass
                changes = () if self.marks and index not in self.marking else output.changes
                current, applied = apply_changes(current, changes, stage.kind)
                if not applied:
                    settled.add(index)
                else:
                    edits.extend(applied)
                    kept = inline.regions(current)
                    unsettles = getattr(stage, "unsettles", None)
                    settled = set() if unsettles is None else \
                        {i for i in settled if self.stages[i].kind not in unsettles} | {index}
            if len(settled) == len(self.stages):
                break
            idle = idle + 1 if len(current) >= len(passed_from) else 0
            digest = _digest(current)
            if digest in seen or idle > self.max_idle_passes:
                raise Unsettled(edits[seen.get(digest, first_edit):], cycle=digest in seen, passes=idle)
            seen[digest] = len(edits)
        if self.marks:
            marks = marks_from_edits(text, edits)
            if marks:
                _merge_metadata(metadata, given, {MARKS_FIELD: [mark.to_dict() for mark in marks]}, "marks",
                                findings)
            return Result(text, text, metadata, [], list(findings.values()), marks)
        return Result(text, current, metadata, edits, list(findings.values()))

    def _apply(self, index: int, text: str, kept: list[inline.Region], edits: list[Edit],
               last_run: tuple[int, LineLocal | None] | None, site: str | None) -> tuple[StageOutput, LineLocal | None]:
        """What stage ``index`` says on ``text``, and its locality there (None: it reads it whole, or lines are
        hidden from it). Where it is line-local with the same locality as when it last ran, it runs only on the
        lines the edits made since then touched, if those have that locality too and there are few edits."""
        stage = self.stages[index]
        locality = stage.locality(text) if self.incremental and not kept and hasattr(stage, "locality") else None
        if locality is not None and last_run is not None and last_run[1] == locality \
                and worth_following(edits[last_run[0]:], text):
            selection = Selection.of(text, touched_spans(edits[last_run[0]:]))
            if stage.locality(selection.text) == locality:
                return selection.in_text(self._run(index, selection.text, site)), locality
        output = self._run(index, inline.hidden(text, kept), site)
        if kept:
            output = replace(output, changes=inline.allowed_changes(output.changes, kept),
                             findings=inline.allowed_findings(output.findings, kept))
        return output, locality

    def _run(self, index: int, text: str, site: str | None) -> StageOutput:
        stage = self.stages[index]
        return stage.apply(text, Corpus(site, self.evidence.get(index))) if index in self.corpus_stages \
            else stage.apply(text)


def compile_errors(ruleset: RuleSet) -> list[RuleError]:
    """Every error compiling ``ruleset`` raises, instead of the first: each rule is compiled alone, then the rules
    of each kind that compile alone together (which finds what two rules cannot do side by side)."""
    errors: list[RuleError] = []

    def compiled(kind: RuleKind, rules: list[Rule]) -> bool:
        try:
            stage = kind.compile(rules, ruleset.settings.get(kind.name, {}))
            compile_all()  # what a run compiles when first needed, while the stage holds it
            del stage
            return True
        except RuleError as exc:
            errors.append(exc)
            return False

    for name, kind in registry().items():
        alone = [rule for rule in ruleset.rules if rule.kind == name and compiled(kind, [rule])]
        if len(alone) > 1:
            compiled(kind, alone)
    return errors


class Unsettled(RuntimeError):
    """Rules that have no fixed point on a document: a pass brought back a text an earlier pass left, or too many
    passes in a row did not shorten it."""

    def __init__(self, edits: list[Edit], cycle: bool, passes: int):
        self.rule_id = ", ".join(dict.fromkeys(edit.rule for edit in edits))
        why = ("their edits bring back a text an earlier pass left (a cycle)" if cycle
               else f"{passes} passes in a row did not shorten the text")
        super().__init__(f"rules {self.rule_id} reach no fixed point on this document: {why}; document left "
                         "unchanged")


def _merge_metadata(metadata: dict[str, Any], given: dict[str, Any], extracted: dict[str, Any], kind: str,
                    findings: dict) -> None:
    """Add what a stage extracted; a field the input gave keeps its value, and a warning says so."""
    for key, value in extracted.items():
        metadata.setdefault(key, value)
        if key in given and given[key] != value:
            finding = Finding(kind, f"metadata field {key!r} keeps the value the input gave it, "
                              f"{given[key]!r}; the text gave {value!r}")
            findings.setdefault((finding.rule, key), finding)


def _digest(text: str) -> bytes:
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def compile_kinds(ruleset: RuleSet) -> list[Stage]:
    """A stage for each rule kind that ``ruleset`` has rules of, in the kinds' order.

    For rules loaded from files (``ruleset.origin``), the stages come from the cache when it holds them for
    the same rules and settings (:mod:`textclean.pipeline.rulecache`), and are stored there when it does not.
    """
    kinds = [(name, kind, [rule for rule in ruleset.rules if rule.kind == name]) for name, kind in registry().items()]
    kinds = [(name, kind, rules) for name, kind, rules in kinds if rules]
    if ruleset.origin is None or rulecache.folder() is None:
        return [kind.compile(rules, ruleset.settings.get(name, {})) for name, kind, rules in kinds]
    selected = [(rule.id, rule.source, rule.line) for rule in ruleset.rules]  # each a rule of the origin's files
    name = rulecache.key("stages", ruleset.origin, json.dumps(selected),
                         json.dumps(ruleset.settings, default=repr))  # in the order the files and --set gave
    by_id = {rule.id: rule for rule in ruleset.rules}

    def rule_id(item: Any) -> str | None:  # the rules are not stored again with the stages, but named
        return item.id if isinstance(item, Rule) and by_id.get(item.id) is item else None

    stages = rulecache.load(name, persistent_load=by_id.__getitem__)
    if isinstance(stages, list) and [getattr(stage, "kind", None) for stage in stages] == [k for k, _, _ in kinds]:
        return stages
    stages = [kind.compile(rules, ruleset.settings.get(name, {})) for name, kind, rules in kinds]
    compile_all()  # what a run would compile when first needed: cached compiled
    rulecache.store(name, stages, persistent_id=rule_id)
    return stages


_span = itemgetter(0, 1)  # a Change's start and end


@compiled.twin("textclean.matching._changes")
def apply_changes(text: str, changes: Iterable[Change], kind: str) -> tuple[str, list[Edit]]:
    """Apply non-overlapping changes; return the new text and the edits in replay order."""
    parts: list[str] = []
    edits: list[Edit] = []
    last = 0  # where the text not yet copied starts
    reached = 0  # where the changes so far end, those that change nothing too
    delta = 0
    for start, end, after, rule, note in sorted(changes, key=_span):
        if start < reached:
            raise ValueError(f"stage {kind!r} proposed overlapping changes at {start}")
        reached = end
        before = text[start:end]
        if before == after:
            continue
        parts.append(text[last:start])
        parts.append(after)
        edits.append(Edit(rule, kind, start + delta, end + delta, before, after, note))
        delta += len(after) - len(before)
        last = end
    if not edits:
        return text, []
    parts.append(text[last:])
    return "".join(parts), edits


def clean(text: str, rules: RuleSet | None = None) -> str:
    """Clean ``text`` with the shipped rules (or ``rules``) and return the cleaned text."""
    return Cleaner(rules).clean(text).text
