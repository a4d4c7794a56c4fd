"""The command line, driven through click's CliRunner, as a user would run it."""
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT

from textclean import Edit, replay, undo
from textclean.cli import main
from textclean.pipeline.rulefile import shipped_packs_dir

PAGE = "News ID: 501\nPublish Date : 03 March 2020 - 08:15\n\nGulbuddin Hikmatyar spoke in Qalat-i-Naw.  \n\n\n* Comment:\n"
CLEAN = "Gulbuddin Hekmatyar spoke in Qala-e-Naw.\n"


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_one_file_to_stdout(page):
    result = run("clean", "-q", str(page))
    assert result.exit_code == 0 and result.stdout == CLEAN


def test_stdin_to_stdout():
    result = run("clean", "-q", "-", input=PAGE)
    assert result.exit_code == 0 and result.stdout == CLEAN


def test_summary_on_stderr(page):
    result = run("clean", str(page))
    assert "1 document read, 1 changed" in result.stderr
    assert "date.news-id" in result.stderr


def test_explain_shows_rule_line_before_and_after(page):
    out = run("clean", "--explain", str(page)).stdout
    assert f"{page}:1: date.news-id (date_header)" in out
    assert f"{page}:4: person.hekmatyar (variants)" in out
    assert "  - Hikmatyar" in out and "  + Hekmatyar" in out
    assert "metadata date = '2020-03-03T08:15'" in out


def test_jsonl_passes_other_fields_through(tmp_path):
    source = tmp_path / "in.jsonl"
    records = [{"id": "a", "text": PAGE, "url": "u", "metadata": {"lang": "en"}}, {"id": "b", "text": "Plain.\n"}]
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    out = tmp_path / "out.jsonl"
    assert run("clean", "-q", str(source), "-o", str(out)).exit_code == 0
    first, second = [json.loads(line) for line in out.read_text().splitlines()]
    assert first["text"] == CLEAN and first["url"] == "u"
    assert first["metadata"] == {"lang": "en", "news_id": "501", "date": "2020-03-03T08:15"}
    assert second == {"id": "b", "text": "Plain.\n"}


def test_custom_text_and_id_fields(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"doc": "x1", "body": PAGE}) + "\n")
    result = run("clean", "-q", "--text-field", "body", "--id-field", "doc", str(source))
    assert json.loads(result.stdout)["body"] == CLEAN


def test_folder_is_mirrored(tmp_path, page):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "two.txt").write_text("Gulbuddin Hikmatyar left.\n")
    (tmp_path / "skip.md").write_text("not text input\n")
    out = tmp_path.parent / (tmp_path.name + "-out")
    assert run("clean", "-q", str(tmp_path), "-o", str(out)).exit_code == 0
    assert (out / "page.txt").read_text() == CLEAN
    assert (out / "sub" / "two.txt").read_text() == "Gulbuddin Hekmatyar left.\n"
    assert not (out / "skip.md").exists()
    assert not list(out.rglob("*.tmp"))


def test_folder_to_stdout_is_jsonl_with_ids(tmp_path, page):
    lines = run("clean", "-q", str(tmp_path)).stdout.splitlines()
    assert json.loads(lines[0])["id"] == str(page)


def test_edit_log_replays_and_undoes(tmp_path, page):
    edits = tmp_path / "edits.jsonl"
    run("clean", "-q", str(page), "--edits", str(edits), "-o", str(tmp_path / "out.txt"))
    header, record, shard = [json.loads(line) for line in edits.read_text().splitlines()]
    assert header == {"type": "header", "format": 3}
    assert {k: shard[k] for k in ("type", "output", "documents", "document_lines")} == {
        "type": "shard", "output": "out.txt", "documents": 1, "document_lines": 1}
    assert record["type"] == "document" and (record["output"], record["position"]) == ("out.txt", 1)
    log = [Edit.from_dict(e) for e in record["edits"]]
    assert set(record["edits"][0]) == {"rule", "kind", "start", "end", "before", "after"}
    assert replay(PAGE, log) == CLEAN and undo(CLEAN, log) == PAGE


def test_refuses_to_overwrite_its_input(page):
    result = run("clean", str(page), "-o", str(page))
    assert result.exit_code == 2 and "refusing to overwrite an input file" in result.stderr
    assert page.read_text() == PAGE


