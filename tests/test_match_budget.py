"""Which matches run without a timeout: only those that a bound on backtracking proves end in time."""
import time

import pytest
import regex

from textclean.kind import Rule
from textclean.patterns import FREE_STEPS, PatternSet, budget, free_length, timeout


@pytest.mark.parametrize("pattern", [
    r"(?:a|a)+b",  # two ways each time round
    r"(?:a+)+b",  # a repeat inside a repeat
    r"(?:\w+\s?)+$",
    r"(a)\1",  # a back-reference
    r"\p{L}+",  # syntax only regex reads
    r"(?:[[:alpha:]])+",  # syntax re reads differently
])
def test_patterns_with_no_known_bound_always_get_a_timeout(pattern):
    assert free_length((pattern,)) <= 0
    assert free_length((r"Share", pattern)) <= 0  # one such pattern in a set is enough


@pytest.mark.parametrize(("pattern", "at_least"), [
    (r"Share(?: this)?", 1 << 20),  # no repeat: any length
    (r"[^.!?]{1,60}", 1 << 20),  # a bounded repeat stops after 60 characters
    (r"Leave a (?:Reply|Comment)(?: to .{1,80})?", 1 << 20),
    (r".*cookies.*", 500),  # two open repeats: the square of the length
])
def test_bounded_patterns_run_free_on_texts_of_their_size(pattern, at_least):
    assert free_length((pattern,)) >= at_least


def test_the_bound_grows_with_each_open_repeat_in_a_row():
    lengths = [free_length(("a*" * repeats + "c",)) for repeats in range(1, 6)]
    assert lengths == sorted(lengths, reverse=True) and lengths[0] > lengths[-1]
    # six open repeats on 60 characters would take 61**6 steps: far from free
    assert free_length(("a*" * 6 + "c",)) < 60
    assert free_length((r"[^.!?]{1,60}",), searched=True) < free_length((r"[^.!?]{1,60}",))


def test_a_free_length_is_a_real_bound_on_the_time_taken():
    pattern = "a*" * 4 + "c"  # polynomial backtracking, degree 5 with the end check
    longest = free_length((pattern,))
    started = time.process_time()
    assert regex.fullmatch(pattern, "a" * longest) is None
    assert time.process_time() - started < budget("a" * longest) / 10  # FREE_STEPS is a tenth of the budget
    assert FREE_STEPS >= 1000


def test_timeout_is_none_only_within_the_free_length():
    assert timeout("x" * 20, 20) is None
    assert timeout("x" * 21, 20) == budget("x" * 21)
    assert timeout("", -1) == budget("")


def test_a_pattern_set_passes_no_timeout_within_its_free_length_and_one_beyond(monkeypatch):
    patterns = PatternSet([(Rule("r", "boilerplate", "d", {}), "a*a*a*b")])
    longest = free_length(("a*a*a*b",))
    given = []
    monkeypatch.setattr("textclean.patterns.timeout", lambda text, free: given.append(timeout(text, free)) or given[-1])
    assert patterns.fullmatches("a" * (longest - 1) + "b") is True
    assert patterns.fullmatches("a" * longest + "b") is True
    assert given == [None, budget("a" * longest + "b")]
