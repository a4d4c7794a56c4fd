"""Every shape, zone and context of the boilerplate kind, on small packs written here."""
import pytest

from textclean import Cleaner, RuleError, parse_rule_file


def clean(rules: str, text: str, settings: str = "") -> str:
    pack = parse_rule_file(f"{settings}rules:\n{rules}", "pack.yaml")
    return Cleaner(pack, unicode=False).clean(text).text


def rule(rule_id: str, body: str) -> str:
    lines = [f"  - id: {rule_id}", "    kind: boilerplate", "    description: d", "    examples: [{keep: x}]"]
    return "\n".join(lines + [f"    {line}" for line in body.strip().splitlines()]) + "\n"


PARAGRAPHS = "".join(f"Paragraph {n} of the article, which is long enough to be text.\n" for n in range(1, 9))


# --- line -----------------------------------------------------------------------------------------------------
def test_line_matches_the_whole_stripped_line_only():
    rules = rule("a", "pattern: 'Share this'")
    assert clean(rules, "Text.\n   Share this  \nShare this with friends.\n") == "Text.\nShare this with friends.\n"


def test_a_list_of_patterns_is_one_alternation():
    rules = rule("a", "pattern: ['Share this', 'Print this']")
    assert clean(rules, "Text.\nShare this\nPrint this\nMore text.\n") == "Text.\nMore text.\n"


def test_max_length_spares_longer_lines():
    rules = rule("a", "pattern: 'Subscribe.*'\nmax_length: 20")
    assert clean(rules, "Subscribe now\nSubscribe and you will get the paper every day.\n") == \
        "Subscribe and you will get the paper every day.\n"


def test_ignore_case_false():
    rules = rule("a", "pattern: 'ADVERTISEMENT'\nignore_case: false")
    assert clean(rules, "ADVERTISEMENT\nAdvertisement\n") == "Advertisement\n"


def test_case_folding_never_widens_a_pattern():
    """The keyword search folds ß to ss; the pattern itself does not, and decides."""
    rules = rule("a", "pattern: 'Straße'")
    assert clean(rules, "STRASSE\nStrasse\nSTRAẞE\n") == "STRASSE\nStrasse\n"


def test_a_pattern_without_literals_is_tried_on_every_line():
    rules = rule("a", r"pattern: '\d{1,3}'")
    assert clean(rules, "Text one.\n12\nText two.\n") == "Text one.\nText two.\n"


def test_syntax_only_the_regex_module_knows_still_works():
    rules = rule("a", r"pattern: '\p{Lu}{3,}'")
    assert clean(rules, "Text one.\nMENU\nText two.\n") == "Text one.\nText two.\n"


def test_zone_head_and_tail_in_lines():
    rules = rule("a", "pattern: 'Menu'\nzone: head\nzone_lines: 2")
    rules += rule("b", "pattern: 'Top'\nzone: tail\nzone_lines: 1")
    text = "Menu\nText.\nMore.\nMenu\nTop\nText.\nTop\n"
    assert clean(rules, text) == "Text.\nMore.\nMenu\nTop\nText.\n"


def test_zone_as_a_share_of_the_document_and_the_larger_of_two():
    text = "Menu\n" + PARAGRAPHS + "Menu\n"  # 10 non-blank lines: Menu is line 1 and line 10
    share = rule("a", "pattern: 'Menu'\nzone: tail\nzone_lines: 10%")
    assert clean(share, text) == "Menu\n" + PARAGRAPHS
    larger = rule("a", "pattern: 'Menu'\nzone: head\nzone_lines: [1, 5%]")  # 5% of 10 is 1 line: the larger is 1
    assert clean(larger, text) == PARAGRAPHS + "Menu\n"


# --- block ----------------------------------------------------------------------------------------------------
FORM = rule("form", """
shape: block
pattern: 'Leave a Reply'
end: 'Post Comment'
max_lines: 5
""")


def test_block_from_start_to_end():
    text = "Text.\nLeave a Reply\nName\nE-mail\nPost Comment\nMore text.\n"
    assert clean(FORM, text) == "Text.\nMore text.\n"


