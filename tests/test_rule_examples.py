"""Every example written in a shipped rule file is a test case."""
import pytest

from textclean import load_rules
from textclean.authoring.rule_examples import check_example, iter_examples, pack_cleaner

RULES = load_rules()
CASES = list(iter_examples(RULES))
CLEANERS = {}  # one cleaner per rule file: building one compiles every rule of the pack


def cleaner_for(rule):
    if rule.source not in CLEANERS:
        CLEANERS[rule.source] = pack_cleaner(rule, RULES)
    return CLEANERS[rule.source]


@pytest.mark.parametrize(("rule", "index", "example"), CASES, ids=[f"{r.id}[{i}]" for r, i, _ in CASES])
def test_rule_example(rule, index, example):
    failure = check_example(rule, index, example, cleaner_for(rule))
    assert failure is None, str(failure)


@pytest.mark.parametrize("rule", RULES.rules, ids=[r.id for r in RULES.rules])
def test_every_shipped_rule_shows_a_change_and_a_keep(rule):
    assert any("input" in e for e in rule.examples), f"{rule.where()}: no input/output example"
    assert any("keep" in e for e in rule.examples), f"{rule.where()}: no example of text it must leave alone"


def test_a_failing_example_is_named_at_its_own_line_and_an_unchanged_one_is_sent_to_keep(tmp_path):
    from click.testing import CliRunner

    from textclean.cli import main
    rules = tmp_path / "mine.yaml"
    rules.write_text("""rules:
  - id: mine.footer
    kind: boilerplate
    description: A footer line.
    pattern: 'All rights reserved\\.'
    examples:
      - input: "The ferry sails at noon.\\nAll rights reserved.\\n"
        output: "The ferry sails at noon.\\n"
      - input: "The ferry sails at noon.\\n"
        output: "The ferry sails at noon.\\n"
      - keep: "All rights reserved.\\n"
""", encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "test", "--no-shipped", "--no-config", str(rules)])
    assert result.exit_code == 1
    assert (f"{rules}:9: rule 'mine.footer': example 2: its output is its input; text the rule must leave alone "
            "belongs under 'keep:'") in result.output
    assert f"{rules}:11: rule 'mine.footer': example 3: must stay unchanged" in result.output
