"""The incremental fixpoint: a later pass runs a line-local stage only on the lines edits touched, with the
same result as running every stage on the whole text."""
from contextlib import contextmanager

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from textclean import Cleaner, load_rules
from textclean.model.document import Finding
from textclean.model.kind import Change, LineLocal, StageOutput
from textclean.pipeline import changed_lines
from textclean.pipeline.changed_lines import Selection, touched_spans
from textclean.pipeline.engine import apply_changes
from textclean.stages.tidy import WhitespaceTidy
from textclean.stages.unicode_repair import UnicodeRepair

RULES = load_rules()
INCREMENTAL, FULL = Cleaner(RULES), Cleaner(RULES, incremental=False)
NO_UNICODE, NO_UNICODE_FULL = Cleaner(RULES, unicode=False), Cleaner(RULES, unicode=False, incremental=False)
MARKS, MARKS_FULL = Cleaner(RULES, marks=True), Cleaner(RULES, marks=True, incremental=False)
PAIRS = [(INCREMENTAL, FULL), (NO_UNICODE, NO_UNICODE_FULL), (MARKS, MARKS_FULL)]

# Lines of the shapes the stages act on: boilerplate and headers that go (so that later passes run), mojibake,
# HTML entities and tags (ftfy's '<' rule), Arabic-script letters the characters rules fold only in a Persian
# document (and not in a Pashto one), white space at line ends, inline markers.
LINES = ["Share", "Facebook", "Advertisement", "Leave a Comment", "You may also like", "News ID: 4411",
         "Publish Date : 02 May 2020 - 10:15", "Home World A title that repeats here | Site",
         "A title that repeats here", "The council met on Monday and said the river had risen.",
         "Qalat-i-Naw", "Mohammed Karimi spoke.", "â€™ then cafÃ©", "Ã©ß ", "ﬁne &amp; dandy",
         "a &lt;b&gt; tag", "<p>para</p>", "x < y", "گزارش از كابل", "براي امروز", "د کابل ښار كې", "کـــابل",
         "ی", "ك", "ـ", "", " ", "\t", "\r", " \r ", "\u00a0", "trailing  ", "<!-- textclean: off -->",
         "<!-- textclean: on -->", "# textclean: disable-next-line"]
line = st.one_of(st.sampled_from(LINES), st.text(max_size=12),
                 st.lists(st.sampled_from(LINES), min_size=2, max_size=3).map(" ".join))
rule_shaped = st.lists(line, max_size=30).map("\n".join)
anything = st.one_of(rule_shaped, st.text(), st.text(alphabet=st.characters(codec="utf-8"), max_size=300))


unhurried = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # the machine may be busy


def comparable(result):
    return result.text, result.metadata, result.edits, result.findings, result.marks


@contextmanager
def characters_per_edit(count):
    """Later passes follow edits where the text has ``count`` characters per edit (0: always)."""
    shipped = changed_lines.CHARACTERS_PER_EDIT
    changed_lines.CHARACTERS_PER_EDIT = count
    try:
        yield
    finally:
        changed_lines.CHARACTERS_PER_EDIT = shipped


@unhurried
@given(anything, st.sampled_from(PAIRS), st.sampled_from([0, changed_lines.CHARACTERS_PER_EDIT]))
@example("Ã©ß \na", PAIRS[0], 0)  # ftfy fixes the line once the whitespace stage has taken its trailing space
@example("ﬁne &amp; dandy\nShare\nFacebook\nx < y\nﬁne &amp; dandy", PAIRS[0], 0)  # HTML: to the first '<'
@example("گزارش از كابل\nShare\nFacebook\nبراي امروز", PAIRS[0], 0)  # a Persian letter in a line that stays
def test_incremental_passes_give_the_result_of_whole_passes(text, pair, count):
    incremental, full = pair
    with characters_per_edit(count):
        assert comparable(incremental.clean(text)) == comparable(full.clean(text))