def test_bad_jsonl_line_is_rejected_and_the_run_goes_on(tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_text('{"text": "ok"}\n{"text": \n{"text": "fine"}\n')
    result = run("clean", str(source), "-o", str(tmp_path / "out.jsonl"), "--rejects", str(tmp_path / "rej.jsonl"))
    assert result.exit_code == 1
    assert f"{source}:2: not valid JSON" in result.stderr and "1 rejected" in result.stderr
    assert [json.loads(x)["text"] for x in (tmp_path / "out.jsonl").read_text().splitlines()] == ["ok", "fine"]
    reject = json.loads((tmp_path / "rej.jsonl").read_text())
    assert reject["source"] == str(source) and reject["line"] == 2 and reject["reason"].startswith("not valid JSON")


def test_fail_fast_stops_and_keeps_nothing_partial(tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_text('{"text": "ok"}\n{"text": \n{"text": "fine"}\n')
    result = run("clean", str(source), "-o", str(tmp_path / "out.jsonl"), "--fail-fast")
    assert result.exit_code == 1 and f"{source}:2: not valid JSON" in result.stderr
    assert not (tmp_path / "out.jsonl").exists() and not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize(("line", "cause"), [
    ('{"id": 1}', "record has no 'text' field"),
    ('{"text": 5}', "field 'text' is a number, not a string"),
    ('{"text": null}', "field 'text' is null, not a string"),
    ('[1, 2]', "must be an object"),
])
def test_bad_records(tmp_path, line, cause):
    source = tmp_path / "bad.jsonl"
    source.write_text(line + "\n")
    result = run("clean", str(source))
    assert result.exit_code == 1 and f"{source}:1: " in result.stderr and cause in result.stderr


def test_invalid_utf8_names_the_line(tmp_path):
    source = tmp_path / "broken.txt"
    source.write_bytes(b"first line\nsecond \xff\xfe\xc3 line\n")
    result = run("clean", str(source), "--encoding-errors", "strict")
    assert result.exit_code == 1 and f"{source}: line 2: not valid UTF-8" in result.stderr


def test_missing_input():
    result = run("clean", "no/such/file.txt")
    assert result.exit_code == 2 and "no/such/file.txt: no such file or folder" in result.stderr


def test_user_rules_disable_and_only(tmp_path, page):
    rules = tmp_path / "mine.yaml"
    rules.write_text("rules:\n  - id: mine.spoke\n    kind: variants\n    description: d\n"
                     "    canonical: talked\n    variants: [spoke]\n    examples: [{keep: x}]\n")
    out = run("clean", "-q", "--rules", str(rules), "--disable", "person.hekmatyar", str(page)).stdout
    assert out == "Gulbuddin Hikmatyar talked in Qala-e-Naw.\n"
    out = run("clean", "-q", "--only", "variants", str(page)).stdout
    assert "News ID: 501" in out and "Hekmatyar" in out


def test_rule_errors_exit_2_with_file_and_line(tmp_path, page):
    rules = tmp_path / "broken.yaml"
    rules.write_text("rules:\n  - id: b.x\n    kind: boilerplate\n    description: d\n    pattern: '('\n"
                     "    examples: [{keep: x}]\n")
    result = run("clean", "--rules", str(rules), str(page))
    assert result.exit_code == 2 and f"{rules}:5: rule 'b.x': pattern does not compile" in result.stderr
    assert run("rules", "lint", str(rules)).exit_code == 2
    tested = run("rules", "test", str(rules))
    assert tested.exit_code == 2 and f"{rules}:5: rule 'b.x': pattern does not compile" in tested.stderr
    assert run("clean", "--disable", "nope", str(page)).exit_code == 2


def test_project_config_is_honoured(tmp_path, page, monkeypatch):
    (tmp_path / ".textclean.yaml").write_text("disable: [person.hekmatyar]\n")
    monkeypatch.chdir(tmp_path)
    assert run("clean", "-q", str(page)).stdout.startswith("Gulbuddin Hikmatyar")
    assert run("clean", "-q", "--no-config", str(page)).stdout.startswith("Gulbuddin Hekmatyar")


def test_pyproject_config_is_honoured(tmp_path, page, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.textclean]\nonly = ['boilerplate']\n")
    monkeypatch.chdir(tmp_path)
    assert run("clean", "-q", str(page)).stdout.startswith("News ID: 501")
    (tmp_path / "pyproject.toml").write_text("[tool.textclean]\ncolour = 1\n")
    result = run("clean", str(page))
    assert result.exit_code == 2 and "unknown key(s) colour" in result.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.textclean]\nonly = ['bogus']\n")
    result = run("clean", str(page))
    assert result.exit_code == 2 and f"{tmp_path / 'pyproject.toml'}: only: unknown kind bogus" in result.stderr


def test_quiet_still_names_rejected_input(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": 1, "text": "Fine.\\n"}\n{"id": 2}\n', encoding="utf-8")
    result = run("clean", "-q", str(feed), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"rejected: {feed}:2: ") and "documents read" not in result.stderr


def test_rules_list_show_test_lint(monkeypatch):
    assert "person.hekmatyar" in run("rules", "list").stdout
    assert "canonical: Hekmatyar" in run("rules", "show", "person.hekmatyar").stdout
    assert run("rules", "show", "nope").exit_code == 2
    tested = run("rules", "test")
    assert tested.exit_code == 0 and " passed, 0 failed" in tested.stdout
    assert ": ok, " in run("rules", "lint").stdout
    monkeypatch.chdir(shipped_packs_dir().parent)
    one_pack = run("rules", "test", f"{shipped_packs_dir().name}/variants-places.yaml")  # a shipped pack named again
    assert one_pack.exit_code == 0 and " 0 failed" in one_pack.stdout and not one_pack.stdout.startswith("0 passed")
    assert json.loads(run("rules", "schema").stdout)["title"] == "textclean rule file"


def test_rules_show_prints_the_rule_as_written_and_list_knows_the_kinds(tmp_path):
    rules = tmp_path / "mine.yaml"
    written = ("  - id: my.share  # the share bar\n    kind: boilerplate\n    description: d\n\n"
               "    pattern: 'Share (?:this|now)'   # both wordings\n    examples: [{keep: x}]\n")
    rules.write_text(f"rules:\n{written}\n  - {{id: my.other, kind: boilerplate, description: d, pattern: x, "
                     "examples: [{keep: y}]}\n", encoding="utf-8")
    assert run("rules", "show", "--rules", str(rules), "my.share").stdout == f"# {rules}:2\n{written}"
    assert run("rules", "list", "--kind", "boilerplate", "--no-shipped", "--rules", str(rules)).stdout.count("\n") == 2
    assert run("rules", "list", "--kind", "bogus").exit_code == 2


def test_rules_lint_warns_of_a_rule_without_both_kinds_of_example(tmp_path):
    rules = tmp_path / "mine.yaml"
    rules.write_text("rules:\n  - id: my.share\n    kind: boilerplate\n    description: d\n    pattern: Share\n"
                     "    examples: [{keep: x}]\n", encoding="utf-8")
    linted = run("rules", "lint", str(rules)).stdout
    assert f"{rules}:6: rule 'my.share': warning: no example with an input and its output" in linted
    assert "no example with a keep text" not in linted


def test_rules_test_reports_a_failing_example_as_a_diff(tmp_path):
    rules = tmp_path / "mine.yaml"
    rules.write_text("rules:\n  - id: mine.x\n    kind: boilerplate\n    description: d\n    pattern: 'Subscribe'\n"
                     "    examples:\n      - input: \"a\\nSubscribe\\n\"\n        output: \"b\\n\"\n")
    result = run("rules", "test", str(rules))
    assert result.exit_code == 1
    assert f"{rules}:7: rule 'mine.x': example 1: gave a different output" in result.stdout
    assert "-b\n+a" in result.stdout and "0 passed, 1 failed" in result.stdout


def test_cli_py_in_the_checkout_is_the_same_command(page):
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "clean", "-q", str(page)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and result.stdout == CLEAN


@pytest.mark.parametrize("program", [["cli.py"], ["-m", "textclean"]])
def test_the_checkout_and_python_m_call_themselves_textclean(program):
    """Usage lines and --version name the command a user types, not the file that runs it."""
    def output(*args):
        return subprocess.run([sys.executable, *program, *args], capture_output=True, text=True, cwd=ROOT)
    assert output("--version").stdout.startswith("textclean, version ")
    result = output("clean")
    assert result.returncode == 2 and result.stderr.startswith("Usage: textclean clean [OPTIONS] PATHS...")


def test_logs_go_into_a_folder_made_for_them_as_every_other_file_of_a_run(tmp_path, page):
    logs = tmp_path / "new" / "logs"
    result = run("clean", "-q", str(page), "-o", str(tmp_path / "out.txt"), "--edits", str(logs / "edits.jsonl"),
                 "--rejects", str(logs / "rejects.jsonl"), "--stats", str(logs / "stats.json"))
    assert result.exit_code == 0, result.stderr
    assert sorted(path.name for path in logs.iterdir()) == ["edits.jsonl", "rejects.jsonl", "stats.json"]
    back = run("undo", str(tmp_path / "out.txt"), "--edits", str(logs / "edits.jsonl"))
    assert back.exit_code == 0 and back.stdout == PAGE


def test_a_file_that_is_no_edit_log_is_named_so(tmp_path, page):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": PAGE}) + "\n", encoding="utf-8")
    for command in (["undo", str(page), "--edits", str(corpus)],
                    ["report", str(corpus), "-o", str(tmp_path / "r.html")]):
        result = run(*command)
        assert result.exit_code == 1 and f"{corpus}:1: not an edit log: its first line is no header" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["diff", "nothere.txt"], "nothere.txt: no such file or folder"),
    (["clean", "{page}", "--resume", "-o", "{tmp}/out.jsonl"], "--resume needs a folder output"),
    (["clean", "{page}", "-o", "{page}"], "refusing to overwrite an input file"),
])
def test_how_a_command_was_called_is_a_usage_error(tmp_path, args, message):
    page = tmp_path / "page.txt"
    page.write_text("Text.\n")
    result = run(*[a.format(page=page, tmp=tmp_path) for a in args])
    assert result.exit_code == 2 and message in result.stderr


def test_text_output_starts_every_document_on_a_line_of_its_own(tmp_path):
    (tmp_path / "t1.txt").write_text("one")
    (tmp_path / "t2.txt").write_text("two")
    (tmp_path / "r.jsonl").write_text('{"text": "three"}\n{"text": ""}\n{"text": "four\\n"}\n{"text": "five"}\n')
    result = run("clean", "-q", str(tmp_path / "t1.txt"), str(tmp_path / "t2.txt"), str(tmp_path / "r.jsonl"),
                 "--format", "text")
    assert result.exit_code == 0 and result.stdout == "one\ntwo\nthree\nfour\nfive"
