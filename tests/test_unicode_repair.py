"""The unicode stage equals plain ftfy.fix_text, and skips what ftfy would leave alone.

TEXTCLEAN_UNICODE_EXAMPLES=20000 python -m pytest tests/test_unicode_repair.py   # a long local run
"""
import math
import os

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-* codecs)
import pytest
from ftfy import TextFixerConfig
from ftfy.badness import is_bad
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textclean.pipeline.engine import apply_changes
from textclean.stages import unicode_repair
from textclean.stages.unicode_repair import DEFAULT_CONFIG, UnicodeRepair

EXAMPLES = int(os.environ.get("TEXTCLEAN_UNICODE_EXAMPLES", "300"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CONFIGS = [
    DEFAULT_CONFIG,
    TextFixerConfig(),  # ftfy's own defaults: widths and quotes too
    TextFixerConfig(unescape_html=True, normalization="NFKC", max_decode_length=9),  # segments inside lines
    TextFixerConfig(fix_encoding=False, normalization=None, remove_control_chars=False, fix_line_breaks=False),
]


def prefiltered(stage: UnicodeRepair) -> UnicodeRepair:
    """``stage``, its badness check making its re2 prefilter for the first text (as after a few MB)."""
    if stage._triggers.badness:
        stage._triggers.badness.prefilter_after = 0
    return stage


STAGES = [prefiltered(UnicodeRepair(config)) for config in CONFIGS]
WITHOUT_RE2 = [UnicodeRepair(config) for config in CONFIGS]  # as where the google-re2 wheel is not installed
for _stage in WITHOUT_RE2:
    if _stage._triggers.badness:
        _stage._triggers.badness.prefilter_after = math.inf
try:
    import re2  # noqa: F401
    HAS_RE2 = True
except ImportError:
    HAS_RE2 = False
needs_re2 = pytest.mark.skipif(not HAS_RE2, reason="the google-re2 wheel is not installed (extra: re2)")
MOJIBAKE_CODECS = ["latin-1", "windows-1252", "sloppy-windows-1252", "sloppy-windows-1251", "macroman", "cp437"]

# Pieces of scraped text, each of which some fix of ftfy cares about (or must leave alone).
PIECES = [
    "The council met on Monday.", "naïve café", "Ærøskøbing", "São Paulo", "Größe", "Łódź", "İstanbul",
    "«Пример»", "Αθήνα", "“quoted” and ‘single’ – dash — em…", "1½ × 2 ≈ 3 ± 0.1 °C", "© 2021 ™ ®",
    "北京，上海。（注）：好！", "東京の天気は？", "ＬＯＵＤ　ＮＯＩＳＥＳ", "ﾀｰﾝ", "한국어 텍스트", "한국어",
    "e\u0301", "\u1100\u1161", "A\u030a", "q\u0301\u0323", "\u0958",
    "😀", "👩‍👩‍👧", "🇦🇫", "✔",
    "\x00", "\x07", "\x1b[36;44mblue\x1b[0m", "\x7f", "\x81", "\x85", "\x9d", "\ufeff", "\u206a", "\ufffc", "\u200d",
    "\r\n", "\r", "\u2028", "\u2029", "\n", "\t", "\xa0", "\xad", " ",
    "&amp;", "&eacute;", "&EACUTE;", "&#x2019;", "&#8217;", "&lt;p&gt;", "&nbsp;", "AT&T", "&bogus;", "<b>", "<",
    "ﬁ", "ﬂuﬃeﬆ", "Ĳ", "ǆ",
    "\ud83d\ude00", "\ud83d", "\ude00",
    "â€™", "Ã©", "Ã ", "Ã\xa0", "â€œ", "â€\ufffd", "Ãƒ", "вЂ™", "√©", "‚Ä¶", "Â\xa0", "Â ", "ÃŸ",
]
piece = st.sampled_from(PIECES)
letters = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@st.composite
def mojibake(draw):
    """Text encoded as UTF-8 and decoded as a single-byte codec, as damaged web text is."""
    original = draw(st.lists(st.one_of(piece, letters), min_size=1, max_size=4).map(" ".join))
    codec = draw(st.sampled_from(MOJIBAKE_CODECS))
    damaged = original.encode("utf-8", "surrogatepass").decode(codec, "replace")
    if draw(st.booleans()):
        damaged = damaged.replace("\xa0", " ")  # a later step took the no-break space for a space
    if draw(st.booleans()):  # double damage
        damaged = damaged.encode("utf-8", "surrogatepass").decode(codec, "replace")
    return damaged


fragment = st.one_of(piece, letters, mojibake(), st.sampled_from(["\n", "\r\n", "\n\n"]))
documents = st.lists(fragment, max_size=30).map("".join)


def stage_output(stage: UnicodeRepair, text: str) -> str:
    return apply_changes(text, stage.apply(text).changes, "unicode")[0]


@PROPERTY
@given(documents, st.sampled_from(range(len(CONFIGS))))
def test_stage_equals_ftfy_fix_text(text, which):
    stage = STAGES[which]
    assert stage_output(stage, text) == ftfy.fix_text(text, stage.config)


@PROPERTY
@given(documents, st.sampled_from(range(len(CONFIGS))))
def test_stage_equals_ftfy_fix_text_without_re2(text, which):
    stage = WITHOUT_RE2[which]
    assert stage_output(stage, text) == ftfy.fix_text(text, stage.config)


@needs_re2
@PROPERTY
@given(st.one_of(documents, st.text(), mojibake()))
def test_the_re2_prefilter_finds_something_wherever_ftfys_badness_regex_does(text):
    from ftfy.badness import BADNESS_RE
    check = unicode_repair._BadnessCheck()
    check.prefilter_after = 0
    assert check.may_be_in(text) or not BADNESS_RE.search(text)


@needs_re2
def test_with_re2_a_document_without_mojibake_is_not_searched_for_it(monkeypatch):
    checked = []
    real = unicode_repair._BadnessCheck.is_bad
    monkeypatch.setattr(unicode_repair._BadnessCheck, "is_bad",
                        lambda self, text: checked.append(text) or real(self, text))
    text = "Große Straße, Ærø, naïve café, Αθήνα, «Москва».\nThe next line.\n"
    assert stage_output(prefiltered(UnicodeRepair()), text) == text
    assert checked == []
    assert stage_output(prefiltered(UnicodeRepair()), text + "The cafÃ© line.\n") == text + "The café line.\n"
    assert checked[-1] == "The cafÃ© line.\n"  # a document where re2 finds some: its segments are checked


def test_a_pickled_stage_gives_the_same_output():
    import pickle
    text = "Plain.\nThe cafÃ© line.\nnaïve &amp; ﬁne\n"
    original = prefiltered(UnicodeRepair())
    assert stage_output(original, text) == ftfy.fix_text(text, DEFAULT_CONFIG)
    stage = pickle.loads(pickle.dumps(original))
    assert stage._triggers.badness._prefilter is None  # re2's pattern is not pickled: each process makes its own
    assert stage_output(prefiltered(stage), text) == ftfy.fix_text(text, DEFAULT_CONFIG)
    assert (stage._triggers.badness._prefilter is not None) == HAS_RE2


def test_the_re2_prefilter_waits_for_text_enough_to_repay_it():
    stage = UnicodeRepair()
    stage._triggers.badness.prefilter_after = 100
    line = "A plain line of text, café.\n"
    for _ in range(3):
        assert stage_output(stage, line) == line
    assert stage._triggers.badness._prefilter is None  # a one-file fix loads no re2
    assert stage_output(stage, line * 4) == line * 4
    assert (stage._triggers.badness._prefilter is not None) == HAS_RE2


@PROPERTY
@given(st.one_of(documents, st.text(), mojibake()))
def test_windowed_badness_equals_ftfy_is_bad(text):
    assert unicode_repair._BadnessCheck().is_bad(text) == is_bad(text)


@pytest.mark.parametrize("text", [
    "北京，上海。（注）：好！\n", "ＬＯＵＤ\u3000ＮＯＩＳＥＳ\n", "“Quotes” stay.\n", "Mohammed’s café in Kabul.\n",
    "Große Straße, Ærø, Αθήνα, «Москва» — 1½ °C\n", "😀 👩‍👩‍👧 🇦🇫\n", "ﾀｰﾝ\n",
])
def test_the_default_config_keeps_cjk_punctuation_widths_and_quotes(text):
    assert stage_output(UnicodeRepair(), text) == text == ftfy.fix_text(text, DEFAULT_CONFIG)


@pytest.mark.parametrize("damaged, fixed", [
    ("The cafÃ© opened.\n", "The café opened.\n"),
    ("Itâ€™s here.\r\n", "It’s here.\n"),
    ("ﬁnal &amp; e\u0301\x00\n", "final & é\n"),
])
def test_the_default_config_repairs_damage(damaged, fixed):
    assert stage_output(UnicodeRepair(), damaged) == fixed


def test_lines_ftfy_cannot_change_never_reach_ftfy(monkeypatch):
    calls = []
    real = unicode_repair.fix_and_explain
    monkeypatch.setattr(unicode_repair, "fix_and_explain", lambda text, conf: calls.append(text) or real(text, conf))
    text = "Plain English.\n“Curly” quotes, a café, 北京，上海。\n\nThe cafÃ© line.\nAn ending.\n"
    assert stage_output(UnicodeRepair(), text) == ftfy.fix_text(text, DEFAULT_CONFIG)
    assert calls == ["The cafÃ© line.\n"]


def test_edits_name_the_fix():
    changes = UnicodeRepair().apply("cafÃ©\nﬁne\n").changes
    assert [change.rule for change in changes] == ["unicode.mojibake", "unicode.fix_latin_ligatures"]
