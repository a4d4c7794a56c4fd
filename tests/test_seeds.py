"""The five scraped articles this project started from, cleaned end to end (needs ../shared/seeds)."""
import re

import pytest
from conftest import SHARED

from textclean.kinds.variants_scope import spellings_of

SEEDS = SHARED / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"{SEEDS} is absent: the seeds live outside the repository")

EXPECTED_DATES = {
    "000": "2021-07-07T21:49", "001": "2021-07-07", "003": "2021-07-07", "004": "2021-07-07",
}
HEADER_OR_TAIL = re.compile(
    r"^(News ID|Publish Date|\* Comment:|0 comment|You may also like|Leave a Comment|This site uses Akismet"
    r"|This website uses cookies|Privacy & Cookies Policy|by admin|Home World)", re.MULTILINE)
UNIFIED = {  # by rules that rewrite wherever they match (people's given names: PEOPLE below)
    "Qala-e-Naw": ["Qalat-i-Naw", "Kalat-e-Nav", "Galano"],
    "Badghis": ["Baghghis"],
    "Stanikzai": ["Stanekzai"],
    "Javad Zarif": ["Javed Zarif"],
    "Nezami": ["Nizami"],
}
PEOPLE = {  # each person's full name, in any of the spellings the five use
    "Zarif": r"\b(?:Mu|Mo)ham+[ae]d Jav[ae]d Zarif\b",
    "Stanikzai": r"\bSher \w+ Abbas Stan[a-z]+zai\b",
    "Younus": r"\bYou?n[iu]s\b",
    "Qanooni": r"\bQan[ou]+ni\b",
    "Nezami": r"\bSayed N[ei]zami\b",
    "Husamuddin": r"\bH[au]samuddin Shams\b",
    "Rahmon": r"\bEmomali Ra\w*mon\b",
    "Mohammadi": r"\bBismillah M\w+di\b",
}


def _parts(spelling):
    """A spelling as places compare it: letter case and separators aside."""
    return re.sub(r"[-\s'’]+", "-", spelling.casefold())


def _seeds():
    return {path.name[:3]: path.read_text("utf-8") for path in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="module")
def cleaned(cleaner):
    return {key: (text, cleaner.clean(text)) for key, text in _seeds().items()}


def test_dates_and_news_id(cleaned):
    for key, iso in EXPECTED_DATES.items():
        assert cleaned[key][1].metadata.get("date") == iso, key
    assert cleaned["000"][1].metadata["news_id"] == "92199"
    assert "date" not in cleaned["002"][1].metadata


def test_headers_tails_breadcrumb_gone(cleaned):
    for key, (_, result) in cleaned.items():
        assert not HEADER_OR_TAIL.search(result.text), (key, HEADER_OR_TAIL.search(result.text))
        assert not result.text.lstrip().startswith("date ")


def test_the_headline_of_002_stays_and_is_the_metadata_title(cleaned):
    """Its breadcrumb, which repeats the title, leaves the body; the headline stays, once, and is the metadata
    title."""
    title = "The Afghan Taliban continue to advance their requests for Russian aid"
    result = cleaned["002"][1]
    assert result.metadata["title"].startswith(title)
    assert result.text.count(title) == 1 and result.text.lstrip().startswith(title)


def test_every_article_paragraph_kept(cleaned, shipped_rules):
    """Each body line survives, up to the variant spellings the variants stage rewrote (in the whole document:
    an ambiguous spelling may count for what another line names)."""
    from textclean import Cleaner, RuleSet
    variants_only = Cleaner(RuleSet([r for r in shipped_rules.rules if r.kind == "variants"],
                                    shipped_rules.settings), tidy=False)
    for key, (original, result) in cleaned.items():
        # the whole article, as a person's spellings are brought to one within it; no line is added or removed
        for line in variants_only.clean(original).text.split("\n"):
            line = line.strip()
            if len(line) < 60 or HEADER_OR_TAIL.match(line) or line.endswith("| Afghanistan News"):
                continue
            if line.startswith("date "):
                line = line.split(" ", 2)[2]
            assert line in result.text, (key, line[:80])


def test_variants_unified_across_all_five(cleaned):
    joined = "\n".join(result.text for _, result in cleaned.values())
    for canonical, variants in UNIFIED.items():
        assert canonical in joined, canonical
        for variant in variants:
            assert variant not in joined, (canonical, variant)


def test_each_person_and_place_has_one_spelling_across_all_five_cleaned_together_as_one_jsonl(tmp_path, cleaned,
                                                                                              shipped_rules):
    """In corpus scope, one spelling per person across the documents of a run (the first pass counts them), and
    one per place the shipped packs name (letter case aside: a dateline keeps its capitals)."""
    import json

    from click.testing import CliRunner

    from textclean.cli import main
    corpus, output = tmp_path / "seeds.jsonl", tmp_path / "cleaned.jsonl"
    corpus.write_text("".join(json.dumps({"id": key, "text": text}) + "\n" for key, text in _seeds().items()),
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["clean", "-q", "--set", "variants.scope=corpus", str(corpus),
                                       "-o", str(output)])
    assert result.exit_code == 0, result.output
    joined = "\n".join(json.loads(line)["text"] for line in output.read_text("utf-8").splitlines())
    for person, pattern in PEOPLE.items():
        spellings = set(re.findall(pattern, joined))
        assert len(spellings) == 1, (person, spellings)
    places = [rule for rule in shipped_rules.rules if rule.kind == "variants" and rule.spec.get("any_case")]
    assert len(places) > 20
    for rule in places:
        written = {_parts(found) for spelling in spellings_of(rule) for found in re.findall(
            r"(?<!\w)" + r"[-\s'’]*".join(map(re.escape, re.split(r"[-\s'’]+", spelling))) + r"(?!\w)", joined,
            re.IGNORECASE)}
        assert written <= {_parts(rule.spec["canonical"])}, (rule.id, written)
    # cleaned one by one, the articles keep their own spellings of a person they spell one way
    alone = {spelling for _, result in cleaned.values() for spelling in re.findall(PEOPLE["Zarif"], result.text)}
    assert len(alone) > 1
