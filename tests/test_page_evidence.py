"""Page evidence, comment threads, the headline and the limits that protect an article (boilerplate kind)."""
import pickle
import sys

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from textclean import Cleaner, load_rules, parse_rule_file
from textclean.authoring.rule_examples import run_examples
from textclean.kinds import page_evidence
from textclean.kinds.page_evidence import PageClasses, PageEvidence, Thresholds
from textclean.model.document import Edit

STOPWORDS = "stopwords: {en: [a, an, and, at, by, for, in, is, it, of, 'on', that, the, to, was, with]}"


def pack(rules: str, settings: str = "") -> Cleaner:
    return Cleaner(parse_rule_file(f"{settings}rules:\n{rules}", "pack.yaml"), unicode=False, tidy=False)


def rule(rule_id: str, body: str) -> str:
    lines = [f"  - id: {rule_id}", "    kind: boilerplate", "    description: d", "    examples: [{keep: x}]"]
    return "\n".join(lines + [f"    {line}" for line in body.strip().splitlines()]) + "\n"


PAGE = rule("page", f"shape: page\npattern: '.+'\nlength_low: 40\nlength_high: 80\n{STOPWORDS}")
P1 = "The water in the river rose by a metre on Monday, and it was still rising at dusk."
P2 = "It is the highest level in ten years, and the town has closed the road to the bridge."


# --- page evidence ---------------------------------------------------------------------------------------------
def test_a_menu_between_the_page_edge_and_the_article_goes_and_a_short_line_between_paragraphs_stays():
    text = f"Home\nWeather\nRivers\n{P1}\nThe road\n{P2}\nContact\nJobs\n"
    result = pack(PAGE).clean(text)
    assert result.text == f"{P1}\nThe road\n{P2}\n"


def test_each_removal_names_its_evidence():
    result = pack(PAGE).clean(f"Home\nWeather\n{P1}\n{P2}\n")
    assert [edit.note for edit in result.edits] == [
        "short line between boilerplate: 1 words, 4 chars, stop words 0.00",
        "short line between boilerplate: 1 words, 7 chars, stop words 0.00",
    ]
    assert Edit.from_dict(result.edits[0].to_dict()) == result.edits[0]


def test_a_line_of_links_or_digits_is_boilerplate_by_its_own_shape():
    text = f"{P1}\nwww.example.com/rivers http://example.com/a\n{P2}\n"
    result = pack(PAGE).clean(text)
    assert result.text == f"{P1}\n{P2}\n"
    assert result.edits[0].note.startswith("bad line: ")


def test_max_length_keeps_longer_lines_whatever_their_class():
    page = rule("page", f"shape: page\npattern: '.+'\nmax_length: 5\nlength_low: 40\nlength_high: 80\n{STOPWORDS}")
    assert pack(page).clean(f"Home\nWeather\n{P1}\n").text == f"Weather\n{P1}\n"


def test_a_page_with_no_paragraph_is_left_alone():
    text = "Home\nWeather\nThe river rose.\nContact\n"
    assert pack(PAGE).clean(text).text == text

OUTSIDE = rule("page", f"shape: page\npattern: '.+'\noutside_article: true\nlength_low: 40\nlength_high: 80\n"
                       f"{STOPWORDS}")
HOME = rule("home", "pattern: Home")


def test_outside_article_keeps_the_lines_between_the_first_and_the_last_paragraph():
    text = f"Weather\nRivers\n{P1}\nwww.example.com/rivers http://example.com/a\n{P2}\nContact\n"
    result = pack(OUTSIDE).clean(text)
    assert result.text == f"{P1}\nwww.example.com/rivers http://example.com/a\n{P2}\n"
    assert result.edits[0].note.endswith(", outside the article")


def test_min_removed_takes_lines_only_on_a_side_where_other_rules_found_furniture():
    gated = OUTSIDE.replace("outside_article: true", "outside_article: true\n    min_removed: 1")
    text = f"Home\nWeather\nRivers\n{P1}\n{P2}\nContact\nJobs\n"
    assert pack(HOME + gated).clean(text).text == f"{P1}\n{P2}\nContact\nJobs\n"
    assert pack(gated).clean(text).text == text  # a page all article, as an extractor leaves it


def test_min_removed_needs_outside_article():
    with pytest.raises(Exception, match="min_removed applies only with outside_article"):
        pack(rule("page", f"shape: page\npattern: '.+'\nmin_removed: 2\n{STOPWORDS}"))


def test_the_page_shape_needs_stopwords():
    with pytest.raises(Exception, match="shape page needs stopwords"):
        pack(rule("page", "shape: page\npattern: '.+'"))


def test_page_evidence_is_shipped_and_passes_its_examples():
    ruleset = load_rules([])
    page = ruleset.by_id("page.evidence")
    assert page.spec["outside_article"] and page.spec["min_removed"] >= 1
    ruleset.rules = [rule for rule in ruleset.rules if rule.source == page.source]
    assert run_examples(ruleset) == []


