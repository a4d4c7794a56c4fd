"""How well the boilerplate rules separate page furniture from article text, on the labelled corpus.

Runs the boilerplate stage alone (no unicode repair, no tidy) over ../shared/corpus, both
forms (full-page text and main-content extractor output), and compares it in the same run
with a C4-style line filter. Per form it prints removal precision, main text lost, the main
lines wrongly removed, boilerplate recall overall and per category, and the boilerplate lines
most often kept. Lines labelled null or blank are not scored; comments and related count as
boilerplate. Categories come from a keyword heuristic in this script (CATEGORIES), not from
the labels.

    python benchmarks/eval_boilerplate.py [--form fullpage|extracted] [--limit N] [--top N] [--rules PATH]
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textclean import Cleaner, load_rules  # noqa: E402
from textclean.document import Edit, input_offset  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
FORMS = ("fullpage", "extracted")
BOILERPLATE_LABELS = {"boilerplate", "comments", "related"}
SCORED_LABELS = BOILERPLATE_LABELS | {"main"}
PRECISION_GOAL, LOSS_GOAL = 0.97, 0.002

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


def category(line: str) -> str:
    for name, pattern in _CATEGORY_PATTERNS:
        if pattern.search(line):
            return name
    return "other"


# --- the C4 reference (Raffel et al. 2020, section 2.2), line rules only ---------------------------------------
_C4_POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")
_C4_TERMINAL = (".", "!", "?", '"', "”", "’", "'")


def c4_drops(line: str) -> bool:
    """C4's line filter: no 'javascript', no policy notice, at least 3 words, terminal punctuation."""
    lower = line.lower()
    return ("javascript" in lower or any(p in lower for p in _C4_POLICY) or len(line.split()) < 3
            or not line.endswith(_C4_TERMINAL))


# --- scoring ---------------------------------------------------------------------------------------------------
@dataclass
class Score:
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
        gone = rule is not None
        if gone:
            self.by_rule[rule] += 1
            self.main_by_rule[rule] += label == "main"
        if label == "main":
            self.main_lines += 1
            self.main_chars += len(line)
            if gone:
                self.removed += 1
                self.removed_main += 1
                self.lost_chars += len(line)
                self.wrongly_removed[(rule, line)] += 1
            return
        kind = category(line)
        self.boilerplate[kind] += 1
        if gone:
            self.removed += 1
            self.caught[kind] += 1
        else:
            self.kept[line] += 1

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


def read_form(form: str, limit: int | None) -> Iterator[tuple[str, list[str]]]:
    """(text, labels) per document, checking that texts and labels belong together."""
    with gzip.open(CORPUS / form / "corpus.jsonl.gz", "rt", encoding="utf-8") as texts, \
            gzip.open(CORPUS / form / "line_labels.jsonl.gz", "rt", encoding="utf-8") as labels:
        for count, (text_row, label_row) in enumerate(zip(texts, labels, strict=True)):
            if limit is not None and count >= limit:
                return
            doc, labelled = json.loads(text_row), json.loads(label_row)
            if doc["id"] != labelled["id"] or len(doc["text"].split("\n")) != len(labelled["labels"]):
                raise SystemExit(f"{CORPUS / form}: texts and labels do not line up at {doc['id']}")
            yield doc["text"], labelled["labels"]


def removed_lines(text: str, edits: list[Edit]) -> dict[int, str]:
    """Line number in ``text`` (split on "\\n") -> the rule that removed it; each boilerplate edit is one line."""
    numbers = {}
    for index, edit in enumerate(edits):
        start = input_offset(edits[:index], edit.start)
        numbers[text.count("\n", 0, start) + edit.before.startswith("\n")] = edit.rule
    return numbers


def evaluate(form: str, cleaner: Cleaner, limit: int | None) -> tuple[Score, Score, int, float]:
    ours, c4 = Score(), Score()
    documents, seconds = 0, 0.0
    for text, labels in read_form(form, limit):
        documents += 1
        started = time.perf_counter()
        gone = removed_lines(text, cleaner.clean(text).edits)
        seconds += time.perf_counter() - started
        for number, (line, label) in enumerate(zip(text.split("\n"), labels, strict=True)):
            line = line.strip()
            if label not in SCORED_LABELS or not line:
                continue
            ours.add(line, label, gone.get(number))
            c4.add(line, label, "c4" if c4_drops(line) else None)
    return ours, c4, documents, seconds


def report(form: str, ours: Score, c4: Score, documents: int, seconds: float, top: int) -> None:
    def row(name: str, value: Callable[[Score], str]) -> None:
        print(f"  {name:<34}{value(ours):>22}{value(c4):>22}")

    def goal(ok: bool) -> str:
        return "met" if ok else "NOT MET"

    print(f"\n=== {form}: {documents} documents, {ours.main_lines} main lines, "
          f"{sum(ours.boilerplate.values())} boilerplate lines (stage run: {seconds:.1f} s with edit bookkeeping)")
    print(f"  {'':<34}{'textclean':>22}{'C4-style filter':>22}")
    row("removal precision", lambda s: f"{s.precision:.4f}")
    row("main text lost (characters)", lambda s: f"{s.loss:.3%}")
    row("main lines removed", lambda s: f"{s.removed_main} ({s.removed_main / max(s.main_lines, 1):.2%})")
    row("lines removed", lambda s: f"{s.removed}")
    row("boilerplate recall", lambda s: f"{s.recall():.3f}")
    for kind in [name for name, _ in CATEGORIES] + ["other"]:
        row(f"  {kind} (n={ours.boilerplate[kind]})", lambda s, k=kind: f"{s.recall(k):.3f}")
    print(f"  goals: precision >= {PRECISION_GOAL}: {goal(ours.precision >= PRECISION_GOAL)}; "
          f"main text lost <= {LOSS_GOAL:.1%}: {goal(ours.loss <= LOSS_GOAL)}")
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
    parser.add_argument("--form", choices=FORMS, action="append", help="Only this form (repeatable).")
    parser.add_argument("--limit", type=int, help="Only the first N documents of each form.")
    parser.add_argument("--top", type=int, default=15, help="How many lines to list as most frequent.")
    parser.add_argument("--rules", action="append", default=[], help="An extra rule file or folder (repeatable).")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"skipped: the labelled corpus is not at {CORPUS} (it lives outside the repository)")
        return 0
    ruleset = load_rules(args.rules).select(only=["boilerplate"])
    cleaner = Cleaner(ruleset, unicode=False, tidy=False)
    print(f"{len(ruleset.rules)} boilerplate rules; categories are a keyword heuristic of this script, "
          "not corpus labels; the C4-style filter drops lines with 'javascript' or a policy notice, "
          "of fewer than 3 words, or without terminal punctuation")
    for form in args.form or FORMS:
        report(form, *evaluate(form, cleaner, args.limit), args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
