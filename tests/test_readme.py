"""The README stays true: its CLI reference, its rule-file examples, the marks example and the datasets recipe."""
import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT

from textclean import load_rules, parse_rule_file
from textclean.authoring.rule_examples import run_examples
from textclean.kinds import registry

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


def _section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_marks_example_is_what_a_marks_run_records():
    import json

    from textclean import Cleaner
    shown = json.loads(re.search(r"```json\n(.*?)```", _section("Marks instead of deletions"), re.DOTALL).group(1))
    result = Cleaner(marks=True).clean(shown["text"])
    assert result.text == shown["text"] and result.metadata == shown["metadata"]


def _python_blocks(title: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", _section(title), re.DOTALL)


def test_the_datasets_recipe_cleans_a_batch_as_the_cleaner_does():
    from textclean import Cleaner
    recipe = next(block for block in _python_blocks("Inside datatrove and Hugging Face datasets")
                  if "def clean_batch" in block)
    names: dict = {}
    exec(recipe, names)
    texts = ["News ID: 501\nThe council met on Monday.\nShare\nFacebook\n", "Share\nFacebook\n", "Plain text.\n"]
    batch = names["clean_batch"]({"id": ["a", "b", "c"], "text": texts})
    cleaner = Cleaner()
    assert batch["text"] == [cleaner.clean(text).text for text in texts]
    assert [json.loads(m) for m in batch["metadata"]] == [cleaner.clean(text).metadata for text in texts]


def test_the_datasets_recipe_runs_in_datasets(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    pytest.importorskip("datasets", reason="Hugging Face datasets is not installed: pip install datasets")
    monkeypatch.chdir(ROOT)
    blocks = _python_blocks("Inside datatrove and Hugging Face datasets")
    names: dict = {}
    exec(next(block for block in blocks if "def clean_batch" in block), names)
    exec(next(block for block in blocks if "load_dataset" in block), names)
    feed = [json.loads(line) for line in (ROOT / "examples" / "feed.jsonl").read_text("utf-8").splitlines()]
    from textclean import Cleaner
    cleaned = [Cleaner().clean(record["text"]) for record in feed]
    rows = names["ds"].to_list()
    assert [row["text"] for row in rows] == [result.text for result in cleaned if result.text.strip()]
    assert [json.loads(row["metadata"]) for row in rows] == [r.metadata for r in cleaned if r.text.strip()]


def test_the_people_scope_example_prints_what_the_readme_shows(tmp_path):
    shown = re.search(r"```sh\n(printf 'Muhammad Javad Zarif.*?)```\n\n```\n(.*?)```", README, re.DOTALL)
    script = f'textclean() {{ "{sys.executable}" "{ROOT / "cli.py"}" "$@"; }}\n' + shown.group(1)
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert done.stdout.splitlines() == shown.group(2).splitlines(), done.stderr
