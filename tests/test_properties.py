"""The engine's promises, checked on generated text."""
import tempfile
from datetime import date
from pathlib import Path

import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from textclean import Cleaner, load_rules, replay, undo
from textclean.model.document import edit_input_starts, input_offset, input_offsets, line_col, line_cols
from textclean.pipeline.engine import apply_changes
from textclean.runs.files import TextFile

RULES = load_rules()
CLEANER = Cleaner(RULES)
# Built apart from the first: what its stages remember of lines and answers differs from what CLEANER, which every
# other test here uses, remembers (the caches of modules are shared).
SECOND_CLEANER = Cleaner(RULES)
NO_UNICODE = Cleaner(RULES, unicode=False)  # ftfy turns every CR into a newline; without it they stay
CANONICAL = sorted({r.spec["canonical"] for r in RULES.rules if r.kind == "variants"})
VARIANTS = sorted({v for r in RULES.rules if r.kind == "variants" for v in r.spec["variants"]})
BOILERPLATE_LINES = [
    "0 comment", "You may also like", "Leave a Comment", "Share", "Facebook", "* Comment:", "by admin",
    "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
    "Privacy & Cookies Policy", "News ID: 4411", "Publish Date : 02 May 2020 - 10:15", " date 2020-05-02 ",
    "Home World A title that repeats here | Site", "A title that repeats here", "Advertisement",
]
PROSE_WORDS = st.sampled_from(
    ["the", "river", "council", "said", "on", "Monday", "in", "city", "cookies", "share", "comment", "home"])

settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")

# Scraped-looking documents: prose, names in several spellings, boilerplate, ragged whitespace.
fragment = st.one_of(
    st.lists(PROSE_WORDS, min_size=1, max_size=12).map(" ".join),
    st.sampled_from(CANONICAL + VARIANTS),
    st.sampled_from(BOILERPLATE_LINES),
    st.sampled_from(["", " ", "  ", "\t", "\r", " \r ", "\u00a0", "â€™", "ﬁ", "Ｆｕｌｌ", "&amp;", "ی", "ك", "ـ"]),
    st.text(max_size=20),
)
documents = st.lists(fragment, max_size=25).map(lambda parts: "\n".join(parts))
anything = st.one_of(documents, st.text(), st.text(alphabet=st.characters(codec="utf-8"), max_size=300))


@given(anything, st.sampled_from([CLEANER, NO_UNICODE]))
@example("Qalat-i-Naw said the council.\nabc \r \nend\n", NO_UNICODE)
@example("Ã©ß \na", CLEANER)  # ftfy fixes the line once the whitespace stage has taken its trailing space
def test_cleaning_twice_equals_cleaning_once(text, cleaner):
    once = cleaner.clean(text).text
    assert cleaner.clean(once).text == once


# Datelines glued one after another, with ragged space between, before a sentence or alone on the first line.
glued_datelines = st.builds(
    lambda dates, gaps, tail: "".join(f"{gap}date {date}" for date, gap in zip(dates, gaps, strict=False)) + tail,
    st.lists(st.dates(date(1990, 1, 1), date(2030, 12, 31)).map(str), min_size=1, max_size=120),
    st.lists(st.sampled_from([" ", "  ", "   ", "\t", ""]), min_size=120, max_size=120),
    st.sampled_from(["", " ", "   Iran is here.\n", " The talks began.\nA second line.\n", "\n\nBody.\n"]))


@given(glued_datelines)
@example(" date 2021-07-07  " * 70 + "Iran is here.\n")  # lost one dateline per pass, and 64 passes ended first
def test_any_number_of_glued_datelines_cleans_to_a_fixed_point(text):
    once = CLEANER.clean(text)
    assert not [f for f in once.findings if f.level == "error"]
    assert CLEANER.clean(once.text).text == once.text
    assert "date 2" not in once.text.split("\n", 1)[0]


@given(anything)
def test_same_input_same_output(text):
    first, again, second = CLEANER.clean(text), CLEANER.clean(text), SECOND_CLEANER.clean(text)
    assert (first.text, first.metadata, first.edits) == (again.text, again.metadata, again.edits)
    assert (first.text, first.metadata, first.edits) == (second.text, second.metadata, second.edits)


