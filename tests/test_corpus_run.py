"""Corpus runs: compressed and Parquet shards, several cores, statistics, resume."""
import gzip
import json

import pytest
from click.testing import CliRunner

from textclean.cli import main

DOC = "News ID: {n}\nPublish Date : 0{d} May 2020 - 10:1{d}\n\nHikmatyar {n} went to Qalat-i-Naw.\n\n0 comment\n"


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def records(count):
    return [{"id": f"d{n}", "text": DOC.format(n=n, d=n % 9 + 1), "n": n} for n in range(count)]


def write_jsonl(path, rows):
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as stream:
        stream.writelines(json.dumps(row) + "\n" for row in rows)


def read_jsonl(path):
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_all_cores_give_the_single_core_result_in_input_order(tmp_path, monkeypatch, start):
    import multiprocessing
    if start == "spawn":  # as on platforms that cannot fork: each worker builds the rules itself
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    source = tmp_path / "in.jsonl"
    write_jsonl(source, records(300))
    assert run("clean", "-q", "-j", "1", str(source), "-o", str(tmp_path / "one.jsonl")).exit_code == 0
    assert run("clean", "-q", "-j", "2", str(source), "-o", str(tmp_path / "two.jsonl")).exit_code == 0
    one, two = read_jsonl(tmp_path / "one.jsonl"), read_jsonl(tmp_path / "two.jsonl")
    assert one == two and [r["n"] for r in two] == list(range(300))
    assert two[5]["text"] == "Hekmatyar 5 went to Qala-e-Naw.\n" and two[5]["metadata"]["news_id"] == "5"


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_compressed_shards_mirror_their_names(tmp_path, suffix):
    pytest.importorskip("zstandard") if suffix.endswith("zst") else None
    shards = tmp_path / "shards"
    shards.mkdir()
    rows = records(20)
    if suffix.endswith(".gz"):
        write_jsonl(shards / f"part-0{suffix}", rows)
    else:
        import zstandard
        data = "".join(json.dumps(r) + "\n" for r in rows).encode()
        (shards / f"part-0{suffix}").write_bytes(zstandard.ZstdCompressor().compress(data))
    out = tmp_path / "out"
    assert run("clean", "-q", str(shards), "-o", str(out)).exit_code == 0
    written = out / f"part-0{suffix}"
    if suffix.endswith(".gz"):
        cleaned = read_jsonl(written)
    else:
        import zstandard
        raw = zstandard.ZstdDecompressor().stream_reader(written.open("rb")).read()
        cleaned = [json.loads(line) for line in raw.decode().splitlines()]
    assert [r["id"] for r in cleaned] == [r["id"] for r in rows] and "Qala-e-Naw" in cleaned[0]["text"]


def test_parquet_keeps_other_columns(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    shards = tmp_path / "shards"
    shards.mkdir()
    pq.write_table(pa.Table.from_pylist(records(10)), shards / "a.parquet")
    out = tmp_path / "out"
    assert run("clean", "-q", str(shards), "-o", str(out)).exit_code == 0
    table = pq.read_table(out / "a.parquet").to_pylist()
    assert [row["n"] for row in table] == list(range(10))
    assert table[3]["text"] == "Hekmatyar 3 went to Qala-e-Naw.\n"
    assert json.loads(table[3]["metadata"])["date"] == "2020-05-04T10:14"


def test_parquet_output_keeps_fields_that_appear_or_widen_after_the_first_row_group(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    rows = records(2100)
    for row in rows[2048:]:
        row["url"], row["n"] = f"https://example.org/{row['n']}", row["n"] + 0.5
    rows[2050]["tags"] = {"desk": "kabul"}
    source = tmp_path / "in.jsonl"
    write_jsonl(source, rows)
    out = tmp_path / "out.parquet"
    assert run("clean", "-q", str(source), "-o", str(out)).exit_code == 0
    table = pq.read_table(out)
    assert table.schema.names == ["id", "text", "n", "metadata", "url", "tags"]
    written = table.to_pylist()
    assert [row["n"] for row in written] == [row["n"] for row in rows]
    assert written[0]["url"] is None and written[2099]["url"] == "https://example.org/2099"
    assert written[2050]["tags"] == {"desk": "kabul"} and written[2051]["tags"] is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.parquet"]


@pytest.mark.parametrize(("line", "last"), [(5, 5), (2049, 2049), (2049, 2100)],
                         ids=["in-the-first-row-group", "after-it", "every-row-after-it"])
def test_parquet_output_names_the_record_that_fits_no_column_type(tmp_path, line, last):
    pytest.importorskip("pyarrow")
    rows = records(2100)
    for row in rows[line - 1:last]:
        row["id"] = row["n"]
    source = tmp_path / "in.jsonl"
    write_jsonl(source, rows)
    result = run("clean", "-q", str(source), "-o", str(tmp_path / "out.parquet"))
    assert result.exit_code == 1
    assert (f"textclean: error: {tmp_path / 'out.parquet'}: the record from {source}:{line} does not fit the "
            "Parquet columns of the records before it") in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_parquet_without_the_text_column_is_rejected(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"body": ["x"]}), path)
    result = run("clean", str(path), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1 and "Parquet schema has no 'text' column (columns: body)" in result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])  # with 2, workers count the edits they do not send back
