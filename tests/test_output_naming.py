"""Where output goes: a file-like -o is one file, a folder output names each shard by the format it holds."""
import json

import pytest
from click.testing import CliRunner

from textclean.cli import main

PAGES = {"a.txt": "News ID: 7\n\nFirst page.  \n", "b.txt": "Second page.\n"}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def pages(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, text in PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_folder_cleaned_into_a_jsonl_file_gives_one_file(tmp_path, pages):
    assert run("clean", "-q", pages, "-o", tmp_path / "all.jsonl").exit_code == 0
    assert (tmp_path / "all.jsonl").is_file()
    records = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert [r["text"] for r in records] == ["First page.\n", "Second page.\n"]


def test_a_folder_cleaned_into_a_parquet_file_gives_one_file(tmp_path, pages):
    pq = pytest.importorskip("pyarrow.parquet")
    assert run("clean", "-q", pages, "-o", tmp_path / "all.parquet").exit_code == 0
    assert pq.read_table(tmp_path / "all.parquet").column("text").to_pylist() == ["First page.\n", "Second page.\n"]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_text_shards_written_in_another_format_get_its_suffix_and_undo_finds_them(tmp_path, pages, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    out, edits = tmp_path / "out", tmp_path / "edits.jsonl"
    assert run("clean", "-q", pages, "--format", fmt, "-o", f"{out}/", "--edits", edits).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [f"a.{fmt}", f"b.{fmt}"]
    if fmt == "jsonl":
        result = run("undo", out, "--edits", edits, "-o", tmp_path / "back")
        assert result.exit_code == 0, result.stderr
        assert json.loads((tmp_path / "back" / "a.jsonl").read_text())["text"] == PAGES["a.txt"]


def test_two_inputs_that_would_share_an_output_name_are_refused_before_writing(tmp_path, pages):
    (pages / "a.jsonl").write_text('{"text": "x"}\n')
    result = run("clean", pages, "--format", "jsonl", "-o", f"{tmp_path / 'out'}/")
    assert result.exit_code != 0 and "refusing to overwrite the output of" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_output_folder_inside_the_input_folder_is_not_read_again(tmp_path, pages):
    out = pages / "cleaned"
    assert run("clean", "-q", pages, "-o", f"{out}/").exit_code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    result = run("clean", "-q", pages, "-o", f"{out}/")
    assert result.exit_code == 0, result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    assert sorted(first) == ["a.txt", "b.txt"]
    assert f"not reading the 2 file(s) under {out}, the output folder inside the input folder {pages}" \
        in result.stderr  # a user who counts the documents read sees why two are missing


def test_empty_input_gives_an_empty_output_file(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    assert run("clean", "-q", tmp_path / "empty.jsonl", "-o", tmp_path / "out.jsonl").exit_code == 0
    assert (tmp_path / "out.jsonl").read_bytes() == b""


def test_empty_parquet_gives_a_parquet_file_without_rows(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    pq.write_table(pa.table({"text": pa.array([], pa.string())}), tmp_path / "empty.parquet")
    assert run("clean", "-q", tmp_path / "empty.parquet", "-o", tmp_path / "out.parquet").exit_code == 0
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == 0 and "text" in table.column_names


def test_an_empty_shard_gets_an_empty_output_that_resume_skips_and_undo_restores(tmp_path):
    shards, out, edits = tmp_path / "shards", tmp_path / "out", tmp_path / "edits.jsonl"
    shards.mkdir()
    (shards / "a.jsonl").write_bytes(b"")
    (shards / "b.jsonl").write_text('{"text": "Kept.  "}\n')
    assert run("clean", "-q", shards, "-o", out, "--edits", edits).exit_code == 0
    assert (out / "a.jsonl").read_bytes() == b""
    result = run("clean", shards, "-o", out, "--resume", "--edits", edits)
    assert "skipped, already complete (--resume): a.jsonl" in result.stderr
    result = run("undo", out, "--edits", edits, "-o", tmp_path / "back")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "back" / "a.jsonl").read_bytes() == b""


@pytest.mark.parametrize(("fmt", "name"), [("jsonl", "out.parquet"), ("parquet", "out.jsonl"), ("text", "out.jsonl.gz"),
                                           ("jsonl", "out.txt")])
def test_a_format_that_contradicts_the_output_suffix_is_refused(tmp_path, pages, fmt, name):
    result = run("clean", pages / "a.txt", "--format", fmt, "-o", tmp_path / name)
    assert result.exit_code == 2
    assert f"--format {fmt}" in result.stderr and name in result.stderr
    assert not (tmp_path / name).exists()


def test_parquet_to_stdout_is_refused(pages):
    result = run("clean", pages / "a.txt", "--format", "parquet")
    assert result.exit_code == 2 and "--format parquet" in result.stderr and result.stdout == ""


def test_a_format_that_agrees_with_the_suffix_or_names_none_is_taken(tmp_path, pages):
    assert run("clean", "-q", pages / "a.txt", "--format", "jsonl", "-o", tmp_path / "out.jsonl").exit_code == 0
    assert run("clean", "-q", pages / "a.txt", "--format", "jsonl", "-o", tmp_path / "out.dat").exit_code == 0
    assert json.loads((tmp_path / "out.dat").read_text())["text"] == "First page.\n"


@pytest.mark.parametrize("again", ["a.txt", "./a.txt", "."])
def test_an_input_file_given_twice_is_refused_before_writing(tmp_path, pages, monkeypatch, again):
    monkeypatch.chdir(pages)
    result = run("clean", "a.txt", again, "-o", tmp_path / "out/", "--edits", tmp_path / "e.jsonl")
    assert result.exit_code == 2 and "a.txt: given twice" in result.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "e.jsonl").exists()


def test_jsonl_cleaned_into_one_text_file_says_what_the_text_file_cannot_hold(tmp_path, pages):
    (tmp_path / "feed.jsonl").write_text('{"id": "a", "text": "First page."}\n{"id": "b", "text": "Second page."}\n')
    result = run("clean", "-q", tmp_path / "feed.jsonl", "-o", tmp_path / "out.txt")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out.txt").read_text().split() == ["First", "page.", "Second", "page."]
    assert "without their ids, other fields or metadata" in result.stderr
    result = run("clean", "-q", pages / "a.txt", "-o", tmp_path / "a.out.txt")  # text into text loses nothing
    assert result.exit_code == 0 and "without their ids" not in result.stderr
