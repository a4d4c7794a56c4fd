"""Marks mode: the rules that remove text record what they would remove, and the text stays whole."""
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from textclean import Cleaner, Edit, apply_marks, load_rules
from textclean.model.marks import MARKS_FIELD, marks_from_edits

RULES = load_rules()
REMOVING = RULES.select(only=["boilerplate", "date_header"])  # the kinds whose edits only take text out
MARKS_ALL = Cleaner(RULES, marks=True)  # every kind: those that rewrite give metadata and findings only
MARKS = Cleaner(REMOVING, marks=True)
NORMAL = Cleaner(REMOVING, unicode=False, tidy=False)  # the stages a marks run runs

# Lines the shipped boilerplate and date_header rules take, alone or in company, and lines they must leave.
RULE_LINES = [
    "0 comment", "You may also like", "Leave a Comment", "Share", "Facebook", "Twitter", "* Comment:", "by admin",
    "This site uses Akismet to reduce spam. Learn how your comment data is processed.", "Advertisement",
    "Privacy & Cookies Policy", "News ID: 4411", "Publish Date : 02 May 2020 - 10:15", " date 2020-05-02 ",
    "Published: 3 March 2019", "March 3, 2019", "Home World A title that repeats here | Site",
    "A title that repeats here", "Skip to content", "Reply", "2 Comments", "Anna says:",
]
PROSE = st.lists(st.sampled_from(["the", "river", "council", "said", "on", "Monday", "in", "city", "cookies",
                                  "share", "comment", "home", "reopened", "bridge"]), min_size=1, max_size=14
                 ).map(lambda words: " ".join(words) + ".")
fragment = st.one_of(
    PROSE, st.sampled_from(RULE_LINES),
    st.sampled_from(["", " ", "\t", "\r", " \r ", "\u00a0", "â€™", "ﬁ", "&amp;", "ی", "ك", "Qalat-i-Naw"]),
    st.text(max_size=20),
)
documents = st.lists(fragment, max_size=30).map("\n".join)
anything = st.one_of(documents, st.text(alphabet=st.characters(codec="utf-8"), max_size=300))


@settings(max_examples=200, deadline=None)
@given(anything)
@example("Share\nFacebook\nThe bridge reopened.\nYou may also like\nThe river rose.\n")
@example("News ID: 4411\nShare\nThe council said on Monday the bridge reopened in the city.\n")
def test_marks_leave_the_text_whole_and_applied_give_a_normal_run(text):
    marked, normal = MARKS.clean(text), NORMAL.clean(text)
    assert marked.text == text and marked.edits == []
    assert apply_marks(text, marked.metadata.get(MARKS_FIELD, [])) == normal.text
    assert apply_marks(text, marked.marks) == normal.text
    assert {k: v for k, v in marked.metadata.items() if k != MARKS_FIELD} == normal.metadata
    spans = [(mark.start, mark.end) for mark in marked.marks]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert {mark.rule for mark in marked.marks} == {edit.rule for edit in normal.edits}


@settings(max_examples=100, deadline=None)
@given(anything)
def test_a_marks_run_with_every_kind_changes_no_byte(text):
    result = MARKS_ALL.clean(text)
    assert result.text == text and not result.changed and result.edits == []
    assert MARKS_ALL.clean(text).metadata == result.metadata  # the same marks, run after run


def test_marks_name_their_rule_kind_line_and_span_of_the_input():
    text = "News ID: 4411\nThe council said on Monday that the bridge over the river reopened.\nShare\nFacebook\n"
    result = MARKS.clean(text)
    assert result.metadata["news_id"] == "4411"
    assert result.metadata[MARKS_FIELD] == [
        {"rule": "date.news-id", "kind": "date_header", "start": 0, "end": 14, "line": 1},
        {"rule": "share.buttons", "kind": "boilerplate", "start": 82, "end": 97, "line": 3},  # two lines, one mark
    ]


def test_an_edit_over_an_earlier_removal_gives_a_mark_on_either_side_of_it():
    # "b\n" goes first; then "a\n" and "c\n", now side by side, go in one edit
    text = "a\nb\nc\nd\n"
    edits = [Edit("one", "boilerplate", 2, 4, "b\n", ""), Edit("two", "boilerplate", 0, 4, "a\nc\n", "")]
    marks = marks_from_edits(text, edits)
    assert [(m.rule, m.start, m.end, m.line) for m in marks] == [("two", 0, 2, 1), ("one", 2, 4, 2), ("two", 4, 6, 3)]
    assert apply_marks(text, marks) == "d\n"


