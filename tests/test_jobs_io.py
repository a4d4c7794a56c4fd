"""``clean --jobs``: the workers read the JSONL lines and make the records; the parent keeps order, errors, counts."""
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import textclean.io.inputs
import textclean.io.outputs
import textclean.runs.parallel
from textclean.cli import main

PAGE = "Item {n}\nPublish Date : 0{d} May 2020 - 10:1{d}\n\nA short paragraph, number {n}, stays.\n\n0 comment\n"


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)


def lines(count, bad=()):
    """JSONL lines of ``count`` records; the line numbers (from 1) in ``bad`` are broken JSON."""
    return "".join(f'{{"id": "r{n}", "text": "unclosed\n' if n + 1 in bad else
                   json.dumps({"id": f"r{n}", "url": f"https://s{n % 3}.example/{n}",
                               "text": PAGE.format(n=n, d=n % 9 + 1)}) + "\n"
                   for n in range(count))


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of three documents: many chunks in flight, answered in any order."""
    monkeypatch.setattr(textclean.runs.parallel, "CHUNK_DOCS", 3)


@pytest.mark.parametrize("fail_fast", [False, True])
def test_a_line_a_worker_cannot_read_is_named_by_file_and_line_as_in_one_process(tmp_path, small_chunks, fail_fast):
    source = tmp_path / "in.jsonl"
    source.write_text(lines(40, bad={23}), encoding="utf-8")
    done = {}
    for jobs in (1, 2):
        done[jobs] = run("clean", "-q", "-j", jobs, source, "-o", tmp_path / f"out{jobs}.jsonl",
                         "--rejects", tmp_path / f"rejects{jobs}.jsonl", *(["--fail-fast"] if fail_fast else []))
    assert done[1].exit_code == done[2].exit_code == 1
    assert done[1].stderr == done[2].stderr
    cause = "not valid JSON: a string that starts here is not closed before the line ends (column 23)"
    assert f"{source}:23: {cause}" in done[2].stderr
    if fail_fast:
        assert not (tmp_path / "out2.jsonl").exists()
    else:
        written = [json.loads(line)["id"] for line in (tmp_path / "out2.jsonl").read_text().splitlines()]
        assert written == [f"r{n}" for n in range(40) if n != 22]
        rejected = [json.loads(line) for line in (tmp_path / "rejects2.jsonl").read_text().splitlines()]
        assert [(r["source"], r["line"]) for r in rejected] == [(str(source), 23)]


def mixed_corpus(folder):
    """Two JSONL shards (one with a bad line), a text file and a blank-line-ridden shard, in a folder."""
    folder.mkdir()
    (folder / "a.jsonl").write_text(lines(50), encoding="utf-8")
    (folder / "b.txt").write_text(PAGE.format(n=99, d=3), encoding="utf-8")
    (folder / "c.jsonl").write_text(lines(20, bad={7}), encoding="utf-8")
    (folder / "d.jsonl").write_text("\n" + lines(5).replace("\n", "\n\n"), encoding="utf-8")
    return folder


@pytest.mark.parametrize("output", ["all.jsonl", "all.txt", "folder/"])
def test_any_number_of_workers_writes_the_same_bytes_in_input_order(tmp_path, small_chunks, output):
    corpus = mixed_corpus(tmp_path / "corpus")
    stats = {}
    for jobs in (1, 2):
        target = tmp_path / str(jobs) / output
        (tmp_path / str(jobs)).mkdir()
        assert run("clean", "-q", "-j", jobs, corpus, "-o", f"{target}/" if output.endswith("/") else target,
                   "--stats", tmp_path / str(jobs) / "stats.json").exit_code == 1  # the bad line
        stats[jobs] = json.loads((tmp_path / str(jobs) / "stats.json").read_text())
    files = {jobs: {path.relative_to(tmp_path / str(jobs)): path.read_bytes()
                    for path in sorted((tmp_path / str(jobs)).rglob("*"))
                    if path.is_file() and path.name != "stats.json"} for jobs in (1, 2)}
    assert files[1] == files[2] and files[1]
    for numbers in stats.values():
        del numbers["seconds"], numbers["seconds_by_stage"], numbers["site_pass"]["seconds"]
    assert stats[1] == stats[2]
    assert stats[2]["documents"] == 50 + 1 + 19 + 5 and stats[2]["rejected"] == 1
    if output == "all.jsonl":
        ids = [json.loads(line)["id"] for line in files[2][Path(output)].decode().splitlines()]
        assert ids == [f"r{n}" for n in range(50)] + [str(corpus / "b.txt")] + \
            [f"r{n}" for n in range(20) if n != 6] + [f"r{n}" for n in range(5)]


def test_with_workers_the_parent_parses_and_serialises_no_record(tmp_path, small_chunks, monkeypatch):
    parent = os.getpid()

    def only_in_a_worker(function):
        def guarded(*args, **kwargs):
            assert os.getpid() != parent, f"{function.__name__} ran in the parent"
            return function(*args, **kwargs)
        return guarded

    for module, name in ((textclean.io.inputs, "jsonl_document"), (textclean.io.outputs, "json_text")):
        monkeypatch.setattr(module, name, only_in_a_worker(getattr(module, name)))
    source = tmp_path / "in.jsonl"
    source.write_text(lines(30), encoding="utf-8")
    assert run("clean", "-q", "-j", 2, source, "-o", tmp_path / "out.jsonl").exit_code == 0  # the site pass too
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [record["id"] for record in written] == [f"r{n}" for n in range(30)]
    assert all("0 comment" not in record["text"] for record in written)