def test_block_without_its_end_in_time_stays():
    text = "Text.\nLeave a Reply\nOne\nTwo\nThree\nFour\nPost Comment\n"
    assert clean(FORM, text) == text


def test_block_without_end_takes_max_lines():
    rules = rule("menu", "shape: block\npattern: 'Sections'\nmax_lines: 3")
    assert clean(rules, "Sections\nWorld\nSport\nThe match ended in a draw.\n") == "The match ended in a draw.\n"


def test_block_inner_stops_an_open_block_and_cancels_a_closed_one():
    open_block = rule("a", "shape: block\npattern: 'Related'\ninner: '[^.]{1,40}'")
    text = "Related\nFloods in the north\nThe storm passed in the night.\nMore text.\n"
    assert clean(open_block, text) == "The storm passed in the night.\nMore text.\n"
    closed = rule("a", "shape: block\npattern: 'Related'\nend: 'End'\ninner: '[^.]{1,40}'")
    text = "Related\nThe storm passed in the night.\nEnd\n"
    assert clean(closed, text) == text


# --- tail and head --------------------------------------------------------------------------------------------
def test_tail_takes_the_first_marker_in_the_zone_and_all_after_it():
    rules = rule("t", "shape: tail\npattern: 'Comments'\nwithin_lines: 3")
    assert clean(rules, PARAGRAPHS + "Comments\nNice.\nComments\n") == PARAGRAPHS


def test_tail_marker_outside_the_zone_stays():
    rules = rule("t", "shape: tail\npattern: 'Comments'\nwithin_lines: 2")
    text = "Comments\n" + PARAGRAPHS
    assert clean(rules, text) == text


def test_tail_zone_as_a_share():
    rules = rule("t", "shape: tail\npattern: 'You may also like'\nwithin_lines: 30%")
    text = PARAGRAPHS + "You may also like\nFloods\n"  # 10 lines: the last 3 are the zone
    assert clean(rules, text) == PARAGRAPHS


def test_head_takes_the_last_marker_in_the_zone_and_all_before_it():
    rules = rule("h", "shape: head\npattern: 'Skip to content'\nwithin_lines: 4")
    text = "Logo\nMenu\nSkip to content\n" + PARAGRAPHS
    assert clean(rules, text) == PARAGRAPHS


# --- repeated title -------------------------------------------------------------------------------------------
def test_repeated_title_removes_the_header_and_keeps_the_title():
    rules = rule("r", "shape: repeated_title\npattern: 'Home .{10,}'\nzone: head\nzone_lines: 3")
    text = "Home World Storm hits | Site\n\nStorm hits\n\nThe storm came.\n"
    assert clean(rules, "Home World Storm cuts power to the valley | Site\nStorm cuts power to the valley\nText.\n") \
        == "Storm cuts power to the valley\nText.\n"  # the headline is article content
    assert clean(rules, text) == text  # a title under min_title_length (15) is not taken for one


# --- table row ------------------------------------------------------------------------------------------------
ROW = rule("row", r"shape: table_row" + "\npattern: '\\|.+'") + rule("legal", "pattern: '(?:Contact us|Site map)'")


def test_table_row_goes_when_the_line_rules_take_every_cell():
    assert clean(ROW, "Text.\n| Contact us |  | Site map \\| Contact us |\n") == "Text.\n"


def test_table_row_with_one_cell_of_text_stays():
    text = "Text.\n| Contact us | 42 |\n|  |  |\n"
    assert clean(ROW, text) == text  # a row of empty cells has nothing to take


def test_table_row_cells_form_a_page_for_run_and_beside_lines():
    rules = ROW + MENU
    assert clean(rules, "Text.\n| News | Sport | Our Town |\n", "settings: {boilerplate: {min_run: 2}}\n") == "Text.\n"
    assert clean(rules, "Text.\n| News | Our Town |\n") == "Text.\n| News | Our Town |\n"


