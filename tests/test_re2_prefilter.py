"""The re2 prefilter: a pattern in re2 syntax that matches wherever a ``re`` pattern does."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textclean.matching.re2_prefilter import prefilter, superset_pattern


@pytest.mark.parametrize(("pattern", "translated"), [
    (r"ab", r"\x{61}\x{62}"),
    (r"[a-c]\w", r"[\x{61}-\x{63}][\s\S]"),  # re2's \w is ASCII: any character instead
    (r"^x|y$", r"(?:\x{78}|\x{79})"),  # anchors dropped
    (r"(?x) a [ ] b  # a comment", r"\x{61}\x{20}\x{62}"),  # verbose mode read by re's parser
    (r"[^x](?:y)+z?", r"[^\x{78}](?:\x{79}){1,}(?:\x{7a}){0,1}"),
])
def test_superset_patterns(pattern, translated):
    assert superset_pattern(re.compile(pattern)) == translated


@pytest.mark.parametrize("pattern", [r"(?i)ab", r"[^\w]", r"(a)\1", r"a(?=b)"])
def test_no_superset_where_re2_would_read_it_otherwise_or_narrower(pattern):
    assert superset_pattern(re.compile(pattern)) is None


PATTERNS = [r"[a-zé]\s?[ÃÂ][ ]", r"^[ÃÂ] \w", r"[Œœ][^A-Za-z]", r"(?x) ГўВЂВ . [A-Za-z ]", r"x{2,5}é*"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATTERNS), st.text(alphabet=st.sampled_from("aéxÃÂŒœГўВЂ \n\t\u3000_1Z"), max_size=20))
def test_the_prefilter_matches_wherever_the_pattern_does(pattern, text):
    compiled = prefilter(re.compile(pattern))
    if compiled is None:
        pytest.skip("the google-re2 wheel is not installed (extra: re2)")
    assert compiled.search(text) is not None or re.search(pattern, text) is None
