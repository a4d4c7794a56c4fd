"""Rule files: validation errors name the file, the line and the rule."""
import json

import pytest
from conftest import ROOT

from textclean import Cleaner, RuleError, load_rules, parse_rule_file
from textclean.pipeline.rulefile import rulefile_schema, shipped_packs_dir

GOOD_RULE = """
  - id: my.rule
    kind: boilerplate
    description: A line.
    pattern: 'Subscribe now'
    examples: [{input: "a\\nSubscribe now\\n", output: "a\\n"}]
"""


def error_of(text):
    with pytest.raises(RuleError) as info:
        parse_rule_file(text, "my.yaml")
    return str(info.value)


def test_a_good_file_loads():
    ruleset = parse_rule_file("rules:" + GOOD_RULE, "my.yaml")
    assert [r.id for r in ruleset.rules] == ["my.rule"]
    assert ruleset.rules[0].line == 2


def test_unknown_key_is_an_error_with_line_and_rule():
    message = error_of("rules:" + GOOD_RULE + "    patern: 'x'\n")
    assert message.startswith("my.yaml:7: rule 'my.rule':") and "patern" in message


def test_missing_required_key():
    message = error_of("rules:\n  - id: a.b\n    kind: variants\n    description: d\n    canonical: X\n"
                       "    examples: [{keep: x}]\n")
    assert "my.yaml:2: rule 'a.b':" in message and "variants" in message


def test_unknown_kind():
    message = error_of("rules:\n  - id: a.b\n    kind: nonsense\n    description: d\n")
    assert "my.yaml:3: rule 'a.b':" in message and "nonsense" in message


def test_a_pattern_that_does_not_compile_names_the_rule_and_line():
    from textclean import Cleaner
    ruleset = parse_rule_file("rules:" + GOOD_RULE.replace("'Subscribe now'", "'Subscribe (now'"), "my.yaml")
    with pytest.raises(RuleError) as info:
        Cleaner(ruleset)
    assert str(info.value).startswith("my.yaml:5: rule 'my.rule': pattern does not compile")


def test_invalid_yaml_names_the_line():
    assert error_of("rules:\n  - id: [unclosed\n").startswith("my.yaml:3: not valid YAML")


def test_a_control_character_is_named_with_its_line():
    assert error_of("rules:\n  - id: x\x07\n") == "my.yaml:2: not valid YAML: character U+0007 is not allowed"


def test_duplicate_keys_and_ids():
    assert "my.yaml:3: duplicate key 'a'" in error_of("a: 1\nb: 2\na: 3\n")
    assert "duplicate id" in error_of("rules:" + GOOD_RULE + GOOD_RULE)


def test_a_key_must_be_a_plain_value():
    assert error_of("rules:\n  - ? [x, y]\n    : 1\n") == \
        "my.yaml:2: not valid here: a key must be a plain value, not a list or a mapping"


def test_yaml_tags_cannot_run_code():
    assert "not valid YAML" in error_of("rules: !!python/object/apply:os.system ['true']\n")


def test_empty_file():
    assert "empty" in error_of("")


def test_duplicate_ids_across_packs(tmp_path):
    (tmp_path / "a.yaml").write_text("rules:" + GOOD_RULE)
    (tmp_path / "b.yaml").write_text("rules:" + GOOD_RULE)
    with pytest.raises(RuleError, match="duplicate id, first defined at .*a.yaml:2"):
        load_rules([tmp_path], shipped=False)


def test_a_file_named_twice_is_read_once(tmp_path, monkeypatch):
    """A shipped pack given again (``rules test rules/x.yaml`` from a checkout), or one file reached by two paths,
    is one pack, not a duplicate of itself."""
    (tmp_path / "a.yaml").write_text("rules:" + GOOD_RULE)
    monkeypatch.chdir(tmp_path)
    assert [r.id for r in load_rules(["a.yaml", tmp_path / "a.yaml", tmp_path], shipped=False).rules] == ["my.rule"]
    errors = []
    assert len(load_rules([tmp_path / "a.yaml"], shipped=False, errors=errors).rules) == 1 and not errors
    given = shipped_packs_dir() / "variants-given-names.yaml"
    assert [r.id for r in load_rules([given]).rules] == [r.id for r in load_rules().rules]