def test_stats_file(tmp_path, jobs):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, records(4) + [{"id": "plain", "text": "Nothing to do here.\n"}])
    stats_path = tmp_path / "stats.json"
    assert run("clean", "-q", str(source), "-o", str(tmp_path / "o.jsonl"), "--stats", str(stats_path),
               "--jobs", jobs).exit_code == 0
    stats = json.loads(stats_path.read_text())
    assert stats["documents"] == 5 and stats["changed"] == 4 and stats["rejected"] == 0
    assert stats["edits_by_rule"]["date.news-id"] == 4 and stats["bytes_removed_by_rule"]["comments.count"] == 4 * 10
    assert stats["metadata_fields"] == {"news_id": 4, "date": 4}
    assert set(stats["seconds_by_stage"]) >= {"unicode", "date_header", "boilerplate", "variants", "whitespace"}


def test_resume_skips_complete_shards_and_removes_stale_temporaries(tmp_path):
    shards = tmp_path / "shards"
    shards.mkdir()
    for n in range(3):
        write_jsonl(shards / f"s{n}.jsonl", records(5))
    out = tmp_path / "out"
    assert run("clean", "-q", str(shards), "-o", str(out)).exit_code == 0
    (out / "s1.jsonl").unlink()
    (out / ".textclean-s1.jsonl.abc.tmp").write_text("partial")
    before = (out / "s0.jsonl").stat().st_mtime_ns
    result = run("clean", str(shards), "-o", str(out), "--resume")
    assert result.exit_code == 0 and "skipped, already complete (--resume): s0.jsonl" in result.stderr
    assert (out / "s0.jsonl").stat().st_mtime_ns == before
    assert read_jsonl(out / "s1.jsonl") == read_jsonl(out / "s2.jsonl")
    assert not list(out.glob("*.tmp"))


def test_a_rule_that_does_not_compile_stops_a_parallel_run_before_any_output(tmp_path):
    rules = tmp_path / "bad.yaml"
    rules.write_text("rules:\n  - id: b.x\n    kind: boilerplate\n    description: d\n    pattern: '('\n"
                     "    examples: [{keep: x}]\n")
    source = tmp_path / "in.jsonl"
    write_jsonl(source, records(3))
    result = CliRunner().invoke(main, ["clean", "-j", "2", "--rules", str(rules), str(source), "-o",
                                       str(tmp_path / "out.jsonl"), "--edits", str(tmp_path / "e.jsonl")])
    assert result.exit_code == 2 and f"{rules}:5: rule 'b.x': pattern does not compile" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "in.jsonl"]


def test_resume_keeps_the_edit_and_rejects_records_of_the_shards_it_skips(tmp_path):
    shards = tmp_path / "shards"
    shards.mkdir()
    for n in range(3):
        write_jsonl(shards / f"s{n}.jsonl", records(2) + [{"id": f"bad{n}"}])
    out, edits, rejects = tmp_path / "out", tmp_path / "edits.jsonl", tmp_path / "rejects.jsonl"
    logs = ("--edits", str(edits), "--rejects", str(rejects))
    assert run("clean", "-q", str(shards), "-o", str(out), *logs).exit_code == 1
    (out / "s1.jsonl").unlink()
    assert run("clean", "-q", str(shards), "-o", str(out), "--resume", *logs).exit_code == 1
    assert sorted(r["source"].rsplit("/", 1)[1] for r in read_jsonl(rejects)) == ["s0.jsonl", "s1.jsonl", "s2.jsonl"]
    result = run("undo", str(out), "--edits", str(edits), "-o", str(tmp_path / "back"))
    assert result.exit_code == 0, result.stderr
    for n in range(3):
        assert read_jsonl(tmp_path / "back" / f"s{n}.jsonl") == records(2)


