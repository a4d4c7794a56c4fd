"""``textclean rules``: list, show, lint, test and print the schema of rules."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import yaml

from ..authoring.rule_examples import run_examples
from ..kinds import registry
from ..matching.backtracking import bound, nested_quantifiers
from ..model.kind import Rule, RuleError
from ..pipeline.engine import compile_errors
from ..pipeline.rulefile import RuleSet, pattern_keys, rule_files, rulefile_schema
from ..runs.report import counted
from .common import EXIT_FINDINGS, EXIT_USAGE, fail, handles_errors, load_selected_rules, main, rule_options


@main.group()
def rules() -> None:
    """List, show, lint and test rules."""


@rules.command("list")
@click.option("--kind", type=click.Choice(list(registry())), help="Only rules of this kind.")
@rule_options
def rules_list(kind, **rule_args) -> None:
    """One line per loaded rule: id, kind, description."""
    ruleset = load_selected_rules(**rule_args)
    for rule in ruleset.rules:
        if kind is None or rule.kind == kind:
            click.echo(f"{rule.id:32} {rule.kind:12} {rule.description}")


@rules.command("show")
@click.argument("rule_id")
@rule_options
def rules_show(rule_id, **rule_args) -> None:
    """A rule as written, with the file and line it comes from."""
    ruleset = load_selected_rules(**rule_args)
    try:
        rule = ruleset.by_id(rule_id)
    except KeyError:
        fail(f"no loaded rule has the id {rule_id!r} (see 'textclean rules list')", EXIT_USAGE)
    click.echo(f"# {rule.where()}")
    click.echo(_written_lines(rule) or yaml.safe_dump(rule.spec, sort_keys=False, allow_unicode=True, width=100),
               nl=False)


def _written_lines(rule: Rule) -> str | None:
    """The lines of the rule's file that hold it (its list item), or None when the file cannot be read."""
    try:
        lines = Path(rule.source).read_text("utf-8").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return None
    first = rule.line - 1
    if not 0 <= first < len(lines):
        return None
    indent = len(lines[first]) - len(lines[first].lstrip())
    end = first + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    while end > first + 1 and not lines[end - 1].strip():
        end -= 1
    return "".join(lines[first:end])


def _rules_from_files(files: tuple[str, ...], rule_args: dict[str, Any],
                      errors: list[RuleError] | None = None) -> tuple[RuleSet, set[Path]]:
    """All loaded rules, and the files to report on (resolved): the given files, or everything."""
    ruleset = load_selected_rules(rule_paths=(*rule_args.pop("rule_paths"), *files), **rule_args, errors=errors)
    try:
        return ruleset, {p.resolve() for f in files for p in rule_files(Path(f))}
    except RuleError:  # a file that does not exist, which ``errors`` holds
        return ruleset, set()


def _reported(rule: Rule, sources: set[Path]) -> bool:
    """Whether ``rule`` comes from one of ``sources`` (resolved paths; none: every file)."""
    return not sources or Path(rule.source).resolve() in sources


@rules.command("lint")
@click.argument("files", nargs=-1, type=click.Path())
@rule_options
def rules_lint(files, **rule_args) -> None:
    """Validate rule files against the schema and compile every pattern; report every error, then exit 2."""
    errors: list[RuleError] = []
    ruleset, sources = _rules_from_files(files, rule_args, errors)
    errors += compile_errors(ruleset)
    if errors:
        for error in errors:
            click.echo(f"textclean: error: {error}", err=True)
        fail(f"{counted(len(errors), 'error')} in the rule files", EXIT_USAGE)
    warnings = 0
    for rule in ruleset.rules:
        if not _reported(rule, sources):
            continue
        for missing, needed in (("input", "an input and its output, to show what the rule changes"),
                                ("keep", "a keep text, to show what the rule must leave alone")):
            if not any(missing in example for example in rule.examples):
                warnings += 1
                click.echo(f"{rule.where('examples')}: rule '{rule.id}': warning: no example with {needed}")
        for key in pattern_keys(rule.kind):
            value = rule.spec.get(key)
            patterns = [value] if isinstance(value, str) else value or []
            if any(nested_quantifiers(p) and bound(p) is None for p in patterns):
                warnings += 1
                click.echo(f"{rule.where(key)}: rule '{rule.id}': warning: {key} has a repeat inside a repeat, "
                           "which can backtrack catastrophically; make the inner part unambiguous")
    click.echo(f"{counted(len(ruleset.rules), 'rule')} from {counted(len(ruleset.sources), 'file')}: ok, "
               f"{counted(warnings, 'warning')}")


@rules.command("test")
@click.argument("files", nargs=-1, type=click.Path())
@rule_options
@handles_errors
def rules_test(files, **rule_args) -> None:
    """Run the examples of every loaded rule (or of the rules in FILES); print failures as diffs."""
    ruleset, sources = _rules_from_files(files, rule_args)
    tested = RuleSet([r for r in ruleset.rules if _reported(r, sources)], ruleset.settings)
    failures = run_examples(tested)
    for failure in failures:
        click.echo(str(failure))
    count = sum(len(r.examples) for r in tested.rules)
    click.echo(f"{count - len(failures)} passed, {len(failures)} failed")
    sys.exit(EXIT_FINDINGS if failures else 0)


@rules.command("schema")
def rules_schema() -> None:
    """Print the JSON Schema of rule files (for editors: yaml-language-server)."""
    click.echo(json.dumps(rulefile_schema(), indent=2, ensure_ascii=False))
