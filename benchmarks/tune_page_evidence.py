"""Choose the page-evidence setting (the ``page.evidence`` rule) by measurement, leaving one source out.

Reads the labelled corpus (../shared/corpus, or the folder TEXTCLEAN_CORPUS names; outside the
repository, skipped where absent). For each source it chooses a setting on the other two and
reports that setting's figures on the held-out source; the three held-out sources pooled; and the
setting chosen on all sources, which is the one to ship, with its figures per source.

A setting qualifies on some sources where, there, full-page and extractor-output precision are at
least their goals (0.97, 0.95) -- or, where the rules without page evidence fall short of a goal
already, at least theirs -- less a tolerance (--tolerance, 0.005: the trade-off of a little precision
for recall), and at most 0.5% of main characters are lost in each rendering. Among those, the one
with the highest full-page recall wins (then extractor recall). None qualifying, the choice is no
page evidence at all.

Every rule but page evidence (the shipped rules, the site pass over the whole rendering included)
is run once per page, and the result cached (--cache); each setting then replays only page
evidence, the headline guard and the paragraph-loss limit, as the stage applies them after the
other rules. The stage itself runs again on its own output until nothing changes, which the
replay does not: confirm the shipped setting with benchmarks/eval_boilerplate.py, the real run.

    python benchmarks/tune_page_evidence.py [--rules PATH] [--cache DIR] [--limit N] [--tolerance P]
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
import pickle
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_boilerplate import CORPUS, FORMS, SCORED_LABELS, Score, c4_drops, category, read_form  # noqa: E402

from textclean import load_rules  # noqa: E402
from textclean.kinds.boilerplate import BoilerplateStage, Page  # noqa: E402
from textclean.kinds.page_evidence import PageEvidence, Thresholds, article_region  # noqa: E402
from textclean.matching.patterns import document_budget  # noqa: E402
from textclean.model.evidence import site_of  # noqa: E402

RULE = "page.evidence"
GOALS = {"fullpage": (0.97, 0.005), "extracted": (0.95, 0.005)}  # precision at least, main characters lost at most
GRID = {  # jusText's defaults and steps on either side
    "length_low": [50, 70, 100],
    "length_high": [100, 150, 200],
    "stopwords_low": [0.20, 0.30],
    "stopwords_high": [0.32],
}
MAX_LENGTHS = [20, 30, 50, 80]  # the rule's max_length: the longest line it may remove
#: (outside_article, min_removed): anywhere on the page, or outside the article's region beside so much furniture
OUTSIDE = [(False, 0), (True, 0), (True, 2), (True, 4), (True, 8), (True, 16)]


@dataclasses.dataclass
class Prepared:
    """One page: what the other rules remove, each non-blank line measured, the scored lines' labels."""

    source: str
    known: dict[int, str]  # index among the non-blank lines -> "bad" (removed by another rule) or "good" (headline)
    removed: dict[int, bool]  # index -> whether the rule that removed it counts against max_paragraph_loss
    shapes: list
    eligible: list[int]  # indices of the lines the rule's pattern matches, and their lengths below
    lengths: list[int]
    paragraphs: list[tuple[int, int]]  # (index, characters) of the lines that read like paragraphs
    articles: set[int]  # indices of the lines that read like paragraphs and no other rule removed
    scored: list[tuple[int, bool, int, str | None]]  # (index, main?, characters, category of boilerplate)


def prepare(form: str, stage: BoilerplateStage, matcher, evidence: PageEvidence, limit: int | None):
    """The pages of one rendering as the stage leaves them before page evidence, and C4's tally per source."""
    pages = read_form(form)[:limit]
    collector = stage.collector()
    sites = [site_of({"url": page.url}, {}, "url", "corpus.jsonl.gz", "corpus.jsonl.gz", False) for page in pages]
    for site, page in zip(sites, pages):
        collector.observe(site, page.text)
    learned = collector.freeze()
    prepared, c4 = [], defaultdict(Score)
    for site, labelled in zip(sites, pages):
        page = Page(labelled.text)
        with document_budget(labelled.text):
            removed, _ = stage.phrase_removals(page)
            unclaimed = (line for line in page.nonblank() if line not in removed)
            removed.update((line, rule) for line, (rule, _) in
                           stage.site_lines.find(page.lines, unclaimed, site, learned).items())
            headline = stage._headline(page, removed)
            if headline is not None and stage.taken_by_context(page, headline, removed):
                del removed[headline]
            numbers = page.nonblank()
            eligible = [at for at, line in enumerate(numbers) if line not in removed
                        and matcher.pattern.fullmatches(page.lines[line])]
        known = {at: "bad" for at, line in enumerate(numbers) if line in removed}
        if headline is not None:
            known[numbers.index(headline)] = "good"
        scored = []
        for at, line in enumerate(numbers):
            text, label = page.lines[line], labelled.labels[line]
            if label in SCORED_LABELS:
                main = label == "main"
                scored.append((at, main, len(text), None if main else category(text)))
                c4[labelled.source].count(scored[-1:], (at,) if c4_drops(text) else ())
        prepared.append(Prepared(
            labelled.source, known, {at: removed[line] in stage.unbounded for at, line in enumerate(numbers)
                                     if line in removed},
            evidence.shapes([page.lines[line] for line in numbers]), eligible,
            [len(page.lines[numbers[at]]) for at in eligible],
            [(at, len(page.lines[line])) for at, line in enumerate(numbers) if stage.limits.paragraph(page.lines[line])],
            {at for at, line in enumerate(numbers) if line not in removed and stage.limits.paragraph(page.lines[line])},
            scored))
    return prepared, dict(c4)