def test_a_mark_that_does_not_fit_the_text_is_refused_by_name():
    with pytest.raises(ValueError, match="'x' spans 3 to 9"):
        apply_marks("abcd", [{"rule": "x", "start": 3, "end": 9}])
    with pytest.raises(ValueError, match="mark of y at 1:3 overlaps"):
        apply_marks("abcd", [{"rule": "x", "start": 0, "end": 2}, {"rule": "y", "start": 1, "end": 3}])


def test_marks_the_input_gave_keep_their_value_and_a_warning_says_so():
    text = "Share\nFacebook\nThe council said on Monday that the bridge over the river reopened.\n"
    result = MARKS.clean(text, {MARKS_FIELD: []})
    assert result.metadata[MARKS_FIELD] == [] and result.text == text
    assert any("'marks' keeps the value the input gave it" in f.message for f in result.findings)


# --- the command line: clean --marks, undo, --stats, --explain, marks apply

PAGE = ("News ID: 501\nPublish Date : 03 March 2020 - 08:15\n\nMuhammad Karim spoke in Qalat-i-Naw.  \n\n"
        "Share\nFacebook\nTwitter\n")
RECORDS = [{"id": "a", "text": PAGE, "url": "https://one.example/a", "metadata": {"lang": "en"}},
           {"id": "b", "text": "The council said on Monday that the bridge over the river reopened.\n"},
           {"id": "c", "text": "Share\nFacebook\n"}]


def run(*args, input=None):
    from click.testing import CliRunner

    from textclean.cli import main
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def shard(tmp_path):
    import json
    path = tmp_path / "in.jsonl"
    path.write_bytes("".join(json.dumps(record) + "\n" for record in RECORDS).encode())
    return path


def _records(path):
    import json
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_clean_marks_keeps_every_text_and_undo_gives_back_every_record(shard, tmp_path):
    import json
    marked, log, stats = tmp_path / "marked.jsonl", tmp_path / "edits.jsonl", tmp_path / "stats.json"
    done = run("clean", str(shard), "--marks", "-o", str(marked), "--edits", str(log), "--stats", str(stats))
    assert done.exit_code == 0, done.stderr
    out = _records(marked)
    assert [record["text"] for record in out] == [record["text"] for record in RECORDS]
    assert [mark["rule"] for mark in out[0]["metadata"][MARKS_FIELD]] == \
        ["date.news-id", "date.published-en", "share.buttons"]
    assert out[0]["metadata"]["date"] == "2020-03-03T08:15" and "metadata" not in out[1]
    assert "marks (text left whole): 4 marks on 2 documents" in done.stderr
    assert "share.buttons (marked)" in done.stderr
    summary = json.loads(stats.read_text())
    assert summary["marks_run"] and summary["marked"] == 2 and summary["changed"] == 0
    assert summary["marks_by_rule"] == {"share.buttons": 2, "date.news-id": 1, "date.published-en": 1}
    assert summary["bytes_marked_by_rule"]["date.news-id"] == len("News ID: 501\n")
    logged = [line for line in _records(log) if line["type"] == "document"]
    assert [line["edits"] for line in logged] == [[], []]
    assert logged[0]["marks"][0] == {"rule": "date.news-id", "kind": "date_header", "start": 0, "end": 13,
                                     "line": 1, "before": "News ID: 501\n"}
    assert logged[0]["metadata_added"] == ["date", "marks", "news_id"]
    restored = tmp_path / "restored.jsonl"
    assert run("undo", str(marked), "--edits", str(log), "-o", str(restored)).exit_code == 0
    assert restored.read_bytes() == shard.read_bytes()


def test_marks_apply_gives_what_clean_gives_with_the_kinds_that_remove_text(shard, tmp_path):
    marked, applied, normal = tmp_path / "marked.jsonl", tmp_path / "applied.jsonl", tmp_path / "normal.jsonl"
    assert run("clean", "-q", str(shard), "--marks", "-o", str(marked)).exit_code == 0
    done = run("marks", "apply", str(marked), "-o", str(applied))
    assert done.exit_code == 0 and "3 documents read, marks applied to 2" in done.stderr
    assert run("clean", "-q", str(shard), "--no-unicode", "--no-tidy", "--only", "boilerplate", "--only",
               "date_header", "-o", str(normal)).exit_code == 0
    assert applied.read_bytes() == normal.read_bytes()
    only_dates = tmp_path / "dates.jsonl"
    assert run("marks", "apply", str(marked), "--kind", "date_header", "--drop-empty", "-o", str(only_dates)
               ).exit_code == 0
    first, second, third = _records(only_dates)
    assert first["text"].startswith("\nMuhammad Karim") and first["text"].endswith("Share\nFacebook\nTwitter\n")
    assert MARKS_FIELD not in first["metadata"] and third["text"] == "Share\nFacebook\n"


