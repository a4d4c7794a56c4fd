"""The README stays true: its CLI reference and its rule-file examples."""
import re
import subprocess
import sys

import pytest
from conftest import ROOT

from textclean import load_rules, parse_rule_file
from textclean.kinds import registry
from textclean.rule_examples import run_examples

README = (ROOT / "README.md").read_text("utf-8")
RULE_SNIPPETS = [block for block in re.findall(r"```yaml\n(.*?)```", README, re.DOTALL) if "kind:" in block]


def test_cli_reference_is_current():
    sys.path.insert(0, str(ROOT / "tools"))
    from cli_reference import updated
    assert updated(README) == README, "run: python tools/cli_reference.py"


@pytest.mark.parametrize("snippet", RULE_SNIPPETS, ids=lambda s: re.search(r"kind: (\w+)", s).group(1))
def test_rule_guide_examples_are_valid_and_pass(snippet):
    ruleset = load_rules()  # for the shipped month names
    ruleset.add(parse_rule_file(snippet, "README.md"))
    ruleset.rules = [r for r in ruleset.rules if r.source == "README.md"]
    assert run_examples(ruleset) == []


def test_every_kind_is_documented():
    assert {re.search(r"kind: (\w+)", s).group(1) for s in RULE_SNIPPETS} == set(registry())


def test_the_explain_example_is_what_explain_prints(monkeypatch):
    from click.testing import CliRunner

    from textclean.cli import main
    monkeypatch.chdir(ROOT)
    shown = re.search(r"```sh\ntextclean explain (\S+)\n```\n\n```\n(.*?)```", README, re.DOTALL)
    printed = CliRunner().invoke(main, ["explain", shown.group(1)], catch_exceptions=False).stdout.splitlines()
    for line in shown.group(2).splitlines():
        if line.endswith("..."):  # a line or lines the README leaves out
            assert line == "..." or any(p.startswith(line[:-3]) for p in printed), line
        else:
            assert line in printed


def test_the_quick_rule_example_prints_what_the_readme_shows(tmp_path):
    shown = re.search(r"```sh\n(cat > dams\.yaml.*?)```\n\n```\n(.*?)```", README, re.DOTALL)
    script = f'textclean() {{ "{sys.executable}" "{ROOT / "cli.py"}" "$@"; }}\n' + shown.group(1)
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    tested = re.search(r"textclean rules test dams\.yaml +# (.*)", shown.group(1)).group(1)  # what it says it prints
    assert done.stdout.splitlines() == [tested, *shown.group(2).splitlines()], done.stderr


def test_the_people_scope_example_prints_what_the_readme_shows(tmp_path):
    shown = re.search(r"```sh\n(printf 'Muhammad Javad Zarif.*?)```\n\n```\n(.*?)```", README, re.DOTALL)
    script = f'textclean() {{ "{sys.executable}" "{ROOT / "cli.py"}" "$@"; }}\n' + shown.group(1)
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert done.stdout.splitlines() == shown.group(2).splitlines(), done.stderr
