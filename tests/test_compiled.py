"""The compiled twins (textclean/matching/_*.pyx) give what their pure-Python references give, on any input.

Where the compiled modules are not built these tests skip, unless TEXTCLEAN_REQUIRE_COMPILED=1 (CI) makes
that a failure. The whole pipeline is compared on the dev corpus by benchmarks/same_output.py --pure.
"""
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

# imported: their twins are registered
from textclean.kinds import boilerplate, page_evidence  # noqa: F401
from textclean.matching import compiled, lines  # noqa: F401
from textclean.pipeline import engine  # noqa: F401
from textclean.stages import tidy  # noqa: F401

settings.register_profile("twins", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BUILT = all(module is not None for module in compiled._loaded.values())
if not BUILT and os.environ.get("TEXTCLEAN_REQUIRE_COMPILED") == "1":
    raise RuntimeError(f"TEXTCLEAN_REQUIRE_COMPILED=1, but the compiled core is {compiled.in_use()}")
needs_compiled = pytest.mark.skipif(not BUILT, reason=f"compiled core: {compiled.in_use()}")


# Any Unicode, lone surrogates too, with more of what the loops look at: line ends, CRs, white space of
# every sort (and \x1c-\x1f, which str.strip takes and the whitespace stage does not), and empty lines.
special = st.sampled_from(["\n", "\r", "\r\n", " ", "\t", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0",
                           "\u2028", "\u2029", "\u3000", "\u200b", "\ud800", "a", "é", ""])
any_char = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
texts = st.lists(st.one_of(special, st.text(any_char, max_size=8)), max_size=40).map("".join)


@needs_compiled
@settings(settings.get_profile("twins"))
@given(texts)
@example("")
@example(" a \n\n\t\r\n\x1c")
def test_nonblank_numbers(text):
    pure, twin = compiled.TWINS["textclean.matching.lines.nonblank_numbers"]
    stripped = [line.strip() for line in text.split("\n")]
    assert twin(stripped) == pure(stripped)


@needs_compiled
@settings(settings.get_profile("twins"))
@given(texts, st.data())
@example("", None)
@example("a\nb", None)
def test_numbered_line_removals(text, data):
    pure, twin = compiled.TWINS["textclean.matching.lines.numbered_line_removals"]
    raw = text.split("\n")
    if data is None:  # the examples: every line removed, with notes
        removed, notes = dict.fromkeys(range(len(raw)), "rule.x"), {0: "a note"}
    else:
        removed = data.draw(st.dictionaries(st.integers(0, len(raw) - 1), st.sampled_from(["rule.a", "rule.b"])))
        notes = data.draw(st.one_of(st.none(), st.dictionaries(st.integers(0, len(raw) - 1), st.text(max_size=3))))
    expected = pure(text, raw, removed, notes)
    got = twin(text, raw, removed, notes)
    assert got == expected
    assert [type(change) for change in got] == [type(change) for change in expected]


@needs_compiled
@settings(settings.get_profile("twins"))
@given(texts)
@example("a \r\r\nb\u3000\n\x1c\n \n")
def test_whitespace_scans(text):
    split = text.split("\n")
    for name in ("textclean.stages.tidy.trailing_spaces", "textclean.stages.tidy.ends_in_space"):
        pure, twin = compiled.TWINS[name]
        assert twin(split, tidy._SPACES) == pure(split, tidy._SPACES), name


@needs_compiled
@settings(settings.get_profile("twins"))
@given(texts, st.data())
def test_apply_changes(text, data):
    pure, twin = compiled.TWINS["textclean.pipeline.engine.apply_changes"]
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=12)))
    spans = list(zip(cuts[::2], cuts[1::2], strict=False))
    if data.draw(st.booleans()):  # overlapping: both refuse the same way
        spans += data.draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))), max_size=2))
    changes = [engine.Change(start, end, data.draw(st.one_of(st.just(text[start:end]), texts)),
                             data.draw(st.sampled_from(["rule.a", "rule.b"])), data.draw(st.sampled_from(["", "n"])))
               for start, end in spans]
    changes = data.draw(st.permutations(changes))
    try:
        expected = pure(text, changes, "kind")
    except ValueError as error:
        with pytest.raises(ValueError) as raised:
            twin(text, changes, "kind")
        assert str(raised.value) == str(error)
        return
    got = twin(text, iter(changes), "kind")
    assert got == expected
    assert [edit.__dict__ for edit in got[1]] == [edit.__dict__ for edit in expected[1]]


