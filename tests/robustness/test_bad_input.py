"""One test per class of bad input: the message names file, line and cause; the exit code says so;
the rejects file lists it; everything else is still written."""
import gzip
import json
import re
import sys

import pytest
from click.testing import CliRunner

from textclean.cli import main

GOOD = {"id": "ok", "text": "Hikmatyar arrived.\n"}


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def clean_with_rejects(tmp_path, source, *extra):
    rejects = tmp_path / "rejects.jsonl"
    out = tmp_path / "out"
    result = run("clean", str(source), "-o", str(out) + "/", "--rejects", str(rejects), *extra)
    listed = [json.loads(line) for line in rejects.read_text().splitlines()] if rejects.exists() else []
    return result, listed, out


@pytest.mark.parametrize(("line", "reason"), [
    (b'{"id": "x", "text": ', "not valid JSON: a value is missing (column 21)"),
    (b'{"id": "x", "text": "Body',
     "not valid JSON: a string that starts here is not closed before the line ends (column 21)"),
    (b'{"id": "x", "text": "Body.", "n": 1e400}', "the number 1e400 is too large for a 64-bit float"),
    (b'{"id": "x", "text": "Body.", "n": NaN}', "not valid JSON: NaN is not a JSON value"),
    (b'{"id": "x"}', "record has no 'text' field"),
    (b'{"id": "x", "text": ["a"]}', "field 'text' is an array, not a string"),
    (b'"just a string"', "a record must be an object, not a string"),
    (b'{"id": "x", "text": "caf\xe9 \xff\xfe"}', "not valid UTF-8"),
    (rb'{"id": "x", "text": "Share\udc80 this\nBody.\n"}',
     r"field 'text' holds a lone surrogate (\udc80 at character 5), which UTF-8 cannot encode"),
    (rb'{"id": "\uD800", "text": "Body.\n"}', r"field 'id' holds a lone surrogate (\ud800 at character 0)"),
    (rb'{"id": "x", "text": "Body.\n", "tags": ["ok", "\udfff"]}', r"field 'tags' holds a lone surrogate"),
    (b'{"id": "x", "text": "Body.", "n": ' + b"[" * 985 + b"]" * 985 + b"}",
     "nested more than 500 arrays and objects deep"),
    (b'{"id": "x", "text": "Body.", "n": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
     "nested more than 500 arrays and objects deep"),
    (b'{"id": "x", "text": "Body.", "n": [' + b'{"a": ' * 501 + b"1" + b"}" * 501 + b"]}",
     "nested more than 500 arrays and objects deep"),
    (b'{"id": "x", "text": "Body.", "n": ' + b"7" * 5000 + b"}",
     "a number has more than 4300 digits"),
    (b'{"id": "x", "text": "Body."} {"id": "y"}', "not valid JSON: something follows the record on the line"),
    (b'[{"id": "x", "text": "Body."}]', "a record must be an object, not an array"),
    (b'{"id": "x", "text": null}', "field 'text' is null, not a string"),
])
def test_bad_jsonl_records(tmp_path, line, reason):
    source = tmp_path / "in.jsonl"
    source.write_bytes(json.dumps(GOOD).encode() + b"\n" + line + b"\n" + json.dumps(GOOD).encode() + b"\n")
    result, listed, out = clean_with_rejects(tmp_path, source)
    assert result.exit_code == 1
    assert f"rejected: {source}:2: {reason}" in result.stderr
    assert listed[0]["source"] == str(source) and listed[0]["line"] == 2 and listed[0]["reason"].startswith(reason)
    written = [json.loads(x) for x in (out / "in.jsonl").read_text().splitlines()]
    assert [r["text"] for r in written] == ["Hekmatyar arrived.\n"] * 2


def test_fail_fast_stops_at_the_first(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"text": 1}\n' + json.dumps(GOOD).encode() + b"\n")
    result, _, out = clean_with_rejects(tmp_path, source, "--fail-fast")
    assert result.exit_code == 1
    assert f"{source}:1: field 'text' is a number, not a string (--fail-fast)" in result.stderr
    assert not (out / "in.jsonl").exists()


