"""Variant discovery on a fixture corpus written in the style of the seeds, and on the seeds when present."""
import pytest
from click.testing import CliRunner
from conftest import SHARED

from textclean import Cleaner, RuleSet, parse_rule_file
from textclean.authoring.rule_examples import run_examples
from textclean.authoring.variant_discovery import (
    discover,
    draft_rules,
    find_groups,
    same_name,
    spelled_apart,
    spelling_key,
)
from textclean.cli import main
from textclean.io.inputs import InputDoc, read_documents

# Fictional wire copy: one town and three people spelled several ways, beside names that only look alike.
FIXTURE = {
    "wire1.txt": (
        "KABUL -- Militants reached Qala-i-Nau on Monday, officials said.\n"
        "Governor Ghulam Rasool Naseri said Mahmud Karimi had fled the city.\n"
        "Commander Abdul Rahman Stanakzai told reporters the roads were closed.\n"
    ),
    "wire2.txt": (
        "Fighting went on around Qala-e-Naw overnight, a council member said.\n"
        "Mohammad Karim Naseri, a trader, said his shop was shut.\n"
        "Officials in Dushanbe said President Rahmon had called his ministers.\n"
        "Governor Ghulam Rasul Nasiri denied the report.\n"
    ),
    "wire3.txt": (
        "Residents of Kalat-i-Nav described heavy shelling near the market.\n"
        "Muhammad Karim Naseri and Mahmud Karimi were among the elders.\n"
        "The spokesman, Abdul Rahman Stanekzai, declined to comment.\n"
        "Qala-e-Naw has a population of about sixty thousand.\n"
    ),
}
EXPECTED = [{"Qala-e-Naw", "Qala-i-Nau", "Kalat-i-Nav"}, {"Naseri", "Nasiri"}, {"Stanakzai", "Stanekzai"},
            {"Mohammad", "Muhammad"}, {"Rasool", "Rasul"}]


def _docs(texts):
    return [InputDoc(id=name, text=text, source=name, relpath=name) for name, text in texts.items()]


def _groups(clusters):
    return [{name.text for name in cluster.names} for cluster in clusters]


def test_finds_the_planted_groups_and_nothing_else():
    groups = _groups(discover(_docs(FIXTURE), max_words=1))
    assert sorted(map(sorted, groups)) == sorted(map(sorted, EXPECTED))


@pytest.mark.parametrize(("a", "b"), [("Mahmud", "Muhammad"), ("Rahman", "Rahmon"), ("Karim", "Karam"),
                                      ("Mohammad", "Mohammadi"), ("Afghans", "Afghan"), ("Americans", "American")])
def test_different_names_are_not_merged(a, b):
    assert not same_name(spelling_key(a), spelling_key(b))


@pytest.mark.parametrize(("a", "b"), [("Husamuddin", "Hasamuddin"), ("Nizami", "Nezami"), ("Qanuni", "Qanooni"),
                                      ("Qala-e-Naw", "Qalat-i-Naw"), ("Mohammed", "Muhammad"), ("Jawad", "Javed")])
def test_romanizations_of_one_name_are_merged(a, b):
    assert same_name(spelling_key(a), spelling_key(b))


def test_word_runs_add_a_group_only_where_single_words_do_not_explain_it():
    groups = _groups(discover(_docs(FIXTURE)))
    assert {"Ghulam Rasool Naseri", "Ghulam Rasul Nasiri"} not in groups
    assert {"Mohammad", "Muhammad"} in groups


def test_most_frequent_spelling_is_canonical_and_the_draft_is_a_working_rule_file():
    clusters = discover(_docs(FIXTURE))
    draft, proposed = draft_rules(clusters, RuleSet(), len(FIXTURE))
    rules = parse_rule_file(draft, "draft.yaml")
    assert proposed == len(rules.rules) == len(clusters)
    town = next(r for r in rules.rules if r.spec["canonical"] == "Qala-e-Naw")
    assert sorted(town.spec["variants"]) == ["Kalat-i-Nav", "Qala-i-Nau"]
    assert "#   Qala-i-Nau: “KABUL -- Militants reached Qala-i-Nau on Monday, officials said.” (wire1.txt:1)" in draft
    assert run_examples(rules) == []
    assert Cleaner(rules).clean("Kalat-i-Nav and Qala-i-Nau\n").text == "Qala-e-Naw and Qala-e-Naw\n"


def test_spellings_loaded_rules_cover_are_left_out(shipped_rules):
    draft, _ = draft_rules(discover(_docs(FIXTURE)), shipped_rules, len(FIXTURE))
    rules = parse_rule_file(draft, "draft.yaml")
    by_canonical = {r.spec["canonical"]: r.spec["variants"] for r in rules.rules}
    assert "Mohammad" not in by_canonical and "Stanakzai" not in by_canonical
    assert sorted(by_canonical["Qala-e-Naw"]) == ["Kalat-i-Nav", "Qala-i-Nau"]  # the shipped canonical is kept
    assert "#   Mohammad / Muhammad (loaded rules cover it)" in draft
    combined = RuleSet()
    combined.add(shipped_rules)
    combined.add(rules)
    Cleaner(combined)


