"""Pages in seven languages (tests/data/boilerplate): every boilerplate line goes, every article line stays."""
import difflib

import pytest
from conftest import ROOT

from textclean import Cleaner

PAGES = sorted((ROOT / "tests" / "data" / "boilerplate").glob("*.txt"))
MARK = "BP| "


@pytest.fixture(scope="module")
def boilerplate_only(shipped_rules):
    return Cleaner(shipped_rules.select(only=["boilerplate"]), unicode=False)


def test_all_seven_languages_are_there():
    assert {page.stem for page in PAGES} == {"en", "de", "fr", "es", "it", "nl", "pt"}


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_banner_and_widget_lines_go_article_lines_stay(page, boilerplate_only):
    marked = page.read_text("utf-8").splitlines()
    article = [line for line in marked if not line.startswith(MARK)]
    boilerplate = [line[len(MARK):] for line in marked if line.startswith(MARK)]
    assert boilerplate and len(article) >= 6, "a page needs both"
    text = "\n".join(line.removeprefix(MARK) for line in marked) + "\n"
    kept = boilerplate_only.clean(text).text.splitlines()
    diff = "\n".join(difflib.unified_diff(article, kept, "article (+ boilerplate kept)", "cleaned", lineterm=""))
    assert kept == article, diff
