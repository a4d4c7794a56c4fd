"""textclean.ray on a local Ray instance with 2 CPUs gives what one process gives."""
import gzip
import json
import re

import pytest

pytest.importorskip("ray", reason="Ray is not installed: pip install 'scrapeclean[ray]'")
pytest.importorskip("ray.data", reason="Ray Data is not installed: pip install 'scrapeclean[ray]'")

import pyarrow as pa  # noqa: E402  (after the skip: pyarrow comes with Ray Data)
import ray  # noqa: E402

from textclean import Cleaner  # noqa: E402
from textclean.model.marks import apply_marks  # noqa: E402
from textclean.ray import TextCleanBatch, clean_jsonl_with_ray  # noqa: E402

BODIES = [
    "Publish Date : 03 March 2022 - 08:15\nThe river rose overnight in Mohamed Ali's village.   \n\n\n",
    "News ID: 5521\nThe cafÃ© on the square reopened, its owner said.\nShare\nFacebook\nLeave a Comment\n",
    "Officials in Qalat-i-Naw said the road would reopen on Monday.\n\nYou may also like\n",
    "北京，上海。（注）：好！\n“Quoted” words — and a dash.\n",
    "",
]


def records(count):
    for number in range(count):
        record = {"id": f"doc-{number}", "text": BODIES[number % len(BODIES)] + f"Paragraph {number}.\n"}
        if number % 4 == 0:
            record["metadata"] = {"source": "wire"}
        if number % 3 == 0:  # pages of one site, with its menu: the site pass takes it
            record["url"] = f"https://example.org/{number}"
            record["text"] = "Valley Weekly | Sections\n" + record["text"]
        yield record


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def without_nulls(metadata):
    return {key: value for key, value in metadata.items() if value is not None}


def test_clean_jsonl_with_ray_equals_one_process(local_ray, tmp_path):
    inputs = []
    for shard, (first, count) in enumerate([(0, 40), (40, 25)]):
        path = tmp_path / f"shard{shard}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as stream:
            for record in list(records(first + count))[first:]:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        inputs.append(path)
    clean_jsonl_with_ray(inputs, tmp_path / "out", batch_size=7)

    lines = [line for path in sorted((tmp_path / "out").iterdir()) for line in path.open(encoding="utf-8")]
    assert any("北京" in line for line in lines)  # written as itself, not escaped
    written = [json.loads(line) for line in lines]
    originals = list(records(65))
    assert [record["id"] for record in written] == [record["id"] for record in originals]
    from click.testing import CliRunner

    from textclean.cli import main
    local = CliRunner().invoke(main, ["clean", "-q", *map(str, inputs), "-o", str(tmp_path / "local.jsonl")])
    assert local.exit_code == 0, local.output
    by_local = [json.loads(line) for line in (tmp_path / "local.jsonl").open(encoding="utf-8")]
    assert [(r["text"], r.get("metadata")) for r in written] == [(r["text"], r.get("metadata")) for r in by_local]
    assert any("Valley Weekly | Sections" in r["text"] for r in originals)  # the site pass took the menu
    assert not any("Valley Weekly | Sections" in r["text"] for r in written)
    for record, original in zip(written, originals, strict=True):
        assert record.get("url") == original.get("url")


def test_map_batches_with_the_callable_class(local_ray):
    originals = list(records(30))
    dataset = ray.data.from_items([{**r, "metadata": json.dumps(r.get("metadata", {}))} for r in originals])
    cleaned = dataset.map_batches(TextCleanBatch, fn_constructor_kwargs={"disable": ["share.buttons"]},
                                  batch_format="pandas", batch_size=4, concurrency=1).take_all()
    disabled = Cleaner(Cleaner().ruleset.select(disable=["share.buttons"]))
    for row, original in zip(sorted(cleaned, key=lambda row: int(row["id"].split("-")[1])), originals, strict=True):
        result = disabled.clean(original["text"], original.get("metadata", {}))
        assert (row["text"], json.loads(row["metadata"])) == (result.text, result.metadata)


