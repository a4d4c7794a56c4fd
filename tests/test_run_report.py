"""The HTML run report: its counts and samples (textclean.runs.run_report), the page (textclean.runs.html_report),
``textclean report`` and ``clean --report``, and the page as headless Chromium shows it."""
import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from textclean import Edit, Finding
from textclean.cli import main
from textclean.io.inputs import InputError
from textclean.io.shardlog import parts_folder
from textclean.runs.html_report import render_page
from textclean.runs.run_report import TEXT_LIMIT, RunReport, histogram_bin

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"

DOCS = [
    {"id": "valley-1", "text": "News ID: 7001\nPublish Date : 02 May 2021 - 09:40\n\nThe river rose by two metres "
     "near the old bridge overnight.  \nFarmers moved their herds to higher ground.\n"
     f"Sign up for our daily newsletter {HOSTILE}\n"},
    {"id": f"valley-2 {HOSTILE}", "text": "Publish Date : 03 May 2021 - 10:05\n\nMuhammad Rahimi said the "
     "school would open again on Sunday.\nThe road to the district centre is still closed.\n"},
    {"id": "valley-3", "text": "A quiet day at the market, traders said.\nPrices of flour held steady.\n"},
    {"id": "valley-4", "text": "News ID: 7004\n\nThe council met for the third time this month.\n"
     "Sign up for our weekly newsletter to get the top stories.\nShare this article\n"},
]


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "valley.jsonl"
    path.write_text("".join(json.dumps(doc) + "\n" for doc in DOCS), encoding="utf-8")
    return path


@pytest.fixture
def cleaned(tmp_path, corpus):
    """A run of the corpus with --edits, --stats and --report: the paths of the three."""
    paths = {name: tmp_path / name for name in ("edits.jsonl", "stats.json", "run.html")}
    result = run("clean", "-q", corpus, "-o", tmp_path / "out.jsonl", "--edits", paths["edits.jsonl"],
                 "--stats", paths["stats.json"], "--report", paths["run.html"])
    assert result.exit_code == 0, result.output
    return paths


@pytest.fixture
def marked(tmp_path, corpus):
    """A marks run of the corpus with --edits, --stats and --report: the paths of the three."""
    paths = {name: tmp_path / f"marks-{name}" for name in ("edits.jsonl", "stats.json", "run.html")}
    result = run("clean", "-q", corpus, "--marks", "-o", tmp_path / "marked.jsonl", "--edits", paths["edits.jsonl"],
                 "--stats", paths["stats.json"], "--report", paths["run.html"])
    assert result.exit_code == 0, result.output
    return paths


def removal(rule, start, line, kind="boilerplate"):
    return Edit(rule, kind, start, start + len(line), line, "")


def mark(rule, text, start, end, line, kind="boilerplate"):
    """A mark as the edit log of a marks run holds it."""
    return {"rule": rule, "kind": kind, "start": start, "end": end, "line": line, "before": text[start:end]}


# --- counts


def test_rules_are_counted_by_lines_removed_and_other_edits():
    report = RunReport()
    report.add("a", "a.txt", [removal("share", 0, "Share this\n"),
                              Edit("name", "variants", 0, 8, "Muhammad", "Mohammad"),
                              Edit("space", "whitespace", 20, 22, "  ", "")], ["date"])
    report.add("b", "b.txt", [removal("share", 5, "Share\nPrint\n"), removal("share", 5, "Tweet\n")],
               ["date", "news_id"])
    share, name, space = report.rules["share"], report.rules["name"], report.rules["space"]
    assert (share.edits, share.lines_removed, share.changes, share.bytes_removed, share.documents) == (3, 4, 0, 29, 2)
    assert (name.changes, name.lines_removed, name.bytes_removed, name.bytes_changed, name.kind) == \
        (1, 0, 0, 8, "variants")
    assert (space.changes, space.lines_removed, space.bytes_removed, space.bytes_changed) == (1, 0, 2, 2)
    assert report.metadata_fields == {"date": 2, "news_id": 1}
    assert (report.documents, report.edits, report.bytes_removed) == (2, 5, 31)


def test_bytes_are_utf8_bytes():
    report = RunReport()
    report.add("a", "a.txt", [removal("r", 0, "Ünïcode\n")], [])
    assert report.rules["r"].bytes_removed == len("Ünïcode\n".encode())


def test_histogram_bins_are_powers_of_two():
    assert [histogram_bin(n) for n in (-5, 0, 1, 2, 3, 4, 1023, 1024)] == [0, 0, 1, 2, 2, 3, 10, 11]
    report = RunReport()
    for lost in (0, 3, 3, 1000):
        report.add("d", "d", [removal("r", 0, "x" * lost)] if lost else [Edit("r", "k", 0, 1, "a", "b")], [])
    assert report.loss_bins == {0: 1, 2: 2, 10: 1}


