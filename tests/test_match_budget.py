"""Which matches run without a timeout: only those that a bound on backtracking proves end in time."""
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import regex
from hypothesis import example, given
from hypothesis import strategies as st

from textclean.matching.backtracking import FREE_STEPS, _alternatives_kept, bound, free_length
from textclean.matching.patterns import Budget, PatternSet, budget, document_budget, timed
from textclean.matching.re_tree import balanced
from textclean.matching.re_tree import sre as _sre
from textclean.matching.re_tree import sre_parse as _sre_parse
from textclean.model.kind import Rule


@pytest.mark.parametrize("pattern", [
    r"(?:a|a)+b",  # two ways each time round
    r"(?:a+)+b",  # a repeat inside a repeat
    r"(?:\w+\s?)+$",
    r"(?:a|[a-z])+$",  # re's parser would merge these into one set; regex tries both
    r"(?:\d|[0-9])+",
    r"(?:[ab]|b)+",  # ... and would drop the second b
    r"(?i:a|A)+",  # the same letter, ignoring case
    r"(?x)(?:a+){1, 100}$",  # verbose: regex reads a repeat where re reads text
    r"(?:bcdefghijklmnop){e<=16}",  # fuzzy matching, to regex; text, to re
    r"(?#\)[)(?:a|[a-z])*$",  # an escaped ")" does not end a comment
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
    (r".*cookies.*", 400),  # two open repeats: the square of the length
])
def test_bounded_patterns_run_free_on_texts_of_their_size(pattern, at_least):
    assert free_length((pattern,)) >= at_least


def test_a_repeat_that_can_match_nothing_still_goes_round_its_least_number_of_times():
    assert free_length((r"(?:\b){1000000}q",)) == -1
    assert free_length((r"(?:(?=[^z]*z)){100000}q",)) < 10


def test_balanced_groups_are_told_from_parentheses_in_sets_escapes_and_comments():
    assert all(map(balanced, ["(a)", r"\(", "[(]", r"[\])]", "(?#(()", r"(?#\)()", "(?P<x>a(?:b))"]))
    assert not any(map(balanced, ["a)|(b", "((a)|b", "a)"]))


def test_alternatives_are_kept_but_sets_and_escapes_are_left_alone():
    assert _alternatives_kept(r"a|[|]|\||(?#x|y)b") == r"a(?=)|[|](?=)|\|(?=)|(?#x|y)b"
    assert _alternatives_kept(r"[]|]|[^]|]") == r"[]|](?=)|[^]|]"


def test_each_time_round_a_repeat_counts_a_step_even_for_an_empty_group():
    assert free_length(("(?:(?:(){256}){256}){64}",)) == -1
    assert free_length(("(?:(?:(){256}){256})*",)) < 20
    assert free_length(("(?:(){256})*",)) < 4000


def test_every_level_of_a_nest_of_groups_counts_a_step():
    for opening in ("(?>", "(?=", "(?!(?!"):
        nest = opening * 200 + "a" + ")" * (200 * opening.count("("))
        assert free_length((f"(?:{nest})*b",)) < 10_000


def test_every_capture_counts_a_step():
    assert free_length(("(?:a" + "()" * 1000 + "b)*",)) < 1000 < free_length(("(?:ab)*",))
    assert free_length(("(?:" + "()" * 100 + "a)*",)) < 10_000


def test_a_set_of_many_members_counts_as_more_than_one_step():
    members = "".join(map(chr, range(0x4E00, 0x4E00 + 20000, 1)))
    assert free_length((f"[^{members}]*",)) < 5000 < free_length(("[^ab]*",))


def test_the_bound_grows_with_each_open_repeat_in_a_row():
    lengths = [free_length(("a*" * repeats + "c",)) for repeats in range(1, 6)]
    assert lengths == sorted(lengths, reverse=True) and lengths[0] > lengths[-1]
    # six open repeats on 60 characters would take 61**6 steps: far from free
    assert free_length(("a*" * 6 + "c",)) < 60


