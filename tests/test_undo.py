"""``textclean undo`` through the command line: clean, undo, and compare with the original bytes."""
import json

import pytest
from click.testing import CliRunner

from textclean.cli import main

PAGE = "News ID: 501\nPublish Date : 03 March 2020 - 08:15\n\nGulbuddin Hikmatyar spoke in Qalat-i-Naw.  \n\n\n* Comment:\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def jsonl(*records):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write(folder, files):
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(text.encode("utf-8"))
    return folder


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def clean(*args):
    result = run("clean", "-q", *args)
    assert result.exit_code == 0, result.stderr


MIXED = {
    "a.txt": "Trailing spaces  \n",
    "b.txt": "Nothing to change.\n",
    "sub/page.txt": PAGE,
    "sub/crlf.txt": "Hossein left.  \r\nHe came back.\r\n",
    "docs.jsonl": jsonl({"text": PAGE, "url": "u1"}, {"text": "Plain.\n"}, {"text": "Hossein  \n", "metadata": {}},
                        {"id": "k", "text": "Hikmatyar said so.\n", "metadata": {"lang": "en"}}),
}


@pytest.mark.parametrize("jobs", [1, 2])
def test_folder_round_trips_to_the_original_bytes(tmp_path, jobs):
    source = write(tmp_path / "in", MIXED)
    clean(source, "-o", tmp_path / "out", "--edits", tmp_path / "edits.jsonl", "--jobs", jobs)
    assert files_of(tmp_path / "out") != files_of(source)
    result = run("undo", tmp_path / "out", "--edits", tmp_path / "edits.jsonl", "-o", tmp_path / "back")
    assert result.exit_code == 0, result.stderr
    assert files_of(tmp_path / "back") == files_of(source)


@pytest.mark.parametrize("stages", [[], ["--no-unicode"]])
def test_a_utf8_byte_order_mark_comes_back(tmp_path, stages):
    source = write(tmp_path / "in", {"bom.txt": "\ufeff" + PAGE, "sub/plain.txt": "\ufeffSpaces  \n"})
    clean(source, "-o", tmp_path / "out", "--edits", tmp_path / "edits.jsonl", *stages)
    # ftfy removes the mark as a recorded edit; without the unicode stage it stays in the output
    assert (tmp_path / "out" / "bom.txt").read_bytes().startswith(b"\xef\xbb\xbf") == bool(stages)
    result = run("undo", tmp_path / "out", "--edits", tmp_path / "edits.jsonl", "-o", tmp_path / "back")
    assert result.exit_code == 0, result.stderr
    assert files_of(tmp_path / "back") == files_of(source)
    one = run("undo", tmp_path / "out" / "bom.txt", "--edits", tmp_path / "edits.jsonl")
    assert one.exit_code == 0 and one.stdout_bytes == files_of(source)["bom.txt"]


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_a_compressed_edit_log_is_read_back_by_undo_and_resume(tmp_path, suffix):
    source = write(tmp_path / "in", MIXED)
    log = tmp_path / f"edits{suffix}"
    clean(source, "-o", tmp_path / "out", "--edits", log)
    (tmp_path / "out" / "a.txt").unlink()
    clean(source, "-o", tmp_path / "out", "--edits", log, "--resume")
    result = run("undo", tmp_path / "out", "--edits", log, "-o", tmp_path / "back")
    assert result.exit_code == 0, result.stderr
    assert files_of(tmp_path / "back") == files_of(source)


def test_undo_writes_the_format_its_output_file_names(tmp_path):
    write(tmp_path, {"page.txt": PAGE})
    clean(tmp_path / "page.txt", "-o", tmp_path / "clean.jsonl", "--edits", tmp_path / "e.jsonl")
    result = run("undo", tmp_path / "clean.jsonl", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "page2.txt")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "page2.txt").read_text(encoding="utf-8") == PAGE