def test_no_text_of_a_narrow_histogram_is_cut_at_its_edge():
    """An SVG shows none of its text beyond its viewBox, which a histogram of few bars makes narrow."""
    report = RunReport()
    report.add("d", "f", [removal("share.word", 0, "Share\n")], [])
    page = render_page(report, {"documents": 3})
    svg = re.search(r'<svg [^>]*id="loss-histogram"[^>]*viewBox="0 0 ([\d.]+) [\d.]+"[^>]*>(.*?)</svg>', page, re.S)
    texts = re.findall(r'<text x="([\d.]+)"([^>]*)>([^<]*)</text>', svg[2])
    assert len(texts) >= 3
    for x, attributes, text in texts:
        extent = 7 * len(html.unescape(text))  # 12px text: 7px a character at most
        left = float(x) - (extent / 2 if 'text-anchor="middle"' in attributes else 0)
        assert 0 <= left and left + extent <= float(svg[1]), text
    assert "each bar: the documents with from the bytes under it to twice as many removed" in page


def test_top_documents_are_the_ones_that_lost_most_earlier_first_among_equals():
    report = RunReport(top_documents=2)
    for name, lost in (("a", 10), ("b", 50), ("c", 30), ("d", 50), ("e", 1)):
        report.add(name, name, [removal("r", 0, "x" * lost)], [])
    assert [(loss.doc_id, loss.bytes_removed) for loss in report.top()] == [("b", 50), ("d", 50)]


def test_no_samples_and_no_top_documents_when_none_are_asked_for():
    report = RunReport(samples_per_rule=0, top_documents=0)
    _offer(report, 50)
    assert report.sample("r") == [] and report.top() == [] and report.rules["r"].edits == 50


# --- samples


def _offer(report, count, rule="r"):
    for number in range(count):
        report.add(f"doc-{number}", "f", [removal(rule, 0, f"line {number}\n")], [])


def test_samples_are_bounded_and_the_same_for_the_same_run():
    first, second = RunReport(samples_per_rule=5), RunReport(samples_per_rule=5)
    _offer(first, 2000)
    _offer(second, 2000)
    assert [s.doc_id for s in first.sample("r")] == [s.doc_id for s in second.sample("r")]
    assert len(first.sample("r")) == 5
    assert any(int(s.doc_id.split("-")[1]) >= 5 for s in first.sample("r")), "not only the first edits"
    numbers = [int(s.doc_id.split("-")[1]) for s in first.sample("r")]
    assert numbers == sorted(numbers), "in the order of the run"


def test_each_rule_draws_its_own_sample():
    alone, mixed = RunReport(), RunReport()
    _offer(alone, 300)
    for number in range(300):  # another rule's edits in between leave rule r's sample as it was
        mixed.add(f"doc-{number}", "f", [removal("other", 0, "x\n"), removal("r", 0, f"line {number}\n")], [])
    assert [s.doc_id for s in alone.sample("r")] == [s.doc_id for s in mixed.sample("r")]


def test_the_sample_is_uniform():
    """Over many seeds, every edit is drawn about as often as any other (k/n of the time)."""
    items, size, seeds = 40, 4, 1500
    drawn = [0] * items
    for seed in range(seeds):
        report = RunReport(samples_per_rule=size, seed=str(seed))
        _offer(report, items)
        for sample in report.sample("r"):
            drawn[int(sample.doc_id.split("-")[1])] += 1
    expected = seeds * size / items  # 150
    first, last = sum(drawn[:10]) / 10, sum(drawn[-10:]) / 10
    assert abs(first - expected) < 25 and abs(last - expected) < 25, drawn


def test_a_sample_shows_its_line_and_the_lines_around_it_as_its_pass_found_them():
    text = "one\ntwo\nthree\nShare this\nfour\nfive\nsix\n"
    edits = [removal("gone", 4, "two\n"),  # a pass of its own: the next edit starts before it
             Edit("case", "k", 0, 3, "one", "One"), removal("share", 10, "Share this\n")]  # 10: after 'two' went
    report = RunReport()
    report.add("d", "d.txt", edits, [], text)
    sample = report.sample("share")[0]
    assert (sample.line, sample.before, sample.after) == (4, "Share this\n", "")
    assert sample.context_before == ("one", "three") and sample.context_after == ("four", "five")
    assert report.sample("gone")[0].context_before == ("one",)