# --- comment threads -------------------------------------------------------------------------------------------
THREAD = rule("thread", "shape: thread\npattern: '\\d+ Comments'\nmarkers: ['.{1,40} says:', 'Reply']\nmax_gap: 3")
COMMENTS = "2 Comments\nAnna says:\nGood to see the road open again, at last.\nReply\nBen says:\nAgreed.\nReply\n"


def test_a_thread_goes_as_one_block_from_its_heading_to_its_last_marker():
    result = pack(THREAD).clean(f"{P1}\n{COMMENTS}{P2}\n")
    assert result.text == f"{P1}\n{P2}\n"
    assert {edit.rule for edit in result.edits} == {"thread"}


def test_a_heading_without_enough_markers_is_no_thread():
    text = f"{P1}\n2 Comments\nThe council took two comments on the plan, both from farmers.\n{P2}\n"
    assert pack(THREAD).clean(text).text == text


def test_a_long_gap_ends_the_thread_at_the_marker_before_it():
    text = f"{P1}\n{COMMENTS}Line one\nLine two\nLine three\nLine four\nReply\n"
    assert pack(THREAD).clean(text).text == f"{P1}\nLine one\nLine two\nLine three\nLine four\nReply\n"


def test_the_thread_shape_needs_markers():
    with pytest.raises(Exception, match="shape thread needs markers"):
        pack(rule("thread", "shape: thread\npattern: 'Comments'"))


# --- the headline ----------------------------------------------------------------------------------------------
HEADLINE = """settings:
  boilerplate:
    paragraph_words: 12
    headline: {pattern: '\\S+(?:\\s+\\S+){2,}(?<![.])', within_lines: 3}
"""
MENU = rule("menu", "pattern: 'News|Sport'\nmenu: true") + rule("item", "context: beside\npattern: '[^.]{1,60}'")


def test_the_headline_is_no_menu_item():
    text = f"News\nSport\nRiver rises to a ten-year high\n{P1}\n"
    assert pack(MENU).clean(text).text == f"{P1}\n"
    assert pack(MENU, HEADLINE).clean(text).text == f"River rises to a ten-year high\n{P1}\n"


def test_the_headline_is_no_line_of_a_related_block():
    related = rule("related", "shape: block\npattern: 'Related'\ninner: '[^.]{1,60}'\nmax_lines: 5")
    text = f"Related\nRiver rises to a ten-year high\n{P1}\n"
    assert pack(related, HEADLINE).clean(text).text == f"River rises to a ten-year high\n{P1}\n"


def test_a_repeated_title_stays_and_goes_to_metadata():
    title = rule("title", "shape: repeated_title\npattern: 'Home .+'\nzone: head")
    result = pack(title).clean(f"Home World River rises to a ten-year high | Valley News\n"
                               f"River rises to a ten-year high | Valley News\n{P1}\n")
    assert result.text == f"River rises to a ten-year high | Valley News\n{P1}\n"
    assert result.metadata == {"title": "River rises to a ten-year high | Valley News"}


# --- limits that protect the article ---------------------------------------------------------------------------
LIMITS = """settings:
  boilerplate:
    paragraph_words: 12
    max_paragraph_loss: 0.5
    sentence: '\\S+(?:\\s+\\S+){2,}[.!?]'
"""
TAIL = rule("tail", "shape: tail\npattern: 'You might also like'\nwithin_lines: 12")


def test_a_tail_marker_before_any_article_text_takes_nothing_after_it():
    text = f"You might also like\nRiver rises\n{P1}\n{P2}\n"
    assert pack(TAIL).clean(text).text == ""
    assert pack(TAIL, LIMITS).clean(text).text == text


def test_a_tail_stops_before_a_line_that_reads_like_a_paragraph():
    text = f"{P1}\nYou might also like\nRoad closed\n{P2}\nBridge shut\n"
    assert pack(TAIL, LIMITS).clean(text).text == f"{P1}\n{P2}\nBridge shut\n"


def test_past_the_paragraph_limit_the_paragraphs_stay_and_a_finding_says_so():
    menu = rule("menu", "pattern: 'News'\nmenu: true") + rule("item", "context: beside\npattern: '.{1,200}'")
    result = pack(menu, LIMITS).clean(f"News\n{P1}\n{P2}\n")
    assert result.text == f"{P1}\n{P2}\n"
    assert [finding.rule for finding in result.findings] == ["boilerplate.paragraph-limit"]
    assert "would remove 100% of the paragraph text (limit 50%)" in result.findings[0].message


# --- the shipped rules on short articles -----------------------------------------------------------------------
ARTICLE = [
    "Ferry service resumes after storm",
    "The island ferry sailed again on Tuesday morning, three days after the storm tore part of the pier away.",
    "Crews worked through the night to fix the ramp.",
    "The harbour master said the first crossing carried forty cars and a school bus.",
    "Timetable",
    "Boats leave every two hours until the evening, and the last one returns at ten.",
    "Passengers are asked to arrive early while the new ramp is tested.",
    "The company will refund tickets bought for the days the service was cancelled.",
]
WIDGETS = {
    "related": ["Related posts", "You might also like", "Bridge tolls rise", "School opens late"],
    "comments": ["2 Comments", "Leave a Reply", "Cancel reply", "Comments"],
    "cookie": ["This website uses cookies to improve your experience.", "Accept", "Reject", "Cookie settings"],
}


