"""Choose the page-evidence thresholds (rules-optional/page-evidence.yaml) by measurement, leaving one source out.

Reads the labelled corpus (../shared/corpus, outside the repository; skipped where absent). For each
source it chooses a setting on the other two and reports it on that one; then it chooses on all
sources. A setting qualifies where, on the sources it is chosen on, full-page precision is at least
0.97 and extractor-output precision at least 0.95 (or, where the rules without page evidence fall
short of that already, at least theirs), with at most 0.5% of main characters lost in both; among
those, the one with the highest full-page recall wins (then extractor recall).

The search runs a one-pass replica of the boilerplate stage: what the other rules remove is computed
once per page, page evidence again per setting; the held-out figures are the replica's (the stage
itself repeats until nothing changes, which the replica does not). The setting chosen on all sources
is then measured with the real stage (a Cleaner with only the boilerplate kind, no unicode repair or
tidy, as in eval_boilerplate.py), scored by eval_boilerplate.Score, per source.

    python benchmarks/tune_page_evidence.py [--corpus PATH] [--limit N]
"""
from __future__ import annotations

import argparse
import dataclasses
import gzip
import itertools
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_boilerplate import CORPUS, FORMS, SCORED_LABELS, Score, category, removed_lines  # noqa: E402

from textclean import Cleaner, RuleSet, load_rules  # noqa: E402
from textclean.kinds.boilerplate import BoilerplateStage, Page  # noqa: E402
from textclean.page_evidence import PageEvidence, Thresholds  # noqa: E402

RULE = "page.evidence"
GOALS = {"fullpage": (0.97, 0.005), "extracted": (0.95, 0.005)}  # precision at least, main characters lost at most
GRID = {  # jusText's defaults and a step on either side
    "length_low": [50, 70, 100],
    "length_high": [120, 200],
    "stopwords_low": [0.20, 0.30],
    "stopwords_high": [0.32],
    "max_digit_share": [0.5],
}
MAX_LENGTHS = [20, 30, 50, 70, 120]  # the page rule's max_length: the longest line it may remove


def read_corpus(corpus: Path, form: str, limit: int | None):
    """(source, text, labels) per document of one form."""
    with gzip.open(corpus / form / "corpus.jsonl.gz", "rt", encoding="utf-8") as texts, \
            gzip.open(corpus / form / "line_labels.jsonl.gz", "rt", encoding="utf-8") as labels:
        for count, (text_row, label_row) in enumerate(zip(texts, labels, strict=True)):
            if limit is not None and count >= limit:
                return
            doc, labelled = json.loads(text_row), json.loads(label_row)
            if doc["id"] != labelled["id"]:
                raise SystemExit(f"{corpus / form}: texts and labels do not line up at {doc['id']}")
            yield doc["source"], doc["text"], labelled["labels"]


@dataclasses.dataclass
class Prepared:
    """One page, with what the other rules remove, each line measured, and the scored lines' labels."""

    source: str
    page: Page
    removed: dict[int, str]
    headline: int | None
    known: dict[int, str]
    shapes: list
    scored: list[tuple[int, bool, int, bool]]  # (line, main?, characters, comment-widget category?)
    paragraphs: list[int]


def prepare(corpus: Path, form: str, limit: int | None, stage: BoilerplateStage, evidence: PageEvidence):
    prepared = []
    for source, text, labels in read_corpus(corpus, form, limit):
        page = Page(text)
        removed, _ = stage.phrase_removals(page)
        headline = stage._headline(page, removed)
        numbers = page.nonblank()
        known = {at: "bad" for at, line in enumerate(numbers) if line in removed}
        if headline is not None:
            known[numbers.index(headline)] = "good"
        scored = [(n, labels[n] == "main", len(page.lines[n]), category(page.lines[n]) == "comment widget")
                  for n in numbers if labels[n] in SCORED_LABELS]
        paragraphs = [n for n in numbers if stage.limits.paragraph(page.lines[n])]
        prepared.append(Prepared(source, page, removed, headline, known,
                                 evidence.shapes([page.lines[n] for n in numbers]), scored, paragraphs))
    return prepared


