"""Running the examples written inside rule files: each rule alone on its own inputs."""
from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..model.kind import Rule
from ..pipeline.engine import Cleaner
from ..pipeline.rulefile import RuleSet


@dataclass(frozen=True)
class ExampleFailure:
    rule: Rule
    index: int
    message: str

    def __str__(self) -> str:
        return f"{self.rule.example_where(self.index)}: rule '{self.rule.id}': example {self.index + 1}: {self.message}"


def iter_examples(ruleset: RuleSet) -> Iterator[tuple[Rule, int, dict[str, Any]]]:
    for rule in ruleset.rules:
        for index, example in enumerate(rule.examples):
            yield rule, index, example


def pack_cleaner(rule: Rule, ruleset: RuleSet) -> Cleaner:
    """A cleaner with the rules of ``rule``'s own file, as its examples are written against them."""
    return Cleaner(RuleSet([r for r in ruleset.rules if r.source == rule.source], ruleset.settings))


EXAMPLE_SITE = "example.org"


def in_corpus(cleaner: Cleaner, example: dict[str, Any]) -> tuple[Cleaner, str | None]:
    """The cleaner and site for an example: one that names a ``site`` or other ``pages`` is cleaned as a page of
    that site (default: example.org), with the evidence a first pass over its pages and its text gives."""
    if "site" not in example and "pages" not in example:
        return cleaner, None
    site = example.get("site", EXAMPLE_SITE)
    collectors = cleaner.collectors()
    for page in [*example.get("pages", []), example.get("keep", example.get("input"))]:
        for collector in collectors.values():
            collector.observe(site, page)
    return cleaner.with_evidence({place: collector.freeze() for place, collector in collectors.items()}), site


def check_example(rule: Rule, index: int, example: dict[str, Any], cleaner: Cleaner) -> ExampleFailure | None:
    """``keep``: the rule makes no edit. ``input``: the pack turns it into ``output`` (and ``metadata``)."""
    cleaner, site = in_corpus(cleaner, example)
    if "keep" in example:
        result = cleaner.clean(example["keep"], site=site)
        touched = [edit.before for edit in result.edits if edit.rule == rule.id]
        if touched:
            return ExampleFailure(rule, index, f"must stay unchanged, but the rule removed or changed {touched[0]!r}")
        return None
    result = cleaner.clean(example["input"], site=site)
    if result.text != example["output"]:
        diff = difflib.unified_diff(example["output"].splitlines(True), result.text.splitlines(True), "expected", "got")
        return ExampleFailure(rule, index, "gave a different output:\n" + "".join(diff))
    for field, value in example.get("metadata", {}).items():
        got = result.metadata.get(field)
        if got != value:
            return ExampleFailure(rule, index, f"metadata {field!r}: expected {value!r}, got {got!r}")
    if not any(edit.rule == rule.id for edit in result.edits) and "metadata" not in example:
        if example["input"] == example["output"]:
            return ExampleFailure(rule, index, "its output is its input; text the rule must leave alone belongs "
                                               "under 'keep:', not 'input:'/'output:'")
        return ExampleFailure(rule, index, "the rule itself made no edit; the output came from other rules")
    return None


def run_examples(ruleset: RuleSet) -> list[ExampleFailure]:
    failures = []
    cleaners: dict[str, Cleaner] = {}
    for rule, index, example in iter_examples(ruleset):
        cleaner = cleaners.get(rule.source) or cleaners.setdefault(rule.source, pack_cleaner(rule, ruleset))
        failure = check_example(rule, index, example, cleaner)
        if failure:
            failures.append(failure)
    return failures
