"""How well the boilerplate rules separate page furniture from article text, on the labelled corpus.

Runs ``textclean clean CORPUS --only boilerplate --no-unicode --no-tidy`` (the boilerplate stage
alone, so that each edit removes one line), once over the whole of each rendering of
../shared/corpus (full-page text and main-content extractor output), so that the first pass of
the site_lines rules sees every page of each site; it reads the edit log and compares the result
with a C4-style line filter. Per rendering it prints removal precision, main text lost, boilerplate
recall overall, per category (comment widgets among them) and per source, the main lines wrongly
removed and the boilerplate lines most often kept. Lines labelled null or blank are not scored;
comments and related count as boilerplate. Categories come from a keyword heuristic in this script
(CATEGORIES), not from the labels.

Leave-one-source-out: for each source (the ``source`` field), the site_lines settings (min_pages,
min_share, max_length, or none at all) are chosen on the other two sources -- the most recall at
the precision and loss goals -- and the source is scored with them, in a run over the whole corpus.
A setting qualifies when the lines it alone removes meet the precision goal and the run meets
the loss goal; computed from one run without the site_lines rule and the page counts of a first
pass (textclean.model.evidence). The figures printed are those of real runs.

    python benchmarks/eval_boilerplate.py [--form fullpage|extracted] [--top N] [--rules PATH] [--no-loso]

The corpus lives outside the repository (../shared/corpus, or the folder TEXTCLEAN_CORPUS names);
without it the script says so and exits 0.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textclean.kinds.boilerplate_site import SiteLineCounts, line_key  # noqa: E402
from textclean.model.document import Edit, input_offset  # noqa: E402
from textclean.model.evidence import site_of  # noqa: E402
from textclean.pipeline.rulefile import load_rules  # noqa: E402

#: The corpus, ../shared/corpus from the repository root unless TEXTCLEAN_CORPUS names another folder.
CORPUS = Path(os.environ.get("TEXTCLEAN_CORPUS", ROOT.parent / "shared" / "corpus"))
FORMS = ("fullpage", "extracted")
BOILERPLATE_LABELS = {"boilerplate", "comments", "related"}
SCORED_LABELS = BOILERPLATE_LABELS | {"main"}
#: The goals settings are chosen for, per rendering (issue 16): removal precision, share of main characters lost.
GOALS = {"fullpage": (0.97, 0.005), "extracted": (0.95, 0.005)}
SITE_RULE = "site.repeated-line"
#: The site_lines settings leave-one-source-out chooses from: (min_pages, min_share, max_length); None: no rule.
GRID = [None, *itertools.product((2, 3, 4, 6, 10), (0.0, 0.25, 0.5), (60, 120, 200))]

# A line's category: the first pattern that finds something in it (case-insensitive); "other" otherwise.
CATEGORIES = [
    ("cookie", r"cookie|consent|gdpr|datenschutz|privacy (?:settings|preferences|choices)"),
    ("comment widget", r"\bcomment|\brepl(?:y|ies)\b|disqus|akismet|required fields|will not be published"
                       r"|trackback|pingback|kommentar|commentaire|comentario|\bquote\b"),
    ("share", r"\bshare|\btweet|facebook|twitter|whatsapp|linkedin|pinterest|reddit|flipboard|instagram|youtube"
              r"|e-?mail (?:this|to a friend|article|story)|^e-?mail$|^print(?: this| article| story)?$|follow us"
              r"|teilen|partager|compartir|condividi|\bdelen\b|bookmark|permalink"),
    ("related", r"related|you (?:may|might) also|most (?:popular|read|viewed|emailed|shared|commented)"
                r"|read more|more (?:stories|news|from|on|articles|headlines)|recommended|trending|top stories"
                r"|see also|also read|further reading|popular (?:posts|stories|articles)|latest (?:news|stories|posts)"
                r"|previous (?:post|article)|next (?:post|article)|weiterlesen|lire aussi|leer m[aá]s"),
    ("newsletter/login", r"newsletter|subscri|sign (?:in|up|out)|log ?(?:in|out)|register|my account|password"
                         r"|create an account|anmelden|abonn|inscri"),
    ("breadcrumb", r"you are here|^home\s*(?:[>»›/|:]|$)|\s[>»›]\s"),
    ("byline", r"^(?:by|posted by|written by|von|par|por|di|door)\s|\bstaff (?:writer|reporter)|correspondent"
               r"|^author\b|^posted (?:on|at|in)\b"),
    ("footer", r"©|copyright|all rights reserved|privacy|terms (?:of|and)|contact|about us|advertis|site ?map"
               r"|back to top|careers|imprint|impressum|disclaimer|\brss\b|\bfaq\b|accessibility|\bhelp\b|\bjobs\b"),
]
_CATEGORY_PATTERNS = [(name, re.compile(pattern, re.IGNORECASE)) for name, pattern in CATEGORIES]


@functools.cache
def category(line: str) -> str:
    for name, pattern in _CATEGORY_PATTERNS:
        if pattern.search(line):
            return name
    return "other"


# --- the C4 reference (Raffel et al. 2020, section 2.2), line rules only ---------------------------------------
_C4_POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")
_C4_TERMINAL = (".", "!", "?", '"', "”", "’", "'")


@functools.cache
def c4_drops(line: str) -> bool:
    """C4's line filter: no 'javascript', no policy notice, at least 3 words, terminal punctuation."""
    lower = line.lower()
    return ("javascript" in lower or any(p in lower for p in _C4_POLICY) or len(line.split()) < 3
            or not line.endswith(_C4_TERMINAL))


