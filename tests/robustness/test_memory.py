"""Bounded memory: a document over the ceiling (--max-document-size) is rejected with its size while the rest
is cleaned, and stdin is read as it comes. Peak memory itself is measured by benchmarks/bench_memory.py."""
import io
import json
import sys

import pytest
from click.testing import CliRunner

from textclean.cli import main
from textclean.io.inputs import ReadOptions, read_shard

GOOD = json.dumps({"id": "ok", "text": "Hikmatyar arrived.\n"}).encode() + b"\n"


def run(*args, **kwargs):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kwargs)


def test_a_jsonl_line_over_the_ceiling_is_rejected_with_its_size_and_the_rest_cleaned(tmp_path):
    big = json.dumps({"id": "big", "text": "Hikmatyar " * 500}).encode() + b"\r\n"
    (tmp_path / "in.jsonl").write_bytes(GOOD + big + GOOD + big.rstrip())  # the last line has no newline
    rejects = tmp_path / "rejects.jsonl"
    result = run("clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--rejects", str(rejects),
                 "--max-document-size", "2KB")
    assert result.exit_code == 1
    reason = f"a line of {len(big):,} bytes (0.0 MB), more than the 2,048 bytes (0.0 MB) a document may hold"
    assert f"in.jsonl:2: {reason}" in result.stderr
    assert [(r["line"], r["reason"].split(" (--max")[0]) for r in map(json.loads, rejects.read_text().splitlines())
            ] == [(2, reason), (4, reason.replace(f"{len(big):,}", f"{len(big) - 2:,}"))]
    written = [json.loads(line)["text"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert written == ["Hekmatyar arrived.\n"] * 2


def test_a_text_file_over_the_ceiling_is_rejected_and_the_others_cleaned(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "big.txt").write_text("Hikmatyar arrived.\n" * 100)
    (tmp_path / "in" / "small.txt").write_text("Hikmatyar arrived.\n")
    result = run("clean", str(tmp_path / "in"), "-o", str(tmp_path / "out") + "/", "--max-document-size", "1000")
    assert result.exit_code == 1
    assert "big.txt: a text file of 1,900 bytes (0.0 MB), more than the 1,000 bytes" in result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["small.txt"]
    assert (tmp_path / "out" / "small.txt").read_text() == "Hekmatyar arrived.\n"


def test_stdin_over_the_ceiling_is_rejected():
    result = run("clean", "-", "--max-document-size", "100", input=b"Hikmatyar arrived.\n" * 10)
    assert result.exit_code == 1 and "-: a text file of 190 bytes" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("size", ["0", "-1", "64 parsecs", ""])
def test_a_ceiling_that_is_no_size_is_a_usage_error(size):
    result = run("clean", "-", "--max-document-size", size, input=b"x\n")
    assert result.exit_code == 2 and "is not a size of at least one byte" in result.stderr


class _Stdin(io.RawIOBase):
    """stdin that holds one line, then fails the test when read further before the first record is used."""

    def __init__(self):
        self.lines = [GOOD]

    def readable(self):
        return True

    def readinto(self, buffer):
        if not self.lines:
            raise AssertionError("stdin was read beyond the first record before it was used")
        line = self.lines.pop(0)
        buffer[:len(line)] = line
        return len(line)


def test_jsonl_on_stdin_is_read_record_by_record(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_Stdin())))
    first = next(read_shard("-", "stdin", ReadOptions(input_format="jsonl")))
    assert first.text == "Hikmatyar arrived.\n"


def test_a_parquet_text_over_the_ceiling_is_rejected_with_its_row(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    pq.write_table(pa.table({"id": ["a", "b", "c"], "text": ["Hikmatyar arrived.\n", "é" * 600, "Hikmatyar left.\n"]}),
                   tmp_path / "in.parquet")
    result = run("clean", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.jsonl"), "--max-document-size", "1KB")
    assert result.exit_code == 1
    assert "in.parquet:2: a 'text' value of 1,200 bytes (0.0 MB), more than the 1,024 bytes" in result.stderr
    written = [json.loads(line)["text"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert written == ["Hekmatyar arrived.\n", "Hekmatyar left.\n"]
