"""Marks mode: the rules that remove text record what they would remove, and the text stays whole."""
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from textclean import Cleaner, Edit, apply_marks, load_rules
from textclean.marks import MARKS_FIELD, marks_from_edits

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
        {"rule": "share.buttons", "kind": "boilerplate", "start": 82, "end": 88, "line": 3},
        {"rule": "share.buttons", "kind": "boilerplate", "start": 88, "end": 97, "line": 4},
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
