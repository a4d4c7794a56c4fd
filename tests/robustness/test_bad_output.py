"""One test per class of output that cannot be written: the message names the file and the cause,
the exit code is 1, no input is overwritten and nothing partial is left under a final name."""
import json
import os
import sys

import pytest
from click.testing import CliRunner

from textclean.cli import main
from textclean.io.extras import DISTRIBUTION, install_hint
from textclean.io.outputs import AtomicWriter, OutputError

CORPUS = "".join(json.dumps({"id": n, "text": f"News ID: {n}\nHikmatyar arrived.\n"}) + "\n" for n in range(3))


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus.jsonl").write_text(CORPUS)
    return tmp_path


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name != "corpus.jsonl")


@pytest.mark.parametrize(("side", "message"), [
    (["--edits", "corpus.jsonl"], "corpus.jsonl: refusing to overwrite an input file with the --edits file"),
    (["--rejects", "./corpus.jsonl"], "corpus.jsonl: refusing to overwrite an input file with the --rejects file"),
    (["--stats", "out.jsonl"], "out.jsonl: refusing to overwrite the output with the --stats file"),
    (["--edits", "log.jsonl", "--rejects", "log.jsonl"],
     "log.jsonl: refusing to overwrite the --edits file with the --rejects file"),
])
def test_a_side_file_may_not_be_an_input_the_output_or_another_side_file(corpus, side, message):
    result = run("clean", "-q", "corpus.jsonl", "-o", "out.jsonl", *side)
    assert result.exit_code == 2 and f"textclean: error: {message}; choose another path" in result.stderr
    assert (corpus / "corpus.jsonl").read_text() == CORPUS and leftovers(corpus) == []


def test_a_side_file_that_is_a_folder_stops_the_run_before_anything_is_written(corpus):
    (corpus / "adir").mkdir()
    result = run("clean", "-q", "corpus.jsonl", "-o", "out.jsonl", "--edits", "adir")
    assert result.exit_code == 2 and "textclean: error: adir: is a folder; the --edits file must be a file" \
        in result.stderr
    assert leftovers(corpus) == ["adir"] and not any((corpus / "adir").iterdir())


def test_an_output_under_a_file_names_it(corpus):
    result = run("clean", "-q", "corpus.jsonl", "-o", "corpus.jsonl/out.jsonl")
    assert result.exit_code == 1 and "corpus.jsonl/out.jsonl: cannot write: " in result.stderr
    assert leftovers(corpus) == []


def test_a_failed_commit_names_the_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    writer = AtomicWriter(tmp_path / "log.jsonl")
    writer.write("{}\n")

    def full(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OutputError, match="log.jsonl: cannot write: No space left on device"):
        writer.commit()
    assert list(tmp_path.iterdir()) == []


def test_a_side_file_that_fails_at_the_end_keeps_no_temporary(corpus, monkeypatch):
    real_replace = os.replace

    def full_for_stats(source, target):
        if str(target).endswith("stats.json"):
            raise OSError(28, "No space left on device")
        real_replace(source, target)
    monkeypatch.setattr(os, "replace", full_for_stats)
    result = run("clean", "-q", "corpus.jsonl", "-o", "out.jsonl", "--stats", "stats.json", "--edits", "e.jsonl")
    assert result.exit_code == 1 and "stats.json: cannot write: No space left on device" in result.stderr
    assert not [name for name in leftovers(corpus) if name.endswith(".tmp")]


def test_several_inputs_into_one_file_keep_every_document(corpus):
    (corpus / "more.jsonl").write_text(CORPUS)
    result = run("clean", "-q", "corpus.jsonl", "more.jsonl", "-o", "both.jsonl")
    assert result.exit_code == 0 and len((corpus / "both.jsonl").read_text().splitlines()) == 6


@pytest.mark.parametrize("inputs", [["d1", "d2"], ["d1/x.txt", "d2/x.txt"]])
def test_two_inputs_with_one_relative_path_are_named_and_nothing_is_written(corpus, inputs):
    for folder in ("d1", "d2"):
        (corpus / folder).mkdir()
        (corpus / folder / "x.txt").write_text(f"Hikmatyar wrote {folder}.\n")
    result = run("clean", "-q", *inputs, "-o", "dup/")
    assert result.exit_code == 2
    assert ("textclean: error: dup/x.txt: refusing to overwrite the output of d1/x.txt with the output of d2/x.txt"
            in result.stderr)
    assert not (corpus / "dup").exists()


def strict_json(line):
    def refuse(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(line, parse_constant=refuse)


def test_parquet_nan_and_infinity_reach_jsonl_as_null(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    nan, inf = float("nan"), float("inf")
    pq.write_table(pa.table({"id": ["a", "b", "c"], "text": ["Hikmatyar arrived.\n"] * 3, "score": [nan, inf, 0.5],
                             "scores": [[1.0, -inf], [nan], []],
                             "metadata": ['{"weight": NaN}', None, '{"weight": 2.5}']}), tmp_path / "in.parquet")
    out = tmp_path / "out.jsonl"
    result = run("clean", str(tmp_path / "in.parquet"), "-o", str(out))
    assert result.exit_code == 0, result.output
    written = [strict_json(line) for line in out.read_text().splitlines()]
    assert [(r["score"], r["scores"], r["metadata"]) for r in written] == [
        (None, [1.0, None], {"weight": None}), (None, [None], None), (0.5, [], {"weight": 2.5})]


@pytest.mark.parametrize(("args", "module", "message"), [
    (["-o", "out.jsonl.zst"], "zstandard", "out.jsonl.zst: writing .zst needs the zstd extra: pip install"),
    (["-o", "out.jsonl", "--edits", "edits.jsonl.zst"], "zstandard",
     "edits.jsonl.zst: writing .zst needs the zstd extra: pip install"),
    (["-o", "out.parquet"], "pyarrow", "out.parquet: writing Parquet needs the parquet extra: pip install"),
    (["--format", "parquet", "-o", "folder/"], "pyarrow",
     "folder/corpus.parquet: writing Parquet needs the parquet extra: pip install"),
])
def test_output_that_needs_a_missing_extra_names_it_before_anything_is_written(corpus, monkeypatch, args, module,
                                                                                 message):
    (corpus / "corpus.jsonl").rename(corpus / "corpus.txt")
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    result = CliRunner().invoke(main, ["clean", "-q", "corpus.txt", *args])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert result.stderr == f"textclean: error: {message} '{DISTRIBUTION}[{message.split()[-4]}]'\n"
    assert sorted(p.name for p in corpus.iterdir()) == ["corpus.txt"]


def test_the_ray_engine_without_ray_names_the_extra(corpus, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    result = CliRunner().invoke(main, ["clean", "--engine", "ray", "corpus.jsonl", "-o", "out/"])
    assert result.exit_code == 2
    assert result.stderr == f"textclean: error: --engine ray needs the ray extra: {install_hint('ray')}\n"
