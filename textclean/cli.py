"""The ``textclean`` command line: parses options, reads, calls the library, writes."""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any, Callable

import click
import yaml

from .config import ConfigError, find_config
from .engine import Cleaner
from .inputs import DEFAULT_INCLUDE, InputError, ReadOptions, expand, is_jsonl, read_documents
from .kind import RuleError
from .kinds import registry
from .outputs import AtomicWriter, Output, OutputError
from .report import RunSummary, render_edits
from .rule_examples import run_examples
from .rulefile import RuleSet, load_rules, rule_files, rulefile_schema

EXIT_FINDINGS = 1
EXIT_USAGE = 2


def _fail(message: str, code: int) -> None:
    click.echo(f"textclean: error: {message}", err=True)
    sys.exit(code)


def rule_options(command: Callable) -> Callable:
    """Options that choose which rules are loaded, shared by every command that loads rules."""
    options = [
        click.option("--rules", "rule_paths", multiple=True, type=click.Path(),
                     help="An extra rule file or folder of rule files (repeatable)."),
        click.option("--disable", multiple=True, metavar="ID", help="Switch off the rule with this id (repeatable)."),
        click.option("--only", multiple=True, metavar="KIND",
                     help=f"Run only rules of this kind (repeatable): {', '.join(registry())}."),
        click.option("--no-shipped", is_flag=True, help="Do not load the rule packs shipped with textclean."),
        click.option("--no-config", is_flag=True,
                     help="Ignore .textclean.yaml and [tool.textclean] in pyproject.toml."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def load_selected_rules(rule_paths, disable, only, no_shipped, no_config) -> RuleSet:
    """Rules from the project configuration plus the command line; exits 2 on any rule error."""
    try:
        config = find_config(Path.cwd()) if not no_config else None
        paths = [*(config.rules if config else []), *rule_paths]
        shipped = (config.shipped if config else True) and not no_shipped
        ruleset = load_rules(paths, shipped=shipped)
        return ruleset.select([*(config.disable if config else []), *disable], [*(config.only if config else []), *only])
    except (RuleError, ConfigError) as exc:
        _fail(str(exc), EXIT_USAGE)


def handles_errors(command: Callable) -> Callable:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (RuleError, ConfigError) as exc:
            _fail(str(exc), EXIT_USAGE)
        except (InputError, OutputError) as exc:
            _fail(str(exc), EXIT_FINDINGS)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="textclean")
def main() -> None:
    """Clean scraped text with declarative rules: unicode repair, date headers,
    boilerplate and transliteration variants. Every edit is recorded."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(), help="Output file, or folder (mirrors the input tree).")
@click.option("--format", "fmt", type=click.Choice(["auto", "text", "jsonl"]), default="auto", show_default=True,
              help="Output format. auto: text for one text file or a folder output, JSONL otherwise.")
@click.option("--input-format", type=click.Choice(["auto", "text", "jsonl"]), default="auto", show_default=True,
              help="How to read inputs. auto: JSONL for .jsonl/.jsonl.gz/.ndjson files, text otherwise.")
@click.option("--text-field", default="text", show_default=True, help="JSONL field holding the text.")
@click.option("--id-field", default="id", show_default=True, help="JSONL field holding the document id.")
@click.option("--include", multiple=True, metavar="GLOB",
              help=f"Files to take from folders (repeatable). Default: {' '.join(DEFAULT_INCLUDE)}.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Files to skip in folders (repeatable).")
@click.option("--explain", is_flag=True, help="Show every edit: rule id, line, before and after.")
@click.option("--edits", "edits_path", type=click.Path(), help="Write the edit log as JSONL, for audit and undo.")
@click.option("--no-unicode", is_flag=True, help="Skip the unicode repair stage (ftfy).")
@click.option("--no-tidy", is_flag=True, help="Skip the whitespace tidy stage.")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
@rule_options
@handles_errors
def clean(paths, output, fmt, input_format, text_field, id_field, include, exclude, explain: bool, edits_path,
          no_unicode, no_tidy, quiet, **rule_args) -> None:
    """Clean files, folders, JSONL or stdin ('-').

    \b
    textclean clean page.txt                 # to stdout
    textclean clean corpus.jsonl -o out.jsonl
    textclean clean examples/ -o cleaned/    # mirrors the tree
    textclean clean --explain page.txt       # shows every edit
    """
    cleaner = Cleaner(load_selected_rules(**rule_args), unicode=not no_unicode, tidy=not no_tidy)
    options = ReadOptions(text_field, id_field, include or DEFAULT_INCLUDE, exclude, input_format)
    files = expand(paths, options)
    if not files:
        raise InputError(" ".join(paths), None, "no input files (see --include and --exclude)")
    folder = bool(output) and (Path(output).is_dir() or output.endswith("/") or any(Path(p).is_dir() for p in paths))
    if fmt == "auto":
        one_text_file = len(paths) == 1 and not Path(paths[0]).is_dir() and not is_jsonl(files[0][0], options)
        fmt = "text" if folder or one_text_file else "jsonl"
    inputs = {Path(f) for f, _ in files if f != "-"}
    sink = Output(None if explain and not output else output, fmt, text_field, id_field, folder, inputs)
    edits_log = AtomicWriter(Path(edits_path)) if edits_path else None
    summary = RunSummary()
    color = sys.stdout.isatty()
    ok = False
    try:
        for doc in read_documents(paths, options):
            result = cleaner.clean(doc.text, doc.metadata)
            summary.add(doc.id, result)
            if explain:
                shown = render_edits(doc.id, result, color)
                if shown:
                    click.echo(shown)
            if not explain or output:
                sink.write(doc, result)
            if edits_log and result.edits:
                record = {"id": doc.id, "source": doc.source, "edits": [e.to_dict() for e in result.edits]}
                edits_log.write(json.dumps(record, ensure_ascii=False) + "\n")
        ok = True
    except KeyboardInterrupt:
        click.echo("textclean: interrupted; no partial output was kept", err=True)
        sys.exit(130)
    finally:
        sink.close(ok)
        if edits_log:
            edits_log.commit() if ok else edits_log.abort()
    if not quiet:
        click.echo(summary.render(), err=True)
    if summary.errors:
        sys.exit(EXIT_FINDINGS)



@main.group()
def rules() -> None:
    """List, show, lint and test rules."""


@rules.command("list")
@click.option("--kind", help="Only rules of this kind.")
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
        _fail(f"no loaded rule has the id {rule_id!r} (see 'textclean rules list')", EXIT_USAGE)
    click.echo(f"# {rule.where()}")
    click.echo(yaml.safe_dump(rule.spec, sort_keys=False, allow_unicode=True, width=100), nl=False)


def _rules_from_files(files: tuple[str, ...], rule_args: dict[str, Any]) -> tuple[RuleSet, set[str]]:
    """All loaded rules, and the sources to report on: the given files, or everything."""
    ruleset = load_selected_rules(rule_paths=(*rule_args.pop("rule_paths"), *files), **rule_args)
    return ruleset, {str(p) for f in files for p in rule_files(Path(f))}


@rules.command("lint")
@click.argument("files", nargs=-1, type=click.Path())
@rule_options
def rules_lint(files, **rule_args) -> None:
    """Validate rule files against the schema and compile every pattern."""
    ruleset, _ = _rules_from_files(files, rule_args)
    try:
        Cleaner(ruleset)
    except RuleError as exc:
        _fail(str(exc), EXIT_USAGE)
    click.echo(f"{len(ruleset.rules)} rules from {len(ruleset.sources)} files: ok")


@rules.command("test")
@click.argument("files", nargs=-1, type=click.Path())
@rule_options
def rules_test(files, **rule_args) -> None:
    """Run the examples of every loaded rule (or of the rules in FILES); print failures as diffs."""
    ruleset, sources = _rules_from_files(files, rule_args)
    tested = RuleSet([r for r in ruleset.rules if not sources or r.source in sources], ruleset.settings)
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
