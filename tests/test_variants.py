"""The variants kind on its own fixtures: matching, context, modes, and the errors caught at load time."""
import pytest
import regex
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from test_properties import settings  # noqa: F401  (registers and loads the "ci" profile)

from textclean import Cleaner, RuleError, parse_rule_file
from textclean.cli import main
from textclean.kinds.variants import VariantsStage

GAZETTEER = """
rules:
  - id: t.qala
    kind: variants
    description: A town.
    canonical: Qala-e-Naw
    variants: [Qalat-i-Naw, Kalat-e-Nav]
    examples: [{keep: x}]
  - id: t.qala-short
    kind: variants
    description: A shorter name inside the longer one.
    canonical: Qala
    variants: [Kala]
    examples: [{keep: x}]
  - id: t.mohammad
    kind: variants
    description: A given name.
    canonical: Mohammad
    variants: [Muhammad, Mohamed]
    exceptions: [Muhammad Ali Boulevard]
    examples: [{keep: x}]
  - id: t.javad
    kind: variants
    description: Ambiguous alone.
    canonical: Javad
    variants: [Jawad]
    ambiguous: [Javed]
    followed_by: [Zarif]
    examples: [{keep: x}]
  - id: t.bek
    kind: variants
    description: After a known name.
    canonical: Bek
    variants: [Beg]
    preceded_by: [Abdul Aziz]
    ignore_case: true
    examples: [{keep: x}]
"""
RULES = parse_rule_file(GAZETTEER, "gazetteer.yaml")


def clean(text, rules=RULES):
    return Cleaner(rules, unicode=False, tidy=False).clean(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Fighting reached Qalat-i-Naw.", "Fighting reached Qala-e-Naw."),
    ("Fighting reached Qalat i Naw and Qalat'i'Naw.", "Fighting reached Qala-e-Naw and Qala-e-Naw."),
    ("Fighting reached QalatiNaw.", "Fighting reached Qala-e-Naw."),
    ("Fighting reached Qala e Naw.", "Fighting reached Qala-e-Naw."),
    ("Kala, not Kalat-e-Nav.", "Qala, not Qala-e-Naw."),
    ("Muhammad and Mohamed met.", "Mohammad and Mohammad met."),
    ("Muhammadi and Mohamedan stay.", "Muhammadi and Mohamedan stay."),
    ("He lives on Muhammad Ali Boulevard.", "He lives on Muhammad Ali Boulevard."),
    ("Jawad left; Javed Zarif spoke; Javed Akhtar wrote.", "Javad left; Javad Zarif spoke; Javed Akhtar wrote."),
    ("Abdul Aziz BEG and Abdul Aziz beg; they beg.", "Abdul Aziz BEK and Abdul Aziz Bek; they beg."),
    ("Never across lines: Qalat-i\nNaw, Qalat-i\n\nNaw.", "Never across lines: Qalat-i\nNaw, Qalat-i\n\nNaw."),
])
def test_rewrite(text, expected):
    assert clean(text).text == expected


ADDRESSES = ("See http://x.com/Muhammad, https://news.example/Kalat-e-Nav?id=1, WWW.Mohamed.org/a "
             "and muhammad.jan@example.com or Mohamed@mail.example.")


def test_spellings_inside_urls_and_email_addresses_stay():
    assert clean("Muhammad: " + ADDRESSES).text == "Mohammad: " + ADDRESSES
    text = "www.x.com/a Muhammad, (http://x.com) Mohamed."
    assert clean(text).text == "www.x.com/a Mohammad, (http://x.com) Mohammad."


def test_names_inside_addresses_are_neither_annotated_nor_checked():
    assert "entities" not in clean(ADDRESSES, RULES.with_setting("variants.mode=annotate")).metadata
    assert clean("Mohammad spoke. " + ADDRESSES, RULES.with_setting("variants.mode=check")).findings == []


def test_longest_spelling_wins_across_groups():
    result = clean("Kalat-e-Nav")
    assert [(e.rule, e.before) for e in result.edits] == [("t.qala", "Kalat-e-Nav")]


