"""Places: matching in any letter case with the text's case kept, ambiguous spellings that need a document's
context, the shipped place pack on the issue's failures, and the seeds' places brought to one spelling."""
import json

import pytest
import regex
from click.testing import CliRunner
from conftest import SHARED

from textclean import Cleaner, RuleError, load_rules, parse_rule_file
from textclean.cli import main
from textclean.kinds.variants import VariantsStage, spelling_pattern

PLACES = """
rules:
  - id: t.bamyan
    kind: variants
    description: Any case.
    canonical: Bamyan
    variants: [Bamian]
    any_case: true
    examples: [{keep: x}]
  - id: t.qala
    kind: variants
    description: Two spellings that need the province named in the document.
    canonical: Qala-e-Naw
    variants: [Kalat-e-Nav]
    ambiguous: [Galano]
    in_document_with: [Badghis]
    any_case: true
    examples: [{keep: x}]
  - id: t.kunar
    kind: variants
    description: Next to a word, or in a document naming the country.
    canonical: Kunar
    variants: []
    ambiguous: [Konar]
    followed_by: [province]
    in_document_with: [Afghanistan]
    any_case: true
    examples: [{keep: x}]
  - id: t.case-as-written
    kind: variants
    description: ignore_case alone writes the canonical as written unless the text is in capitals.
    canonical: Herat
    variants: [Hirat]
    ignore_case: true
    examples: [{keep: x}]
"""
RULES = parse_rule_file(PLACES, "places.yaml")


def clean(text, rules=RULES):
    return Cleaner(rules, unicode=False, tidy=False).clean(text).text


@pytest.mark.parametrize(("text", "expected"), [
    ("Bamian, BAMIAN, bamian, BaMiAn.", "Bamyan, BAMYAN, bamyan, Bamyan."),
    ("KALAT-E-NAV -- Shops shut.", "QALA-E-NAW -- Shops shut."),
    ("kalat e nav", "qala-e-naw"),
    ("Bamyan, BAMYAN and bamyan stay.", "Bamyan, BAMYAN and bamyan stay."),
    ("Bamiani and xBamian stay.", "Bamiani and xBamian stay."),
    ("hirat, HIRAT, Hirat.", "Herat, HERAT, Herat."),
])
def test_any_case_keeps_the_case_of_the_text(text, expected):
    assert clean(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Pedro Galano scored twice.", "Pedro Galano scored twice."),
    ("Galano fell. Badghis is quiet.", "Qala-e-Naw fell. Badghis is quiet."),
    ("In BADGHIS, GALANO fell.", "In BADGHIS, QALA-E-NAW fell."),
    ("Galano fell. Badghisi traders left.", "Galano fell. Badghisi traders left."),
    ("Konar province flooded.", "Kunar province flooded."),
    ("Konar flooded.", "Konar flooded."),
    ("Konar flooded, Afghanistan said.", "Kunar flooded, Afghanistan said."),
])
def test_ambiguous_spellings_count_in_a_document_that_names_a_context_word(text, expected):
    assert clean(text) == expected


@pytest.mark.parametrize(("group", "expected"), [
    ("    canonical: Kunar\n    variants: []\n", "a group needs variants or ambiguous spellings"),
    ("    canonical: Kunar\n    variants: [Konar]\n    in_document_with: [Afghanistan]\n",
     "in_document_with applies to ambiguous spellings"),
])
def test_groups_that_cannot_work_are_load_errors(group, expected):
    text = f"rules:\n  - id: g.0\n    kind: variants\n    description: x.\n{group}    examples: [{{keep: x}}]\n"
    with pytest.raises(RuleError, match=expected):
        VariantsStage(parse_rule_file(text, "bad.yaml").rules, {})


@pytest.mark.parametrize(("text", "expected"), [
    ("BAMIAN -- Snow closed the pass to Bamian.\n", "BAMYAN -- Snow closed the pass to Bamyan.\n"),
    ("KALAT-E-NAV -- Fighting went on.\n", "QALA-E-NAW -- Fighting went on.\n"),
    ("Pedro Galano scored twice.\n", "Pedro Galano scored twice.\n"),
    ("Farmers met at the Doshanbe Bazaar.\n", "Farmers met at the Doshanbe Bazaar.\n"),
    ("The Iranian city of Zabol is hot.\n", "The Iranian city of Zabol is hot.\n"),
    ("Suleiman Kanuni built the bridge.\n", "Suleiman Kanuni built the bridge.\n"),
    ("Vardak, Hilmand, Nurestan, Daykondi and Khowst.\n", "Wardak, Helmand, Nuristan, Daykundi and Khost.\n"),
    ("Paktika and Paktiya; Kunduz and Kunar.\n", "Paktika and Paktia; Kunduz and Kunar.\n"),
])
def test_the_shipped_place_pack_on_the_issues_cases(cleaner, text, expected):
    assert cleaner.clean(text).text == expected


SEEDS = SHARED / "seeds"
# The story's places and the other spellings the seeds give them (Nauburg: see rules/variants-places.yaml).
STORY_PLACES = {"Qala-e-Naw": ["Qalat-i-Naw", "Kalat-e-Nav", "Galano", "Nauburg"], "Badghis": ["Baghghis"]}


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"{SEEDS} is absent: the seeds live outside the repository")
def test_seed_places_have_one_spelling_across_the_five_seeds(tmp_path):
    """The seeds cleaned together as one JSONL: each place of the place pack is spelled one way in all of them."""
    seeds = tmp_path / "seeds.jsonl"
    seeds.write_text("".join(json.dumps({"id": path.stem, "text": path.read_text("utf-8")}) + "\n"
                             for path in sorted(SEEDS.glob("*.txt"))), encoding="utf-8")
    out = tmp_path / "cleaned.jsonl"
    result = CliRunner().invoke(main, ["clean", str(seeds), "-o", str(out)])
    assert result.exit_code == 0, result.output
    texts = [json.loads(line)["text"] for line in out.read_text("utf-8").splitlines()]
    assert len(texts) == 5
    for canonical, others in STORY_PLACES.items():
        for other in others:
            assert not any(regex.search(rf"(?i)(?<!\w){spelling_pattern(other)}(?!\w)", t) for t in texts), other
        assert sum(canonical in t for t in texts) >= 4, canonical
    for rule in load_rules().rules:
        if not rule.id.startswith("place."):
            continue
        spellings = [rule.spec["canonical"], *rule.spec["variants"], *rule.spec.get("ambiguous", [])]
        pattern = regex.compile(rf"(?i)(?<!\w)(?:{'|'.join(map(spelling_pattern, spellings))})(?!\w)")
        written = {found.casefold() for t in texts for found in pattern.findall(t)}
        assert len(written) <= 1, (rule.id, written)