def test_many_samples_of_one_pass_over_a_long_document_each_show_their_own_place():
    lines = [f"line {number}" for number in range(20_000)]
    text = "\n".join(lines) + "\n"
    edits, offset = [], 0
    for number, line in enumerate(lines):
        if number % 2 and 2 < number < len(lines) - 2:  # two lines above and below each
            edits.append(removal("odd", offset, line + "\n"))
        else:
            offset += len(line) + 1
    report = RunReport(samples_per_rule=100)
    report.add("d", "d.txt", edits, [], text)
    for sample in report.sample("odd"):
        number = int(sample.before.split()[1])
        assert sample.line == number + 1
        assert sample.context_before == (f"line {number - 2}", f"line {number - 1}")  # as the pass found them
        assert sample.context_after == (f"line {number + 1}", f"line {number + 2}")


def test_a_change_within_a_line_shows_the_rest_of_the_line():
    text = "Title\nMuhammad Rahimi said so.\nEnd\n"
    report = RunReport()
    report.add("d", "d.txt", [Edit("name", "variants", 6, 14, "Muhammad", "Mohammad")], [], text)
    sample = report.sample("name")[0]
    assert (sample.line, sample.prefix, sample.suffix) == (2, "", " Rahimi said so.")
    assert sample.context_before == ("Title",) and sample.context_after == ("End",)


def test_sampled_text_is_cut():
    long_line = "x" * 5000 + "\n"
    report = RunReport()
    report.add("d", "d.txt", [removal("r", 6, long_line)], [], "above\n" + long_line + ("y" * 5000) + "\n")
    sample = report.sample("r")[0]
    assert len(sample.before) == TEXT_LIMIT and sample.before.endswith("…")
    assert all(len(line) <= TEXT_LIMIT for line in sample.context_after)


def test_findings_are_sampled_with_their_line():
    report = RunReport()
    report.add_findings("d", "d.txt", [Finding("date.x", "left in place: ambiguous", 6)], "first\nsecond\n")
    found = report.finding_samples("date.x")[0]
    assert (found.doc_id, found.line, found.level, found.message) == ("d", 2, "warning", "left in place: ambiguous")


def test_marks_are_counted_and_sampled_as_the_removals_they_stand_for():
    text = "News ID: 12\nThe ferry ran again.\nShare\nTweet\nIt was full.\nAds by us\n"
    marks = [mark("news", text, 0, 12, 1, "date_header"), mark("share", text, 33, 45, 3),
             mark("ads", text, 58, 68, 6)]
    report = RunReport()
    report.add("d", "d.txt", [], ["marks", "news_id"], text, marks)
    share = report.rules["share"]
    assert (share.edits, share.lines_removed, share.changes, share.bytes_removed, share.documents, share.kind) == \
        (1, 2, 0, 12, 1, "boilerplate")
    assert (report.marked, report.documents, report.edits, report.bytes_removed) == (1, 1, 3, 34)
    sample = report.sample("share")[0]
    assert (sample.line, sample.before, sample.after) == (3, "Share\nTweet\n", "")
    assert sample.context_before == ("News ID: 12", "The ferry ran again.")  # the text is whole: a marked line too
    assert sample.context_after == ("It was full.", "Ads by us")
    assert report.sample("ads")[0].context_before == ("Tweet", "It was full.")
    assert [(loss.doc_id, loss.bytes_removed, loss.edits) for loss in report.top()] == [("d", 34, 3)]
    with pytest.raises(ValueError, match="both edits and marks"):
        report.add("e", "e.txt", [removal("r", 0, "x\n")], [], "x\n", [mark("r", "x\n", 0, 2, 1)])


def test_a_marks_run_counts_per_rule_what_a_normal_run_of_its_stages_removes(corpus, marked, tmp_path):
    """Lines and bytes per rule, and documents, as the run that removes what the marks cover (marks of one rule
    that meet are one mark, so the count of marks may be smaller than of edits)."""
    log = tmp_path / "removed-edits.jsonl"
    assert run("clean", "-q", corpus, "-o", tmp_path / "removed.jsonl", "--edits", log, "--only", "boilerplate",
               "--only", "date_header", "--no-unicode", "--no-tidy").exit_code == 0
    def counts(report):
        return {rule: (t.lines_removed, t.bytes_removed, t.documents, t.kind) for rule, t in report.rules.items()}
    from_marks = RunReport.from_edit_log(marked["edits.jsonl"])
    assert counts(from_marks) == counts(RunReport.from_edit_log(log)) and from_marks.rules
    assert from_marks.marks_run and not RunReport.from_edit_log(log).marks_run


