"""Hostile rule files: each loads in bounded time and memory or is refused naming file, line and cause, and
``rules lint`` refuses exactly what ``clean`` would fail on."""
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from textclean import Cleaner, RuleError, load_rules, parse_rule_file
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


def load(text, source="hostile.yaml"):
    return Cleaner(parse_rule_file(text, source))


BOILERPLATE = "rules:\n  - id: my.rule\n    kind: boilerplate\n    description: d\n    examples: [{keep: x}]\n"


@pytest.mark.parametrize(("keys", "line", "key"), [
    ("    pattern: 'a{1000000}'\n", 6, "pattern"),
    ("    pattern: ['x', '(?:ab){1000}{1000}']\n", 6, "pattern"),
    ("    shape: block\n    pattern: 'x'\n    end: 'a{1000000}'\n", 8, "end"),
    ("    shape: block\n    pattern: 'x'\n    inner: ['(?:a{1000}){1000}']\n", 8, "inner"),
    ("    shape: head\n    pattern: 'x{0,1000000}'\n", 7, "pattern"),
    ("    shape: tail\n    pattern: '[a-z]{999999,}'\n", 7, "pattern"),
    ("    shape: repeated_title\n    pattern: 'Home (?:.{1,10}){100000}'\n", 7, "pattern"),
    ("    pattern: 'x'\n    unless_followed_by: 'a{1000000}'\n", 7, "unless_followed_by"),
    ("    shape: table_row\n    pattern: 'x'\n    cell_separator: 'a{1000000}'\n", 8, "cell_separator"),
])
def test_a_huge_repeat_count_in_any_boilerplate_pattern_is_refused(keys, line, key):
    with pytest.raises(RuleError, match=rf"^hostile.yaml:{line}: rule 'my.rule': {key} is too large: [\d,]+ "
                                        "characters with its repeat counts written out"):
        load(BOILERPLATE + keys)


def test_a_huge_repeat_count_in_a_date_header_pattern_is_refused():
    pack = "rules:\n  - id: my.date\n    kind: date_header\n    field: f\n    pattern: 'On a{1000000} {date}'\n" \
           "    description: d\n    examples: [{keep: x}]\n"
    with pytest.raises(RuleError, match=r"^hostile.yaml:5: rule 'my.date': pattern is too large"):
        load(pack)


def test_the_date_placeholders_of_a_file_are_bounded():
    pack = "rules:\n" + "".join(f"  - id: my.date-{n}\n    kind: date_header\n    field: f{n}\n    pattern: "
                                f"'{' '.join(['{date}'] * 8)}'\n    description: d\n    examples: [{{keep: x}}]\n"
                                for n in range(5))
    with pytest.raises(RuleError, match=r"^hostile.yaml:29: rule 'my.date-4': pattern brings the \{date\} "
                                        r"placeholders of this file to 40, more than the 32"):
        load(pack)


def test_the_patterns_of_a_file_are_bounded_together():
    pack = "rules:\n" + "".join(f"  - {{id: my.rule-{n}, kind: boilerplate, description: d, examples: [{{keep: x}}], "
                                f"pattern: 'x{n}(?:ab){{1000}}'}}\n" for n in range(60))
    with pytest.raises(RuleError, match=r"^hostile.yaml:21: rule 'my.rule-19': pattern brings the patterns of this "
                                        r"file to [\d,]+ characters"):
        load(pack)


def test_a_literal_pattern_of_a_megabyte_is_refused_at_once():
    with pytest.raises(RuleError, match=r"^hostile.yaml:1: the file holds more than 512,000 bytes"):
        load(BOILERPLATE + "    pattern: '" + "a" * 1_000_000 + "'\n")
    with pytest.raises(RuleError, match=r"^hostile.yaml:6: rule 'my.rule': pattern is too large: 30,000 characters"):
        load(BOILERPLATE + "    pattern: '" + "a" * 30_000 + "'\n")


def test_a_file_of_too_many_rules_is_refused_before_they_are_read():
    pack = "rules:\n" + "".join(f"- {{id: r{n}, kind: boilerplate, description: d, pattern: S{n}, "
                                "examples: [{keep: x}]}\n" for n in range(3000))
    with pytest.raises(RuleError, match=r"^hostile.yaml:2002: the file holds 3,000 rules, more than the 2,000"):
        load(pack)


def test_a_billion_laughs_is_refused():
    levels = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 10)]
    with pytest.raises(RuleError, match=r"^hostile.yaml:\d+: (more than 100 uses of YAML aliases|the file holds more "
                                        r"than 200,000 values with its YAML aliases)"):
        load("\n".join(levels) + "\nrules: []\n")


def test_aliases_that_expand_past_the_values_a_file_may_hold_are_refused():
    # Few aliases, each of a list of 50,000 values.
    text = "big: &big [" + ", ".join(["x"] * 50_000) + "]\nmore: [*big, *big, *big, *big, *big]\nrules: []\n"
    with pytest.raises(RuleError, match=r"^hostile.yaml:1: the file holds more than 200,000 values with its YAML "
                                        r"aliases \(\*name\) expanded"):
        load(text)


def test_a_few_aliases_are_fine():
    text = BOILERPLATE.replace("examples: [{keep: x}]", "examples: &examples [{keep: x}]") + \
        "    pattern: 'Share'\n  - {id: my.other, kind: boilerplate, description: d, examples: *examples, pattern: X}\n"
    assert [rule.id for rule in load(text).ruleset.rules] == ["my.rule", "my.other"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_given_as_a_rule_file_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "rules.yaml"
    os.mkfifo(fifo)
    for args in (["rules", "lint", "--no-shipped", str(fifo)], ["clean", "-", "--no-shipped", "--rules", str(fifo)]):
        done = subprocess.run([sys.executable, "-m", "textclean", *args], input="text\n", capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 2
        assert f"{fifo}:1: not a regular file but a FIFO" in done.stderr
    with pytest.raises(RuleError, match="not a regular file but a character device"):
        load_rules(["/dev/null"], shipped=False)