def replay(prepared: list[Prepared], thresholds: Thresholds | None, max_paragraph_loss: float | None
           ) -> dict[tuple[int, bool, int], dict[str, Score]]:
    """(max_length, outside_article, min_removed) -> source -> Score, page evidence at ``thresholds`` (None:
    without it)."""
    evidence = PageEvidence(thresholds or Thresholds(), {})
    settings = [(length, *outside) for length, outside in itertools.product(MAX_LENGTHS, OUTSIDE)] \
        if thresholds else [(0, False, 0)]
    scores: dict[tuple[int, bool, int], dict[str, Score]] = {setting: defaultdict(Score) for setting in settings}
    for doc in prepared:
        bad, region, furniture = [], range(0), (0, 0)
        if thresholds and any(evidence.own_class(shape) == "good" for shape in doc.shapes):
            classes = evidence.revised(doc.shapes, doc.known)
            region = article_region([own == "good" or at in doc.articles for at, (own, _) in enumerate(classes)])
            bad = [(at, length) for at, length in zip(doc.eligible, doc.lengths) if classes[at][1] == "bad"]
            furniture = (sum(at < region.start for at, cls in doc.known.items() if cls == "bad"),
                         sum(at >= region.stop for at, cls in doc.known.items() if cls == "bad"))
        total = sum(chars for _, chars in doc.paragraphs)
        for max_length, outside, min_removed in settings:
            taken = {at for at, length in bad if length <= max_length and not (
                outside and (at in region or furniture[at >= region.stop] < min_removed))}
            gone = taken | doc.removed.keys()
            if max_paragraph_loss is not None and total:
                counted = [(at, chars) for at, chars in doc.paragraphs if at in taken or doc.removed.get(at)]
                if sum(chars for _, chars in counted) > max_paragraph_loss * total:
                    gone -= {at for at, _ in counted}
            score = scores[(max_length, outside, min_removed)][doc.source]
            score.count(doc.scored, gone)
    return scores


def merged(by_source: dict[str, Score], sources: list[str]) -> Score:
    total = Score()
    for source in sources:
        if source in by_source:
            total.merge(by_source[source])
    return total


def qualifies(on: dict[str, Score], base: dict[str, Score], tolerance: float) -> bool:
    """The goals, or, where the rules without page evidence miss a precision goal, their precision; each less
    ``tolerance``."""
    return all(on[form].precision >= min(GOALS[form][0], base[form].precision) - tolerance
               and on[form].loss <= GOALS[form][1] for form in FORMS)


def choose(results: list[tuple[dict, dict]], without: dict, sources: list[str], tolerance: float
           ) -> tuple[dict | None, dict]:
    """The qualifying setting with the best full-page recall on ``sources`` (then extractor recall), and its
    scores (form -> source -> Score); (None, the scores without page evidence) when none qualifies."""
    base = {form: merged(without[form], sources) for form in FORMS}
    best, best_scores, best_key = None, without, (base["fullpage"].recall(), base["extracted"].recall())
    for setting, by_form in results:
        on = {form: merged(by_form[form], sources) for form in FORMS}
        key = (on["fullpage"].recall(), on["extracted"].recall())
        if qualifies(on, base, tolerance) and key > best_key:
            best, best_scores, best_key = setting, by_form, key
    return best, best_scores


def row(name: str, score: Score, c4: Score | None = None) -> str:
    text = (f"    {name:<36}{score.recall():>8.3f}{score.precision:>11.4f}{score.loss:>9.3%}"
            f"{score.recall('comment widget'):>10.3f}")
    return text + (f"   C4 {c4.recall():.3f} / {c4.precision:.4f} / {c4.loss:.1%}" if c4 else "")