def test_the_marks_run_log_gives_the_counts_the_run_gave(marked):
    from_log = RunReport.from_edit_log(marked["edits.jsonl"])
    stats = json.loads(marked["stats.json"].read_text())
    assert stats["marks_run"] and not stats["edits_by_rule"]
    assert {rule: tally.edits for rule, tally in from_log.rules.items()} == stats["marks_by_rule"]
    assert {rule: tally.bytes_removed for rule, tally in from_log.rules.items()} == stats["bytes_marked_by_rule"]
    assert (from_log.marked, from_log.bytes_removed) == (stats["marked"], stats["bytes_marked"])
    samples = [sample for rule in from_log.rules for sample in from_log.sample(rule)]
    assert samples and all(sample.line for sample in samples), "a mark's record holds its line"


def test_a_malformed_mark_is_named_by_its_line(tmp_path, marked):
    lines = marked["edits.jsonl"].read_text(encoding="utf-8").splitlines()
    for problem, message in ((lambda m: m.update(end=m["end"] + 1), r"mark 0 spans \d+ to \d+, which does not fit"),
                             (lambda m: m.update(line=0), "mark 0 has line 0, not a whole number from 1"),
                             (lambda m: m.pop("before"), "mark 0 has no before")):
        record = json.loads(lines[1])
        problem(record["marks"][0])
        bad = tmp_path / "bad.jsonl"
        bad.write_text("\n".join([lines[0], json.dumps(record), *lines[2:]]) + "\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"bad\.jsonl:2: document record whose " + message):
            RunReport.from_edit_log(bad)


# --- reading the edit log


def test_the_edit_log_gives_the_counts_the_run_gave(cleaned):
    from_log = RunReport.from_edit_log(cleaned["edits.jsonl"])
    stats = json.loads(cleaned["stats.json"].read_text())
    assert {rule: tally.edits for rule, tally in from_log.rules.items()} == stats["edits_by_rule"]
    assert {rule: tally.bytes_removed for rule, tally in from_log.rules.items()} == stats["bytes_removed_by_rule"]
    assert dict(from_log.metadata_fields) == stats["metadata_fields"]
    assert (from_log.shards, from_log.documents_in_shards) == (1, len(DOCS))


def test_the_page_from_the_log_has_the_run_pages_rule_table_and_samples(cleaned, tmp_path):
    """With the run's --stats the counts are the run's, the log read for the samples only; without, all from the
    log: the same numbers, the same samples, and the page says which."""
    assert run("report", cleaned["edits.jsonl"], "--stats", cleaned["stats.json"], "-o", tmp_path / "stats.html"
               ).exit_code == 0
    assert run("report", cleaned["edits.jsonl"], "--no-stats", "-o", tmp_path / "log.html").exit_code == 0
    from_run, from_stats, from_log = (Page(path.read_text(encoding="utf-8")) for path in
                                      (cleaned["run.html"], tmp_path / "stats.html", tmp_path / "log.html"))
    for page in (from_stats, from_log):
        assert from_run.tables["rule-table"] == page.tables["rule-table"]
        assert from_run.tables["metadata-fields"] == page.tables["metadata-fields"]
        assert from_run.bars == page.bars and from_run.bars["loss-histogram"]
        assert from_run.sample_ids == page.sample_ids and from_run.sample_ids
    def without_share(rows):  # a document's share of its size needs its text, which the run has, and not its log
        return [row[:2] + row[3:] for row in rows]
    assert from_run.tables["top-documents"] == from_stats.tables["top-documents"]
    assert without_share(from_run.tables["top-documents"]) == without_share(from_log.tables["top-documents"])
    assert from_run.tables["top-documents"][0][2].endswith("%") and from_log.tables["top-documents"][0][2] == "–"
    assert "The counts are those the run made" in from_stats.text and "counts are those" not in from_log.text


@pytest.mark.parametrize("marks", [[], ["--marks"]])
def test_the_runs_counts_are_those_of_the_whole_reading_and_the_draw_the_same(tmp_path, monkeypatch, marks):
    """A log of many documents read in small chunks, each edit's (or mark's) line parsed only where it is drawn."""
    corpus = tmp_path / "many.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"{doc['id']}-{n}", "text": f"{doc['text']}Note {n} of the desk.\n"})
                              + "\n" for n in range(40) for doc in DOCS), encoding="utf-8")
    log, stats = tmp_path / "many.edits.jsonl", tmp_path / "many.stats.json"
    assert run("clean", "-q", corpus, "-o", tmp_path / "out", "--format", "jsonl", "--edits", log, "--stats", stats,
               *marks).exit_code == 0
    monkeypatch.setattr("textclean.runs.run_report.DRAW_CHUNK", 700)
    counts = json.loads(stats.read_text())["report"]
    quick, whole = RunReport.from_edit_log(log, counts), RunReport.from_edit_log(log)
    assert quick.counted_by_run and not whole.counted_by_run and quick.marks_run == whole.marks_run == bool(marks)
    def without_sizes(counts):  # a document's size needs its text, which the run has, and not its log
        return {**counts, "top": [{**loss, "bytes_in": None} for loss in counts["top"]]}
    assert quick.counts()["top"][0]["bytes_in"] and whole.counts()["top"][0]["bytes_in"] is None
    assert without_sizes(quick.counts()) == whole.counts() and quick.rules
    assert (quick.shards, quick.documents_in_shards) == (whole.shards, whole.documents_in_shards) == (1, 160)
    assert all(quick.sample(rule) == whole.sample(rule) for rule in whole.rules)
    assert sum(len(whole.sample(rule)) for rule in whole.rules) > 10