@dataclasses.dataclass
class Tally:
    """The counts of eval_boilerplate.Score that the search needs, kept without the lines."""

    removed: int = 0
    removed_main: int = 0
    main_chars: int = 0
    lost_chars: int = 0
    boilerplate: int = 0
    caught: int = 0
    comment_widgets: int = 0  # boilerplate lines of eval_boilerplate's "comment widget" category
    comment_widgets_caught: int = 0

    def __iadd__(self, other: Tally) -> Tally:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def precision(self) -> float:
        return 1 - self.removed_main / self.removed if self.removed else 1.0

    @property
    def loss(self) -> float:
        return self.lost_chars / self.main_chars if self.main_chars else 0.0

    def recall(self, kind: str | None = None) -> float:
        if kind == "comment widget":
            return self.comment_widgets_caught / self.comment_widgets if self.comment_widgets else 0.0
        return self.caught / self.boilerplate if self.boilerplate else 0.0


def replica_scores(prepared: list[Prepared], stage: BoilerplateStage, thresholds: Thresholds,
                   max_lengths: list[int]) -> dict[int, dict[str, Tally]]:
    """max_length -> source -> Tally, for one setting, by the one-pass replica; max_length 0: without page
    evidence."""
    evidence = PageEvidence(thresholds, {})
    page_rule = stage.pages[0]

    def good(shape) -> bool:
        return evidence.own_class(shape) == "good"

    limit = stage.limits.max_paragraph_loss
    scores: dict[int, dict[str, Tally]] = {m: defaultdict(Tally) for m in max_lengths}
    for doc in prepared:
        page, numbers = doc.page, doc.page.nonblank()
        classes = evidence.revised(doc.shapes, doc.known)
        bad = [numbers[at] for at, (_, final) in enumerate(classes) if final == "bad" and numbers[at] not in doc.removed
               and page_rule.fires_on(page, numbers[at])] if any(map(good, doc.shapes)) else []
        for max_length in max_lengths:
            removed = dict(doc.removed)
            removed.update((n, RULE) for n in bad if len(page.lines[n]) <= max_length)
            if doc.headline is not None and stage.taken_by_context(page, doc.headline, removed):
                del removed[doc.headline]
            if limit is not None and doc.paragraphs:
                taken = [n for n in doc.paragraphs if removed.get(n) in stage.unbounded]
                if sum(len(page.lines[n]) for n in taken) > limit * sum(len(page.lines[n]) for n in doc.paragraphs):
                    for n in taken:
                        del removed[n]
            tally = scores[max_length][doc.source]
            for n, main, chars, widget in doc.scored:
                gone = n in removed
                if main:
                    tally.main_chars += chars
                    if gone:
                        tally.removed += 1
                        tally.removed_main += 1
                        tally.lost_chars += chars
                else:
                    tally.boilerplate += 1
                    tally.comment_widgets += widget
                    if gone:
                        tally.removed += 1
                        tally.caught += 1
                        tally.comment_widgets_caught += widget
    return scores


def merged(scores: dict, sources: list[str], kind: type = Score):
    total = kind()
    for source in sources:
        part = scores.get(source, kind())
        if kind is Tally:
            total += part
            continue
        for name in ("removed", "removed_main", "main_lines", "main_chars", "lost_chars"):
            setattr(total, name, getattr(total, name) + getattr(part, name))
        for name in ("boilerplate", "caught"):
            getattr(total, name).update(getattr(part, name))
    return total


def qualifies(by_form: dict[str, Tally], without: dict[str, Tally]) -> bool:
    """The goals, where the rules without page evidence meet them; elsewhere, no lower precision than theirs."""
    return all(by_form[form].precision >= min(GOALS[form][0], without[form].precision)
               and by_form[form].loss <= GOALS[form][1] for form in FORMS)


def choose(results: list[tuple[dict, dict[str, dict[str, Tally]]]], sources: list[str],
           without: dict[str, dict[str, Tally]]) -> dict | None:
    """The qualifying setting with the best full-page recall on ``sources`` (then extractor recall)."""
    best, best_key = None, None
    base = {form: merged(without[form], sources, Tally) for form in FORMS}
    for setting, by_form in results:
        on = {form: merged(by_form[form], sources, Tally) for form in FORMS}
        if qualifies(on, base):
            key = (round(on["fullpage"].recall(), 4), round(on["extracted"].recall(), 4))
            if best_key is None or key > best_key:
                best, best_key = setting, key
    return best


