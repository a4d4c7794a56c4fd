"""Inline control comments: lines a text keeps from textclean's rules, in the engine and in fix/check."""
import pytest
from click.testing import CliRunner
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textclean import Cleaner, load_rules, replay, undo
from textclean.cli import main
from textclean.pipeline.inline import Region, regions

RULES = load_rules()
CLEANER = Cleaner(RULES)
PARAGRAPH = "The council said on Monday that the bridge over the river would reopen after a year of repairs."
MARKERS = ["<!-- textclean: off -->", "<!-- textclean: on -->", "# textclean: disable-next-line",
           "<!-- textclean: disable share name -->", "<!-- textclean: enable -->", "# textclean: enable name",
           "Share <!-- textclean: disable-line -->", "# textclean: disable"]
LINES = ["Share", "Facebook", "Email", "Gulbuddin Hikmatyar spoke.", "News ID: 4411", "Leave a Comment", "  ", "",
         "â€™ and ﬁ", "Publish Date : 02 May 2020 - 10:15", "Qalat-i-Naw", PARAGRAPH]
line = st.one_of(st.sampled_from(LINES), st.sampled_from(MARKERS), st.text(max_size=20))
marked = st.lists(line, max_size=25).map("\n".join)
quick = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_regions_of_each_directive():
    text = ("a\n<!-- textclean: off -->\nb\n<!-- textclean: on -->\nc\n# textclean: disable-next-line share\nd\n"
            "e <!-- textclean: disable-line -->\n# textclean: disable name\nf\n")
    starts = {piece: text.index(piece) for piece in ("<!-- textclean: off", "c\n", "# textclean: disable-next",
                                                       "d\n", "e <!--", "# textclean: disable name", "f\n")}
    assert regions(text) == [
        Region(starts["<!-- textclean: off"], starts["<!-- textclean: off"] + 24),
        Region(starts["<!-- textclean: off"] + 24 + 2, starts["c\n"]),
        Region(starts["<!-- textclean: off"], starts["c\n"]),
        Region(starts["# textclean: disable-next"], starts["d\n"]),
        Region(starts["d\n"], starts["d\n"] + 2, ("share",)),
        Region(starts["e <!--"], starts["# textclean: disable name"]),
        Region(starts["# textclean: disable name"], starts["f\n"]),
        Region(starts["f\n"], len(text), ("name",)),
    ]
    assert regions("No marker: textclean is a tool.\n# a comment\n") == []
    assert regions("# textclean: disable\na\n# textclean: enable\nb\n") == [Region(0, 21), Region(23, 43),
                                                                                Region(0, 43)]


def test_an_off_region_is_left_alone_and_the_rest_is_cleaned():
    text = (f"News ID: 501\n{PARAGRAPH}\n<!-- textclean: off -->\nHikmatyar stays.  \nShare\nFacebook\n"
            f"<!-- textclean: on -->\n{PARAGRAPH} Hikmatyar went.\nShare\nFacebook\nEmail\n")
    result = CLEANER.clean(text)
    assert result.text == (f"{PARAGRAPH}\n<!-- textclean: off -->\nHikmatyar stays.  \nShare\nFacebook\n"
                           f"<!-- textclean: on -->\n{PARAGRAPH} Hekmatyar went.\n")
    assert result.metadata == {"news_id": "501"}
    assert undo(result.text, result.edits) == text


def test_a_hidden_header_gives_no_metadata_and_a_disabled_rule_no_edit_there():
    hidden = CLEANER.clean(f"# textclean: disable-next-line\nNews ID: 501\n{PARAGRAPH}\n")
    assert hidden.text.startswith("# textclean: disable-next-line\nNews ID: 501\n") and hidden.metadata == {}
    text = (f"<!-- textclean: disable person -->\n{PARAGRAPH} Hikmatyar.\n<!-- textclean: enable -->\n"
            f"{PARAGRAPH} Hikmatyar.\n")
    assert CLEANER.clean(text).text == text[:text.rindex("Hikmatyar")] + "Hekmatyar.\n"


@quick
@given(marked)
def test_cleaning_marked_text_twice_equals_once_and_undo_is_exact(text):
    result = CLEANER.clean(text)
    assert CLEANER.clean(result.text).text == result.text
    assert replay(text, result.edits) == result.text and undo(result.text, result.edits) == text


@quick
@given(marked, st.lists(line.filter(lambda piece: "textclean:" not in piece), max_size=8).map("\n".join), marked)
def test_no_edit_touches_an_off_region(before, kept, after):
    block = f"<!-- textclean: off -->\n{kept}\n<!-- textclean: on -->\n"
    text = f"{before.replace('textclean:', 'tc:')}\n{block}{after.replace('textclean:', 'tc:')}"
    assert block in CLEANER.clean(text).text


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_fix_and_check_honour_markers_in_a_markdown_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = (f"{PARAGRAPH} Hikmatyar spoke.\n\n<!-- textclean: off -->\nGulbuddin Hikmatyar is quoted as written.\n"
            "<!-- textclean: on -->\n\n<!-- textclean: disable-next-line person -->\n"
            f"{PARAGRAPH} Qalat-i-Naw, Hikmatyar.\n")
    (tmp_path / "note.md").write_text(page, encoding="utf-8")
    checked = run("check", "note.md")
    assert checked.exit_code == 1
    assert checked.stdout.splitlines() == [f"note.md:1:{len(PARAGRAPH) + 2}: person.hekmatyar: 'Hikmatyar' -> 'Hekmatyar'",
                                           f"note.md:8:{len(PARAGRAPH) + 2}: place.qala-e-naw: 'Qalat-i-Naw' -> "
                                           "'Qala-e-Naw'"]
    selected = run("check", "--select", "place", "note.md")
    assert selected.exit_code == 1 and selected.stdout.splitlines() == checked.stdout.splitlines()[1:]
    assert run("check", "--select", "share", "note.md").exit_code == 0
    assert run("fix", "note.md").exit_code == 1
    fixed = page.replace("Hikmatyar spoke", "Hekmatyar spoke").replace("Qalat-i-Naw", "Qala-e-Naw")
    assert (tmp_path / "note.md").read_text(encoding="utf-8") == fixed


@pytest.mark.parametrize("selector", ["person.hekmatyar", "person", "person."])
def test_check_select_names_a_rule_by_id_or_prefix(tmp_path, monkeypatch, selector):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.txt").write_text(f"{PARAGRAPH} Hikmatyar spoke in Qalat-i-Naw.  \n", encoding="utf-8")
    lines = run("check", "--select", selector, "page.txt").stdout.splitlines()
    assert [problem.split(": ")[1] for problem in lines] == ["person.hekmatyar"]


def test_the_readme_example_does_what_the_readme_says():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("```markdown\n", 1)[1].split("```", 1)[0]
    cleaned = CLEANER.clean(example).text
    assert cleaned.startswith("Mohammad Karim spoke in Qala-e-Naw on Monday; Mohammad Karim left.\n")
    kept = example[example.index("<!-- textclean: off"):example.index("<!-- textclean: on -->")]
    assert kept in cleaned and "Muhammad Ali's fight in Qala-e-Naw" in cleaned