@pytest.mark.parametrize("change", ["another run", "a line changed", "a count changed", "not counts"])
def test_counts_the_log_does_not_hold_are_not_taken(cleaned, corpus, tmp_path, change):
    log, counts = cleaned["edits.jsonl"], json.loads(cleaned["stats.json"].read_text())["report"]
    if change == "another run":  # a run of a part of the corpus
        corpus.write_text("".join(corpus.read_text().splitlines(keepends=True)[:2]), encoding="utf-8")
        stats = tmp_path / "part.json"
        assert run("clean", "-q", corpus, "-o", tmp_path / "part.jsonl", "--edits", tmp_path / "part.edits.jsonl",
                   "--stats", stats).exit_code == 0
        counts = json.loads(stats.read_text())["report"]
    elif change == "a line changed":  # a record with a field that holds an edit of its own
        lines = log.read_text(encoding="utf-8").splitlines()
        record = json.loads(lines[1])
        record["spans"] = [dict(record["edits"][0])]
        log = tmp_path / "changed.jsonl"
        log.write_text("\n".join([lines[0], json.dumps(record), *lines[2:]]) + "\n", encoding="utf-8")
    elif change == "a count changed":
        counts["rules"]["newsletter.prompt"]["edits"] += 1
    else:
        counts["rules"]["newsletter.prompt"]["lines_removed"] = "2"
    report = RunReport.from_edit_log(log, counts)
    assert not report.counted_by_run
    assert report.counts() == RunReport.from_edit_log(log).counts() and report.rules


def test_fields_the_log_does_not_know_are_passed_over(cleaned, tmp_path):
    """Any field a later textclean adds to a document record or an edit."""
    lines = cleaned["edits.jsonl"].read_text(encoding="utf-8").splitlines()
    changed = []
    for line in lines:
        record = json.loads(line)
        if record["type"] == "document":
            record["spans"] = [{"rule": "x", "start": 0, "end": 1}]
            for edit in record["edits"]:
                edit["span_kind"] = "line"
        changed.append(json.dumps(record))
    log = tmp_path / "extended.jsonl"
    log.write_text("\n".join(changed) + "\n", encoding="utf-8")
    assert RunReport.from_edit_log(log).rules.keys() == RunReport.from_edit_log(cleaned["edits.jsonl"]).rules.keys()


def test_a_stopped_run_is_read_from_the_parts_it_left(cleaned, tmp_path):
    log = cleaned["edits.jsonl"]
    folder = parts_folder(log)
    folder.mkdir()
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / ("0" * 32 + ".jsonl")).write_text("".join(lines[1:]), encoding="utf-8")
    whole = RunReport.from_edit_log(log)
    log.unlink()
    from_parts = RunReport.from_edit_log(log)
    assert {rule: tally.edits for rule, tally in from_parts.rules.items()} == \
        {rule: tally.edits for rule, tally in whole.rules.items()}


def test_a_malformed_record_is_named_by_its_line(tmp_path, cleaned):
    lines = cleaned["edits.jsonl"].read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[2])
    record["edits"][0]["start"] = -3
    lines[2] = json.dumps(record)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:3: document record whose edit 0 spans -3"):
        RunReport.from_edit_log(bad)
    result = run("report", bad, "-o", tmp_path / "r.html")
    assert result.exit_code == 1 and "bad.jsonl:3:" in result.stderr
    assert not (tmp_path / "r.html").exists()


# --- the page


def test_hostile_text_is_escaped(cleaned):
    page = cleaned["run.html"].read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "valley-2 &lt;script&gt;" in page