@pytest.mark.parametrize("option", ["--edits", "--rejects"])
def test_resume_refuses_up_front_to_log_a_folder_whose_finished_shards_were_never_logged(tmp_path, option):
    shards = tmp_path / "shards"
    shards.mkdir()
    for n in range(3):
        write_jsonl(shards / f"s{n}.jsonl", records(2))
    out = tmp_path / "out"
    assert run("clean", "-q", str(shards), "-o", str(out)).exit_code == 0
    (out / "s1.jsonl").unlink()
    result = run("clean", "-q", str(shards), "-o", str(out), "--resume", option, str(tmp_path / "log.jsonl"))
    assert result.exit_code == 2, result.stderr
    assert f"--resume cannot keep the {option} records of 2 shards" in result.stderr
    assert "clean again without --resume" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "shards"]
    assert sorted(p.name for p in out.iterdir()) == ["s0.jsonl", "s2.jsonl"]


def test_a_run_stopped_by_a_bad_shard_keeps_the_logs_of_the_shards_it_completed(tmp_path):
    shards = tmp_path / "shards"
    shards.mkdir()
    write_jsonl(shards / "s0.jsonl", records(3))
    (shards / "s1.jsonl.gz").write_bytes(gzip.compress(b'{"text": "x"}\n' * 50)[:-20])  # truncated
    write_jsonl(shards / "s2.jsonl", records(3))
    out, edits = tmp_path / "out", tmp_path / "edits.jsonl"
    result = run("clean", "-q", str(shards), "-o", str(out), "--edits", str(edits))
    assert result.exit_code == 1 and "s1.jsonl.gz: cannot read" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["s0.jsonl"]
    assert [r["output"] for r in read_jsonl(edits) if r["type"] == "shard"] == ["s0.jsonl"]
    write_jsonl(shards / "s1.jsonl.gz", records(3))
    assert run("clean", "-q", str(shards), "-o", str(out), "--edits", str(edits), "--resume").exit_code == 0
    result = run("undo", str(out), "--edits", str(edits), "-o", str(tmp_path / "back"))
    assert result.exit_code == 0, result.stderr
    for name in ("s0.jsonl", "s1.jsonl.gz", "s2.jsonl"):
        assert read_jsonl(tmp_path / "back" / name) == records(3)


@pytest.mark.parametrize(("given", "small", "jobs"), [("0", True, 1), ("0", False, None), ("2", True, 2)])
def test_a_small_input_is_cleaned_in_one_process_unless_jobs_are_given(tmp_path, monkeypatch, given, small, jobs):
    import textclean.runs.run
    from textclean.runs.parallel import available_cores
    started = []
    real = textclean.runs.run.ParallelCleaner
    monkeypatch.setattr(textclean.runs.run, "ParallelCleaner",
                        lambda spec, n, **options: started.append(n) or real(spec, 1, **options))
    if not small:
        monkeypatch.setattr(textclean.runs.run, "SMALL_RUN_BYTES", 0)
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "Body.\\n"}\n{"id": 2, "text": "More.\\n"}\n', encoding="utf-8")
    assert run("clean", "-q", "--jobs", given, str(source), "-o", str(tmp_path / "out.jsonl")).exit_code == 0
    assert started == [jobs or available_cores()]


@pytest.mark.parametrize(("name", "output", "jobs"), [
    ("one.jsonl", "o.txt", 2), ("one.jsonl", "out/", 2), ("page.txt", "o.jsonl", 1), ("page.txt", "o.txt", 1)])
def test_one_text_file_is_one_process_and_any_other_input_obeys_jobs(tmp_path, monkeypatch, name, output, jobs):
    import textclean.runs.run
    started = []
    real = textclean.runs.run.ParallelCleaner
    monkeypatch.setattr(textclean.runs.run, "ParallelCleaner",
                        lambda spec, n, **options: started.append(n) or real(spec, 1, **options))
    source = tmp_path / name
    source.write_text('{"id": 1, "text": "Body.\\n"}\n' if name.endswith(".jsonl") else "Body.\n", encoding="utf-8")
    assert run("clean", "-q", "--jobs", "2", str(source), "-o", f"{tmp_path}/{output}").exit_code == 0
    assert started == [jobs]


@pytest.mark.parametrize(("policy", "written"), [("skip", ["good.txt"]), ("strict", ["good.txt"]),
                                                 ("replace", ["good.txt", "latin.txt"])])
def test_a_text_file_rejected_whole_gets_no_output(tmp_path, policy, written):
    shards = tmp_path / "in"
    shards.mkdir()
    (shards / "good.txt").write_text("Body.\n", encoding="utf-8")
    (shards / "binary.txt").write_bytes(b"\x00\x01 image\n")
    (shards / "latin.txt").write_bytes(b"caf\xe9\n")  # too short for its encoding to be told
    result = run("clean", "-q", str(shards), "-o", str(tmp_path / "out"), "--encoding-errors", policy)
    assert result.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == written
