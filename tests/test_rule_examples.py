"""Every example written in a shipped rule file is a test case."""
import pytest

from textclean import load_rules
from textclean.rule_examples import check_example, iter_examples, pack_cleaner

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