def test_annotate_lists_canonical_names():
    rules = RULES.with_setting("variants.mode=annotate")
    result = clean("Muhammad went to Qalat-i-Naw, then Qala-e-Naw.", rules)
    assert result.text == "Muhammad went to Qalat-i-Naw, then Qala-e-Naw."
    assert result.metadata["entities"] == ["Mohammad", "Qala-e-Naw"]


def test_check_reports_mixed_spellings_with_lines_at_the_first_minority_spelling():
    text = "Qala-e-Naw fell.\nMuhammad spoke.\nQalat-i-Naw again.\nQala-e-Naw held.\n\nKalat-e-Nav too.\n"
    result = clean(text, RULES.with_setting("variants.mode=check"))
    assert result.text == text and result.edits == []
    [finding] = result.findings
    assert finding.level == "warning" and finding.rule == "t.qala"
    assert finding.message == "mixes spellings of Qala-e-Naw: Qala-e-Naw (2×), Qalat-i-Naw (1×), Kalat-e-Nav (1×)"
    assert finding.start == text.index("Qalat-i-Naw")


def test_check_counts_letter_case_as_one_spelling():
    result = clean("MUHAMMAD SPOKE\nMuhammad spoke.\n", RULES.with_setting("variants.mode=check"))
    assert result.findings == []


def test_mode_per_rule_and_setting_over_rule():
    text = GAZETTEER.replace("    exceptions: [Muhammad Ali Boulevard]", "    mode: check")
    rules = parse_rule_file(text, "g.yaml")
    result = clean("Muhammad and Mohamed met Jawad.", rules)
    assert result.text == "Muhammad and Mohamed met Javad."
    assert "mixes spellings of Mohammad: Muhammad (1×), Mohamed (1×)" in result.findings[0].message
    assert clean("Muhammad met Jawad.", rules.with_setting("variants.mode=rewrite")).text == \
        "Mohammad met Javad."


def test_variants_mode_on_the_command_line(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Muhammad spoke.\nMohamed left.\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["clean", "--explain", "--set", "variants.mode=check", str(page)])
    assert result.exit_code == 0 and "warning" not in result.stdout  # two bare given names: no one's name
    result = runner.invoke(main, ["clean", "--explain", "--set", "variants.mode=check",
                                  "--set", "variants.scope=global", str(page)])
    assert f"{page}:2: warning: name.mohammad: mixes spellings of Mohammad: Muhammad (1×), Mohamed (1×)" \
        in result.stdout
    page.write_text("Muhammad Karimi spoke.\nMohamed Karimi left.\n", encoding="utf-8")
    result = runner.invoke(main, ["clean", "--explain", "--set", "variants.mode=check", str(page)])
    assert (f"{page}:2: warning: name.mohammad: Mohamed Karimi: one person spelled more than one way in the "
            "document: Muhammad (1×), Mohamed (1×)") in result.stdout
    out = runner.invoke(main, ["clean", "-q", "--set", "variants.mode=annotate", "--format", "jsonl", str(page)]).stdout
    assert '"entities": ["Mohammad"]' in out and "Muhammad Karimi spoke." in out


