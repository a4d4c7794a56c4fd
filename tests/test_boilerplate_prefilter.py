"""The keyword prefilter: which literals a pattern demands, and the one-pass search for them."""
import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from textclean import Cleaner, load_rules, parse_rule_file
from textclean.kinds.boilerplate import _one_pattern
from textclean.matching.keywords import LineIndex, exact_fold, fold_case, line_keywords, literal_lines, match_lengths
from textclean.matching.patterns import PatternSet


@pytest.mark.parametrize(("pattern", "keywords"), [
    (r"(?:Share|Tweet) this", {"\nshare this\n", "\ntweet this\n"}),  # the whole line
    (r"Leave a (?:Reply|Comment)(?: to .{1,80})?", {"\nleave a reply", "\nleave a comment"}),  # its start
    (r"\d+ comments?", {" comment"}),  # inside it
    (r"\(?Back to top\)?", {"\nback to top\n", "\n(back to top\n", "\nback to top)\n", "\n(back to top)\n"}),
    (r"(?:Home|Jobs at .{1,30})", {"\nhome\n", "\njobs at "}),  # each branch its best
    (r"Please enable JavaScript to view the comments", {"\nplease enable javascript"}),  # cut to 24 characters
    (r"[0-9]", {f"\n{digit}\n" for digit in "0123456789"}),  # a range as short as the digits is its characters
    (r"\w+\d+", None),  # no literal
    (r"\p{Lu}+", None),  # syntax the re module cannot read
    (r"[[:alpha:]]+", None),  # syntax the re module reads differently
])
def test_line_keywords(pattern, keywords):
    assert line_keywords(pattern) == (frozenset(keywords) if keywords is not None else None)


def test_literal_lines_and_match_lengths():
    assert literal_lines(r"(?:Share|Tweet)s?") == {"share", "shares", "tweet", "tweets"}
    assert literal_lines(r"\bShare") is None  # an anchor narrows the set
    assert literal_lines(r"Shares?.*") is None
    assert match_lengths(r"(?:Home|News)s?") == (4, 5)
    assert match_lengths(r"Subscribe.*")[1] == float("inf")


SHIPPED = [(rule.id, _one_pattern(rule.spec["pattern"])) for rule in load_rules().rules
           if rule.kind == "boilerplate" and "pattern" in rule.spec  # site_lines rules have none
           and rule.spec.get("shape") != "page"]  # page evidence classes every line of a page by design


@pytest.mark.parametrize(("rule_id", "pattern"), SHIPPED, ids=[rule_id for rule_id, _ in SHIPPED])
def test_every_shipped_rule_has_keywords(rule_id, pattern):
    """Without them a rule is tried on every line of every document."""
    keywords = line_keywords(pattern)
    assert keywords or rule_id == "nav.menu-items", "a shipped rule without keywords slows every document down"


def lines_from(words):
    return st.lists(st.sampled_from(words), min_size=1, max_size=6).map(" ".join)


TURKISH = ["Gizlilik", "politikası", "İSTANBUL", "HABERLERİ", "ıI", "İi"]


@given(st.lists(st.one_of(lines_from(["Share", "this", "Home", "jobs", "at", "News", "x", "ß", "SS", *TURKISH,
                                      "GIZLILIK", "POLITIKASI", "istanbul", "haberleri"]),
                          st.text(alphabet=st.sampled_from("İıIisS ßẞhtrwe"), max_size=12),
                          st.text(max_size=12)), max_size=12))
def test_every_line_a_pattern_matches_holds_one_of_its_keywords(lines):
    """The promise the prefilter relies on: no keyword found means no match; and where a pattern
    is a set of literal lines, a line whose exact fold is in the set is one it matches."""
    for pattern in [r"(?:Share|Tweet) this", r"(?:Home|Jobs at .{1,30})", r"(?:News|Straße)s?", r"\w+ this",
                    "Gizlilik politikası", "İSTANBUL HABERLERİ", "(?:Is|is)(?:tanbul)?"]:
        keywords, literals = line_keywords(pattern), literal_lines(pattern)
        compiled = regex.compile(f"(?i:{pattern})")
        for line in (line.strip() for line in lines):
            matches = bool(compiled.fullmatch(line))
            if matches and keywords:
                assert any(k in f"\n{fold_case(line)}\n" for k in keywords), (pattern, line)
            if literals is not None and (folded := exact_fold(line)) is not None:
                assert (folded in literals) == matches, (pattern, line)