def test_text_cleaned_to_jsonl_is_undone_without_a_metadata_field_it_never_had(tmp_path):
    write(tmp_path, {"page.txt": PAGE, "plain.txt": "Spaces  \n"})
    clean(tmp_path / "page.txt", tmp_path / "plain.txt", "-o", tmp_path / "clean.jsonl",
          "--edits", tmp_path / "e.jsonl")
    assert "metadata" in json.loads((tmp_path / "clean.jsonl").read_text(encoding="utf-8").splitlines()[0])
    result = run("undo", tmp_path / "clean.jsonl", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back.jsonl")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in (tmp_path / "back.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [record["text"] for record in records] == [PAGE, "Spaces  \n"]
    assert not any("metadata" in record for record in records)


@pytest.mark.parametrize("metadata", [None, ["{}", None, '{"lang": "en"}']])
def test_parquet_is_undone_to_exactly_its_columns(tmp_path, metadata):
    pa, pq = pytest.importorskip("pyarrow"), pytest.importorskip("pyarrow.parquet")
    columns = {"id": ["a", "b", "c"], "text": [PAGE, "Plain.\n", "Spaces  \n"], "n": [1, 2, 3]}
    if metadata is not None:
        columns["metadata"] = metadata
    original = pa.table(columns)
    pq.write_table(original, tmp_path / "in.parquet")
    clean(tmp_path / "in.parquet", "-o", tmp_path / "clean.parquet", "--edits", tmp_path / "e.jsonl")
    result = run("undo", tmp_path / "clean.parquet", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back.parquet")
    assert result.exit_code == 0, result.stderr
    restored = pq.read_table(tmp_path / "back.parquet")
    assert restored.schema == original.schema and restored.to_pylist() == original.to_pylist()


def test_only_one_file_changed_leaves_the_other_alone(tmp_path):
    source = write(tmp_path / "t", {"a.txt": "A  \n", "b.txt": "B\n"})
    clean(source, "-o", tmp_path / "tout", "--edits", tmp_path / "e.jsonl")
    result = run("undo", tmp_path / "tout", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back")
    assert result.exit_code == 0, result.stderr
    assert files_of(tmp_path / "back") == {"a.txt": b"A  \n", "b.txt": b"B\n"}


def test_jsonl_cleaned_to_another_name_round_trips(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(MIXED["docs.jsonl"] + jsonl({"id": "z", "text": "Qalat-i-Naw  \n"}), encoding="utf-8")
    clean(corpus, "-o", tmp_path / "feed.cleaned.jsonl", "--edits", tmp_path / "e.jsonl", "--jobs", 2)
    back = tmp_path / "back.jsonl"
    result = run("undo", tmp_path / "feed.cleaned.jsonl", "--edits", tmp_path / "e.jsonl", "-o", back)
    assert result.exit_code == 0, result.stderr
    assert back.read_bytes() == corpus.read_bytes()


def test_records_without_ids_in_a_mirrored_folder_round_trip(tmp_path):
    records = jsonl({"text": "One  \n"}, {"text": "Two.\n"}, {"text": "Three  \n"})
    source = write(tmp_path / "in", {"part.jsonl": records})
    clean(source, "-o", tmp_path / "outdir", "--edits", tmp_path / "e.jsonl")
    result = run("undo", tmp_path / "outdir", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back")
    assert result.exit_code == 0, result.stderr
    assert files_of(tmp_path / "back") == files_of(source)


def test_a_renamed_output_file_is_still_matched(tmp_path):
    source = write(tmp_path, {"page.txt": PAGE})
    clean(source / "page.txt", "-o", tmp_path / "clean.txt", "--edits", tmp_path / "e.jsonl")
    (tmp_path / "clean.txt").rename(tmp_path / "renamed.txt")
    result = run("undo", tmp_path / "renamed.txt", "--edits", tmp_path / "e.jsonl")
    assert result.exit_code == 0 and result.stdout == PAGE


def test_the_log_of_another_file_is_refused(tmp_path):
    write(tmp_path / "t", {"a.txt": "A  \n", "b.txt": "B\n"})
    clean(tmp_path / "t" / "a.txt", "-o", tmp_path / "a.clean.txt", "--edits", tmp_path / "e.jsonl")
    result = run("undo", tmp_path / "t" / "b.txt", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back.txt")
    assert result.exit_code == 1
    assert f"{tmp_path / 't' / 'b.txt'}:" in result.stderr and "does not match" in result.stderr
    assert not (tmp_path / "back.txt").exists()


def test_a_file_the_log_does_not_cover_is_reported_and_nothing_is_written(tmp_path):
    source = write(tmp_path / "in", {"a.txt": "A  \n"})
    clean(source, "-o", tmp_path / "out", "--edits", tmp_path / "e.jsonl")
    write(tmp_path / "out", {"extra.txt": "Extra  \n"})
    result = run("undo", tmp_path / "out", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back")
    assert result.exit_code == 1
    assert f"{tmp_path / 'out' / 'extra.txt'}: not in the edit log" in result.stderr
    assert not (tmp_path / "back").exists()


def test_a_changed_record_is_reported_with_its_line(tmp_path):
    corpus = write(tmp_path, {"c.jsonl": jsonl({"text": "One  \n"}, {"text": "Two  \n"}, {"text": "Three.\n"})})
    out = tmp_path / "out.jsonl"
    clean(corpus / "c.jsonl", "-o", out, "--edits", tmp_path / "e.jsonl")
    lines = out.read_text().splitlines(keepends=True)
    out.write_text(lines[0] + lines[1].replace("Two", "Deux") + lines[2])
    result = run("undo", out, "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back.jsonl")
    assert result.exit_code == 1 and f"{out}:2: " in result.stderr
    assert not (tmp_path / "back.jsonl").exists()


def test_a_record_moved_to_an_unchanged_place_is_reported(tmp_path):
    corpus = write(tmp_path, {"c.jsonl": jsonl({"text": "One  \n"}, {"text": "Two.\n"})})
    out = tmp_path / "out.jsonl"
    clean(corpus / "c.jsonl", "-o", out, "--edits", tmp_path / "e.jsonl")
    out.write_text("".join(reversed(out.read_text().splitlines(keepends=True))))
    result = run("undo", out, "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back.jsonl")
    assert result.exit_code == 1 and f"{out}:1: " in result.stderr
    assert not (tmp_path / "back.jsonl").exists()


def test_a_log_without_hashes_is_refused(tmp_path):
    (tmp_path / "clean.txt").write_text("A\n")
    old = {"id": "a.txt", "source": "a.txt", "relpath": "a.txt", "line": None, "metadata_added": [],
           "metadata_created": False, "edits": [{"rule": "r", "kind": "k", "start": 1, "end": 3, "before": "  ",
                                                 "after": ""}]}
    (tmp_path / "e.jsonl").write_text(json.dumps(old) + "\n")
    result = run("undo", tmp_path / "clean.txt", "--edits", tmp_path / "e.jsonl")
    assert result.exit_code == 1 and f"{tmp_path / 'e.jsonl'}:1: " in result.stderr and "older" in result.stderr


@pytest.mark.parametrize("target", ["clean.txt", "e.jsonl"])
def test_undo_does_not_write_over_its_input_or_its_log(tmp_path, target):
    write(tmp_path, {"page.txt": PAGE})
    clean(tmp_path / "page.txt", "-o", tmp_path / "clean.txt", "--edits", tmp_path / "e.jsonl")
    before = files_of(tmp_path)
    result = run("undo", tmp_path / "clean.txt", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / target)
    assert result.exit_code == 2 and "refusing to overwrite an input file" in result.stderr
    assert files_of(tmp_path) == before


def test_undo_into_the_folder_it_reads_is_refused(tmp_path):
    source = write(tmp_path / "in", {"a.txt": "A  \n", "b.txt": "B  \n"})
    clean(source, "-o", tmp_path / "out", "--edits", tmp_path / "e.jsonl")
    before = files_of(tmp_path / "out")
    result = run("undo", tmp_path / "out", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "refusing to overwrite an input file" in result.stderr
    assert files_of(tmp_path / "out") == before


def test_a_folder_output_that_would_overwrite_an_input_writes_nothing(tmp_path):
    source = write(tmp_path / "in", {"a.txt": "A  \n", "b.txt": "B  \n"})
    clean(source, "-o", tmp_path / "out", "--edits", tmp_path / "e.jsonl")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / "b.txt").rename(tmp_path / "elsewhere" / "b.txt")
    result = run("undo", tmp_path / "out", tmp_path / "elsewhere", "--edits", tmp_path / "e.jsonl",
                 "-o", tmp_path / "elsewhere")
    assert result.exit_code == 2 and "refusing to overwrite an input file" in result.stderr
    assert files_of(tmp_path / "elsewhere") == {"b.txt": b"B\n"}


def test_stdin_is_refused(tmp_path):
    (tmp_path / "e.jsonl").write_text(json.dumps({"type": "header", "format": 3}) + "\n")
    result = CliRunner().invoke(main, ["undo", "-", "--edits", str(tmp_path / "e.jsonl")], input="A\n")
    assert result.exit_code == 2 and "not '-'" in result.stderr


@pytest.mark.parametrize("breakage, line, message", [
    (lambda lines: lines[:2] + lines[1:], 3, "a second document record for document 1 of 'clean.txt'"),
    (lambda lines: lines[:2], 2, "document 1 of 'clean.txt' is not in any shard record"),
    (lambda lines: [lines[0], lines[1].replace('"cleaned_sha256"', '"x"'), lines[2]], 2, "cleaned_sha256 is missing"),
    (lambda lines: [lines[0], lines[1], lines[2].replace('"shard"', '"part"')], 3, "type 'part'"),
    (lambda lines: [lines[0].replace('"format": 3', '"format": 4'), *lines[1:]], 1, "format 4"),
    (lambda lines: [lines[0].replace('"format": 3', '"format": 2'), *lines[1:]], 1, "format 2, from an older"),
    (lambda lines: [lines[0], lines[2]], 2, "holds 0 document line(s) of 'clean.txt', and the run wrote 1"),
    (lambda lines: [lines[0], lines[1].replace('"after": ""', '"after": 5'), lines[2]], 2, "has after 5, not a string"),
    (lambda lines: [lines[0], lines[1].replace('"position": 1', '"position": ' + "9" * 5000), lines[2]], 2,
     "not a record textclean wrote"),
    (lambda lines: [lines[0], lines[1].replace('"relpath": ', '"relpath": ' + "[" * 100000 + "]" * 100000 + ', "x": '),
                    lines[2]], 2, "nested too deeply"),
    (lambda lines: [lines[0], lines[1].replace('"position": 1', '"position": 1e3'), lines[2]], 2,
     "position is 1000.0, not a whole number"),
    (lambda lines: [lines[0], lines[1].replace('"metadata_added": [', '"metadata_added": [1, '), lines[2]], 2,
     "not a list of field names"),
    (lambda lines: [lines[0], lines[1].replace('"rule": "', '"rule": "x'), lines[2]], 3,
     "the document lines of 'clean.txt' are not those the run wrote"),
])
def test_a_broken_log_is_named_with_its_line(tmp_path, breakage, line, message):
    write(tmp_path, {"page.txt": PAGE})
    clean(tmp_path / "page.txt", "-o", tmp_path / "clean.txt", "--edits", tmp_path / "e.jsonl")
    log = tmp_path / "e.jsonl"
    log.write_text("".join(breakage(log.read_text().splitlines(keepends=True))))
    result = run("undo", tmp_path / "clean.txt", "--edits", log)
    assert result.exit_code == 1 and f"{log}:{line}: " in result.stderr and message in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


@pytest.mark.parametrize(("inputs", "output"), [
    (["a.txt", "b.txt"], ["-o", "two.txt"]), (["a.txt", "b.txt"], ["--format", "text"]), (["c.jsonl"], ["-o", "c.txt"]),
    (["c.jsonl"], ["--format", "text"])])
def test_an_edit_log_of_several_documents_in_one_text_output_is_refused(tmp_path, monkeypatch, inputs, output):
    write(tmp_path, {"a.txt": "A  \n", "b.txt": "B  \n", "c.jsonl": jsonl({"text": "C  \n"})})
    monkeypatch.chdir(tmp_path)
    result = run("clean", *inputs, *output, "--edits", "e.jsonl")
    assert result.exit_code == 2 and "--edits" in result.stderr and "JSONL" in result.stderr
    assert result.stdout == "" and not (tmp_path / "e.jsonl").exists() and not (tmp_path / "two.txt").exists()


def test_an_edit_log_of_one_text_file_in_one_text_file_out_is_taken(tmp_path):
    write(tmp_path, {"a.txt": "A  \n"})
    clean(tmp_path / "a.txt", "-o", tmp_path / "a.clean.txt", "--edits", tmp_path / "e.jsonl")
    assert run("undo", tmp_path / "a.clean.txt", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back.txt"
               ).exit_code == 0
    assert (tmp_path / "back.txt").read_text() == "A  \n"


def test_a_file_missing_documents_is_refused_with_the_count(tmp_path):
    write(tmp_path, {"c.jsonl": jsonl({"text": "One  \n"}, {"text": "Two  \n"})})
    clean(tmp_path / "c.jsonl", "-o", tmp_path / "out.jsonl", "--edits", tmp_path / "e.jsonl")
    out = tmp_path / "out.jsonl"
    out.write_text(out.read_text().splitlines(keepends=True)[0])
    result = run("undo", out, "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back.jsonl")
    assert result.exit_code == 1 and "holds 1 document; the run wrote 2 " in result.stderr
    assert "nothing restored: 1 problem above" in result.stderr


def _tamper_record(index, change):
    def tamper(lines):
        record = json.loads(lines[index])
        change(record)
        return [*lines[:index], json.dumps(record, ensure_ascii=False) + "\n", *lines[index + 1:]]
    return tamper


# docs.jsonl of MIXED, cleaned: record 0 (url u1) and 2 and 3 changed, record 1 unchanged
@pytest.mark.parametrize("tamper, cause", [
    (_tamper_record(0, lambda r: r.update(url="u2")), "a field other than the text differs"),
    (_tamper_record(3, lambda r: r.update(id="kk")), "a field other than the text differs"),
    (_tamper_record(1, lambda r: r.update(url="u2")), "its records differ from those the run wrote"),
    (_tamper_record(1, lambda r: r.update(metadata={"date": "2020-03-03"})), "its records differ"),
    (_tamper_record(1, lambda r: r.update(metadata={})), "its records differ"),
    (_tamper_record(0, lambda r: r.pop("url")), "a field other than the text differs"),
    (_tamper_record(2, lambda r: r.update(lang="en")), "a field other than the text differs"),
    (_tamper_record(3, lambda r: r["metadata"].update(lang="fr")), "a field other than the text differs"),
    (lambda lines: [lines[1], lines[0], *lines[2:]], "does not match the edit log"),
])
def test_an_output_record_changed_anywhere_is_refused_and_nothing_is_written(tmp_path, tamper, cause):
    source = write(tmp_path / "in", {"docs.jsonl": MIXED["docs.jsonl"]})
    clean(source, "-o", tmp_path / "out", "--edits", tmp_path / "e.jsonl")
    out = tmp_path / "out" / "docs.jsonl"
    out.write_text("".join(tamper(out.read_text(encoding="utf-8").splitlines(keepends=True))), encoding="utf-8")
    result = run("undo", tmp_path / "out", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back")
    assert result.exit_code == 1 and cause in result.stderr, result.stderr
    assert not (tmp_path / "back").exists()


@pytest.mark.parametrize("name", ["a.txt", "docs.jsonl"])
def test_a_document_line_taken_out_of_the_log_is_found_before_anything_is_written(tmp_path, name):
    source = write(tmp_path / "in", MIXED)
    log = tmp_path / "e.jsonl"
    clean(source, "-o", tmp_path / "out", "--edits", log)
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    [line] = [n for n, line in enumerate(lines) if json.loads(line).get("output") == name][:1]
    log.write_text("".join(lines[:line] + lines[line + 1:]), encoding="utf-8")
    result = run("undo", tmp_path / "out", "--edits", log, "-o", tmp_path / "back")
    assert result.exit_code == 1 and f"of {name!r}, and the run wrote" in result.stderr, result.stderr
    assert not (tmp_path / "back").exists()


def test_a_parquet_row_changed_beside_its_text_is_refused(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    source = tmp_path / "in"
    source.mkdir()
    pq.write_table(pa.table({"id": ["a", "b"], "text": [PAGE, "Plain.\n"], "url": ["u1", "u2"]}), source / "p.parquet")
    clean(source, "-o", tmp_path / "out", "--edits", tmp_path / "e.jsonl")
    result = run("undo", tmp_path / "out", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "back")
    assert result.exit_code == 0, result.stderr
    assert pq.read_table(tmp_path / "back" / "p.parquet").to_pylist() == [  # the input had no metadata column
        {"id": "a", "text": PAGE, "url": "u1"}, {"id": "b", "text": "Plain.\n", "url": "u2"}]
    for row, field in ((0, "url"), (1, "url"), (1, "id")):
        rows = pq.read_table(tmp_path / "out" / "p.parquet").to_pylist()
        rows[row][field] += "x"
        pq.write_table(pa.Table.from_pylist(rows), tmp_path / "changed.parquet")
        (tmp_path / "changed.parquet").replace(tmp_path / "out2.parquet")
        result = run("undo", tmp_path / "out2.parquet", "--edits", tmp_path / "e.jsonl", "-o", tmp_path / "b.parquet")
        assert result.exit_code == 1 and "does not match the edit log" in result.stderr, (row, field, result.stderr)
        assert not (tmp_path / "b.parquet").exists()