def test_select_rejects_unknown_ids_and_kinds(shipped_rules):
    with pytest.raises(RuleError, match="no loaded rule has the id nope"):
        shipped_rules.select(disable=["nope"])
    with pytest.raises(RuleError, match="unknown kind"):
        shipped_rules.select(only=["nope"])
    assert all(r.kind == "variants" for r in shipped_rules.select(only=["variants"]).rules)


def test_shipped_schema_file_is_up_to_date():
    shipped = json.loads((ROOT / "rules" / "schema.json").read_text("utf-8"))
    assert shipped == rulefile_schema(), "run: textclean rules schema > rules/schema.json"


def test_shipped_rule_files_point_editors_at_the_schema():
    for path in (ROOT / "rules").glob("*.yaml"):
        assert path.read_text("utf-8").startswith("# yaml-language-server: $schema=schema.json"), path


def compile_error_of(rule_lines):
    from textclean import Cleaner
    text = "rules:\n  - id: my.rule\n    description: d\n    examples: [{keep: x}]\n" + rule_lines
    with pytest.raises(RuleError) as info:
        Cleaner(parse_rule_file(text, "my.yaml"))
    return str(info.value)


@pytest.mark.parametrize(("rule_lines", "error"), [
    ("    kind: boilerplate\n    pattern: 'Subscribe (now'\n",
     "my.yaml:6: rule 'my.rule': pattern does not compile: missing ) at position 14"),
    ("    kind: boilerplate\n    pattern: 'Subscribe [now'\n",
     "my.yaml:6: rule 'my.rule': pattern does not compile: unterminated character set at position 14"),
    ("    kind: boilerplate\n    shape: block\n    pattern: Comments\n    end: [End, 'End (here']\n",
     "my.yaml:8: rule 'my.rule': end does not compile: missing ) at position 9 of item 2"),
    ("    kind: date_header\n    field: date\n    pattern: 'Posted {dat}'\n",
     "my.yaml:7: rule 'my.rule': unknown placeholder {dat}: a date is {date}, or {date:FIELD} with FIELD in "
     "lower case letters, digits and _"),
    ("    kind: boilerplate\n    pattern: [ab, 'xx ab(']\n",
     "my.yaml:6: rule 'my.rule': pattern does not compile: missing ) at position 6 of item 2"),
    ("    kind: boilerplate\n    pattern: 'abc)def'\n",
     "my.yaml:6: rule 'my.rule': pattern does not compile: unbalanced parenthesis at position 3"),
    ("    kind: date_header\n    field: date\n    pattern: 'Published: {date} (x'\n",
     "my.yaml:7: rule 'my.rule': pattern does not compile: missing ) at position 20"),
    ("    kind: boilerplate\n    pattern: '(ab)\\1'\n",
     "my.yaml:6: rule 'my.rule': pattern refers to a group by its number (\\1), but patterns are combined, which "
     "numbers groups anew: name the group, (?P<name>...), and refer to it as (?P=name)"),
    ("    kind: date_header\n    field: date\n    pattern: '(Pub) \\1 {date}'\n",
     "my.yaml:7: rule 'my.rule': pattern refers to a group by its number (\\1), but patterns are combined, which "
     "numbers groups anew: name the group, (?P<name>...), and refer to it as (?P=name)"),
    ("    kind: characters\n    script: Latinn\n    map: {a: b}\n",
     "my.yaml:6: rule 'my.rule': unknown script 'Latinn': name a Unicode script, such as Latin, Cyrillic or Arabic"),
])
def test_a_pattern_error_names_the_key_its_line_and_the_place_as_written(rule_lines, error):
    assert compile_error_of(rule_lines) == error


def test_without_the_shipped_packs_date_still_knows_month_names(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "rules:\n  - id: my.published\n    kind: date_header\n    description: d\n"
        "    pattern: 'Published:\\s*{date}'\n    field: date\n"
        "    examples: [{input: \"Published: 7 July 2021\\nText.\\n\", output: \"Text.\\n\"}]\n", encoding="utf-8")
    rules = load_rules([tmp_path], shipped=False)
    assert [rule.id for rule in rules.rules] == ["my.published"]  # the shipped rules stay out
    result = Cleaner(rules).clean("Published: 07 July 2021\nThe talks began.\n")
    assert result.text == "The talks began.\n" and result.metadata == {"date": "2021-07-07"}
