"""Regenerate the CLI reference in README.md from the commands' own --help.

    python tools/cli_reference.py          # rewrite README.md
    python tools/cli_reference.py --check  # exit 1 if README.md is out of date
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
from textclean.cli import main  # noqa: E402

README = ROOT / "README.md"
START, END = "<!-- cli-reference start -->", "<!-- cli-reference end -->"


def commands(group: click.Group, prefix: list[str]):
    context = click.Context(group)
    for name in sorted(group.list_commands(context)):
        command = group.get_command(context, name)
        yield [*prefix, name]
        if isinstance(command, click.Group):
            yield from commands(command, [*prefix, name])


def reference() -> str:
    runner = CliRunner()
    parts = []
    for path in [[], *commands(main, [])]:
        help_text = runner.invoke(main, [*path, "--help"], prog_name="textclean", terminal_width=100).output
        parts.append(f"### `{' '.join(['textclean', *path])}`\n\n```\n{help_text.rstrip()}\n```\n")
    return "\n".join(parts)


def updated(readme: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{reference()}{END}{tail}"


if __name__ == "__main__":
    text = README.read_text("utf-8")
    new = updated(text)
    if "--check" in sys.argv:
        sys.exit(0 if new == text else 1)
    README.write_text(new, "utf-8")