@pytest.mark.parametrize("metadata_as", ["json", "struct"])
def test_a_pyarrow_batch_keeps_its_other_columns(metadata_as):
    table = pa.table({"id": ["a", "b", "c"], "body": ["News ID: 7\nThe bridge reopened.\n", None, "Plain.\n"],
                      "score": [1, 2, 3]})
    out = TextCleanBatch(text_column="body", metadata_as=metadata_as)(table)
    assert out.column_names == ["id", "body", "score", "metadata"]
    assert out.column("body").to_pylist() == ["The bridge reopened.\n", None, "Plain.\n"]
    assert out.column("score").to_pylist() == [1, 2, 3]
    metadata = out.column("metadata").to_pylist()
    if metadata_as == "json":
        metadata = [json.loads(value) for value in metadata]
    assert without_nulls(metadata[0]) == {"news_id": "7"} and without_nulls(metadata[2]) == {}


def test_a_numpy_batch_and_a_bad_option():
    import numpy as np
    out = TextCleanBatch()({"text": np.array(["News ID: 7\nText.\n"], dtype=object)})
    assert out["text"].tolist() == ["Text.\n"] and json.loads(out["metadata"][0]) == {"news_id": "7"}
    with pytest.raises(ValueError, match="metadata_as"):
        TextCleanBatch(metadata_as="xml")


def test_marks_leave_each_text_whole_as_a_marks_run_does():
    texts = [BODIES[0], BODIES[1], "Plain.\n", None]
    out = TextCleanBatch(marks=True)(pa.table({"text": texts}))
    assert out.column("text").to_pylist() == texts  # byte for byte
    marking = Cleaner(marks=True)
    metadata = [json.loads(value) for value in out.column("metadata").to_pylist()]
    for text, fields in zip(texts[:3], metadata, strict=False):
        assert fields == marking.clean(text).metadata
    assert metadata[0]["marks"] and metadata[1]["marks"] and "marks" not in metadata[2]
    assert apply_marks(BODIES[1], metadata[1]["marks"]) == Cleaner(marks=False, unicode=False, tidy=False).clean(
        BODIES[1]).text
    batch = TextCleanBatch(marks=True)
    batch(pa.table({"text": texts}))
    assert batch.summary.marks_run and batch.summary.marked == 2 and batch.summary.changed == 0