def test_non_utf8_policies(tmp_path):
    source = tmp_path / "page.txt"
    source.write_bytes(b"first line\nsecond \xff\xfe\xc3 line\n")
    strict = run("clean", str(source), "--encoding-errors", "strict")
    assert strict.exit_code == 1 and f"{source}: line 2: not valid UTF-8 (byte 0xff at offset 18)" in strict.stderr
    replaced = run("clean", str(source), "--encoding-errors", "replace")
    assert replaced.exit_code == 0 and replaced.stdout == "first line\nsecond \ufffd\ufffd\ufffd line\n"
    assert f"not UTF-8: {source} (utf-8+replace)" in replaced.stderr
    skipped = run("clean", str(source))
    assert skipped.exit_code == 1 and skipped.stdout == "" and "skipped (--encoding-errors skip)" in skipped.stderr


def test_an_encoding_that_can_be_told_is_used(tmp_path):
    source = tmp_path / "cyrillic.txt"
    source.write_bytes("Сегодня в Москве прошёл сильный дождь, и улицы затопило водой.\n".encode("cp1251"))
    result = run("clean", str(source))
    assert result.exit_code == 0 and result.stdout.startswith("Сегодня в Москве")
    assert f"not UTF-8: {source} (cp1251)" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_utf16_or_utf32_byte_order_mark_names_the_encoding(tmp_path, encoding):
    source = tmp_path / "page.txt"
    source.write_bytes("\ufeffGulbuddin Hikmatyar left the caf\u00e9.  \n".encode(encoding))
    result = run("clean", str(source))
    assert result.exit_code == 0 and result.stdout == "Gulbuddin Hekmatyar left the caf\u00e9.\n"
    assert f"not UTF-8: {source} ({encoding[:6]})" in result.stderr


@pytest.mark.parametrize("policy, listed", [("skip", "skipped (--encoding-errors skip)"),
                                            ("strict", "see --encoding-errors")])
def test_a_utf16_byte_order_mark_before_bytes_that_are_not_utf16(tmp_path, policy, listed):
    source = tmp_path / "page.txt"
    source.write_bytes(b"\xff\xfeH\x00i\x00\x00\xdc!\x00")
    result = run("clean", str(source), "--encoding-errors", policy)
    assert result.exit_code == 1
    assert f"rejected: {source}: not valid UTF-16 (illegal encoding at offset 6); {listed}" in result.stderr
    replaced = run("clean", str(source), "--encoding-errors", "replace")
    assert replaced.exit_code == 0 and replaced.stdout == "Hi\ufffd!"


def test_binary_empty_and_nul_files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "text.txt").write_text("Gulbuddin Hikmatyar left.\n")
    result, listed, out = clean_with_rejects(tmp_path, folder)
    assert result.exit_code == 1 and "binary file (NUL bytes), skipped" in result.stderr
    assert listed == [{"source": str(folder / "image.txt"), "line": None,
                       "reason": "binary file (NUL bytes), skipped", "raw": None}]
    assert (out / "empty.txt").read_text() == "" and (out / "text.txt").read_text() == "Gulbuddin Hekmatyar left.\n"
    assert not (out / "image.txt").exists()


def test_nul_inside_a_jsonl_text_is_just_text(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "n", "text": "a\x00b\n"}) + "\n")
    result = run("clean", "-q", str(source))
    assert result.exit_code == 0 and json.loads(result.stdout)["text"] == "ab\n"


@pytest.mark.parametrize("stages", [[], ["--no-unicode"]])
def test_a_lone_surrogate_is_rejected_with_its_line(tmp_path, stages):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": 1, "text": "Share\\udc80 this\\nBody.\\n"}\n' + json.dumps(GOOD).encode() + b"\n")
    result = run("clean", str(source), "-j", "1", *stages)
    assert result.exit_code == 1 and f"rejected: {source}:1: field 'text' holds a lone surrogate" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["ok"]