# Words as page evidence sees them: letters, digits, marks and apostrophes between them, and what is no word.
word_text = st.lists(st.one_of(special, st.sampled_from(["'", "\u2019", "the", "The", "don't", "a'", "_", "1", "\u0301",
                                                         "stra\u00dfe", "\u0130", "\u0131", "\u200d", ",", "."]),
                               st.text(any_char, max_size=6)), max_size=40).map("".join)


@needs_compiled
@settings(settings.get_profile("twins"))
@given(word_text, st.data())
@example("the end of the road, or the end.", frozenset({"the", "end", "a"}))
@example("don't a'b 'the' the'", frozenset({"don't", "the", "a", "", "b"}))
def test_stopword_counts(text, data):
    pure, twin = compiled.TWINS["textclean.kinds.page_evidence.stopword_counts"]
    folded = text.casefold()
    if isinstance(data, frozenset):  # the examples
        wanted = data
    else:  # words the text holds (found by the pattern), and others
        found = page_evidence._WORD.findall(folded)
        wanted = frozenset(data.draw(st.lists(st.one_of(st.sampled_from(found or ["x"]), word_text), max_size=8)))
    assert twin(folded, wanted) == pure(folded, wanted)


@needs_compiled
@settings(settings.get_profile("twins"))
@given(word_text, st.data())
@example("The end of the ROAD's end, the road\u2019s. STRASSE stra\u00dfe \u0130S",
         frozenset({"the", "of", "strasse", "i\u0307s"}))
def test_word_counts(text, data):
    pure, twin = compiled.TWINS["textclean.kinds.page_evidence.word_counts"]
    if isinstance(data, frozenset):  # the example: words that fold to one longer than they are written
        stop = data
    else:  # folded words the line holds, and others
        found = [word.casefold() for word in page_evidence._WORD.findall(text)]
        stop = frozenset(data.draw(st.lists(st.one_of(st.sampled_from(found or ["x"]), word_text), max_size=8)))
    assert twin(text, stop) == pure(text, stop)


@needs_compiled
@settings(settings.get_profile("twins"))
@given(texts, st.integers(1, 6), st.data())
@example("a b c\n \u3000a\x1cb\x1fc \n a  b", 3, None)
def test_paragraph_lines(text, words, data):
    pure, twin = compiled.TWINS["textclean.kinds.boilerplate.paragraph_lines"]
    lines_ = text.split("\n")
    numbers = list(range(len(lines_))) if data is None else \
        sorted(data.draw(st.sets(st.integers(0, len(lines_) - 1))))
    assert twin(lines_, numbers, words) == pure(lines_, numbers, words)


def test_pure_python_forced_by_the_environment():
    code = "from textclean.matching import compiled, lines; from textclean.pipeline import engine; " \
           "print(compiled.in_use()); " \
           "print(all(f is pure for pure, _ in compiled.TWINS.values() " \
           "for f in [getattr(__import__(pure.__module__, fromlist=['x']), pure.__name__)]))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "TEXTCLEAN_PURE_PYTHON": "1"})
    assert done.stdout.split("\n")[:2] == ["no (TEXTCLEAN_PURE_PYTHON is set)", "True"]


@needs_compiled
def test_compiled_in_use_by_default():
    code = "from textclean.matching import compiled, lines; from textclean.pipeline import engine; " \
           "from textclean.stages import tidy; print(compiled.in_use()); " \
           "print(all(getattr(__import__(pure.__module__, fromlist=['x']), pure.__name__) is twin " \
           "for pure, twin in compiled.TWINS.values()))"
    env = {key: value for key, value in os.environ.items() if key != "TEXTCLEAN_PURE_PYTHON"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.split("\n")[:2] == ["yes", "True"]


def test_version_says_which_core_is_in_use():
    cli = os.path.join(os.path.dirname(__file__), "..", "cli.py")
    done = subprocess.run([sys.executable, cli, "--version"], capture_output=True, text=True, check=True,
                          env={**os.environ, "TEXTCLEAN_PURE_PYTHON": "1"})
    assert done.stdout.splitlines()[1] == "compiled core: no (TEXTCLEAN_PURE_PYTHON is set)"
    done = subprocess.run([sys.executable, cli, "--version"], capture_output=True, text=True, check=True,
                          env={**os.environ, "TEXTCLEAN_PURE_PYTHON": "0"})
    assert done.stdout.splitlines()[1] == f"compiled core: {'yes' if BUILT else 'no (not built: pure Python)'}"