def test_a_free_length_is_a_real_bound_on_the_time_taken():
    pattern = "a*" * 4 + "c"  # polynomial backtracking, degree 5 with the end check
    longest = free_length((pattern,))
    started = time.process_time()
    assert regex.fullmatch(pattern, "a" * longest) is None
    assert time.process_time() - started < budget("a" * longest) / 10  # FREE_STEPS is a tenth of the budget
    assert FREE_STEPS >= 1000


def test_timed_passes_no_timeout_within_the_free_length_and_the_budget_left_beyond():
    def match(text, *args, **kwargs):
        return kwargs

    assert timed(match, "x" * 20, free=20) == {}
    assert timed(match, "x" * 21, free=20) == {"timeout": budget("x" * 21)}  # outside a document: no watchdog
    assert timed(match, "") == {"timeout": budget("")}
    with document_budget(seconds=5.0) as spending:
        spending.spent = 4.0
        assert timed(match, "x" * 100) == {}  # the document's watchdog timer stops a match in the main thread
        assert spending.timer and 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 1.0
        spending.spent = 5.0
        with pytest.raises(TimeoutError):
            timed(match, "x" * 100)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_off_the_main_thread_a_match_is_given_the_budget_left_as_its_timeout():
    def match(text, *args, **kwargs):
        return kwargs

    def in_a_document():
        with document_budget(seconds=5.0) as spending:
            spending.spent = 4.0
            return timed(match, "x" * 100)

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(in_a_document).result()["timeout"] == pytest.approx(1.0)


def test_the_watchdog_is_armed_again_after_a_budget_inside_the_document_used_the_timer(monkeypatch):
    """The culprit search of a timed-out set runs under a budget of its own, which takes over the timer; the
    document's later matches are still stopped by a timer of their own budget."""
    patterns = PatternSet([(Rule("slow", "boilerplate", "d", {}), "(?:a|aa)+c")])
    with document_budget(seconds=0.2) as spending:
        assert timed(patterns._combined.fullmatch, "aac") and spending.timer
        with document_budget(seconds=0.05):
            with pytest.raises(TimeoutError):
                timed(patterns._combined.fullmatch, "a" * 36)
        started = time.perf_counter()
        with pytest.raises(TimeoutError):
            timed(patterns._combined.fullmatch, "a" * 36)
        assert time.perf_counter() - started < 5 and spending.spent >= 0.2


def test_a_pattern_set_reads_no_clock_within_its_free_length_and_spends_the_budget_beyond(monkeypatch):
    patterns = PatternSet([(Rule("r", "boilerplate", "d", {}), "a*a*a*b")])
    longest = free_length(("a*a*a*b",))
    entered = []
    enter = Budget.__enter__
    monkeypatch.setattr(Budget, "__enter__", lambda spending: entered.append(spending.seconds) or enter(spending))
    assert patterns.fullmatches("a" * (longest - 1) + "b") is True
    assert entered == []
    assert patterns.fullmatches("a" * longest + "b") is True
    assert entered == [budget("a" * longest + "b")]


# --- the bound against a backtracking matcher that counts its steps -------------------------------------------

_CHAR_OPS = {_sre.LITERAL, _sre.NOT_LITERAL, _sre.IN, _sre.ANY}


def _char_matches(op, value, char: str) -> bool:
    if op == _sre.LITERAL:
        return ord(char) == value
    if op == _sre.NOT_LITERAL:
        return ord(char) != value
    if op == _sre.ANY:
        return char != "\n"
    negate = value and value[0][0] == _sre.NEGATE
    found = any(ord(char) == item if kind == _sre.LITERAL else item[0] <= ord(char) <= item[1]
                for kind, item in (value[1:] if negate else value))
    return found != negate


