"""textclean as a datatrove pipeline step: the same texts and metadata as 'textclean clean'."""
import json
import subprocess
import sys

import pytest
from conftest import ROOT

pytest.importorskip("datatrove", reason="the datatrove extra is not installed: pip install 'scrapeclean[datatrove]'")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from textclean import load_rules  # noqa: E402
from textclean.datatrove import TextCleanStep  # noqa: E402

RECORDS = [
    {"id": "a", "url": "https://one.example/a", "metadata": {"lang": "en"},
     "text": "News ID: 501\nPublish Date : 03 March 2020 - 08:15\n\nMuhammad Karim spoke in Qalat-i-Naw.  \n\n"
             "Share\nFacebook\nTwitter\n"},
    {"id": "b", "url": "https://two.example/b",
     "text": "Home World Floods reach the valley | Two\nFloods reach the valley\nThe river rose in the night "
             "and the council opened the school as a shelter for the families of the lower town.\n"},
    {"id": "c", "url": "https://three.example/c", "text": "Share\nFacebook\nTwitter\n"},  # all boilerplate
    {"id": "d", "url": "https://four.example/d", "metadata": {"date": "2001-01-01"},
     "text": " date 2022-03-15 The bridge reopened on Monday, the council said.\n"},
]


@pytest.fixture
def shard(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "shard.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in RECORDS), encoding="utf-8")
    return path


def _cli_clean(shard, out, *options):
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "clean", "-q", "--no-site-pass", *options,
                           str(shard), "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def _pipeline(shard, tmp_path, step):
    out = tmp_path / "dt-out"
    LocalPipelineExecutor([
        JsonlReader(str(shard.parent), glob_pattern="*.jsonl", compression=None, add_file_path=False),
        step,
        JsonlWriter(str(out), output_filename="${rank}.jsonl", compression=None),
    ], tasks=1, workers=1, logging_dir=str(tmp_path / "dt-logs")).run()
    return [json.loads(line) for line in (out / "00000.jsonl").read_text("utf-8").splitlines()]


def _as_datatrove_reads_it(record):
    """A record of 'textclean clean' as datatrove's reader makes it: the fields other than text and id go into
    metadata, beside the fields of its metadata."""
    fields = {k: v for k, v in record.items() if k not in ("id", "text", "metadata")}
    return {"id": record["id"], "text": record["text"], "metadata": {**record.get("metadata", {}), **fields}}


@pytest.mark.parametrize("options", [(), ("--marks",)], ids=["clean", "marks"])
def test_a_pipeline_gives_the_texts_and_metadata_of_the_cli(shard, tmp_path, options):
    expected = [_as_datatrove_reads_it(r) for r in _cli_clean(shard, tmp_path / "cli.jsonl", *options)]
    marks = bool(options)
    got = _pipeline(shard, tmp_path, TextCleanStep(keep_empty=True, marks=marks))
    # datatrove's writer leaves out empty values: an empty text, empty metadata
    assert [{"id": r["id"], "text": r.get("text", ""), "metadata": r.get("metadata", {})} for r in got] == expected
    assert expected[0]["metadata"]["news_id"] == "501" and expected[3]["metadata"]["date"] == "2001-01-01"
    if marks:
        assert [r["text"] for r in got] == [r["text"] for r in RECORDS]
    else:
        assert expected[2]["text"] == "" and expected[0]["text"] == "Muhammad Karim spoke in Qala-e-Naw.\n"  # a given name alone is kept


def test_emptied_documents_are_dropped_unless_kept_and_counted():
    step = TextCleanStep()
    docs = [Document(text=r["text"], id=r["id"], metadata=dict(r.get("metadata", {}))) for r in RECORDS]
    kept = list(step.run(iter(docs)))
    assert [doc.id for doc in kept] == ["a", "b", "d"]
    assert step.stats["dropped_empty"].total == 1 and step.stats["forwarded"].total == 3
    assert step.stats["edit/share.buttons"].total == 6 and step.stats["edits"].total >= 9
    assert step.stats["metadata/news_id"].total == 1 and step.stats["changed"].total == 4
    assert step.stats["bytes_removed"].total == sum(len(r["text"].encode()) for r in RECORDS) - \
        sum(len(doc.text.encode()) for doc in kept)
    kept_all = list(TextCleanStep(keep_empty=True).run(
        iter([Document(text="Share\nFacebook\nTwitter\n", id="c")])))
    assert [(doc.id, doc.text) for doc in kept_all] == [("c", "")]


def test_marks_are_counted_per_rule():
    step = TextCleanStep(marks=True)
    (doc,) = step.run(iter([Document(text=RECORDS[0]["text"], id="a")]))
    assert doc.text == RECORDS[0]["text"] and step.stats["mark/share.buttons"].total == 1  # three lines, one mark
    assert step.stats["bytes_marked"].total == len("News ID: 501\nPublish Date : 03 March 2020 - 08:15\n"
                                                   "Share\nFacebook\nTwitter\n")


def test_a_learned_site_lines_file_is_a_rule_file_like_any_other(tmp_path):
    rules = tmp_path / "site.yaml"
    rules.write_text(
        "rules:\n"
        "  - id: learned.one-example\n"
        "    kind: boilerplate\n"
        "    description: A line on most pages of one.example.\n"
        "    pattern: 'Ferries \\| Timetables'\n"
        "    examples:\n"
        "      - input: \"Ferries | Timetables\\nThe quay opens.\\n\"\n"
        "        output: \"The quay opens.\\n\"\n", encoding="utf-8")
    step = TextCleanStep(load_rules([rules]))
    (doc,) = step.run(iter([Document(text="Ferries | Timetables\nThe quay opens.\n", id="x")]))
    assert doc.text == "The quay opens.\n" and step.stats["edit/learned.one-example"].total == 1


def test_the_step_survives_the_copy_the_executor_makes():
    import copy
    import pickle
    step = TextCleanStep()
    list(step.run(iter([Document(text="Share\nFacebook\nThe bridge reopened on Monday.\n", id="a")])))
    for other in (copy.deepcopy(step), pickle.loads(pickle.dumps(step))):
        assert other._cleaner is None
        (doc,) = other.run(iter([Document(text="News ID: 7\nThe bridge reopened on Monday.\n", id="b")]))
        assert doc.text == "The bridge reopened on Monday.\n" and doc.metadata == {"news_id": "7"}
