"""Hostile rule files: each loads in bounded time and memory or is refused naming file, line and cause, and
``rules lint`` refuses exactly what ``clean`` would fail on."""
import pytest
from click.testing import CliRunner

from textclean.cli import main

DOCUMENT = "aaaa\nShare\nThe talks began on Monday, officials said.\nline one\nline two\n"


def rule_file(tmp_path, body, name="mine.yaml"):
    path = tmp_path / name
    path.write_text("rules:\n  - id: my.rule\n    description: A hostile rule.\n    examples: [{keep: x}]\n" + body,
                    "utf-8")
    return path


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize(("body", "line", "cause"), [
    ("    kind: boilerplate\n    pattern: '(?P<r>(?&r)?a)'\n", 6, "calls the group 'r' from inside itself"),
    ("    kind: boilerplate\n    pattern: '(?P<r>b|(?P>r)a)'\n", 6, "left recursion"),
    ("    kind: boilerplate\n    pattern: 'x'\n    shape: block\n    inner: '(?P<r>(?:y|(?&r))a)'\n", 8,
     "inner calls"),
    ("    kind: date_header\n    field: f\n    pattern: 'On (?P<r>(?&r)?a) {date}'\n", 7, "calls the group 'r'"),
])
def test_lint_refuses_what_clean_refuses(tmp_path, body, line, cause):
    path = rule_file(tmp_path, body)
    lint = run("rules", "lint", "--no-shipped", str(path))
    clean = run("clean", "-", "--no-shipped", "--rules", str(path), input=DOCUMENT)
    for result in (lint, clean):
        assert result.exit_code == 2, result.output
        assert f"{path}:{line}: rule 'my.rule':" in result.output and cause in result.output


@pytest.mark.parametrize("pattern", [r"(?s).*\n.*", r"a\nb", r"[\n]x", "Share(?:\\n.*)?"])
def test_a_pattern_that_needs_a_line_break_lints_and_cleans(tmp_path, pattern):
    path = rule_file(tmp_path, f"    kind: boilerplate\n    pattern: '{pattern}'\n")
    assert run("rules", "lint", "--no-shipped", str(path)).exit_code == 0
    clean = run("clean", "-", "--no-shipped", "--rules", str(path), input=DOCUMENT)
    assert clean.exit_code == 0, clean.output
