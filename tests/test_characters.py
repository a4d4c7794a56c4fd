"""The characters kind on its own fixtures: folding inside words of one script, never outside it."""
import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st
from test_properties import settings  # noqa: F401  (registers and loads the "ci" profile)

from textclean import Cleaner, RuleError, load_rules, parse_rule_file
from textclean.pipeline.rulefile import RuleSet

SHIPPED = load_rules()
CHARACTERS = Cleaner(RuleSet([r for r in SHIPPED.rules if r.kind == "characters"]), unicode=False, tidy=False)


def fold(text):
    return CHARACTERS.clean(text).text


@pytest.mark.parametrize(("text", "expected"), [
    ("Рaris", "Paris"),                                   # Cyrillic Р at the start of a Latin word
    ("Kabuⅼ and Kаbul", "Kabuⅼ and Kabul"),               # ⅼ (a number form) is not in the map
    ("ΑTHENS and Αθήνα", "ATHENS and Αθήνα"),             # Greek Α in a Latin word; a Greek word stays
    ("Москва", "Москва"),                                 # Cyrillic word: every letter has a look-alike but one
    ("сор", "сор"),                                       # all look-alikes, no Latin letter: stays Cyrillic
    ("Tжliban", "Tжliban"),                               # a Cyrillic letter without a look-alike: not Latin
    ("Talibаn-led", "Taliban-led"),
])
def test_lookalike_letters_only_in_otherwise_latin_words(text, expected):
    assert fold(text) == expected


PERSIAN = "پیام از كابل"          # Arabic kaf in a Persian document (پ is Persian-only)
ARABIC = "في الكتاب"              # Arabic: no Persian-only letter, so yeh and kaf stay
PASHTO = "پښتو كې"                # a Pashto-only letter keeps the whole document out


def test_persian_letter_forms_depend_on_the_document():
    assert fold(PERSIAN) == "پیام از کابل"
    assert fold(ARABIC) == ARABIC
    assert fold(PASHTO) == PASHTO


@pytest.mark.parametrize(("text", "expected"), [
    ("كـــتاب", "كتاب"),                                    # tatweel goes in any Arabic-script word
    ("مُحَمَّد", "محمد"),
    ("ـ", "ـ"),                                             # a tatweel alone is no word of the script
    ("\u200cمی\u200c\u200cروم\u200c", "می\u200cروم"),
    ("room ۳, floor ٢", "room 3, floor 2"),
    ("Q۳", "Q۳"),                                           # a Latin letter: not an Arabic-script word
])
def test_arabic_script_tidying(text, expected):
    assert fold(text) == expected


def test_each_change_is_an_edit_of_its_rule():
    result = CHARACTERS.clean("مُحَـمد")
    assert sorted({edit.rule for edit in result.edits}) == ["chars.arabic-harakat", "chars.tatweel"]


def _rule(body):
    return parse_rule_file(f"rules:\n  - id: c.x\n    kind: characters\n    description: d\n"
                           f"    examples: [{{keep: x}}]\n{body}", "c.yaml")


@pytest.mark.parametrize(("body", "expected"), [
    ("    script: Latin\n", "c.yaml:2: rule 'c.x': a characters rule needs a map, squeeze or trim"),
    ("    script: Klingonish\n    map: {a: b}\n", "c.yaml:6: rule 'c.x': unknown script 'Klingonish'"),
])
def test_rule_errors(body, expected):
    with pytest.raises(RuleError) as error:
        Cleaner(_rule(body))
    assert str(error.value).startswith(expected)


def test_sequences_and_squeeze():
    cleaner = Cleaner(_rule("    script: Latin\n    map: {ij: y}\n    squeeze: '-'\n"), unicode=False, tidy=False)
    assert cleaner.clean("Rijswijk --").text == "Ryswyk --"


GREEK_AND_CYRILLIC = [chr(c) for c in range(0x370, 0x530) if regex.match(r"\p{L}", chr(c))]


@given(st.text(alphabet=st.sampled_from([*GREEK_AND_CYRILLIC, " ", "-", "1"]), max_size=40))
def test_text_without_latin_letters_is_never_folded_by_the_lookalike_map(text):
    result = CHARACTERS.clean(text)
    assert not any(edit.rule == "chars.latin-lookalikes" for edit in result.edits)


def _map_pack(*maps):
    return "rules:\n" + "".join(
        f"  - id: my.map-{n}\n    kind: characters\n    description: A map.\n    script: Latin\n"
        f"    map: {written}\n    examples: [{{keep: x}}]\n" for n, written in enumerate(maps))


@pytest.mark.parametrize(("maps", "message"), [
    (["{a: aa}"], r"mine.yaml:6: rule 'my.map-0': map: 'a' becomes 'aa', which holds 'a', a character its own map"),
    (["{a: b, b: a}"], r"mine.yaml:6: rule 'my.map-0': map: 'a' becomes 'b'.* grow without end or go round in a cycle"),
    (["{x: y}", "{y: x}"], r"mine.yaml:6: rule 'my.map-0': map: 'x' becomes 'y'.* the map of rule 'my.map-1' "
                           r"\(mine.yaml:12\)"),
    (["{ab: b}"], r"'ab' becomes 'b', which holds 'b'"),
])
def test_a_map_that_could_grow_or_cycle_is_refused_at_load(maps, message):
    with pytest.raises(RuleError, match=message):
        Cleaner(parse_rule_file(_map_pack(*maps), "mine.yaml"))


def test_a_map_whose_replacements_no_map_changes_loads():
    cleaner = Cleaner(parse_rule_file(_map_pack("{a: xy, b: ''}", "{c: z}"), "mine.yaml"), unicode=False)
    assert cleaner.clean("abc cab\n").text == "xyz zxy\n"