def test_lone_surrogates_and_control_text_do_not_break_the_page():
    report = RunReport()
    report.add("d\ud800", "f", [removal("r", 0, "bad \udc80 text\n")], ["x</td>"])
    page = render_page(report)
    page.encode("utf-8")
    assert "x&lt;/td&gt;" in page


def test_an_edit_of_characters_one_cannot_see_shows_their_code_points():
    report = RunReport()
    edits = [Edit("chars.harakat", "characters", 3, 4, "\u0652", ""), Edit("nbsp", "characters", 3, 4, "\u00a0", " "),
             Edit("name", "variants", 0, 3, "Ali", "Aly")]
    report.add("d", "f", edits, [], "Ali\u0652\u00a0x\n")
    page = render_page(report)
    assert "U+0652 → ∅" in page and "U+00A0 → U+0020" in page and "U+0041" not in page


def test_the_page_is_self_contained(cleaned):
    page = cleaned["run.html"].read_text(encoding="utf-8")
    assert not re.search(r"(?:src|href)\s*=\s*\"(?!#)", page), "nothing fetched, no link out of the page"
    assert "@import" not in page and "url(" not in page


def test_the_same_run_gives_the_same_page(tmp_path, corpus, cleaned):
    again = tmp_path / "again.html"
    assert run("clean", "-q", corpus, "-o", tmp_path / "out2.jsonl", "--report", again).exit_code == 0

    def timeless(path):  # the seconds a run took are the one thing two runs do not share
        return re.sub(r"[\d.,]+ s\b", "", path.read_text(encoding="utf-8"))
    assert timeless(again) == timeless(cleaned["run.html"])


def test_the_run_page_shows_the_run(cleaned):
    page = Page(cleaned["run.html"].read_text(encoding="utf-8"))
    stats = json.loads(cleaned["stats.json"].read_text())
    assert [row[0] for row in page.tables["rule-table"]] == sorted(stats["edits_by_rule"],
                                                                  key=lambda r: (-stats["edits_by_rule"][r], r))
    fields = stats["metadata_fields"]
    assert [row[0] for row in page.tables["metadata-fields"]] == sorted(fields, key=lambda f: (-fields[f], f))
    assert set(fields) == {"news_id", "date"}
    assert "line 6" in page.text  # the newsletter line of valley-1, with its line
    assert "Farmers moved their herds to higher ground." in page.text  # the line above it, as context


def test_the_page_of_a_marks_run_shows_the_marks(marked, tmp_path):
    stats = json.loads(marked["stats.json"].read_text())
    assert run("report", marked["edits.jsonl"], "--stats", marked["stats.json"], "-o", tmp_path / "log.html"
               ).exit_code == 0
    from_run, from_log = (Page(path.read_text(encoding="utf-8"))
                          for path in (marked["run.html"], tmp_path / "log.html"))
    for page in (from_run, from_log):
        assert page.heads["rule-table"][2:6] == ["marks", "lines marked", "marks within a line", "bytes marked"]
        assert {row[0]: int(row[2]) for row in page.tables["rule-table"]} == stats["marks_by_rule"]
        assert page.heads["top-documents"][1] == "bytes marked"
        assert page.tables["top-documents"][0][0].startswith("valley-1")
        assert "A marks run" in page.text and "Marks per rule" in page.text and "Bytes marked per document" in page.text
        assert page.rows.get("marked") and not page.rows.get("removed")
        assert "removed" not in " ".join(page.heads["rule-table"] + page.heads["top-documents"])
    assert from_run.tables["rule-table"] == from_log.tables["rule-table"]
    assert "line 6" in from_run.text and "Farmers moved their herds to higher ground." in from_run.text
    assert "line 6" in from_log.text and "Farmers moved" not in from_log.text  # a log holds no lines around
    summary = {card[1]: card[0] for card in from_run.cards}
    assert summary["bytes out"] == summary["bytes in"] and summary["documents marked"] == str(stats["marked"])


def test_stats_hold_findings_and_rule_files(cleaned):
    stats = json.loads(cleaned["stats.json"].read_text())
    assert isinstance(stats["findings_by_rule"], dict)
    assert stats["rule_files"] and all(name.endswith(".yaml") for name in stats["rule_files"])


# --- the command line


def test_report_refuses_to_write_over_its_input(cleaned):
    result = run("report", cleaned["edits.jsonl"], "-o", cleaned["edits.jsonl"])
    assert result.exit_code == 2 and "is the file the report is made from" in result.stderr
    assert cleaned["edits.jsonl"].read_text(encoding="utf-8").startswith('{"type": "header"')