def test_folding_never_tells_apart_letters_regex_takes_for_one_another():
    """Checked for every letter that has a case: the keyword search and the gates may pass more
    lines than a pattern matches, never fewer."""
    cased = "".join(c for c in map(chr, range(0x110000)) if c.lower() != c or c.upper() != c or c.casefold() != c)
    for letter in cased:
        for found in regex.finditer(regex.escape(letter), cased, regex.IGNORECASE):
            assert fold_case(found.group()) == fold_case(letter), (letter, found.group())


@pytest.mark.parametrize(("pattern", "removed", "kept"), [
    ("Gizlilik politikası", ["Gizlilik politikası", "GIZLILIK POLITIKASI"], ["Gizlilik politikasi"]),
    ("İSTANBUL HABERLERİ", ["İSTANBUL HABERLERİ", "istanbul haberleri"], ["ISTANBUL HABERLERI"]),
    ("istanbul", ["İSTANBUL", "Istanbul"], ["ıstanbul"]),
])
def test_a_boilerplate_rule_removes_every_line_it_matches_however_the_turkish_i_is_cased(pattern, removed, kept):
    """As ``regex`` takes the case of İ and ı: İ is an i, ı an I, but İ no I and ı no i."""
    cleaner = Cleaner(parse_rule_file(f"""rules:
  - id: t.line
    kind: boilerplate
    description: A line in Turkish.
    pattern: '{pattern}'
    examples: [{{keep: x}}]
"""), unicode=False)
    for line in removed:
        assert cleaner.clean(f"Body text.\n{line}\n").text == "Body text.\n", line
    for line in kept:
        assert cleaner.clean(f"Body text.\n{line}\n").text == f"Body text.\n{line}\n", line


def test_line_index_finds_each_key_on_its_lines_in_one_pass():
    index = LineIndex([("share", frozenset({"\nshare\n"}), None), ("comments", frozenset({"comment"}), 40)])
    lines = ["Share", "A paragraph that mentions a comment beyond forty characters.", "", "3 comments", "SHARE"]
    assert index.lines(lines) == {"share": [0, 4], "comments": [3]}


def test_the_keyword_pass_searches_with_a_dfa_kept_through_a_pickle():
    """The keyword pass's automaton is a DFA (faster where matches are few), and a rule cache's pickle
    keeps it one; other automata (a pack of thousands of variants, thousands of keywords) stay the smaller kind."""
    import pickle

    from textclean.matching.keywords import Automaton
    index = pickle.loads(pickle.dumps(LineIndex([("share", frozenset({"\nshare\n"}), None)])))
    assert index._automaton.dfa and not Automaton(["share"]).dfa
    assert index.lines(["Share", "Shar", "share"]) == {"share": [0, 2]}
    many = LineIndex([(n, frozenset({f"\nline {n}\n"}), None) for n in range(2000)])  # a DFA would be large
    assert not many._automaton.dfa and many.lines(["x", "Line 1999"]) == {1999: [1]}


def test_line_index_searches_long_lines_only_as_far_as_a_line_start_keyword_reaches():
    index = LineIndex([("tail", frozenset({"\nreader"}), None), ("count", frozenset({"comment"}), 30)])
    assert index.lines(["Reader " + "x" * 400 + " comment", "Reader, 3 comments"]) == {"tail": [0, 1], "count": [1]}


def test_a_pattern_set_rules_out_texts_by_length_and_start():
    from textclean.model.kind import Rule
    rule = Rule("r", "boilerplate", "d", {})
    patterns = PatternSet([(rule, "(?i:.{80,})"), (rule, "(?i:By [^.]{2,40})")])
    assert not patterns.may_fullmatch("Valley News")  # too short for the first, the wrong start for the second
    assert patterns.may_fullmatch("BY JANE DOE") and patterns.fullmatches("BY JANE DOE")
    assert patterns.may_fullmatch("x" * 90) and not patterns.fullmatches("x" * 79)


def test_keywords_are_found_however_regex_takes_the_case_of_turkish_i():
    """``regex`` takes İ for i and ı for I: lines its patterns match are found by the search, and pass the gate."""
    from textclean.model.kind import Rule
    pattern = "(?i:Gizlilik politikası)"
    lines = ["GİZLİLİK POLİTİKASI", "Gizlilik Politikası"]
    assert all(regex.fullmatch(pattern, line) for line in lines)
    index = LineIndex([("privacy", line_keywords(pattern), None)])
    assert index.lines(lines) == {"privacy": [0, 1]}
    assert all(map(PatternSet([(Rule("r", "boilerplate", "d", {}), pattern)]).may_fullmatch, lines))


