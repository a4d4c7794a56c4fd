"""Text no scraper should produce, but some do: the engine neither crashes, hangs nor loses anything."""
import os

from hypothesis import example, given, settings
from hypothesis import strategies as st

from textclean import Cleaner, replay, undo

CLEANER = Cleaner()
FUZZ_EXAMPLES = int(os.environ.get("TEXTCLEAN_FUZZ_EXAMPLES", "300"))

planes = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=["Cs"])
rtl_and_marks = st.sampled_from(
    ["\u200f", "\u200e", "\u202e", "\u2066", "\u0301", "\u0651", "\u064b", "\u200c", "\u200d", "\ufeff",
     "\u0640", "مرحبا", "שלום", "ك", "ي", "ى", "e\u0301", "\U0001F600", "\U000E0001", "\U0010FFFD", "\x00", "\r\n"])
hostile = st.one_of(
    st.text(planes, max_size=500),
    st.lists(st.one_of(rtl_and_marks, st.text(planes, max_size=5)), max_size=60).map("".join),
    st.builds(lambda piece, n: piece * n, st.sampled_from(["a", "\n", " ", "-", "ـ", "é", "*", "&amp;", "Ã©"]),
              st.integers(1, 30000)),
)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(hostile)
@example("\x80\r¬ß")  # ftfy fixes the mojibake of ¬ß only in a second go, once \r is a line break
def test_engine_entry_point_fuzz(text):
    result = CLEANER.clean(text)
    assert replay(text, result.edits) == result.text
    assert undo(result.text, result.edits) == text
    assert CLEANER.clean(result.text).text == result.text


def test_a_50_mb_single_line_document():
    text = ("The river rose again near the old bridge, officials said. " * 870_000).rstrip()
    assert len(text) > 50_000_000
    result = CLEANER.clean(text + "\n\n0 comment\n")
    assert result.text == text + "\n"


def test_deeply_repeated_characters_and_separators():
    for text in ["-" * 1_000_000, "Qala-" * 200_000, "*\n" * 300_000, "Home " * 200_000 + "\nHome"]:
        result = CLEANER.clean(text)
        assert replay(text, result.edits) == result.text