def real_scores(corpus: Path, limit: int | None, ruleset: RuleSet) -> dict[str, dict[str, Score]]:
    """form -> source -> Score, from the real stage."""
    cleaner = Cleaner(ruleset, unicode=False, tidy=False)
    out: dict[str, dict[str, Score]] = {}
    for form in FORMS:
        out[form] = defaultdict(Score)
        for source, text, labels in read_corpus(corpus, form, limit):
            gone = removed_lines(text, cleaner.clean(text).edits)
            score = out[form][source]
            for number, (line, label) in enumerate(zip(text.split("\n"), labels, strict=True)):
                line = line.strip()
                if label in SCORED_LABELS and line:
                    score.add(line, label, gone.get(number))
    return out


def with_setting(ruleset: RuleSet, setting: dict | None) -> RuleSet:
    """The rules with the page rule set to ``setting``, or without it (None)."""
    rules = [dataclasses.replace(rule, spec={**rule.spec, **setting}) if rule.id == RULE else rule
             for rule in ruleset.rules if setting is not None or rule.id != RULE]
    return RuleSet(rules, ruleset.settings, ruleset.sources)


def line(name: str, score: Score | Tally) -> str:
    return (f"    {name:<22} recall {score.recall():.3f}  precision {score.precision:.4f}  "
            f"main lost {score.loss:.3%}  comment-widget recall {score.recall('comment widget'):.3f} "
            f"(n={score.comment_widgets if isinstance(score, Tally) else score.boilerplate['comment widget']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="The labelled corpus folder.")
    parser.add_argument("--limit", type=int, help="Only the first N documents of each form.")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"skipped: the labelled corpus is not at {args.corpus} (it lives outside the repository)")
        return 0
    ruleset = load_rules([ROOT / "rules-optional" / "page-evidence.yaml"]).select(only=["boilerplate"])
    page_rule = ruleset.by_id(RULE)
    stage = BoilerplateStage(ruleset.rules, ruleset.settings.get("boilerplate", {}))
    base = BoilerplateStage(with_setting(ruleset, None).rules, ruleset.settings.get("boilerplate", {}))
    measure = PageEvidence(Thresholds(), {language: frozenset(w.casefold() for w in words)
                                          for language, words in page_rule.spec["stopwords"].items()})
    started = time.perf_counter()
    prepared = {form: prepare(args.corpus, form, args.limit, base, measure) for form in FORMS}
    sources = sorted({doc.source for doc in prepared["fullpage"]})
    print(f"prepared {sum(map(len, prepared.values()))} pages in {time.perf_counter() - started:.0f} s; "
          f"sources {', '.join(sources)}")
    results = []
    for values in itertools.product(*GRID.values()):
        thresholds = dict(zip(GRID, values))
        if thresholds["length_high"] < thresholds["length_low"] or \
                thresholds["stopwords_high"] < thresholds["stopwords_low"]:
            continue
        by_form = {form: replica_scores(prepared[form], stage, Thresholds.of(thresholds), MAX_LENGTHS)
                   for form in FORMS}
        for max_length in MAX_LENGTHS:
            results.append(({**thresholds, "max_length": max_length},
                            {form: by_form[form][max_length] for form in FORMS}))
        print(f"  {thresholds}: {time.perf_counter() - started:.0f} s", flush=True)
    print(f"searched {len(results)} settings in {time.perf_counter() - started:.0f} s (one-pass replica)")
    without = {form: replica_scores(prepared[form], stage, Thresholds(), [0])[0] for form in FORMS}
    folds = [(f"held out {held}", [s for s in sources if s != held], [held]) for held in sources]
    for name, chosen_on, measured_on in folds:
        setting = choose(results, chosen_on, without)
        print(f"\n{name}: chosen on {', '.join(chosen_on)}: {setting}")
        if setting is None:
            print("    no setting meets the goals on these sources")
            continue
        by_form = next(by_form for candidate, by_form in results if candidate == setting)
        for form in FORMS:
            print(f"  {form} on {', '.join(measured_on)} (one-pass replica)")
            print(line("without page evidence", merged(without[form], measured_on, Tally)))
            print(line("with page evidence", merged(by_form[form], measured_on, Tally)))
    setting = choose(results, sources, without)
    print(f"\nall sources: chosen on {', '.join(sources)}: {setting}")
    if setting is not None:
        real = real_scores(args.corpus, args.limit, with_setting(ruleset, setting))
        for form in FORMS:
            print(f"  {form} (the real stage)")
            print(line("all sources", merged(real[form], sources)))
            for source in sources:
                print(line(f"  {source}", real[form][source]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
