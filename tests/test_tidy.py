"""The whitespace stage equals its one-pattern definition, on generated text."""
import regex
from hypothesis import given
from hypothesis import strategies as st

from textclean.stages.tidy import SPACE, WhitespaceTidy

# The definition: one `regex` pattern scanned left to right.
DEFINITION = regex.compile(
    r"(?P<blank>(?:^[^\S\n]*\n)+(?:[^\S\n]*\Z)?)"  # a run of blank lines (with a blank last line)
    r"|(?P<trailing>[^\S\n]+(?=\r$)|[^\S\n]+$(?<!\r))",  # white space ending a line, but for its final CR
    regex.MULTILINE,
)


def defined_changes(text):
    changes = []
    for match in DEFINITION.finditer(text):
        if match.group("trailing"):
            changes.append((match.start(), match.end(), "", "whitespace.trailing-space"))
            continue
        after = "" if match.start() == 0 or match.end() == len(text) else "\r\n" if match.group().endswith("\r\n") \
            else "\n"  # the blank line kept ends as the run's last line: CRLF text stays CRLF
        if match.group() != after:
            changes.append((match.start(), match.end(), after, "whitespace.blank-lines"))
    return changes


def test_space_is_unicode_white_space_without_the_newline():
    every_character = "".join(map(chr, range(0x110000)))
    assert regex.findall(f"[{SPACE}]", every_character) == regex.findall(r"[^\S\n]", every_character)


ragged = st.lists(st.sampled_from(["word", "two words", " ", "\t", "\xa0", "\u3000", "\x1c", "\r", "\n", "\r\n", ""]),
                  max_size=40).map("".join)


@given(st.one_of(ragged, st.text()))
def test_tidy_equals_its_definition(text):
    assert sorted(change[:4] for change in WhitespaceTidy().apply(text).changes) == sorted(defined_changes(text))


def test_a_stray_cr_in_trailing_space_goes_at_once():
    from textclean import Cleaner, RuleSet
    cleaner = Cleaner(RuleSet(), unicode=False)
    assert cleaner.clean("abc \r \nend\n").text == "abc\nend\n"
    assert cleaner.clean("abc \r\r\nend\n").text == "abc\r\nend\n"


def test_crlf_text_stays_crlf():
    from textclean import Cleaner, RuleSet
    assert Cleaner(RuleSet(), unicode=False).clean("a \r\n\r\n\r\nb\r\n").text == "a\r\n\r\nb\r\n"