@pytest.mark.parametrize(("assignment", "error"), [
    ("variants.mode=loud", "'variants.mode=loud': 'loud' is not one of ['rewrite', 'annotate', 'check']"),
    ("variants=check", "'variants=check': write KIND.KEY=VALUE, as in variants.mode=check"),
    ("nosuch.mode=check", "'nosuch.mode=check': Additional properties are not allowed ('nosuch' was unexpected)"),
])
def test_a_setting_overridden_on_the_command_line_is_checked(tmp_path, assignment, error):
    page = tmp_path / "page.txt"
    page.write_text("Muhammad spoke.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["clean", "--set", assignment, str(page)])
    assert result.exit_code == 2 and f"textclean: error: --set: {error}" in result.stderr


def _rules_text(*groups):
    return "rules:\n" + "".join(
        f"  - id: g.{n}\n    kind: variants\n    description: d\n    examples: [{{keep: x}}]\n{g}"
        for n, g in enumerate(groups))


def _rules(*groups):
    return parse_rule_file(_rules_text(*groups), "bad.yaml")


@pytest.mark.parametrize(("groups", "expected"), [
    (["    canonical: Qala-e-Naw\n    variants: [Qala e Naw]\n"],
     "bad.yaml:7: rule 'g.0': 'Qala e Naw' matches the same text as 'Qala-e-Naw' in this group"),
    (["    canonical: Nezami\n    variants: [Nizami, Nezamy]\n",
      "    canonical: Nizamuddin\n    variants: [Nezamuddin, Nizami]\n"],
     "bad.yaml:13: rule 'g.1': variant 'Nizami' is already a variant of rule 'g.0' (bad.yaml:2)"),
    (["    canonical: Mohammad\n    variants: [Muhammad]\n", "    canonical: Muhammad\n    variants: [Mohd]\n"],
     "bad.yaml:12: rule 'g.1': canonical 'Muhammad' is a variant of rule 'g.0' (bad.yaml:2): groups must not chain"),
    (["    canonical: Mohammad\n    variants: [Muhammad]\n", "    canonical: Mohd\n    variants: [Mohammad]\n"],
     "bad.yaml:13: rule 'g.1': variant 'Mohammad' is the canonical of rule 'g.0' (bad.yaml:2): groups must not chain"),
    (["    canonical: Bek\n    variants: [Beg]\n    ignore_case: true\n", "    canonical: Beck\n    variants: [BEG]\n"],
     "bad.yaml:14: rule 'g.1': variant 'BEG' is already a variant of rule 'g.0' (bad.yaml:2) as 'Beg'"),
    (["    canonical: Mazar-i-Sharif\n    variants: [Mazar]\n",
      "    canonical: Mazar i Sharif\n    variants: [Mazari]\n"],
     "bad.yaml:12: rule 'g.1': canonical 'Mazar i Sharif' matches the same text as the canonical of rule 'g.0'"),
    (["    canonical: Javad\n    variants: [Jawad]\n    ambiguous: [Javed]\n"],
     "bad.yaml:8: rule 'g.0': ambiguous spellings need followed_by, preceded_by or in_document_with"),
    (["    canonical: Javad\n    variants: [Jawad.]\n"],
     "bad.yaml:7: rule 'g.0': 'Jawad.' must begin and end with a letter or digit"),
])
def test_groups_that_cannot_work_together_are_load_errors(groups, expected):
    with pytest.raises(RuleError) as error:
        VariantsStage(_rules(*groups).rules, {})
    assert str(error.value).startswith(expected)


def test_load_errors_stop_the_command_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(_rules_text("    canonical: Muhammad\n    variants: [Mohd]\n"), encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "lint", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:6: rule 'g.0': canonical 'Muhammad' is a variant of rule 'name.mohammad'" in result.stderr


def test_two_rules_may_share_a_canonical():
    rules = _rules("    canonical: Qanooni\n    variants: [Qanuni]\n",
                   "    canonical: Qanooni\n    variants: [Kanuni]\n    preceded_by: [Younus]\n")
    assert clean("Qanuni, Younus Kanuni, Kanuni Sultan", rules).text == "Qanooni, Younus Qanooni, Kanuni Sultan"


SPELLINGS = ["Qala-e-Naw", "Qalat-i-Naw", "Kalat-e-Nav", "Qala", "Kala", "Muhammad", "Mohamed", "Mohammad",
             "Jawad", "Javed Zarif", "Abdul Aziz Beg", "QALAT-I-NAW"]
words = st.one_of(st.sampled_from(SPELLINGS), st.sampled_from(["x", "Kalas", "aMohamed", "Muhammad_1", "é"]),
                  st.text(alphabet="aeiKlQt-' ", max_size=6))
documents = st.lists(st.tuples(words, st.sampled_from([" ", "", "-", "\n", ", ", "'"])), max_size=20).map(
    lambda parts: "".join(w + s for w, s in parts))
STAGE = VariantsStage(RULES.rules, {})


@given(documents)
def test_rewrite_is_idempotent(text):
    once = clean(text).text
    assert clean(once).text == once


@given(documents)
def test_a_match_never_starts_or_ends_inside_a_word(text):
    for found in STAGE.matches(text):
        assert not regex.match(r"\w", text[found.start - 1:found.start])
        assert not regex.match(r"\w", text[found.end:found.end + 1])


OVERLAPS = parse_rule_file("""
rules:
  - id: t.herat
    kind: variants
    description: A canonical one word, as-is when found as written.
    canonical: Herat
    variants: [Hirat]
    examples: [{keep: x}]
  - id: t.her-ab
    kind: variants
    description: Any case, and a first part that begins the word above.
    canonical: Her Ab
    variants: [Herat-Ab]
    any_case: true
    examples: [{keep: x}]
  - id: t.dot
    kind: variants
    description: A canonical with a word starting inside it, so never as-is.
    canonical: St.Herat
    variants: [Saint Herat]
    examples: [{keep: x}]
""", "overlaps.yaml")
STAGES = [VariantsStage(RULES.rules, {}), VariantsStage(RULES.rules, {"mode": "check"}),
          VariantsStage(OVERLAPS.rules, {}), VariantsStage(OVERLAPS.rules, {"scope": "global", "mode": "annotate"})]
overlapping = st.lists(st.tuples(st.sampled_from(["Herat", "HERAT", "Hirat", "Herat-Ab", "herat ab", "Her Ab",
                                                  "St.Herat", "Saint Herat", "Heratis", "St", "x"]),
                                 st.sampled_from([" ", "", "-", ".", "\n", "#"])), max_size=12).map(
    lambda parts: "".join(w + s for w, s in parts))


@given(st.one_of(documents, overlapping))
def test_a_scan_without_the_as_is_spellings_leaves_out_only_spellings_that_change_nothing(text):
    for stage in STAGES:
        every, changing = stage.matches(text), stage.matches(text, as_is=False)
        assert all(found in every for found in changing)
        left_out = [found for found in every if found not in changing]
        assert all(text[f.start:f.end] == f.rule.spec["canonical"] and stage.mode(f.rule) == "rewrite"
                   for f in left_out)


def test_the_stage_scans_past_a_canonical_written_as_is_and_rewrites_what_stands_beside_it():
    stage = VariantsStage(OVERLAPS.rules, {})
    text = "Trucks left Herat for HERAT-AB, St.Herat and herat ab.\n"
    assert [text[f.start:f.end] for f in stage.matches(text, as_is=False)] == ["HERAT-AB", "St.Herat", "herat ab"]
    assert [text[f.start:f.end] for f in stage.matches(text)] == ["Herat", "HERAT-AB", "St.Herat", "herat ab"]
    assert clean(text, OVERLAPS).text == "Trucks left Herat for HER AB, St.Herat and her ab.\n"


@given(st.lists(st.sampled_from(sorted({r.spec["canonical"] for r in RULES.rules})), min_size=1, max_size=8),
       st.sampled_from([" ", ", ", "\n", " and "]))
def test_the_canonical_form_is_a_fixed_point(names, separator):
    text = separator.join(names)
    assert clean(text).edits == []


def test_a_check_finding_is_reported_once_when_later_passes_reflow_the_text():
    text = "Muhammad spoke.\n\n\n\nMohamed left.\n"
    result = Cleaner(RULES.with_setting("variants.mode=check")).clean(text)
    assert [f.message for f in result.findings] == ["mixes spellings of Mohammad: Muhammad (1×), Mohamed (1×)"]
    assert result.findings[0].start == text.index("Mohamed")


# Per-person scope: given-name groups are evidence that two full names are one person.
PEOPLE = """
settings:
  variants:
    beside_names: [Foreign, Minister, Mr, The, Province]
    particles: [bin, el]
rules:
  - id: p.mohammad
    kind: variants
    scope: document
    description: A given name.
    canonical: Mohammad
    variants: [Muhammad, Mohamed, Mohammed]
    examples: [{keep: x}]
  - id: p.hussein
    kind: variants
    scope: document
    description: Another.
    canonical: Hussein
    variants: [Hossain, Hossein]
    examples: [{keep: x}]
  - id: p.abdul
    kind: variants
    scope: document
    description: A name part.
    canonical: Abdul
    variants: [Abdel]
    examples: [{keep: x}]
  - id: p.qala
    kind: variants
    description: A town, rewritten wherever it stands.
    canonical: Qala-e-Naw
    variants: [Qalat-i-Naw, Galano]
    examples: [{keep: x}]
  - id: p.stanikzai
    kind: variants
    description: A surname the pack knows beside his other names.
    canonical: Stanikzai
    variants: [Stanekzai]
    name_words: [Abbas]
    examples: [{keep: x}]
"""
PEOPLE_RULES = parse_rule_file(PEOPLE, "people.yaml")


@pytest.mark.parametrize("text", [
    "Mohamed Salah scored twice.",
    "Muhammad Ali boxed; Mohammed Karimi watched.",  # two persons, one spelling each
    "Abdel Fattah el-Sisi spoke.",
    "Kamal Hossain drafted it.",
    "Mohammed bin Salman arrived.",
    "The Prophet Muhammad is revered.",
    "Muhammad spoke and Mohamed left.",  # bare given names are no one's full name
    "Mohamed Salah and Muhammad Salahuddin met.",
    "Fans posted #Mohamed and @Mohamed, #Muhammad too.",
])
def test_a_person_spelled_one_way_stays_as_written(text):
    assert clean(text, PEOPLE_RULES).text == text


@pytest.mark.parametrize(("text", "expected"), [
    ("Muhammad Javad Zarif spoke. Mohammad Javad Zarif left. Mohammad Javad Zarif returned.",
     "Mohammad Javad Zarif spoke. Mohammad Javad Zarif left. Mohammad Javad Zarif returned."),
    # ties: the first; titles before the name are not part of it
    ("Foreign Minister Muhammad Javad Zarif spoke; Mr Mohammad Javad Zarif's aide left.",
     "Foreign Minister Muhammad Javad Zarif spoke; Mr Muhammad Javad Zarif's aide left."),
    # the other parts of the name compare by their group: Hossain = Hussein
    ("Syed Muhammad Hossain came. Syed Mohammad Hussein and Syed Mohammad Hussein left.",
     "Syed Mohammad Hussein came. Syed Mohammad Hussein and Syed Mohammad Hussein left."),
    ("Mohammed bin Salman met Muhammad bin Salman's envoy, then Mohammed bin Salman.",
     "Mohammed bin Salman met Mohammed bin Salman's envoy, then Mohammed bin Salman."),
    # one person brought to one spelling, another left alone
    ("Mohamed Salah, Muhammad Ali and Mohammad Ali met.", "Mohamed Salah, Muhammad Ali and Muhammad Ali met."),
    ("#Mohamed: Mohammad Karimi and Muhammad Karimi.", "#Mohamed: Mohammad Karimi and Mohammad Karimi."),
])
def test_one_person_spelled_two_ways_in_a_document_is_brought_to_one(text, expected):
    result = clean(text, PEOPLE_RULES)
    assert result.text == expected
    assert all(edit.rule.startswith("p.") for edit in result.edits)


def test_global_scope_is_the_old_rewrite_of_every_given_name():
    rules = PEOPLE_RULES.with_setting("variants.scope=global")
    assert clean("Mohamed Salah, #Mohamed and Abdel Fattah.", rules).text == \
        "Mohammad Salah, #Mohamed and Abdul Fattah."


def test_a_rewrite_says_why():
    [edit] = clean("Mohammad Karimi, Mohammad Karimi and Muhammad Karimi.", PEOPLE_RULES).edits
    assert edit.note == "this person spelled so 2 of 3 times in the document"


@pytest.mark.parametrize(("text", "expected"), [
    ("Pedro Galano signed; Galano Pedro too.", "Pedro Galano signed; Galano Pedro too."),
    ("Fighting reached Galano and Qalat-i-Naw.", "Fighting reached Qala-e-Naw and Qala-e-Naw."),
    ("The Galano road is shut.", "The Qala-e-Naw road is shut."),  # a word beside_names lists
    ("In Galano, police said. in", "In Qala-e-Naw, police said. in"),  # a word written in lower case too
    ("GALANO PROVINCE and Galano Province.", "GALANO PROVINCE and Qala-e-Naw Province."),
    ("Abbas Stanekzai and Sher Stanekzai.", "Abbas Stanikzai and Sher Stanekzai."),
    ("Reached #Galano and @Qalat-i-Naw.", "Reached #Galano and @Qalat-i-Naw."),
])
def test_a_spelling_inside_a_longer_name_the_pack_does_not_know_stays(text, expected):
    assert clean(text, PEOPLE_RULES).text == expected


def test_check_reports_a_person_spelled_two_ways():
    text = "Mohammad Karimi spoke.\nMohamed Salah left.\nMuhammad Karimi stayed.\n"
    result = clean(text, PEOPLE_RULES.with_setting("variants.mode=check"))
    assert result.text == text
    [finding] = result.findings
    assert finding.message == ("Muhammad Karimi: one person spelled more than one way in the document: "
                               "Mohammad (1×), Muhammad (1×)")
    assert finding.start == text.index("Muhammad Karimi")


@pytest.mark.parametrize("scope", ["document", "corpus", "global"])
def test_mahmud_and_rahmon_stay_apart_from_muhammad_and_rahman(shipped_rules, scope):
    text = "Mahmud Karimi and Muhammad Karimi met; Abdul Rahman and Emomali Rahmon too. Mahmud Karimi left.\n"
    rules = shipped_rules.with_setting(f"variants.scope={scope}")
    cleaned = Cleaner(rules).clean(text).text
    assert cleaned.count("Mahmud Karimi") == 2 and "Abdul Rahman" in cleaned and "Emomali Rahmon" in cleaned
    findings = Cleaner(rules.with_setting("variants.mode=check")).clean(text).findings
    assert not [f.message for f in findings if "Mahmud" in f.message or "Rahman" in f.message]


def cleaned_as_corpus(pages, scope, mode="rewrite"):
    """``pages`` ((site, text) pairs) cleaned after a first pass over all of them, as a corpus run does."""
    rules = PEOPLE_RULES.with_setting(f"variants.scope={scope}").with_setting(f"variants.mode={mode}")
    cleaner = Cleaner(rules, unicode=False, tidy=False)
    collectors = cleaner.collectors()
    for site, text in pages:
        for collector in collectors.values():
            collector.observe(site, text)
    learned = cleaner.with_evidence({place: collector.freeze() for place, collector in collectors.items()})
    return [learned.clean(text, site=site) for site, text in pages]


PAGES = [
    ("a.org", "Muhammad Karimi spoke."),
    ("a.org", "Muhammad Karimi left; Mohamed Salah scored."),
    ("b.org", "Mohammad Karimi slept."),
    ("b.org", "Mohammad Karimi ate. Mohammad Karimi left. Mohammad Karimi read."),
    ("b.org", "Muhammad Karimi wrote."),
]


@pytest.mark.parametrize(("scope", "karimi"), [
    ("corpus", ["Mohammad"] * 5),  # 4 to 3 across the run
    ("site", ["Muhammad", "Muhammad", "Mohammad", "Mohammad", "Mohammad"]),  # each site its own count
    ("document", ["Muhammad", "Muhammad", "Mohammad", "Mohammad", "Muhammad"]),  # no document mixes them
])
def test_site_and_corpus_scope_bring_one_person_to_one_spelling_across_documents(scope, karimi):
    cleaned = [result.text for result in cleaned_as_corpus(PAGES, scope)]
    assert [regex.findall(r"(\w+) Karimi", text) for text in cleaned] == \
        [[given] * len(regex.findall("Karimi", text)) for given, text in zip(karimi, cleaned, strict=True)]
    assert "Mohamed Salah" in cleaned[1]


def test_check_in_corpus_scope_reports_each_mention_spelled_otherwise_than_the_run():
    results = cleaned_as_corpus(PAGES, "corpus", mode="check")
    assert [result.text for result in results] == [text for _, text in PAGES]
    flagged = [[finding.message for finding in result.findings] for result in results]
    assert flagged[0] == ["Muhammad Karimi: one person spelled more than one way in the corpus: "
                          "Muhammad (3×), Mohammad (4×)"]
    assert flagged[2] == flagged[3] == [] and len(flagged[4]) == 1


def test_corpus_scope_without_a_first_pass_is_the_document():
    rules = PEOPLE_RULES.with_setting("variants.scope=corpus")
    assert clean("Muhammad Karimi spoke.", rules).text == "Muhammad Karimi spoke."
    assert Cleaner(rules).collectors(), "corpus scope asks for a first pass"
    assert not Cleaner(PEOPLE_RULES).collectors(), "document scope needs none"


def test_the_first_pass_sends_only_counts_and_forgets_the_least_seen_past_its_bound():
    import pickle
    rules = PEOPLE_RULES.with_setting("variants.scope=corpus").with_setting("variants.scope_max_names=4")
    [collector] = Cleaner(rules).collectors().values()
    for n in range(1, 11):  # ten persons seen once each
        collector.observe("a.org", f"Muhammad Karimi{'x' * n} spoke.")
    collector.observe("a.org", "Mohammad Karimi and Muhammad Karimi and Muhammad Karimi.")
    assert len(collector.spellings) <= 4
    travelled = pickle.loads(pickle.dumps(collector))
    assert travelled.spellings == collector.spellings and travelled.scope is None
    assert list(collector.freeze().spellings.values()) == [{(0,): 1, (1,): 2}]


def test_a_report_of_many_documents_names_a_few_per_spelling_and_travels_between_processes():
    import pickle
    cleaner = Cleaner(PEOPLE_RULES, unicode=False, tidy=False)
    first: dict = {}
    second: dict = {}
    for n in range(5):
        cleaner.report_on(first, f"Muhammad Karimi spoke {n}. Mohamed Salah scored.", "folder:.", f"{n}.txt")
    cleaner.report_on(second, "Mohammad Karimi and Mohammad Karimi left; Mohamed Salah too.", "folder:.", "z.txt")
    reporter = first["variants"]
    reporter.merge(pickle.loads(pickle.dumps(second["variants"])))
    [finding] = reporter.freeze().findings()
    assert finding.rule == "p.mohammad" and finding.documents == ("0.txt", "1.txt", "2.txt", "z.txt")
    assert finding.message == ("Muhammad Karimi: one person spelled more than one way across files: 'Muhammad "
                               "Karimi' (5× in 0.txt, 1.txt, 2.txt and 2 more), 'Mohammad Karimi' (2× in z.txt)")
    one: dict = {}
    cleaner.report_on(one, "Muhammad Karimi and Mohammad Karimi.", "folder:.", "a.txt")
    assert one["variants"].freeze().findings() == [], "a mix within one document is the cleaning's to report"
    bounded: dict = {}
    small = Cleaner(PEOPLE_RULES.with_setting("variants.scope_max_names=4"), unicode=False, tidy=False)
    for n in range(1, 11):  # ten persons seen once each
        small.report_on(bounded, f"Muhammad Karimi{'x' * n} spoke.", "folder:.", f"{n}.txt")
    small.report_on(bounded, "Mohammad Karimi and Muhammad Karimi and Muhammad Karimi.", "folder:.", "k.txt")
    assert len(bounded["variants"].seen) <= 4 and bounded["variants"].seen.keys() == \
        bounded["variants"].spellings.keys()
    assert [person.spellings[(1,)].names for person in bounded["variants"].seen.values()] == [["k.txt"]]
    none: dict = {}
    Cleaner(PEOPLE_RULES.with_setting("variants.scope=global")).report_on(none, "Muhammad Karimi.", "-", "-")
    assert none == {"variants": None}, "no rule unifies per person: nothing to report"


def test_corpus_scope_on_the_command_line_is_the_same_on_any_number_of_cores(tmp_path):
    import json
    rules = tmp_path / "people.yaml"
    rules.write_text(PEOPLE, encoding="utf-8")
    source = tmp_path / "in.jsonl"
    rows = [{"id": str(n), "text": text, "url": f"https://{site}/{n}"} for n, (site, text) in enumerate(PAGES * 30)]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        output = tmp_path / f"out{jobs}.jsonl"
        result = CliRunner().invoke(main, ["clean", "-q", "--no-shipped", "--no-config", "--rules", str(rules),
                                           "--set", "variants.scope=site", "-j", jobs, str(source), "-o", str(output)])
        assert result.exit_code == 0, result.output
        outputs.append([json.loads(line)["text"] for line in output.read_text("utf-8").splitlines()])
    assert outputs[0] == outputs[1]
    assert outputs[0][:5] == ["Muhammad Karimi spoke.", "Muhammad Karimi left; Mohamed Salah scored.",
                              "Mohammad Karimi slept.",
                              "Mohammad Karimi ate. Mohammad Karimi left. Mohammad Karimi read.",
                              "Mohammad Karimi wrote."]