@pytest.mark.parametrize("widget", sorted(WIDGETS))
@pytest.mark.parametrize("where", ["top", "bottom"])
def test_a_short_article_keeps_every_line_beside_a_widget(cleaner, widget, where):
    lines = WIDGETS[widget] + ARTICLE if where == "top" else ARTICLE + WIDGETS[widget]
    kept = cleaner.clean("\n".join(lines) + "\n").text.splitlines()
    assert [line for line in ARTICLE if line not in kept] == []


# --- measured only as far as needed: the same classes as measuring every line ------------------------------------
WORD_CHAR = regex.compile(r"\w")
STOP = {"en": frozenset({"the", "a", "of", "to", "in", "is"}), "de": frozenset({"der", "die", "und", "in", "ist"}),
        "fr": frozenset({"le", "la", "et", "c'est", "à"})}
LINES = ["Home", "News", "www.example.com/a http://example.com/b", "12 34 56", "Über uns", "L'été, c'est là.",
         "The road to the north is open again, and the bus runs to the town.", "(the) THE, the's a 'of' x'y",
         "Der Weg ist in der Nacht und am Tag offen, die Brücke auch.", "Le pont et la route, c'est à l'ouest.",
         "It is the first time in a year that the road is open to all of the traffic of the valley, and more.",
         "Σ² ① ߁ ٣ 3", "ﬁne İstanbul ΣΑΣ ß", "a-b_c d’the x’’the 'the' ’tis"]


def test_case_folding_keeps_the_words_of_a_text():
    """PageEvidence.language folds a page before splitting it into words: what is a word character must stay one."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        folded = char.casefold()
        if folded != char:
            assert all(WORD_CHAR.fullmatch(part) for part in folded) == bool(WORD_CHAR.fullmatch(char)), hex(code)
            assert not any(part in "'’" for part in folded), hex(code)


def test_the_quick_tests_of_a_line_miss_nothing():
    """A letter is a word character, white space is none; a digit is a number; a link holds what _LINKISH finds."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isalpha():
            assert WORD_CHAR.fullmatch(char), hex(code)
        if char.isspace():
            assert not WORD_CHAR.fullmatch(char) and char not in "'’", hex(code)
        if char.isdigit():
            assert page_evidence._NUMBERISH.fullmatch(char), hex(code)
    for token in ["http://x", "HTTPS://x.y", "www.a", "WWW.A", "a@b.c", "x.COM", "a.org/b", "p.aspx", "q.HTM"]:
        assert page_evidence._LINK.search(token) and page_evidence._LINKISH.search(token)


def words_in(lines, stop):
    return sum(word.casefold() in stop for line in lines for word in page_evidence._WORD.findall(line))


@given(st.lists(st.sampled_from(LINES), max_size=12))
def test_the_language_is_the_list_that_holds_most_words(lines):
    evidence = PageEvidence(Thresholds(), STOP)
    most = max(STOP.values(), key=lambda stop: words_in(lines, stop))
    assert evidence.language("\n".join(lines)) == most


# one line of each class at these thresholds: short, bad (links, digits, few stop words), near-good, good
CLASSED = ["Home", "www.example.com/a http://example.com/b", "12 34 56 78", "Bus times, ferry times and the tides",
           "The bus runs to the town in the morning.",
           "It is the first time in a year that the road is open to all of the traffic of the valley, and more."]


@given(st.lists(st.sampled_from(CLASSED), min_size=1, max_size=16), st.data())
def test_classes_of_some_lines_are_those_of_the_whole_page(lines, data):
    evidence = PageEvidence(Thresholds(length_low=20, length_high=60), STOP)
    assert {evidence.own_class(shape) for shape in evidence.shapes(CLASSED)} == {"short", "bad", "neargood", "good"}
    positions = st.integers(0, len(lines) - 1)
    known = data.draw(st.dictionaries(positions, st.sampled_from(["bad", "good"]), max_size=4))
    asked = sorted(data.draw(st.sets(positions, min_size=1)))
    whole = evidence.revised(evidence.shapes(lines), known)
    page = PageClasses(evidence, lines, known)
    assert page.revised(asked) == {n: whole[n] for n in asked}
    assert page.any_good() == any(evidence.own_class(shape) == "good" for shape in evidence.shapes(lines))
    assert [page.shape(n).describe() for n in asked] == [evidence.shapes(lines)[n].describe() for n in asked]
    kept = pickle.loads(pickle.dumps(evidence.shapes(lines)))  # as tune_page_evidence.py keeps them
    assert evidence.revised(kept, known) == whole and [shape.describe() for shape in kept] == \
        [shape.describe() for shape in evidence.shapes(lines)]
