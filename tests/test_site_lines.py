"""Site evidence: the first pass over a corpus, the site_lines rules, boilerplate discover."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from textclean.cli import main
from textclean.model.evidence import site_of, url_host
from textclean.model.kind import Rule
from textclean.pipeline.engine import Cleaner
from textclean.pipeline.rulefile import RuleSet
from textclean.runs.parallel import CleanerSpec, ParallelCleaner

MENU = "Harbour | Ferries | Weather"


def site_rule(min_pages: int = 3, min_share: float = 0.0, max_length: int = 120) -> RuleSet:
    spec = {"shape": "site_lines", "min_pages": min_pages, "min_share": min_share, "max_length": max_length}
    return RuleSet([Rule("t.site", "boilerplate", "test", spec)])


def page(number: int, *extra: str) -> str:
    return "\n".join([*extra, f"Story {number} about the ferry is told here at length, with a quote."]) + "\n"


def learned(cleaner: Cleaner, pages: list[tuple[str, str]]) -> Cleaner:
    collectors = cleaner.collectors()
    for site, text in pages:
        for collector in collectors.values():
            collector.observe(site, text)
    return cleaner.with_evidence({place: c.freeze() for place, c in collectors.items()})


@pytest.mark.parametrize("pages, removed", [(3, True), (2, False)])
def test_a_line_on_min_pages_pages_goes_and_on_one_fewer_stays(pages, removed):
    corpus = [("harbour.example", page(n, MENU)) for n in range(pages)] + [("harbour.example", page(9))]
    cleaner = learned(Cleaner(site_rule(min_pages=3), unicode=False, tidy=False), corpus)
    result = cleaner.clean(corpus[0][1], site="harbour.example")
    assert (MENU not in result.text) is removed
    if removed:
        assert result.edits[0].note == "on 3 of 4 pages of harbour.example"


def test_min_share_of_the_sites_pages():
    corpus = [("a.example", page(n, MENU)) for n in range(3)] + [("a.example", page(n)) for n in range(3, 10)]
    cleaner = learned(Cleaner(site_rule(min_pages=3, min_share=0.5), unicode=False, tidy=False), corpus)
    assert MENU in cleaner.clean(corpus[0][1], site="a.example").text


def test_two_sites_never_share_evidence():
    corpus = [("a.example", page(0, MENU)), ("a.example", page(1, MENU)), ("b.example", page(2, MENU)),
              ("b.example", page(3, MENU))]
    cleaner = learned(Cleaner(site_rule(min_pages=3), unicode=False, tidy=False), corpus)
    for site, text in corpus:
        assert cleaner.clean(text, site=site).text == text


def test_a_document_alone_or_without_evidence_is_left_to_the_other_rules():
    cleaner = Cleaner(site_rule(min_pages=2), unicode=False, tidy=False)
    assert cleaner.clean(page(0, MENU)).text == page(0, MENU)
    assert cleaner.clean(page(0, MENU), site="a.example").text == page(0, MENU)


def test_the_site_of_a_document():
    assert url_host("https://www.News.example/a?b") == "news.example"
    assert url_host("http://web.archive.org/web/2019id_/https://www.paper.example/x") == "paper.example"
    assert site_of({"url": "https://a.example/1"}, {}, "url", "c.jsonl", "c.jsonl", False) == "a.example"
    assert site_of({}, {"link": "https://b.example/"}, "link", "c.jsonl", "c.jsonl", False) == "b.example"
    assert site_of({"url": None}, {}, "url", "d/c.jsonl", "c.jsonl", False) == "shard:c.jsonl"
    assert site_of(None, {}, "url", "d/x/p.txt", "x/p.txt", True) == "folder:x"


def corpus_pages(count: int = 200) -> list[tuple[str, str]]:
    return [(f"s{n % 7}.example", page(n, MENU if n % 3 else "Follow us", f"Section {n % 5}"))
            for n in range(count)]


def test_the_evidence_is_the_same_whatever_the_number_of_workers():
    spec = CleanerSpec(site_rule(min_pages=2), (("unicode", False), ("tidy", False)))
    evidence = []
    for jobs in (1, 2):
        cleaner = ParallelCleaner(spec, jobs)
        try:
            cleaner.learn(corpus_pages())
            evidence.append(cleaner._local.evidence)
        finally:
            cleaner.close()
    assert evidence[0] == evidence[1] and evidence[0]


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")


def records(site: str, count: int, prefix: str = "p") -> list[dict]:
    return [{"id": f"{prefix}{n}", "url": f"https://{site}/{n}", "text": page(n, MENU)} for n in range(count)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_clean_runs_the_first_pass_on_a_corpus(tmp_path, jobs):
    write_jsonl(tmp_path / "c.jsonl", records("www.harbour.example", 5) + records("other.example", 1, "q"))
    result = CliRunner().invoke(main, ["clean", str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out.jsonl"),
                                       "-j", jobs, "--edits", str(tmp_path / "edits.jsonl")])
    assert result.exit_code == 0, result.output
    assert "site pass: 6 pages of 2 sites" in result.output
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [MENU in record["text"] for record in out] == [False] * 5 + [True]
    log = (tmp_path / "edits.jsonl").read_text()
    assert "on 5 of 5 pages of harbour.example" in log


def test_no_site_pass_turns_it_off(tmp_path):
    write_jsonl(tmp_path / "c.jsonl", records("harbour.example", 5))
    result = CliRunner().invoke(main, ["clean", str(tmp_path / "c.jsonl"), "--no-site-pass"])
    assert result.exit_code == 0 and "site pass" not in result.output
    assert result.stdout.count("Harbour | Ferries") == 5


def test_stdin_skips_the_first_pass(tmp_path):
    data = "".join(json.dumps(record) + "\n" for record in records("harbour.example", 5))
    result = CliRunner().invoke(main, ["clean", "-", "--input-format", "jsonl"], input=data)
    assert result.exit_code == 0 and "site pass" not in result.output
    assert result.stdout.count("Harbour | Ferries") == 5


def test_records_without_url_are_grouped_by_shard(tmp_path):
    (tmp_path / "in").mkdir()
    texts = [page(n, MENU) for n in range(4)]  # the shipped rule's min_pages
    write_jsonl(tmp_path / "in" / "a.jsonl", [{"id": f"a{n}", "text": text} for n, text in enumerate(texts)])
    write_jsonl(tmp_path / "in" / "b.jsonl", [{"id": f"b{n}", "text": text} for n, text in enumerate(texts[:3])])
    result = CliRunner().invoke(main, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out") + "/"])
    assert result.exit_code == 0, result.output
    assert MENU not in (tmp_path / "out" / "a.jsonl").read_text()  # 4 pages of its shard
    assert (tmp_path / "out" / "b.jsonl").read_text().count(MENU) == 3  # 3 pages of its own


def test_discover_writes_a_rule_file_that_lints_tests_and_cleans_without_a_pass(tmp_path):
    corpus = tmp_path / "c.jsonl"
    write_jsonl(corpus, records("harbour.example", 4) + [
        {"id": "x", "url": "https://harbour.example/x", "text": 'Say "hi"\n' + page(7)}])
    runner = CliRunner()
    found = runner.invoke(main, ["boilerplate", "discover", str(corpus), "-o", str(tmp_path / "site-lines.yaml")])
    assert found.exit_code == 0, found.output
    written = (tmp_path / "site-lines.yaml").read_text()
    assert "site: harbour.example" in written and "pages: 4" in written and "https://harbour.example/0" in written
    for command in (["rules", "lint"], ["rules", "test"]):
        checked = runner.invoke(main, [*command, "--no-shipped", str(tmp_path / "site-lines.yaml")])
        assert checked.exit_code == 0, checked.output
    cleaned = runner.invoke(main, ["clean", str(corpus), "--no-shipped", "--rules", str(tmp_path / "site-lines.yaml"),
                                   "--no-site-pass", "--explain"])
    assert "on 4 of 5 pages of harbour.example (listed in" in cleaned.stdout


def test_a_site_lines_rule_with_keys_of_the_other_form_is_an_error():
    from textclean.model.kind import RuleError
    spec = {"shape": "site_lines", "min_pages": 3, "site": "a.example"}
    with pytest.raises(RuleError, match="min_pages does not apply"):
        Cleaner(RuleSet([Rule("t.bad", "boilerplate", "test", spec)]))


def test_input_of_one_document(tmp_path):
    (tmp_path / "p.txt").write_text(page(0, MENU))
    result = CliRunner().invoke(main, ["clean", str(tmp_path / "p.txt")])
    assert result.exit_code == 0 and "site pass" not in result.output




def test_resume_learns_from_the_whole_input(tmp_path):
    (tmp_path / "in").mkdir()
    write_jsonl(tmp_path / "in" / "a.jsonl", records("harbour.example", 3))
    write_jsonl(tmp_path / "in" / "b.jsonl", records("harbour.example", 1, "q"))
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["clean", str(tmp_path / "in"), "-o", f"{out}/"]).exit_code == 0
    first = (out / "b.jsonl").read_text()
    assert MENU not in first  # on 4 pages of its site, 3 of them in the other shard
    (out / "b.jsonl").unlink()
    resumed = runner.invoke(main, ["clean", str(tmp_path / "in"), "-o", f"{out}/", "--resume"])
    assert resumed.exit_code == 0 and "site pass: 4 pages" in resumed.output
    assert (out / "b.jsonl").read_text() == first


def test_memory_is_bounded_by_forgetting_the_rarest_lines():
    from textclean.model.evidence import SiteLineCounts, line_key
    counts = SiteLineCounts(max_length=120, min_pages=2, max_pairs=40)
    for number in range(60):
        chunk = SiteLineCounts(120, 2, None)
        chunk.observe("a.example", f"{MENU}\nA line only page {number} has.\n")
        counts.merge(chunk)
    assert sum(map(len, counts.lines.values())) <= 40
    assert counts.freeze().lines["a.example"] == {line_key(MENU): 60}