def test_the_cli_runs_a_corpus_on_ray(local_ray, tmp_path):
    from click.testing import CliRunner

    from textclean.cli import main
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(12)), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["clean", "--engine", "ray", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    local = runner.invoke(main, ["clean", str(source), "-o", str(tmp_path / "local.jsonl")])
    assert result.stderr.splitlines()[-1] == local.stderr.splitlines()[-1]  # the same summary, to the last rule
    assert result.stderr.splitlines()[0].startswith("textclean: 12 documents read, ")
    shards = sorted((tmp_path / "out").iterdir())
    assert shards and all(path.name.endswith(".jsonl") for path in shards)
    written = [json.loads(line) for path in shards for line in path.open()]
    by_local = [json.loads(line) for line in (tmp_path / "local.jsonl").open()]
    assert [(r["text"], r.get("metadata")) for r in written] == [(r["text"], r.get("metadata")) for r in by_local]
    again = runner.invoke(main, ["clean", "-q", str(tmp_path / "out"), "-o", str(tmp_path / "again.jsonl")])
    assert again.exit_code == 0 and len((tmp_path / "again.jsonl").read_text().splitlines()) == 12
    refused = runner.invoke(main, ["clean", "--engine", "ray", "--explain", str(source), "-o", str(tmp_path / "o")])
    assert refused.exit_code == 2 and "does not take --explain" in refused.output


@pytest.mark.parametrize(("metadata", "cause"), [('["keep-me"]', "is an array, not an object"),
                                                 ("7", "is a number, not an object"),
                                                 ("keep me", "holds a string that is not JSON")])
def test_metadata_that_is_not_an_object_is_an_error_naming_the_row(metadata, cause):
    table = pa.table({"text": ["Body text here.\n", "More text.\n"], "metadata": ['{"source": "wire"}', metadata]})
    with pytest.raises(ValueError, match=re.escape(f"row 1 of the batch ({metadata!r}): column 'metadata' {cause}")):
        TextCleanBatch()(table)


def test_a_null_metadata_in_a_pandas_batch_is_no_metadata():
    import pandas as pd
    out = TextCleanBatch()(pd.DataFrame({"text": ["News ID: 7\nText.\n", "Text.\n"], "metadata": [float("nan"), None]}))
    assert [json.loads(value) for value in out["metadata"]] == [{"news_id": "7"}, {}]


def run_cli(*args):
    from click.testing import CliRunner

    from textclean.cli import main
    return CliRunner().invoke(main, ["clean", "--engine", "ray", *args])


def test_the_ray_engine_refuses_text_input_and_options_it_would_ignore(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Body text here.\n", encoding="utf-8")
    refused = run_cli(str(page), "-o", str(tmp_path / "out"))
    assert refused.exit_code == 2 and refused.output.count("\n") == 1
    assert f"{page}: not a JSONL file; the Ray engine reads .jsonl" in refused.output
    (tmp_path / "in.jsonl").write_text('{"text": "Body text here.\\n"}\n', encoding="utf-8")
    refused = run_cli(str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out"), "--id-field", "key", "--format", "text",
                      "--include", "*.jsonl", "--exclude", "x", "--encoding-errors", "strict", "--fail-fast", "-j", "2")
    assert refused.exit_code == 2
    assert ("does not take --format, --include, --exclude, --id-field, --jobs, --fail-fast, --encoding-errors"
            in refused.output)


HOSTILE_LINES = [
    b'{"id": "a", "text": "Muhammad arrived.\\n"}',
    b'{"id": 2, "text": "An id that was a string is now a number.\\n", "extra": [1, "two"]}',
    b'{"id": "dup", "id": "dup2", "text": "Duplicate keys: the last one counts.\\n"}',
    b'{"id": "deep", "text": "x", "n": ' + b"[" * 2000 + b"]" * 2000 + b"}",
    b'{"id": "deep2", "text": "x", "n": ' + b"[" * 600 + b"]" * 600 + b"}",
    b'{"id": "int", "text": "x", "n": ' + b"9" * 5000 + b"}",
    b'{"id": "broken", "text": "not closed',
    b'{"id": "s", "text": "Share\\udc80 this"}',
    b'{"id": "nan", "text": "x", "n": NaN}',
    b'{"id": "inf", "text": "x", "n": 1e999}',
    b'["not", "an", "object"]',
    b'{"id": "type", "text": 7}',
    b'{"id": "meta", "text": "x", "metadata": "keep me"}',
    b'{"id": "trailing", "text": "x"} garbage',
    b'\xef\xbb\xbf{"id": "bom", "text": "A byte-order mark before the record.\\n"}',
    b'{"id": "crlf", "text": "Mohamed said so.\\r\\n"}\r',
    b'{"id": "nul", "text": "a\\u0000b"}',
    b'{"id": "big", "text": "' + b"Muhammad " * 1000 + b'"}',
    b'{"id": "last", "text": "Qalat-i-Naw.\\n"}',
]


def test_the_ray_engine_rejects_the_lines_the_local_engine_rejects_and_cleans_the_rest(local_ray, tmp_path):
    from click.testing import CliRunner

    from textclean.cli import main
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(HOSTILE_LINES) + b"\n\n")
    outputs, rejects = {}, {}
    for engine in ("local", "ray"):
        out, listed = tmp_path / engine, tmp_path / f"{engine}-rejects.jsonl"
        result = CliRunner().invoke(main, ["clean", "--engine", engine, str(source), "-o", str(out) + "/",
                                           "--rejects", str(listed), "--max-document-size", "8KB"])
        assert result.exit_code == 1, result.output
        outputs[engine] = [line for path in sorted(out.iterdir()) for line in path.read_text().splitlines()]
        rejects[engine] = [(r["line"], r["reason"]) for r in map(json.loads, listed.read_text().splitlines())]
        assert "in.jsonl:4: nested more than 500 arrays and objects deep" in result.output
    assert outputs["ray"] == outputs["local"]
    assert [json.loads(line)["id"] for line in outputs["ray"]] == ["a", 2, "dup2", "bom", "crlf", "nul", "last"]
    assert rejects["ray"] == rejects["local"]
    assert [line for line, _ in rejects["ray"]] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 18]