def test_table_row_cell_separator():
    rules = rule("row", "shape: table_row\npattern: '.+;.+'\ncell_separator: ';'")
    rules += rule("legal", "pattern: 'Contact us'")
    assert clean(rules, "Text.\nContact us; Contact us\n") == "Text.\n"


# --- contexts -------------------------------------------------------------------------------------------------
SHARE = rule("prompt", "pattern: 'Share this:'") + rule("button", "pattern: '(?:Facebook|Email)'\ncontext: run")


def test_run_lines_go_next_to_boilerplate_across_blank_lines():
    assert clean(SHARE, "Text.\nShare this:\n\nFacebook\n\nEmail\n") == "Text.\n"


def test_a_run_line_alone_in_the_article_stays():
    text = "Text.\nFacebook\nMore text.\n"
    assert clean(SHARE, text) == text


def test_min_run_lets_a_run_of_run_lines_go_on_its_own():
    text = "Text.\nFacebook\nEmail\nMore text.\n"
    assert clean(SHARE, text) == text
    assert clean(SHARE, text, "settings: {boilerplate: {min_run: 2}}\n") == "Text.\nMore text.\n"


MENU = rule("section", "pattern: '(?:News|Sport|World)'\ncontext: run") + rule("item", """
pattern: '[^.]{1,30}'
context: beside
unless_followed_by: '.{60,}'
""")


def test_beside_lines_grow_from_a_menu():
    text = "News\nSport\nOur Town\nWeather Desk\nShort note.\n"
    assert clean(MENU, text, "settings: {boilerplate: {min_run: 2}}\n") == "Short note.\n"


def test_beside_lines_need_a_menu_line_that_went():
    text = "Our Town\nWeather Desk\nNews\nText.\n"
    assert clean(MENU, text) == text  # "News" alone is no menu: nothing grows from it


def test_unless_followed_by_spares_a_heading_before_its_paragraph():
    text = "News\nSport\nStorm cuts power\nThe storm arrived at dawn and cut power to four thousand homes.\n"
    assert clean(MENU, text, "settings: {boilerplate: {min_run: 2}}\n") == \
        "Storm cuts power\nThe storm arrived at dawn and cut power to four thousand homes.\n"


def test_an_alone_rule_marked_menu_grows_beside_lines():
    rules = MENU + rule("legal", "pattern: 'Contact us'\nmenu: true")
    assert clean(rules, "Text.\nContact us\nCareers\n") == "Text.\n"
    assert clean(rules.replace("menu: true", "menu: false"), "Text.\nContact us\nCareers\n") == "Text.\nCareers\n"


def test_a_block_marked_menu_grows_beside_lines():
    block = rule("related", "shape: block\npattern: 'Related stories'\nmax_lines: 2\nmenu: true")
    assert clean(MENU + block, "Text.\nRelated stories\nFloods close the pass\nMill reopens\n") == "Text.\n"


# --- rule errors ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("body", "key"), [
    ("pattern: 'x'\nend: 'y'", "end"),
    ("pattern: 'x'\nshape: tail\ninner: 'y'", "inner"),
    ("pattern: 'x'\nwithin_lines: 3", "within_lines"),
    ("pattern: 'x'\ncontext: run\nmenu: true", "menu"),
    ("pattern: 'x'\nshape: tail\nmenu: true", "menu"),
    ("pattern: 'x'\nshape: block\nunless_followed_by: 'y'", "unless_followed_by"),
    ("pattern: 'x'\ncell_separator: ','", "cell_separator"),
])
def test_a_key_that_does_not_fit_the_shape_names_file_line_and_rule(body, key):
    pack = parse_rule_file("rules:\n" + rule("my.rule", body), "pack.yaml")
    with pytest.raises(RuleError) as info:
        Cleaner(pack)
    assert str(info.value).startswith("pack.yaml:") and "'my.rule'" in str(info.value) and key in str(info.value)


def test_a_zone_share_must_be_a_percentage():
    with pytest.raises(RuleError, match="zone_lines"):
        parse_rule_file("rules:\n" + rule("a", "pattern: 'x'\nzone: head\nzone_lines: 'ten'"), "pack.yaml")
