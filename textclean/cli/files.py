"""``textclean fix``, ``check``, ``diff`` and ``explain``: files cleaned in place, and previews of that.

They follow pre-commit-hooks' conventions: ``fix`` prints ``Fixing <file>`` and exits 1
when it changed a file, 0 when nothing needed changing; ``check`` prints
``path:line:col: rule-id: message`` lines (then, for many files, what they show together:
:class:`~textclean.runs.files.FilesReport`) and exits 1 when it reports anything; every
command exits 2 on a usage, configuration or rule-file error.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..io.inputs import InputError
from ..io.outputs import OutputError
from ..pipeline.config import ProjectConfig, find_config
from ..pipeline.inline import names
from ..runs.files import BACKUP_SUFFIX, BinaryFileError, FileCleaner, FilePlan, FilesProblem, FilesReport, Problem
from ..runs.report import render_marked
from .common import EXIT_FINDINGS, handles_errors, load_selected_rules, main, rule_options

_paths_argument = click.argument("paths", nargs=-1, required=True, type=click.Path())
_only_included_option = click.option(
    "--only-included", is_flag=True,
    help="Take a file named on the command line only when the include and exclude globs of the configuration "
    "take it, as files found in folders are (the pre-commit hooks pass this). By default a file named is taken "
    "whatever its name.")
_normalize_option = click.option(
    "--normalize-line-endings", is_flag=True,
    help="Write LF line endings. By default each file keeps its own (CRLF stays CRLF).")


class _Files:
    """The files one command works on, planned one at a time; says which it skips or cannot read."""

    def __init__(self, paths: tuple[str, ...], rule_args: dict[str, Any], normalize_line_endings: bool = False,
                 only_included: bool = False):
        ruleset = load_selected_rules(**rule_args)
        config = ProjectConfig() if rule_args["no_config"] else find_config(Path.cwd())
        self.cleaner = FileCleaner(ruleset, config, normalize_line_endings)
        self.paths = self.cleaner.select(paths, only_included)
        self.failed = False
        if not self.paths:
            where = config.source or "no configuration file"
            click.echo(f"textclean: no file to clean: none matches include ({' '.join(config.include)}) "
                       f"without matching exclude ({where})", err=True)

    def __iter__(self) -> Iterator[FilePlan]:
        for path in self.paths:
            try:
                plan = self.cleaner.plan(path)
            except BinaryFileError:
                click.echo(f"{path}: skipped: binary file", err=True)
                continue
            except InputError as exc:
                click.echo(f"textclean: error: {exc}", err=True)
                self.failed = True
                continue
            yield plan


@main.command()
@_paths_argument
@click.option("--backup", is_flag=True, help=f"Keep each original beside it as <file>{BACKUP_SUFFIX}.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff instead of writing.")
@_normalize_option
@_only_included_option
@rule_options
@handles_errors
def fix(paths, backup, show_diff, normalize_line_endings, only_included, **rule_args) -> None:
    """Clean files in place; print 'Fixing <file>' for each one changed.

    Exit status: 1 when a file changed (or could not be read), 0 when none needed to;
    2 a usage error (a path that does not exist).
    Files keep their line endings, final newline and permissions; a file whose
    contents would not change is not touched.

    \b
    textclean fix notes/*.txt
    textclean fix --backup page.txt          # keeps page.txt.orig
    textclean fix --only variants drafts/    # folders are searched
    """
    if backup and show_diff:
        raise click.UsageError("--diff writes nothing, so there is nothing to back up; use one of them")
    _fix(_Files(paths, rule_args, normalize_line_endings, only_included), backup, show_diff)


@main.command("diff")
@_paths_argument
@_normalize_option
@_only_included_option
@rule_options
@handles_errors
def diff_command(paths, normalize_line_endings, only_included, **rule_args) -> None:
    """Print the unified diff 'textclean fix' would apply; change nothing.

    Exit status: 1 when there is a difference, 0 when there is none; 2 a usage error.
    """
    _fix(_Files(paths, rule_args, normalize_line_endings, only_included), False, True)


def _fix(files: _Files, backup: bool, show_diff: bool) -> None:
    changed = False
    for plan in files:
        for finding in plan.result.findings:
            if finding.level == "error":
                click.echo(f"textclean: error: {plan.file.path}: {finding.message}", err=True)
                files.failed = True
        if not plan.changed:
            continue
        changed = True
        if show_diff:
            click.echo(plan.diff(), nl=False)
        else:
            click.echo(f"Fixing {plan.file.path}")
            try:
                plan.write(backup)
            except OutputError as exc:
                click.echo(f"textclean: error: {exc}", err=True)
                files.failed = True
    if changed or files.failed:
        sys.exit(EXIT_FINDINGS)


@main.command()
@_paths_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: 'path:line:col: rule-id: message' lines. json: a list of objects, for editors and CI "
              "(one about files together has 'files' instead of 'path', 'line' and 'column').")
@click.option("--select", "selected", multiple=True, metavar="RULE",
              help="Report only the rules named (repeatable): an id, or a prefix of ids up to a dot ('share' names "
              "share.buttons).")
@_normalize_option
@_only_included_option
@rule_options
@handles_errors
def check(paths, fmt, selected, normalize_line_endings, only_included, **rule_args) -> None:
    """Report each edit 'textclean fix' would make, and what rules noticed; change nothing.

    Given more than one file, also report what the files show together, as each would
    be after 'fix' (a person spelled one way in a.txt and another in b.txt), in
    'a.txt, b.txt: rule-id: message' lines after the others; the files of site-scope
    rules are compared within each folder.

    Exit status: 1 when anything is reported, 0 otherwise; 2 a usage error.

    \b
    textclean check notes/*.txt
    textclean check --format json drafts/ > findings.json
    textclean check --select name --select place notes/   # only rules name.* and place.*
    """
    files = _Files(paths, rule_args, normalize_line_endings, only_included)
    together = FilesReport(files.cleaner) if len(files.paths) > 1 else None
    problems: list[Problem | FilesProblem] = []
    for plan in files:
        problems += plan.problems()
        if together is not None:
            together.observe(plan)
    if together is not None:
        problems += together.problems()
    problems = [problem for problem in problems
                if not selected or any(names(selector, problem.rule) for selector in selected)]
    if fmt == "json":
        click.echo(json.dumps([problem.to_dict() for problem in problems], indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            click.echo(str(problem))
    if problems or files.failed:
        sys.exit(EXIT_FINDINGS)


@main.command()
@_paths_argument
@_only_included_option
@rule_options
@handles_errors
def explain(paths, only_included, **rule_args) -> None:
    """Show each file with every edit marked in place and labelled with its rule id.

    On a terminal removed text is red and struck through and added text green;
    otherwise removed text reads [-like this-] and added text {+like this+}. Each
    change is followed by ⟨rule-id⟩; findings and metadata follow the text.
    """
    files = _Files(paths, rule_args, only_included=only_included)
    color = sys.stdout.isatty()
    for plan in files:
        if len(files.paths) > 1:
            header = f"==> {plan.file.path} <=="
            click.echo(click.style(header, bold=True) if color else header)
        shown = render_marked(str(plan.file.path), plan.result, color)
        click.echo(shown, nl=not shown.endswith("\n"))
    if files.failed:
        sys.exit(EXIT_FINDINGS)