def test_report_takes_the_stats_the_log_names_wherever_the_two_went(cleaned, tmp_path):
    moved = tmp_path / "moved"
    moved.mkdir()
    for name in ("edits.jsonl", "stats.json"):
        cleaned[name].rename(moved / name)
    result = run("report", moved / "edits.jsonl", "-o", tmp_path / "r.html")
    assert result.exit_code == 0 and f"the run's stats: {moved / 'stats.json'}" in result.stderr
    page = Page((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert "The counts are those the run made" in page.text and "No --stats file given" not in page.text
    assert {card[1]: card[0] for card in page.cards}["documents"] == str(len(DOCS))


def test_report_never_takes_the_stats_of_another_run(cleaned, corpus, tmp_path):
    """A later run wrote its --stats over the file the log names: the log's run id is not in it."""
    assert run("clean", "-q", corpus, "-o", tmp_path / "again.jsonl", "--stats", cleaned["stats.json"]
               ).exit_code == 0
    result = run("report", cleaned["edits.jsonl"], "-o", tmp_path / "r.html")
    assert result.exit_code == 0 and "it is the stats of another run" in result.stderr
    assert "No --stats file given" in (tmp_path / "r.html").read_text(encoding="utf-8")
    result = run("report", cleaned["edits.jsonl"], "--stats", cleaned["stats.json"], "-o", tmp_path / "s.html")
    assert result.exit_code == 2 and "stats.json: the --stats file of another run" in result.stderr
    assert not (tmp_path / "s.html").exists()


def test_report_without_the_stats_the_log_names(cleaned, tmp_path):
    cleaned["stats.json"].unlink()
    result = run("report", cleaned["edits.jsonl"], "-o", tmp_path / "r.html")
    assert result.exit_code == 0 and "stats.json: cannot read" in result.stderr
    assert "No --stats file given" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_report_does_not_write_over_the_stats_the_log_names(cleaned):
    before = cleaned["stats.json"].read_bytes()
    result = run("report", cleaned["edits.jsonl"], "-o", cleaned["stats.json"])
    assert result.exit_code == 2 and "is the file the report is made from" in result.stderr
    assert cleaned["stats.json"].read_bytes() == before


def test_report_names_a_log_that_is_not_there_or_not_a_log(tmp_path):
    result = run("report", tmp_path / "missing.jsonl", "-o", tmp_path / "r.html")
    assert result.exit_code == 2 and "missing.jsonl: cannot read" in result.stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = run("report", empty, "-o", tmp_path / "r.html")
    assert result.exit_code == 1 and "empty.jsonl: empty: not an edit log" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_report_names_a_stats_file_it_cannot_use(cleaned, tmp_path):
    broken = tmp_path / "stats.json"
    broken.write_text("[1, 2", encoding="utf-8")
    result = run("report", cleaned["edits.jsonl"], "--stats", broken, "-o", tmp_path / "r.html")
    assert result.exit_code == 2 and "stats.json:1: not a --stats file" in result.stderr


def test_a_stats_file_of_other_types_is_shown_as_far_as_it_goes(cleaned, tmp_path):
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"documents": "many", "bytes_in": None, "seconds": "long", "emptied": [1],
                               "site_pass": {"pages": "x"}, "decoded_as": {"latin-1": "x"}, "rule_files": "nope",
                               "findings_by_rule": {"r": "x", "s": {"warning": 2}}, "skipped_shards": 3,
                               "run": json.loads(cleaned["stats.json"].read_text())["run"]}))
    assert run("report", cleaned["edits.jsonl"], "--stats", odd, "-o", tmp_path / "r.html").exit_code == 0
    page = Page((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert page.tables["findings-table"] == [["s", "0", "2", ""]]


def test_report_without_stats(cleaned, tmp_path):
    result = run("report", cleaned["edits.jsonl"], "--no-stats", "-o", tmp_path / "r.html", "--samples", "1")
    assert result.exit_code == 0
    page = Page((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert page.tables["rule-table"] and "No --stats file given" in page.text


def test_clean_report_claims_its_path(corpus, tmp_path):
    result = run("clean", "-q", corpus, "-o", tmp_path / "out.jsonl", "--report", corpus)
    assert result.exit_code == 2 and json.loads(corpus.read_text(encoding="utf-8").splitlines()[0])["id"] == "valley-1"


# --- in a browser


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("TEXTCLEAN_REQUIRE_CHROMIUM") == "1":
            pytest.fail("TEXTCLEAN_REQUIRE_CHROMIUM=1 and no chromium on PATH (Debian: apt-get install chromium)")
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium); CI sets TEXTCLEAN_REQUIRE_CHROMIUM=1")
    return found


def _in_chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=180, check=True)


def test_chromium_shows_the_rule_table_and_the_plots(cleaned, tmp_path):
    dom = Page(_in_chromium(cleaned["run.html"], tmp_path, "--dump-dom").stdout)
    stats = json.loads(cleaned["stats.json"].read_text())
    assert {row[0] for row in dom.tables["rule-table"]} == set(stats["edits_by_rule"])
    for row in dom.tables["rule-table"]:
        assert int(row[2].replace(",", "")) == stats["edits_by_rule"][row[0]]
    removing = [rule for rule, count in stats["edits_by_rule"].items() if count]
    assert len(dom.bars["rule-chart"]) >= len(removing) and max(dom.bars["rule-chart"]) > 100
    assert len(dom.bars["loss-histogram"]) >= 2
    assert dom.elements.get("script", 0) == 0 and dom.elements.get("img", 0) == 0, "the document's markup stays text"
    assert "<script>alert('x')</script>" in dom.text
    shot = tmp_path / "page.png"
    _in_chromium(cleaned["run.html"], tmp_path, "--window-size=1200,1600", f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_chromium_shows_a_marks_runs_marked_rows(marked, tmp_path):
    dom = Page(_in_chromium(marked["run.html"], tmp_path, "--dump-dom").stdout)
    stats = json.loads(marked["stats.json"].read_text())
    assert {row[0]: int(row[2]) for row in dom.tables["rule-table"]} == stats["marks_by_rule"]
    assert dom.heads["rule-table"][2] == "marks" and "A marks run" in dom.text
    assert len(dom.bars["rule-chart"]) >= len(stats["marks_by_rule"]) and len(dom.bars["loss-histogram"]) >= 2
    assert dom.rows.get("marked", 0) >= 1 and not dom.rows.get("removed")
    assert "<script>alert('x')</script>" in dom.text and dom.elements.get("script", 0) == 0


class Page(HTMLParser):
    """What a page shows: the text of each table's head and body cells by table id, the summary's cards, the
    widths of the bars of each chart by svg id, the sampled lines by class, the count of each element, and all
    its text."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.heads: dict[str, list[str]] = {}
        self.cards: list[list[str]] = []  # (value, label) of each summary card
        self.rows: dict[str, int] = {}  # sampled lines by their class (removed, marked, changed, ctx)
        self.bars: dict[str, list[float]] = {}
        self.elements: dict[str, int] = {}
        self.sample_ids: list[str] = []
        self._table = self._svg = None
        self._cell: list[str] | None = None
        self._head: list[str] | None = None
        self._card: list[str] | None = None
        self._in_body = self._in_sample = self._in_where = False
        self._chunks: list[str] = []
        self.feed(page)
        self.text = "".join(self._chunks)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements[tag] = self.elements.get(tag, 0) + 1
        css = (attrs.get("class") or "").split()
        if tag == "table":
            self._table = attrs.get("id")
            self.tables[self._table] = []
            self.heads[self._table] = []
        elif tag == "th":
            self._head = []
        elif tag == "div" and css == ["card"]:
            self.cards.append([])
        elif tag == "div" and self.cards and css in (["v"], ["k"]):
            self._card = []
        elif tag == "div" and css[:1] == ["row"] and len(css) == 2:
            self.rows[css[1]] = self.rows.get(css[1], 0) + 1
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.tables[self._table].append([])
        elif tag == "td" and self._in_body:
            self._cell = []
        elif tag == "svg":
            self._svg = attrs.get("id")
            self.bars[self._svg] = []
        elif tag == "rect" and self._svg and "bar" in (attrs.get("class") or "").split() and float(attrs["height"]):
            self.bars[self._svg].append(float(attrs["width"]))
        elif tag == "div" and attrs.get("class") == "sample":
            self._in_sample = True
        elif tag == "code" and self._in_sample:
            self._in_where = True
            self.sample_ids.append("")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "th" and self._head is not None:
            self.heads[self._table].append("".join(self._head).strip())
            self._head = None
        elif tag == "div" and self._card is not None:
            self.cards[-1].append("".join(self._card).strip())
            self._card = None
        elif tag == "td" and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "svg":
            self._svg = None
        elif tag == "code" and self._in_where:
            self._in_where = self._in_sample = False

    def handle_data(self, data):
        self._chunks.append(data)
        for collecting in (self._cell, self._head, self._card):
            if collecting is not None:
                collecting.append(data)
        if self._in_where and self.sample_ids:
            self.sample_ids[-1] += data