def _count_steps(pattern: str, text: str) -> int:
    """Steps a plain backtracking matcher takes to try every way of matching all of ``text``: each character
    test, anchor test and end-of-text test counts one. Only the syntax the strategy below writes."""
    steps = 0

    def run(nodes, pos, then) -> bool:
        nonlocal steps
        if not nodes:
            return then(pos)
        (op, value), rest = nodes[0], nodes[1:]

        def after(end):
            return run(rest, end, then)

        if op in _CHAR_OPS:
            steps += 1
            return pos < len(text) and _char_matches(op, value, text[pos]) and after(pos + 1)
        if op == _sre.AT:
            steps += 1
            at_end = pos == len(text) or (pos == len(text) - 1 and text[pos] == "\n")  # $ as re reads it
            return (pos == 0 if value == _sre.AT_BEGINNING else at_end) and after(pos)
        if op == _sre.SUBPATTERN:
            return run(list(value[-1]), pos, after)
        if op == _sre.BRANCH:
            return any(run(list(branch), pos, after) for branch in value[1])
        if op == _sre.ASSERT:
            return run(list(value[1]), pos, lambda end: True) and after(pos)
        low, high, body = value

        def repeat(count, at) -> bool:  # greedy: one more time round first, then what follows
            if count < high and run(list(body), at, lambda end: end != at and repeat(count + 1, end)):
                return True
            return count >= low and after(at)

        return repeat(0, pos)

    def at_end(end) -> bool:
        nonlocal steps
        steps += 1
        return False  # never succeed: every way is tried, the worst case

    run(list(_sre_parse.parse(_alternatives_kept(pattern))), 0, at_end)
    return steps


_atoms = st.sampled_from(["a", "a", "[ab]", ".", "b", "[^b]", "$"])  # mostly what the texts are made of
_quantifiers = st.sampled_from(["", "", "*", "+", "?", "{1,3}", "{0,2}", "*?"])


@st.composite
def _patterns(draw, depth: int = 2) -> str:
    branches = []
    for _ in range(draw(st.integers(1, 3))):
        items = []
        for _ in range(draw(st.integers(1, 4))):
            if depth and draw(st.integers(0, 3)) == 0:
                inner = draw(_patterns(depth - 1))
                items.append(draw(st.sampled_from([f"(?:{inner})", f"(?:{inner})?", f"(?:{inner})*",
                                                   f"(?={inner})"])))
            else:
                items.append(draw(_atoms) + draw(_quantifiers))
        branches.append("".join(items).replace("$*", "$").replace("$+", "$").replace("$?", "$"))
    return "|".join(branches)


@given(_patterns(), st.text(alphabet="aaab\n", max_size=9))
@example("a*a*a*b", "aaaaaaaa")
@example("(?:a?)?a+(?:b|a*)", "aaaaaaab")
@example("(?=a*b)a*(?:ab)?", "aaaaaaaa")
@example("a*a*(?=[ab][ab][ab][ab][ab][ab])", "aaaaaaaab")  # work after many ways: paid once per way
@example("a?a?a?a?a?a?b", "aaaaaa")  # an optional part doubles the ways
@example("(?=[ab][ab][ab][ab][ab][ab][ab][ab])a", "aaaaaaaa")  # a look-ahead's own steps
@example("(?:[ab][ab][ab][ab][ab][ab][ab][ab][ab][ab])*", "a" * 9)  # each time round costs its body
def test_the_bound_holds_for_a_backtracking_matcher_on_any_text(pattern, text):
    found = bound(pattern)
    if found is None:  # no bound claimed: such a pattern always gets a timeout
        return
    x = len(text) + 1
    assert _count_steps(pattern, text) <= sum(c * x ** power for polynomial in found
                                              for power, c in enumerate(polynomial))


def test_a_possessive_optional_part_is_left_one_way():
    """``\\[?+`` never gives back what it took, so a repeat of it and a digit has one way round, and a bound."""
    assert free_length((r"↑\s*(?:\[?+\d{1,3}+\]?+\s*+)*",)) > 0
    assert free_length((r"↑\s*(?:\[?\d{1,3}\]?\s*)*",)) == -1