def test_a_set_names_the_rule_whose_pattern_does_not_compile_alone():
    from textclean.model.kind import Rule, RuleError
    share, tweet = Rule("share", "boilerplate", "d", {}), Rule("tweet", "boilerplate", "d", {})
    assert PatternSet([(share, "Share"), (tweet, "Tweet")]).fullmatch("Tweet")[0] is tweet
    with pytest.raises(RuleError, match=r"rule 'tweet': pattern does not compile: missing \)"):
        PatternSet([(share, "Share"), (tweet, "(?:Tweet")])
    with pytest.raises(RuleError, match=r"rule 'tweet': pattern refers to a group by its number \(\\2\)"):
        PatternSet([(share, "(Share)"), (tweet, r"Tweet\2")])  # leaning on another pattern's group
    with pytest.raises(RuleError, match="rule 'tweet': pattern does not compile: unbalanced parenthesis"):
        PatternSet([(tweet, "Tweet)|(Share")])  # it would break out of the group it is put in


@pytest.mark.parametrize(("pattern", "message"), [
    (r"(Tweet)(?1)", r"refers to a group by its number \(\(\?1\)\), .* call it as \(\?&name\)"),
    (r"(Tweet)(?-1)", r"refers to a group by its number \(\(\?-1\)\)"),
    (r"(?+1)(Tweet)", r"refers to a group by its number \(\(\?\+1\)\)"),
    (r"(Tweet)\g<-1>", r"refers to a group by its number \(\\g<-1\)"),
    (r"<(?:[^<>]|(?R))*>", r"calls the whole pattern \(\(\?R\)\)"),
    (r"<(?:[^<>]|(?0))*>", r"calls the whole pattern \(\(\?0\)\)"),
])
def test_a_pattern_that_calls_a_group_by_its_number_is_refused(pattern, message):
    """Combined with others, the number (or the whole pattern) would be another's."""
    from textclean.model.kind import Rule, RuleError
    share, tweet = Rule("share", "boilerplate", "d", {}), Rule("tweet", "boilerplate", "d", {})
    with pytest.raises(RuleError, match=f"rule 'tweet': pattern {message}"):
        PatternSet([(share, "(Share)"), (tweet, pattern)])


def test_a_pattern_may_call_a_named_group():
    from textclean.model.kind import Rule
    share, tweet = Rule("share", "boilerplate", "d", {}), Rule("tweet", "boilerplate", "d", {})
    patterns = PatternSet([(share, "(Share)"), (tweet, r"(?P<word>Tweet)(?: (?&word))*")])
    assert patterns.fullmatch("Tweet Tweet")[0] is tweet


def test_a_pattern_compiled_when_first_used_still_names_its_rule(monkeypatch):
    """Patterns that ``re``'s parser reads are compiled when first used; should ``regex`` refuse one
    then, the error names its rule as at load, and comes back whole from a worker process."""
    import pickle

    import textclean.matching.patterns
    from textclean.model.kind import Rule, RuleError
    # as if re read what regex refuses
    monkeypatch.setattr(textclean.matching.patterns, "readable", lambda pattern: True)
    share, tweet = Rule("share", "boilerplate", "d", {}), Rule("tweet", "boilerplate", "d", {})
    for entries in ([(tweet, "Tweet**")], [(share, "Share"), (tweet, "Tweet**")]):
        patterns = PatternSet(entries)
        with pytest.raises(RuleError, match=r"rule 'tweet': pattern does not compile: multiple repeat") as caught:
            patterns.fullmatches("Tweet")
        assert str(pickle.loads(pickle.dumps(caught.value))) == str(caught.value)


def test_compile_all_compiles_the_sets_that_wait_for_their_first_use():
    from textclean.matching.patterns import compile_all
    from textclean.model.kind import Rule
    waiting = PatternSet([(Rule("share", "boilerplate", "d", {}), "Share (?:this|now)")])
    assert "_combined" not in vars(waiting)
    compile_all()
    assert vars(waiting)["_combined"].fullmatch("Share now")


def test_a_posix_class_is_no_keyword():
    """``re`` reads [ [:digit:]] as a set and a literal ']', ``regex`` as a POSIX class: nothing is assumed."""
    assert line_keywords(r"Page[ [:digit:]]+") is None


def test_lint_compiles_what_a_run_would_compile_when_first_needed(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import textclean.matching.patterns
    from textclean.cli import main
    # as if re read what regex refuses
    monkeypatch.setattr(textclean.matching.patterns, "readable", lambda pattern: True)
    rules = tmp_path / "mine.yaml"
    rules.write_text("rules:\n  - id: my.tweet\n    kind: boilerplate\n    description: d\n    pattern: Tweet**\n"
                     "    examples: [{keep: x}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "lint", "--no-shipped", str(rules)])
    assert result.exit_code == 2 and "rule 'my.tweet': pattern does not compile: multiple repeat" in result.stderr