def test_a_later_pass_runs_a_line_local_stage_on_the_lines_edits_touched_alone():
    cleaner = Cleaner(RULES)
    unicode = next(stage for stage in cleaner.stages if isinstance(stage, UnicodeRepair))
    seen = []
    unicode.apply = lambda text, apply=unicode.apply: seen.append(text) or apply(text)
    body = "".join(f"Paragraph {n} of the article, which the council read out on Monday.\n" for n in range(40))
    result = cleaner.clean(f"{body}Share\nFacebook\nThe last line.\n")
    assert "Share" not in result.text
    assert seen[0] == result.original
    assert seen[1:] == ["The last line.\n"]  # where the menu was: the line after it


def test_whitespace_changes_unsettle_only_the_stages_they_name():
    cleaner = Cleaner(RULES)
    ran = []
    for stage in cleaner.stages:
        stage.apply = lambda text, *corpus, apply=stage.apply, kind=stage.kind: ran.append(kind) or apply(text, *corpus)
    cleaner.clean("One line.  \nAnother.\n")
    kinds = [stage.kind for stage in cleaner.stages]
    assert ran == kinds + [UnicodeRepair.kind] and WhitespaceTidy.unsettles == {UnicodeRepair.kind}


def test_unicode_is_line_local_where_html_unescaping_does_not_depend_on_the_line():
    stage = UnicodeRepair()
    assert stage.locality("a &amp; b\nc") == LineLocal()
    assert stage.locality("a &amp; b\n<p>") is None


# A text and edits on it: each round is one stage's changes, spans as fractions of the text it finds.
rounds = st.lists(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 0.2), st.sampled_from(["", "x", "\n", "yz\n"])),
                           max_size=5), max_size=4)


def edited(text, plan):
    """Apply ``plan``'s rounds to ``text``: the text left and the edits made."""
    edits = []
    for round_ in plan:
        changes, reached = [], 0
        for at, length, after in sorted(round_):
            start = max(reached, int(at * len(text)))
            end = min(len(text), start + int(length * len(text)))
            changes.append(Change(start, end, after, "r"))
            reached = end + 1
        text, applied = apply_changes(text, [c for c in changes if c.start <= c.end <= len(text)], "k")
        edits += applied
    return text, edits


@unhurried
@given(st.text(alphabet="ab\n", max_size=40), rounds)
def test_touched_spans_leave_out_only_what_the_edits_kept_where_it_was(text, plan):
    # Each character of ``text`` carries its place; written ones carry None.
    places = list(range(len(text)))
    text_now, edits = edited(text, plan)
    for edit in edits:
        places[edit.start:edit.end] = [None] * len(edit.after)
    spans = touched_spans(edits)
    assert spans == sorted(spans) and all(a <= b < c for (a, b), (c, _) in zip(spans, spans[1:], strict=False))
    bounded = [-1, *places, len(text)]  # the places before and after the text
    for pos in range(len(text_now) + 1):
        if not any(start <= pos <= end for start, end in spans):
            # the character before ``pos`` and the one at it were there, side by side, before the edits
            assert None not in bounded[pos:pos + 2] and bounded[pos] + 1 == bounded[pos + 1]


@unhurried
@given(st.text(alphabet="ab\n", max_size=40), st.lists(st.tuples(st.floats(0, 1), st.floats(0, 0.3)), max_size=4))
def test_a_selection_holds_whole_lines_and_maps_offsets_back(text, picks):
    spans = sorted((int(at * len(text)), min(len(text), int(at * len(text)) + int(length * len(text))))
                   for at, length in picks)
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    selection = Selection.of(text, merged)
    lines, start = [], 0
    for piece in text.splitlines(keepends=True) + ([""] if text.endswith("\n") or not text else []):
        end = start + len(piece.rstrip("\n"))  # where its line break is (or the text ends)
        if any(a <= end and start <= b for a, b in merged):
            lines.append(piece)
        start += len(piece)
    assert selection.text == "".join(lines)
    at = range(len(selection.text))
    output = selection.in_text(StageOutput([Change(pos, pos + 1, "", "r") for pos in at], {},
                                           [Finding("r", "", pos) for pos in at]))
    assert [text[change.start:change.end] for change in output.changes] == list(selection.text)
    assert [text[finding.start] for finding in output.findings] == list(selection.text)
