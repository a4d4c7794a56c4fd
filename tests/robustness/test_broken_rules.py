"""Broken or hostile rule files fail at load time with file and line, never with a traceback."""
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from textclean import Cleaner, RuleError, parse_rule_file

VALID = {
    "rules": [
        {"id": "a.b", "kind": "boilerplate", "description": "d", "pattern": "Share", "examples": [{"keep": "x"}]},
        {"id": "c.d", "kind": "variants", "description": "d", "canonical": "Qala-e-Naw",
         "variants": ["Qalat-i-Naw"], "examples": [{"keep": "x"}]},
        {"id": "e.f", "kind": "date_header", "description": "d", "pattern": "Date: {date}", "field": "date",
         "examples": [{"keep": "x"}]},
    ]
}
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12),
                    st.sampled_from(["(", "[a-", "*", "{date}", "(?P<x>", "\\", "a{2,1}", "(?<=a+)b"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)


def mutations():
    keys = st.sampled_from(["id", "kind", "description", "pattern", "examples", "variants", "canonical", "field",
                            "zone", "shape", "max_length", "bogus", "where"])
    return st.tuples(st.integers(0, 2), keys, values)


def load_and_compile(text):
    ruleset = parse_rule_file(text, "broken.yaml")
    Cleaner(ruleset)


@settings(max_examples=300, deadline=None)
@given(st.lists(mutations(), min_size=1, max_size=4))
def test_mutated_rule_files_load_or_fail_with_a_located_error(changes):
    data = yaml.safe_load(yaml.safe_dump(VALID))
    for index, key, value in changes:
        data["rules"][index][key] = value
    try:
        load_and_compile(yaml.safe_dump(data, allow_unicode=True))
    except RuleError as exc:
        assert str(exc).startswith("broken.yaml:"), str(exc)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_as_a_rule_file(text):
    try:
        load_and_compile(text)
    except RuleError as exc:
        assert str(exc).startswith("broken.yaml:")


@pytest.mark.parametrize("text", [
    "rules: !!python/object/apply:os.system ['echo pwned']\n",
    "!!python/name:os.system\n",
    "rules:\n  - !!python/object/new:subprocess.Popen [['true']]\n",
    "a: &a [*a]\n",
    "rules: [" * 50 + "]" * 50 + "\n",
])
def test_yaml_that_tries_to_run_code_or_recurse_is_refused(text):
    with pytest.raises(RuleError) as info:
        load_and_compile(text)
    assert str(info.value).startswith("broken.yaml:")