def test_command_line_writes_a_draft_that_lints(tmp_path):
    for name, text in FIXTURE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    draft = tmp_path / "out" / "draft.yaml"
    runner = CliRunner()
    result = runner.invoke(main, ["variants", "discover", str(tmp_path), "-o", str(draft)])
    assert result.exit_code == 0, result.output
    assert "candidate groups in 3 documents" in result.stderr
    assert runner.invoke(main, ["rules", "lint", str(draft)]).exit_code == 0
    assert runner.invoke(main, ["rules", "test", str(draft)]).exit_code == 0
    missing = runner.invoke(main, ["variants", "discover", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr


def test_command_line_skips_rejected_input_names_it_and_exits_1(tmp_path):
    for name, text in FIXTURE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"Mohammad\0Karim\n")
    (tmp_path / "cut.jsonl").write_text('{"id": 1, "text": "Muhammad Karim spoke."}\n{"id": 2, "text": \n')
    draft = tmp_path / "draft.yaml"
    result = CliRunner().invoke(main, ["variants", "discover", str(tmp_path), "-o", str(draft)])
    assert result.exit_code == 1
    assert "candidate groups in 4 documents" in result.stderr and ", 2 rejected" in result.stderr
    assert f"rejected: {tmp_path / 'image.txt'}: binary file (NUL bytes), skipped" in result.stderr
    assert f"rejected: {tmp_path / 'cut.jsonl'}:2: not valid JSON" in result.stderr
    assert "Qala-e-Naw" in draft.read_text()


def test_command_line_refuses_to_write_the_draft_over_an_input(tmp_path):
    source = tmp_path / "wire1.txt"
    source.write_text(FIXTURE["wire1.txt"], encoding="utf-8")
    result = CliRunner().invoke(main, ["variants", "discover", str(source), "-o", str(source)])
    assert result.exit_code == 2 and "refusing to overwrite an input file with the draft" in result.stderr
    assert source.read_text(encoding="utf-8") == FIXTURE["wire1.txt"]


SEEDS = SHARED / "seeds"
SEED_GROUPS = [{"Mohammad", "Muhammad", "Mohamed"}, {"Qala-e-Naw", "Qalat-i-Naw", "Kalat-e-Nav"},
               {"Javad", "Javed"}, {"Husamuddin", "Hasamuddin"}, {"Stanikzai", "Stanekzai"},
               {"Mohammadi", "Muhammadi", "Mohammedi"}, {"Nezami", "Nizami"}]


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"{SEEDS} is absent: the seeds live outside the repository")
def test_the_seed_articles_variant_sets():
    groups = _groups(discover(read_documents([str(SEEDS)])))
    assert sorted(map(sorted, groups)) == sorted(map(sorted, SEED_GROUPS))


PEOPLE = {
    "a.txt": "Mohammad Karim Naseri spoke.\nForeign Minister Muhammad Karim Naseri left.\nMohamed Salah scored.\n",
    "b.txt": "Sher Muhammad Abbas Stanekzai arrived; Sher Mohammad Abbas Stanikzai left.\n",
    "c.txt": "Mohammad Karim Naseri returned.\nMuhammad Ali and Mohammad Ali Jinnah differ.\nthe foreign minister.\n",
}


def test_full_names_of_one_person_are_proposed_with_their_documents(shipped_rules):
    clusters, people = find_groups(_docs(PEOPLE), shipped_rules)
    assert _groups(people) == [{"Mohammad Karim Naseri", "Muhammad Karim Naseri"},
                               {"Sher Mohammad Abbas Stanikzai", "Sher Muhammad Abbas Stanekzai"}]
    naseri = people[0]
    assert naseri.canonical.text == "Mohammad Karim Naseri" and naseri.count == 3
    assert spelled_apart(naseri) == (True, True)  # in a.txt and c.txt, and both spellings in a.txt
    draft, proposed = draft_rules(clusters, shipped_rules, len(PEOPLE), people)
    rules = parse_rule_file(draft, "draft.yaml")
    person = next(r for r in rules.rules if r.id == "draft.person.mohammad-karim-naseri")
    assert person.spec["variants"] == ["Muhammad Karim Naseri"]
    assert "# Mohammad Karim Naseri ×2 in 2 documents, Muhammad Karim Naseri ×1 in 1 document" in draft
    assert run_examples(rules) == []
    combined = RuleSet()
    combined.add(shipped_rules)
    combined.add(rules)
    assert Cleaner(combined).clean("Muhammad Karim Naseri spoke.\n").text == "Mohammad Karim Naseri spoke.\n"