# --- scoring ---------------------------------------------------------------------------------------------------
@dataclass
class Score:
    """Removal counts over scored lines (also tune_page_evidence.py's): ``add`` a line with its text, or ``count``
    lines by their sizes and categories alone, which leaves the per-line lists (wrongly removed, kept) and the
    per-rule counts out."""

    removed: int = 0
    removed_main: int = 0
    main_lines: int = 0
    main_chars: int = 0
    lost_chars: int = 0
    boilerplate: Counter = field(default_factory=Counter)  # category -> lines
    caught: Counter = field(default_factory=Counter)  # category -> removed lines
    wrongly_removed: Counter = field(default_factory=Counter)  # (rule, line) -> count
    kept: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)  # rule -> lines removed
    main_by_rule: Counter = field(default_factory=Counter)  # rule -> main lines removed

    def add(self, line: str, label: str, rule: str | None) -> None:
        """Count one scored line; ``rule`` is what removed it (None: kept)."""
        main, gone = label == "main", rule is not None
        self.count([(0, main, len(line), None if main else category(line))], (0,) if gone else ())
        if gone:
            self.by_rule[rule] += 1
            self.main_by_rule[rule] += main
            if main:
                self.wrongly_removed[(rule, line)] += 1
        elif not main:
            self.kept[line] += 1

    def count(self, lines: Iterable[tuple[int, bool, int, str | None]], removed: Container[int]) -> None:
        """Count scored lines, each (index, main text?, characters, category if boilerplate), those whose index is
        in ``removed`` as removed."""
        boilerplate, caught = self.boilerplate, self.caught
        main_lines = main_chars = removed_main = lost_chars = removed_boilerplate = 0
        for at, main, chars, kind in lines:
            if main:
                main_lines += 1
                main_chars += chars
                if at in removed:
                    removed_main += 1
                    lost_chars += chars
            else:
                boilerplate[kind] += 1
                if at in removed:
                    removed_boilerplate += 1
                    caught[kind] += 1
        self.main_lines += main_lines
        self.main_chars += main_chars
        self.removed += removed_main + removed_boilerplate
        self.removed_main += removed_main
        self.lost_chars += lost_chars

    def merge(self, other: Score) -> None:
        for name in ("removed", "removed_main", "main_lines", "main_chars", "lost_chars"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("boilerplate", "caught", "wrongly_removed", "kept", "by_rule", "main_by_rule"):
            getattr(self, name).update(getattr(other, name))

    @property
    def precision(self) -> float:
        return 1 - self.removed_main / self.removed if self.removed else 1.0

    @property
    def loss(self) -> float:
        return self.lost_chars / self.main_chars if self.main_chars else 0.0

    def recall(self, kind: str | None = None) -> float:
        total = sum(self.boilerplate.values()) if kind is None else self.boilerplate[kind]
        caught = sum(self.caught.values()) if kind is None else self.caught[kind]
        return caught / total if total else 0.0


@dataclass(frozen=True)
class Page:
    id: str
    source: str
    url: str | None
    text: str
    labels: list[str | None]


def read_form(form: str) -> list[Page]:
    """The pages of one rendering with their line labels, checking that texts and labels belong together."""
    pages = []
    with gzip.open(CORPUS / form / "corpus.jsonl.gz", "rt", encoding="utf-8") as texts, \
            gzip.open(CORPUS / form / "line_labels.jsonl.gz", "rt", encoding="utf-8") as labels:
        for text_row, label_row in zip(texts, labels, strict=True):
            doc, labelled = json.loads(text_row), json.loads(label_row)
            if doc["id"] != labelled["id"] or len(doc["text"].split("\n")) != len(labelled["labels"]):
                raise SystemExit(f"{CORPUS / form}: texts and labels do not line up at {doc['id']}")
            pages.append(Page(doc["id"], doc["source"], doc.get("url"), doc["text"], labelled["labels"]))
    return pages


def removed_lines(text: str, edits: list[Edit]) -> dict[int, str]:
    """Line number in ``text`` (split on "\\n") -> the rule that removed it; each boilerplate edit is one line."""
    numbers = {}
    for index, edit in enumerate(edits):
        start = input_offset(edits[:index], edit.start)
        numbers[text.count("\n", 0, start) + edit.before.startswith("\n")] = edit.rule
    return numbers


def clean_corpus(form: str, pages: list[Page], rules: list[str], setting, workdir: Path) -> dict[str, dict[int, str]]:
    """One ``textclean clean`` over the whole rendering with the site_lines rule at ``setting`` (None: without
    it); page id -> line number -> the rule that removed it."""
    extra = [arg for path in rules for arg in ("--rules", path)]
    if setting is not None:
        extra += ["--rules", str(site_rule_file(setting, workdir))]
    edits = workdir / "edits.jsonl"
    subprocess.run([sys.executable, "-m", "textclean", "clean", str(CORPUS / form / "corpus.jsonl.gz"),
                    "-o", str(workdir / "out.jsonl"), "--only", "boilerplate", "--no-unicode", "--no-tidy",
                    "--disable", SITE_RULE, "--edits", str(edits), "--no-progress", "-q", *extra],
                   check=True, cwd=ROOT)
    texts = {page.id: page.text for page in pages}
    removed = {}
    with edits.open(encoding="utf-8") as log:
        for line in log:
            record = json.loads(line)
            if record.get("type") == "document":
                removed[record["id"]] = removed_lines(texts[record["id"]], [Edit.from_dict(e) for e in record["edits"]])
    return removed


def site_rule_file(setting, workdir: Path) -> Path:
    """A rule file holding the site_lines rule at ``setting``, in place of the shipped one."""
    min_pages, min_share, max_length = setting
    path = workdir / f"site-{min_pages}-{min_share}-{max_length}.yaml"
    rule = {"id": "eval.site-lines", "kind": "boilerplate", "shape": "site_lines",
            "description": "The site_lines rule at the settings under evaluation.", "min_pages": min_pages,
            "min_share": min_share, "max_length": max_length, "examples": [{"keep": "A line.\n"}]}
    path.write_text(yaml.safe_dump({"rules": [rule]}), encoding="utf-8")
    return path


def page_counts(pages: list[Page], max_length: int) -> list[dict[int, tuple[int, int]]]:
    """Per page: line number -> (pages of its site it stands on, pages of the site), from a first pass as
    ``textclean clean`` makes it over this rendering."""
    counts = SiteLineCounts(max_length, 2, None)
    sites = [site_of({"url": page.url}, {}, "url", "corpus.jsonl.gz", "corpus.jsonl.gz", False) for page in pages]
    for site, page in zip(sites, pages):
        counts.observe(site, page.text)
    evidence = counts.freeze()
    found = []
    for site, page in zip(sites, pages):
        seen = evidence.lines.get(site, {})
        found.append({number: (seen.get(line_key(line.strip()), 0), evidence.pages[site])
                      for number, line in enumerate(page.text.split("\n")) if line.strip()})
    return found


def score(pages: list[Page], removed: dict[str, dict[int, str]], sources: set[str] | None = None
          ) -> tuple[Score, Score]:
    """Our score and C4's over the pages of ``sources`` (all: None)."""
    ours, c4 = Score(), Score()
    for page in pages:
        if sources is not None and page.source not in sources:
            continue
        gone = removed.get(page.id, {})
        for number, (line, label) in enumerate(zip(page.text.split("\n"), page.labels, strict=True)):
            line = line.strip()
            if label not in SCORED_LABELS or not line:
                continue
            ours.add(line, label, gone.get(number))
            c4.add(line, label, "c4" if c4_drops(line) else None)
    return ours, c4


@dataclass
class Candidates:
    """The scored lines of some sources that only the site_lines rule could remove, and the score without it."""

    base: Score
    lines: list[tuple[bool, int, int, int]]  # (main?, length, pages of the site it stands on, pages of the site)


def candidates(pages: list[Page], others: dict[str, dict[int, str]], counts, sources: set[str]) -> Candidates:
    base, _ = score(pages, others, sources)
    lines = []
    for page in pages:
        if page.source not in sources:
            continue
        gone = others.get(page.id, {})
        for number, (line, label) in enumerate(zip(page.text.split("\n"), page.labels, strict=True)):
            line = line.strip()
            seen, site_pages = counts[page.id].get(number, (0, 0))
            if label in SCORED_LABELS and line and number not in gone and seen >= 2:
                lines.append((label == "main", len(line), seen, site_pages))
    return Candidates(base, lines)


def choose(form: str, found: Candidates):
    """The setting with the most recall whose own removals meet the precision goal and whose run meets the loss
    goal; None (no site_lines rule) when none does."""
    precision_goal, loss_goal = GOALS[form]
    base = found.base
    best, best_recall = None, base.recall()
    for setting in GRID[1:]:
        min_pages, min_share, max_length = setting
        removed = main = lost = 0
        for is_main, length, seen, site_pages in found.lines:
            if length <= max_length and seen >= min_pages and seen >= min_share * site_pages:
                removed += 1
                main += is_main
                lost += length if is_main else 0
        own_precision = 1 - main / removed if removed else 1.0
        loss = (base.lost_chars + lost) / base.main_chars if base.main_chars else 0.0
        recall = (sum(base.caught.values()) + removed - main) / max(sum(base.boilerplate.values()), 1)
        if own_precision >= precision_goal and loss <= loss_goal and recall > best_recall:
            best, best_recall = setting, recall
    return best


def leave_one_source_out(form: str, pages: list[Page], rules: list[str], workdir: Path) -> None:
    """Per source: settings chosen on the others, figures of a whole-corpus run with them on this one."""
    sources = sorted({page.source for page in pages})
    others = clean_corpus(form, pages, rules, None, workdir)
    by_line = page_counts(pages, max(setting[2] for setting in GRID if setting))
    counts = {page.id: found for page, found in zip(pages, by_line)}
    runs: dict = {None: others}
    print(f"\n--- {form}: leave-one-source-out (settings chosen on the other sources; "
          f"goals precision >= {GOALS[form][0]}, main text lost <= {GOALS[form][1]:.1%})")
    print(f"  {'held out':<18}{'chosen (N, share, length)':<28}{'recall':>8}{'precision':>11}{'lost':>8}"
          f"{'comments':>10}   C4 recall / precision / lost")
    held_out = Score(), Score()
    for source in [*sources, None]:
        if source is None:
            ours, c4 = held_out
            setting = "per source"
        else:
            setting = choose(form, candidates(pages, others, counts, set(sources) - {source}))
            if setting not in runs:
                runs[setting] = clean_corpus(form, pages, rules, setting, workdir)
            ours, c4 = score(pages, runs[setting], {source})
            for total, part in zip(held_out, (ours, c4)):
                total.merge(part)
        print(f"  {source or 'all, held out':<18}{str(setting):<28}{ours.recall():>8.3f}{ours.precision:>11.4f}"
              f"{ours.loss:>8.2%}{ours.recall('comment widget'):>10.3f}   "
              f"{c4.recall():.3f} / {c4.precision:.4f} / {c4.loss:.1%}")
    print(f"  chosen on all sources, the setting to ship: {choose(form, candidates(pages, others, counts, set(sources)))}")


def report(form: str, ours: Score, c4: Score, documents: int, top: int) -> None:
    def row(name: str, value: Callable[[Score], str]) -> None:
        print(f"  {name:<34}{value(ours):>22}{value(c4):>22}")

    def goal(ok: bool) -> str:
        return "met" if ok else "NOT MET"

    precision_goal, loss_goal = GOALS[form]
    print(f"\n=== {form}: {documents} documents, {ours.main_lines} main lines, "
          f"{sum(ours.boilerplate.values())} boilerplate lines; the shipped rules, one run over all sources")
    print(f"  {'':<34}{'textclean':>22}{'C4-style filter':>22}")
    row("removal precision", lambda s: f"{s.precision:.4f}")
    row("main text lost (characters)", lambda s: f"{s.loss:.3%}")
    row("main lines removed", lambda s: f"{s.removed_main} ({s.removed_main / max(s.main_lines, 1):.2%})")
    row("lines removed", lambda s: f"{s.removed}")
    row("boilerplate recall", lambda s: f"{s.recall():.3f}")
    for kind in [name for name, _ in CATEGORIES] + ["other"]:
        row(f"  {kind} (n={ours.boilerplate[kind]})", lambda s, k=kind: f"{s.recall(k):.3f}")
    print(f"  goals: precision >= {precision_goal}: {goal(ours.precision >= precision_goal)}; "
          f"main text lost <= {loss_goal:.1%}: {goal(ours.loss <= loss_goal)}")
    print(f"  main lines textclean removed, most frequent first ({ours.removed_main} in all):")
    for (rule, line), count in ours.wrongly_removed.most_common(top):
        print(f"    {count:>4}  {rule:<26} {line[:90]!r}")
    print("  rules by main lines removed (main / all removed):")
    for rule, count in sorted(ours.by_rule.items(), key=lambda item: (-ours.main_by_rule[item[0]], -item[1]))[:top]:
        print(f"    {ours.main_by_rule[rule]:>4} / {count:<5} {rule}")
    print("  boilerplate lines textclean kept, most frequent first, by category:")
    for kind in [name for name, _ in CATEGORIES] + ["other"]:
        kept = Counter({line: n for line, n in ours.kept.items() if category(line) == kind})
        print(f"    {kind}: " + "; ".join(f"{n}x {line[:50]!r}" for line, n in kept.most_common(top)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--form", choices=FORMS, action="append", help="Only this rendering (repeatable).")
    parser.add_argument("--top", type=int, default=15, help="How many lines to list as most frequent.")
    parser.add_argument("--rules", action="append", default=[], help="An extra rule file or folder (repeatable).")
    parser.add_argument("--no-loso", action="store_true", help="Skip the leave-one-source-out evaluation.")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"skipped: the labelled corpus is not at {CORPUS} (it lives outside the repository)")
        return 0
    shipped = load_rules(args.rules).select(only=["boilerplate"]).by_id(SITE_RULE).spec
    setting = (shipped["min_pages"], shipped.get("min_share", 0.0), shipped.get("max_length", 200))
    print(f"categories are a keyword heuristic of this script, not corpus labels; the C4-style filter drops lines "
          "with 'javascript' or a policy notice, of fewer than 3 words, or without terminal punctuation; "
          f"shipped site_lines setting (min_pages, min_share, max_length): {setting}")
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        for form in args.form or FORMS:
            pages = read_form(form)
            removed = clean_corpus(form, pages, args.rules, setting, workdir)
            report(form, *score(pages, removed), len(pages), args.top)
            print("  by source (shipped rules):")
            for source in sorted({page.source for page in pages}):
                ours, c4 = score(pages, removed, {source})
                print(f"    {source:<18} recall {ours.recall():.3f}  precision {ours.precision:.4f}  "
                      f"lost {ours.loss:.2%}  comment widgets {ours.recall('comment widget'):.3f}   "
                      f"C4: {c4.recall():.3f} / {c4.precision:.4f} / {c4.loss:.1%}")
            if not args.no_loso:
                leave_one_source_out(form, pages, args.rules, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