def cache_key(rule_files: list[Path], limit: int | None) -> str:
    """What the prepared pages depend on: the corpus files, the rule files, the stage's code, this script's and
    the scoring's (the pages are kept as this script's objects)."""
    digest = hashlib.sha256(str(limit).encode())
    for form in FORMS:
        for name in ("corpus.jsonl.gz", "line_labels.jsonl.gz"):
            stat = (CORPUS / form / name).stat()
            digest.update(f"{form}/{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    code = [ROOT / "textclean" / name for name in ("kinds/page_evidence.py", "model/evidence.py", "matching/lines.py")]
    code += sorted((ROOT / "textclean" / "kinds").glob("boilerplate*"))
    code += [Path(__file__).resolve(), ROOT / "benchmarks" / "eval_boilerplate.py"]
    for path in sorted(set(rule_files)) + code:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", type=Path, action="append", default=[],
                        help="An extra rule file or folder (repeatable), besides the shipped rules, which hold "
                             "page.evidence.")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "textclean-tune-page",
                        help="Where the prepared pages are kept between runs.")
    parser.add_argument("--limit", type=int, help="Only the first N documents of each rendering.")
    parser.add_argument("--tolerance", type=float, default=0.005,
                        help="How far below its goal (or the rules' own precision, where lower) a setting's "
                             "precision may fall on the sources it is chosen on.")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"skipped: the labelled corpus is not at {CORPUS} (it lives outside the repository)")
        return 0
    ruleset = load_rules(args.rules).select(only=["boilerplate"])
    settings = ruleset.settings.get("boilerplate", {})
    page_rule = ruleset.by_id(RULE)
    others = BoilerplateStage([rule for rule in ruleset.rules if rule.id != RULE], settings)
    with_rule = BoilerplateStage(ruleset.rules, settings)
    matcher = next(matcher for matcher in with_rule.pages if matcher.rule.id == RULE)
    measure = PageEvidence(Thresholds(), matcher.evidence.stopwords)
    started = time.perf_counter()
    files = [file for path in [ROOT / "rules", *args.rules]
             for file in (sorted(path.glob("*.yaml")) if path.is_dir() else [path])]
    cached = args.cache / f"prepared-{cache_key(files, args.limit)}.pickle"
    if cached.exists():
        prepared, c4 = pickle.loads(cached.read_bytes())
    else:
        prepared, c4 = {}, {}
        for form in FORMS:
            prepared[form], c4[form] = prepare(form, others, matcher, measure, args.limit)
        args.cache.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps((prepared, c4)))
    sources = sorted({doc.source for doc in prepared["fullpage"]})
    print(f"prepared {sum(map(len, prepared.values()))} pages in {time.perf_counter() - started:.0f} s "
          f"({cached}); sources {', '.join(sources)}; the rules' page.evidence: "
          f"{ {key: page_rule.spec[key] for key in (*GRID, 'max_length', 'outside_article', 'min_removed') if key in page_rule.spec} }")
    limit = settings.get("max_paragraph_loss")
    without = {form: replay(prepared[form], None, limit)[(0, False, 0)] for form in FORMS}
    results = []
    for values in itertools.product(*GRID.values()):
        thresholds = dict(zip(GRID, values))
        if thresholds["length_high"] < thresholds["length_low"]:
            continue
        by_form = {form: replay(prepared[form], Thresholds.of(thresholds), limit) for form in FORMS}
        for setting, scores in by_form["fullpage"].items():
            max_length, outside, min_removed = setting
            results.append(({**thresholds, "max_length": max_length, "outside_article": outside,
                             **({"min_removed": min_removed} if outside else {})},
                            {form: by_form[form][setting] for form in FORMS}))
    print(f"replayed {len(results)} settings in {time.perf_counter() - started:.0f} s")
    header = f"    {'':<36}{'recall':>8}{'precision':>11}{'lost':>9}{'comments':>10}   C4 recall / precision / lost"
    held_out = {form: defaultdict(Score) for form in FORMS}
    for held in sources:
        chosen_on = [source for source in sources if source != held]
        setting, scores = choose(results, without, chosen_on, args.tolerance)
        print(f"\nheld out {held}: chosen on {', '.join(chosen_on)}: {setting or 'no page evidence'}")
        for form in FORMS:
            held_out[form][held] = scores[form][held]
            print(f"  {form}\n{header}")
            print(row(f"{held}, without page evidence", without[form][held], c4[form][held]))
            print(row(f"{held}, chosen setting", scores[form][held]))
    print("\nall three held out, pooled (each source scored with the setting chosen on the other two)")
    for form in FORMS:
        print(f"  {form}\n{header}")
        print(row("without page evidence", merged(without[form], sources), merged(c4[form], sources)))
        print(row("chosen settings", merged(held_out[form], sources)))
    setting, scores = choose(results, without, sources, args.tolerance)
    print(f"\nchosen on all sources, the setting to ship: {setting or 'no page evidence'}")
    for form in FORMS:
        print(f"  {form}\n{header}")
        print(row("all sources, without", merged(without[form], sources), merged(c4[form], sources)))
        print(row("all sources, chosen", merged(scores[form], sources)))
        for source in sources:
            print(row(f"  {source}", scores[form][source], c4[form][source]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