@given(anything)
def test_edit_log_replays_to_the_output_and_undoes_to_the_input(text):
    result = CLEANER.clean(text)
    assert replay(text, result.edits) == result.text
    assert undo(result.text, result.edits) == text


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=2000)
       | st.builds(lambda c, n: c * n, st.characters(), st.integers(1, 20000)))
def test_arbitrary_unicode_never_crashes(text):
    result = CLEANER.clean(text)
    assert isinstance(result.text, str)


@given(st.lists(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9),
                         min_size=4, max_size=12).map(lambda words: " ".join(words) + "."), max_size=12))
def test_text_no_rule_matches_comes_out_unchanged(sentences):
    text = "\n".join(sentences)
    result = CLEANER.clean(text)
    assert result.text == text and result.edits == []


@given(st.lists(st.sampled_from(CANONICAL), min_size=1, max_size=6), st.lists(PROSE_WORDS, min_size=3, max_size=8))
def test_canonical_spellings_are_never_changed(names, words):
    text = " ".join(f"{' '.join(words)} {name}" for name in names) + " today."
    result = CLEANER.clean(text)
    assert not any(edit.before in CANONICAL for edit in result.edits)
    for name in set(names):
        assert len(regex.findall(rf"(?<!\w){regex.escape(name)}(?!\w)", result.text)) >= \
            len(regex.findall(rf"(?<!\w){regex.escape(name)}(?!\w)", text))


def every_stage_every_pass(cleaner: Cleaner, text: str) -> tuple[str, list, dict]:
    """The pipeline without its shortcut: every stage in every pass, until a pass that changed nothing."""
    current, edits, metadata = text, [], {}
    while True:
        changed = False
        for stage in cleaner.stages:
            output = stage.apply(current)
            for key, value in output.metadata.items():
                metadata.setdefault(key, value)
            current, applied = apply_changes(current, output.changes, stage.kind)
            edits.extend(applied)
            changed = changed or bool(applied)
        if not changed:
            break
    return current, edits, metadata


@given(anything, st.sampled_from([CLEANER, NO_UNICODE]))
@example("Qalat-i-Naw said the council.\nabc \r \nend\n", NO_UNICODE)  # a stray CR in trailing space
@example("Ã©ß \na", CLEANER)
def test_stages_not_run_again_on_text_they_saw_would_change_nothing(text, cleaner):
    result = cleaner.clean(text)
    assert (result.text, result.edits, result.metadata) == every_stage_every_pass(cleaner, text)


@given(anything)
@example("a  b \n\n\n\nc\r\nQalat-i-Naw  \n")
def test_positions_of_many_offsets_at_once_equal_those_of_each_alone(text):
    result = CLEANER.clean(text)
    ends = [at for at, char in enumerate(result.text) if char == "\n"]
    assert input_offsets(result.edits, ends) == [input_offset(result.edits, end) for end in ends]
    assert edit_input_starts(result.edits) == [input_offset(result.edits[:n], edit.start)
                                               for n, edit in enumerate(result.edits)]
    offsets = sorted({0, len(text), *(edit.start for edit in result.edits if edit.start <= len(text))})
    assert line_cols(text, offsets) == [line_col(text, offset) for offset in offsets]


def contents_line_by_line(file, result):
    """TextFile.contents as it was first written, each line's ending looked up through every edit."""
    text, pieces, start = result.text, [], 0
    while (end := text.find("\n", start)) >= 0:
        source = input_offset(result.edits, end)
        kept = file.text.startswith("\n", source)
        pieces.append(text[start:end] + ("\r\n" if source in file.crlf else "\n" if kept else file.newline))
        start = end + 1
    return "".join(pieces) + text[start:]


@given(st.lists(st.tuples(st.sampled_from(["The river rose.", "Qalat-i-Naw  ", "", "  ", "Share", "Facebook",
                                           "x\u00c3\u00a9 ", "News ID: 7"]),
                          st.sampled_from(["\n", "\r\n"])), max_size=30), st.booleans())
def test_a_file_of_mixed_line_endings_keeps_each_line_s_own_ending(lines, final_newline):
    original = "".join(line + ending for line, ending in lines)
    original = original if final_newline else original.rstrip("\r\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mixed.txt"
        path.write_bytes(original.encode("utf-8"))
        file = TextFile.read(path)
    result = CLEANER.clean(file.text)
    if result.text and file.text.endswith("\n") == result.text.endswith("\n") and "\r\n" in original:
        assert file.contents(result, normalise=False) == contents_line_by_line(file, result)