def test_a_parquet_string_that_is_not_utf8_is_rejected_with_its_row(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    texts = [b"Hikmatyar arrived.\n", b"bad \xed\xa0\x80\n", b"Hikmatyar left.\n"]
    offsets = [0]
    for text in texts:
        offsets.append(offsets[-1] + len(text))
    column = pa.Array.from_buffers(pa.string(), len(texts), [None, pa.array(offsets, pa.int32()).buffers()[1],
                                                             pa.py_buffer(b"".join(texts))])
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "text": column}), source)
    result, listed, out = clean_with_rejects(tmp_path, source)
    assert result.exit_code == 1
    assert f"rejected: {source}:2: a string is not valid UTF-8 (byte 0xed at offset 4)" in result.stderr
    assert pq.read_table(out / "in.parquet").column("text").to_pylist() == ["Hekmatyar arrived.\n", "Hekmatyar left.\n"]


def test_parquet_with_the_wrong_schema(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    folder = tmp_path / "in"
    folder.mkdir()
    pq.write_table(pa.table({"text": [1, 2]}), folder / "ints.parquet")
    (folder / "fake.parquet").write_bytes(b"not parquet at all")
    result, listed, _ = clean_with_rejects(tmp_path, folder)
    reasons = sorted(r["reason"] for r in listed)
    assert result.exit_code == 1
    assert reasons[0].startswith("Parquet column 'text' is int64, not a string")
    assert reasons[1].startswith("not a readable Parquet file")


def _shard_bytes(count=400):
    return "".join(json.dumps({"id": n, "text": f"Hikmatyar arrived on day {n * 7919 % 10007}.\n"}) + "\n"
                   for n in range(count)).encode()


def _zstd(data):
    zstandard = pytest.importorskip("zstandard")
    return zstandard.ZstdCompressor().compress(data)


@pytest.mark.parametrize(("name", "content", "cause"), [
    ("cut.jsonl.gz", lambda: gzip.compress(_shard_bytes())[:-40],
     r"cannot read after line \d+: Compressed file ended before the end-of-stream marker was reached"),
    ("plain.jsonl.gz", _shard_bytes, "cannot read: Not a gzipped file"),
    ("cut.jsonl.zst", lambda: _zstd(_shard_bytes())[:-40], "cannot read: the file ends inside a zstd frame"),
    ("plain.jsonl.zst", _shard_bytes, "cannot read: zstd decompressor error: Unknown frame descriptor"),
])
def test_a_corrupt_or_truncated_compressed_shard_is_named_and_nothing_is_kept(tmp_path, name, content, cause):
    source = tmp_path / name
    source.write_bytes(content())
    out = tmp_path / "out.jsonl"
    result = run("clean", "-q", str(source), "-o", str(out))
    assert result.exit_code == 1 and re.search(f"textclean: error: {re.escape(str(source))}: {cause}", result.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_every_frame_of_a_zstd_shard_is_read(tmp_path):
    data = _shard_bytes()
    half = data.index(b"\n", len(data) // 2) + 1
    source = tmp_path / "frames.jsonl.zst"
    source.write_bytes(_zstd(data[:half]) + _zstd(data[half:]))
    result = run("clean", "-q", str(source))
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 400


def test_a_parquet_page_that_cannot_be_read_is_named_with_the_last_row(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    source = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist([json.loads(line) for line in _shard_bytes(3000).splitlines()]), source,
                   row_group_size=1024, compression="snappy")
    data = bytearray(source.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(range(64))
    source.write_bytes(bytes(data))
    out = tmp_path / "out.parquet"
    result = run("clean", "-q", str(source), "-o", str(out))
    assert result.exit_code == 1 and f"textclean: error: {source}: cannot read after row " in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet"]


def test_a_zst_shard_without_zstandard_says_which_extra_to_install(tmp_path, monkeypatch):
    source = tmp_path / "in.jsonl.zst"
    source.write_bytes(b"\x28\xb5\x2f\xfd")
    monkeypatch.setitem(sys.modules, "zstandard", None)  # as if it were not installed
    result = run("clean", "-q", str(source))
    assert result.exit_code == 1
    assert f"textclean: error: {source}: reading .zst needs the zstd extra: pip install" in result.stderr
