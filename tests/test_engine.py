import threading
import time

import pytest

from textclean import Cleaner, Edit, RuleSet, parse_rule_file, replay, undo
from textclean.model.document import ReplayError
from textclean.model.kind import Change
from textclean.pipeline.engine import apply_changes

BAD_REGEX_PACK = """
rules:
  - id: slow
    kind: boilerplate
    description: catastrophic backtracking
    pattern: '(a|a)+b'
    examples: [{keep: x}]
"""


def test_replay_and_undo_round_trip():
    text = "one  two\n\n\nthree"
    new, edits = apply_changes(text, [Change(3, 5, " ", "a"), Change(8, 11, "\n\n", "b")], "k")
    assert new == "one two\n\nthree"
    assert replay(text, edits) == new
    assert undo(new, edits) == text


def test_replay_rejects_a_log_for_another_text():
    with pytest.raises(ReplayError):
        replay("abc", [Edit("r", "k", 0, 1, "x", "")])


def test_overlapping_changes_are_a_bug_in_the_kind():
    with pytest.raises(ValueError, match="overlapping"):
        apply_changes("abcdef", [Change(0, 3, "", "a"), Change(2, 4, "", "b")], "k")
    with pytest.raises(ValueError, match="overlapping changes at 2"):  # the first changes nothing
        apply_changes("abcdef", [Change(0, 3, "abc", "a"), Change(2, 4, "", "b")], "k")


def test_stage_order_dates_before_boilerplate_before_variants(cleaner):
    result = cleaner.clean("News ID: 7\nQalat-i-Naw flooded today, officials said.\n\n* Comment:\n")
    kinds = [edit.kind for edit in result.edits]
    assert kinds.index("date_header") < kinds.index("boilerplate") < kinds.index("variants")


def test_a_rule_that_times_out_leaves_the_document_unchanged(monkeypatch):
    import textclean.matching.patterns
    monkeypatch.setattr(textclean.matching.patterns, "MATCH_TIMEOUT", 0.05)
    monkeypatch.setattr(textclean.matching.patterns, "MATCH_SECONDS_PER_MB", 0.0)
    cleaner = Cleaner(parse_rule_file(BAD_REGEX_PACK))
    text = "a" * 40 + "!\n"
    result = cleaner.clean(text)
    assert result.text == text and result.edits == []
    assert result.findings[0].rule == "slow" and result.findings[0].level == "error"
    assert "timed out" in result.findings[0].message


SLOW_PACK = BAD_REGEX_PACK.replace("id: slow", "id: slow-per-line").replace("(a|a)+b", "(a|aa)+c")


def slow_lines(count):
    """Lines on each of which ``(a|aa)+c`` backtracks for a while before it fails, each a new text to match."""
    return "".join(f"{'a' * 22}c{n}\n" for n in range(count))


def test_the_matches_of_one_document_share_one_budget(monkeypatch):
    import textclean.matching.patterns
    monkeypatch.setattr(textclean.matching.patterns, "MATCH_TIMEOUT", 0.5)
    monkeypatch.setattr(textclean.matching.patterns, "MATCH_SECONDS_PER_MB", 0.0)
    cleaner = Cleaner(parse_rule_file(SLOW_PACK), unicode=False, tidy=False)
    single = timed_seconds(cleaner.clean, slow_lines(1))
    assert single < 0.5  # each line alone ends well within the budget ...
    text = slow_lines(int(3 / max(single, 0.001)) + 1)
    started = time.perf_counter()
    result = cleaner.clean(text)
    elapsed = time.perf_counter() - started
    assert result.text == text and result.edits == []  # ... but all of them together do not
    assert [(f.rule, f.level) for f in result.findings] == [("slow-per-line", "error")]
    assert "budget of 0.5s" in result.findings[0].message
    assert elapsed < 0.5 * 6 + 1  # the budget holds for wall time, not a budget per line: a small factor at most


def timed_seconds(function, *args):
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def test_a_budget_runs_out_in_a_thread_too(monkeypatch):
    import textclean.matching.patterns
    monkeypatch.setattr(textclean.matching.patterns, "MATCH_TIMEOUT", 0.05)
    monkeypatch.setattr(textclean.matching.patterns, "MATCH_SECONDS_PER_MB", 0.0)
    cleaner = Cleaner(parse_rule_file(BAD_REGEX_PACK))
    results = []
    worker = threading.Thread(target=lambda: results.append(cleaner.clean("a" * 40 + "!\n")))
    worker.start()
    worker.join(60)
    assert results and results[0].findings[0].rule == "slow" and "timed out" in results[0].findings[0].message


def test_a_cell_separator_that_times_out_is_named(monkeypatch):
    import textclean.matching.patterns
    monkeypatch.setattr(textclean.matching.patterns, "MATCH_TIMEOUT", 0.05)
    monkeypatch.setattr(textclean.matching.patterns, "MATCH_SECONDS_PER_MB", 0.0)
    pack = BAD_REGEX_PACK.replace("pattern: '(a|a)+b'", "shape: table_row\n    pattern: '[|].*'\n"
                                  "    cell_separator: '(a|a)+b'")
    text = "| " + "a" * 40 + "!\n"
    result = Cleaner(parse_rule_file(pack)).clean(text)
    assert result.text == text and result.edits == []
    assert result.findings[0].rule == "slow" and "timed out" in result.findings[0].message


CYCLE_PACK = """
rules:
  - id: my.qala-e-naw
    kind: variants
    description: The canonical spelling has an e.
    canonical: Qala-e-Naw
    variants: [Qala-i-Naw]
    examples: [{keep: x}]
  - id: my.e-to-i
    kind: characters
    description: Makes every Latin e an i, which turns the canonical spelling back into the variant.
    script: Latin
    map: {e: i}
    examples: [{keep: x}]
"""


def test_rules_that_cycle_leave_the_document_unchanged_and_say_so():
    cleaner = Cleaner(parse_rule_file(CYCLE_PACK), unicode=False, tidy=False)
    text = "They reached Qala-i-Naw.\n"
    result = cleaner.clean(text)
    assert result.text == text and result.edits == []
    (finding,) = result.findings
    assert finding.level == "error" and "my.qala-e-naw" in finding.rule and "my.e-to-i" in finding.rule
    assert "no fixed point" in finding.message and "cycle" in finding.message
    assert cleaner.clean(result.text).text == result.text


def test_a_long_chain_of_header_lines_settles_without_a_pass_bound(cleaner):
    # Each pass removes the five header lines in the head zone, which brings the next five into it. (Header
    # lines that disagree would stay, with a finding: nothing on the page says which is the article's.)
    text = "News ID: 7\n" * 400 + "The talks began.\n"
    result = cleaner.clean(text)
    assert result.text == "The talks began.\n" and not result.findings


def test_metadata_from_input_is_kept_and_extended(cleaner):
    result = cleaner.clean("News ID: 12\nBody text here.\n", {"lang": "en"})
    assert result.metadata == {"lang": "en", "news_id": "12"}


def test_no_rules_only_tidies():
    assert Cleaner(RuleSet()).clean("a  \n\n\n\nb").text == "a\n\nb"