def test_marks_that_do_not_fit_are_named_and_their_document_left_out(tmp_path):
    import json
    path = tmp_path / "marked.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "abc", "metadata": {"marks": [{"rule": "x", "start": 2,
                                                                                  "end": 9}]}}) + "\n"
                    + json.dumps({"id": "b", "text": "abc", "metadata": {"marks": "no"}}) + "\n"
                    + json.dumps({"id": "c", "text": "abc"}) + "\n")
    out = tmp_path / "out.jsonl"
    done = run("marks", "apply", str(path), "-o", str(out))
    assert done.exit_code == 1
    assert f"{path}:1: marks do not fit the text: mark of 'x' spans 2 to 9" in done.stderr
    assert f"{path}:2: marks do not fit the text: metadata field 'marks' is str, not a list" in done.stderr
    assert [record["id"] for record in _records(out)] == ["c"]


def test_marks_need_an_output_with_metadata(shard, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE)
    done = run("clean", str(page), "--marks")
    assert done.exit_code == 2 and "text output has no place for" in done.stderr
    done = run("clean", str(shard), "--marks", "--drop-empty", "-o", str(tmp_path / "o.jsonl"))
    assert done.exit_code == 2 and "--drop-empty and --marks do not go together" in done.stderr
    done = run("clean", str(page), "--marks", "--format", "jsonl")
    assert done.exit_code == 0 and _first_marks(done.stdout)[0]["rule"] == "date.news-id"


def _first_marks(stdout):
    import json
    return json.loads(stdout.splitlines()[0])["metadata"][MARKS_FIELD]


def test_explain_shows_each_mark_with_its_line_and_text(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE)
    out = run("clean", "--marks", "--explain", str(page)).stdout
    assert f"{page}:1: date.news-id (date_header): marked\n  ~ News ID: 501⏎" in out
    assert f"{page}:6: share.buttons (boilerplate): marked\n  ~ Share⏎Facebook⏎Twitter⏎" in out
    assert "metadata marks" not in out and "metadata news_id = '501'" in out


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_corpus_marks_run_learns_site_lines_and_applied_gives_the_normal_run(tmp_path, jobs):
    import json
    menu = "Harbour | Ferries | Weather"
    records = [{"id": f"p{n}", "url": f"https://harbour.example/{n}",
                "text": f"{menu}\nStory {n} about the ferry is told here at length, with a quote.\nShare\nFacebook\n"}
               for n in range(5)]
    shard = tmp_path / "c.jsonl"
    shard.write_text("".join(json.dumps(record) + "\n" for record in records))
    marked, applied, normal = tmp_path / "marked.jsonl", tmp_path / "applied.jsonl", tmp_path / "normal.jsonl"
    done = run("clean", str(shard), "--marks", "-j", jobs, "-o", str(marked))
    assert done.exit_code == 0 and "site pass: 5 pages of 1 site" in done.stderr
    out = _records(marked)
    assert [record["text"] for record in out] == [record["text"] for record in records]
    assert out[0]["metadata"][MARKS_FIELD][0] == {"rule": "site.repeated-line", "kind": "boilerplate", "start": 0,
                                                  "end": len(menu) + 1, "line": 1,
                                                  "note": "on 5 of 5 pages of harbour.example"}
    assert run("marks", "apply", str(marked), "-o", str(applied)).exit_code == 0
    assert run("clean", "-q", str(shard), "--only", "boilerplate", "--only", "date_header", "--no-unicode",
               "--no-tidy", "-j", jobs, "-o", str(normal)).exit_code == 0
    assert applied.read_bytes() == normal.read_bytes()


def test_marks_apply_mirrors_a_folder(shard, tmp_path):
    marked, applied = tmp_path / "marked", tmp_path / "applied"
    assert run("clean", "-q", str(shard.parent), "--marks", "--format", "jsonl", "-o", f"{marked}/").exit_code == 0
    assert run("marks", "apply", str(marked), "-o", f"{applied}/").exit_code == 0
    (out,) = applied.iterdir()
    assert out.name == "in.jsonl" and _records(out)[2]["text"] == ""
