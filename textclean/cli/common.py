"""What every command shares: the command group, exit codes, rule selection, error handling."""
from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..io.extras import DISTRIBUTION
from ..io.inputs import DEFAULT_INCLUDE, InputError
from ..io.outputs import OutputError
from ..kinds import registry
from ..matching import compiled
from ..model.kind import RuleError
from ..pipeline.config import ConfigError, find_config
from ..pipeline.rulefile import RuleSet, load_rules

EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def fail(message: str, code: int) -> None:
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
        click.option("--set", "settings", multiple=True, metavar="KIND.KEY=VALUE",
                     help="Override a setting of a rule kind for this run (repeatable; the value is YAML), "
                     "as in variants.mode=check."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def input_options(command: Callable) -> Callable:
    """Options that say how input files are found and read, shared by the commands that read a corpus."""
    options = [
        click.option("--input-format", type=click.Choice(["auto", "text", "jsonl", "parquet"]), default="auto",
                     show_default=True, help="How to read inputs. auto: by suffix (.jsonl .ndjson, also .gz/.zst; "
                     ".parquet), text otherwise; stdin ('-') is JSONL when every line of its start is a JSON "
                     "object with the text field."),
        click.option("--text-field", default="text", show_default=True,
                     help="JSONL field or Parquet column holding the text."),
        click.option("--include", multiple=True, metavar="GLOB",
                     help=f"Files to take from folders (repeatable). Default: {' '.join(DEFAULT_INCLUDE)}."),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Files to skip in folders (repeatable)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def load_selected_rules(rule_paths, disable, only, no_shipped, no_config, settings,
                        errors: list[RuleError] | None = None) -> RuleSet:
    """Rules from the project configuration plus the command line; exits 2 on any rule error (``errors``:
    the errors of rule files are added to them, and the rules they concern left out)."""
    try:
        config = find_config(Path.cwd()) if not no_config else None
        paths = [*(config.rules if config else []), *rule_paths]
        shipped = (config.shipped if config else True) and not no_shipped
        ruleset = load_rules(paths, shipped=shipped, errors=errors)
        if config:
            try:  # its own entries first, so that an error names the configuration file
                ruleset.select(config.disable, config.only)
            except RuleError as exc:
                raise ConfigError(f"{config.source}: {exc.where.lstrip('-')}: {exc.message}") from None
            disable, only = [*config.disable, *disable], [*config.only, *only]
        for assignment in settings:
            ruleset = ruleset.with_setting(assignment)
        return ruleset.select(disable, only)
    except (RuleError, ConfigError) as exc:
        fail(str(exc), EXIT_USAGE)


def handles_errors(command: Callable) -> Callable:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (RuleError, ConfigError) as exc:
            fail(str(exc), EXIT_USAGE)
        except (InputError, OutputError) as exc:
            fail(str(exc), EXIT_USAGE if exc.usage else EXIT_FINDINGS)
    return wrapper


#: The module of this package that defines each command, imported when the command is asked for: a
#: command does not wait for the imports of the others.
COMMAND_MODULES = {
    "boilerplate": ["boilerplate"], "check": ["files"], "clean": ["clean"], "diff": ["files"],
    "explain": ["files"], "fix": ["files"], "marks": ["marks"],
    "report": ["report"], "rules": ["rules", "rules_new"], "undo": ["undo"], "variants": ["variants"],
}


class _Commands(click.Group):
    """A command group that imports a command's module (:data:`COMMAND_MODULES`) when it is first needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            for module in COMMAND_MODULES.get(cmd_name, []):
                importlib.import_module(f"{__package__}.{module}")
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=DISTRIBUTION,
                      message=f"%(prog)s, version %(version)s\ncompiled core: {compiled.in_use()}")
def main() -> None:
    """Clean scraped text with declarative rules: unicode repair, date headers,
    boilerplate and transliteration variants. Every edit is recorded."""
