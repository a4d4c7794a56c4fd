"""A record's own metadata is never lost: merged with the extracted fields, or the record is rejected."""
import json

import pytest
from click.testing import CliRunner

from textclean import Cleaner
from textclean.cli import main

HEADER = "Publish Date : 07 July 2021 - 21:49\n\nThe body stays.\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write_jsonl(path, *records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_metadata_that_is_not_an_object_is_rejected_not_replaced(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", {"id": "a", "text": HEADER, "metadata": "crawl-2021"},
                         {"id": "b", "text": HEADER})
    result = run("clean", source, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert "in.jsonl:1: field 'metadata' is a string, not an object" in result.stderr
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == ["b"]


def test_null_metadata_stays_null_and_undo_restores_it(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", {"id": "a", "text": HEADER, "metadata": None},
                         {"id": "b", "text": "Nothing to extract.\n", "metadata": None})
    assert run("clean", "-q", source, "-o", tmp_path / "out.jsonl", "--edits", tmp_path / "e.jsonl").exit_code == 0
    assert [r["metadata"] for r in read_jsonl(tmp_path / "out.jsonl")] == [{"date": "2021-07-07T21:49"}, None]
    result = run("undo", tmp_path / "out.jsonl", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back.jsonl")
    assert result.exit_code == 0, result.stderr
    assert read_jsonl(tmp_path / "back.jsonl") == read_jsonl(source)


def test_parquet_metadata_column_is_merged_into(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    pq.write_table(pa.table({"id": ["a"], "text": [HEADER], "metadata": [json.dumps({"lang": "en"})]}),
                   tmp_path / "in.parquet")
    assert run("clean", "-q", tmp_path / "in.parquet", "-o", tmp_path / "out.parquet").exit_code == 0
    row = pq.read_table(tmp_path / "out.parquet").to_pylist()[0]
    assert json.loads(row["metadata"]) == {"lang": "en", "date": "2021-07-07T21:49"}


def test_a_parquet_metadata_string_the_run_adds_nothing_to_is_kept_as_written(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    given = ['{"a":1,  "b":[1,2]}', '{"a":1,  "b":[1,2]}', '{"date":"x" }', '{"a":1,  "b":[1,2]}', None]
    texts = ["Nothing to extract.\n", "Spaces  \n", HEADER, HEADER, "Plain.\n"]
    pq.write_table(pa.table({"text": texts, "metadata": given}), tmp_path / "in.parquet")
    result = run("clean", "-q", tmp_path / "in.parquet", "-o", tmp_path / "out.parquet", "--edits", tmp_path / "e")
    assert result.exit_code == 0, result.stderr
    written = pq.read_table(tmp_path / "out.parquet").column("metadata").to_pylist()
    assert written[:3] == given[:3] and written[4] is None
    assert json.loads(written[3]) == {"a": 1, "b": [1, 2], "date": "2021-07-07T21:49"}
    undone = run("undo", tmp_path / "out.parquet", "--edits", tmp_path / "e", "-o", tmp_path / "back.parquet")
    assert undone.exit_code == 0, undone.stderr
    assert pq.read_table(tmp_path / "back.parquet").column("metadata").to_pylist()[:3] == given[:3]


def test_a_field_the_input_has_keeps_its_value_and_the_other_is_reported():
    result = Cleaner().clean(HEADER, {"date": "ORIGINAL"})
    assert result.metadata == {"date": "ORIGINAL"}
    [finding] = result.findings
    assert (finding.rule, finding.level) == ("date_header", "warning")
    assert "'date' keeps the value the input gave it, 'ORIGINAL'; the text gave '2021-07-07T21:49'" in finding.message
