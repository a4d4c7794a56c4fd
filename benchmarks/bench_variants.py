"""Speed of the variants stage: a pack of 5,000 variants over the shared corpus (needs ../shared/corpus).

Prints MB/s of the stage (its whole ``apply``: the Aho–Corasick scan, the per-hit checks, each
person's spellings, the rewrites), of its scan alone, of the scan for every spelling (with those
that change nothing, as ``matches()`` gives them), and of a plain `regex` alternation of the same
spellings over the first megabyte, as the reference; with ``--against``, of another checkout's
stage too (each round in a fresh process). Rounds are interleaved; the figures are medians of
wall time, beside them of CPU time (what the run itself spent, on a machine others share).
The goal: the stage >= 30 MB/s with 5,000 variants.
The pack: the shipped groups, plus the corpus's own capitalised names as canonical
spellings with variants made by the alternations romanizations make.

    python benchmarks/bench_variants.py [--variants 5000] [--megabytes 12] [--rounds 5]
    git archive bd310ad | tar -x -C /tmp/base && python benchmarks/bench_variants.py --against /tmp/base
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # after PYTHONPATH, which names the other checkout in an --against worker
CORPUS = ROOT / ".." / "shared" / "corpus" / "extracted" / "corpus.jsonl.gz"
GOAL_MB_S = 30.0
GOAL_VARIANTS = 5000
REFERENCE_MEGABYTES = 1.0  # the regex alternation is slow: it is timed over the first megabyte

from textclean import Rule, load_rules  # noqa: E402
from textclean.kinds.variants import VariantsStage, spelling_parts  # noqa: E402
from textclean.matching.patterns import document_budget  # noqa: E402

ALTERNATIONS = [("u", "ou"), ("k", "q"), ("i", "ee"), ("a", "e"), ("o", "u"), ("s", "ss"), ("h", "kh"),
                ("v", "w"), ("e", "i"), ("ee", "i"), ("y", "i"), ("c", "k")]


def corpus_texts(megabytes: float) -> list[str]:
    texts, size = [], 0
    while size < megabytes * 1e6:  # repeat the corpus if asked for more than it holds
        with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
            for line in lines:
                text = json.loads(line)["text"]
                texts.append(text)
                size += len(text.encode("utf-8"))
                if size >= megabytes * 1e6:
                    break
    return texts


def pack(texts: list[str], wanted: int) -> list[Rule]:
    """The shipped groups, then generated groups until ``wanted`` variants."""
    rules = [r for r in load_rules().rules if r.kind == "variants"]
    claimed = {"-".join(spelling_parts(s)) for r in rules for s in [r.spec["canonical"], *r.spec["variants"],
                                                                      *r.spec.get("ambiguous", [])]}
    total = sum(len(r.spec["variants"]) + len(r.spec.get("ambiguous", [])) for r in rules)
    lower = Counter(w for t in texts[:400] for w in regex.findall(r"\b[a-z]+\b", t))
    names = Counter(w for t in texts for w in regex.findall(r"(?<=[a-z,] )[A-Z][a-z]{3,}", t))
    for name, _ in names.most_common():
        if total >= wanted:
            break
        if name.lower() in lower or name in claimed:
            continue
        variants = []
        for a, b in ALTERNATIONS:
            variant = name[0] + name[1:].replace(a, b, 1)
            if variant != name and variant not in claimed and variant not in variants:
                variants.append(variant)
        variants = variants[:min(5, wanted - total)]
        if not variants:
            continue
        claimed.update([name, *variants])
        total += len(variants)
        spec = {"canonical": name, "variants": variants}
        rules.append(Rule(f"bench.{name.lower()}", "variants", name, spec))
    return rules


def alternation(rules: list[Rule]) -> regex.Pattern:
    spellings = {s for r in rules for s in [r.spec["canonical"], *r.spec["variants"], *r.spec.get("ambiguous", [])]}
    body = "|".join(regex.escape(s) for s in sorted(spellings, key=len, reverse=True))
    return regex.compile(rf"(?<!\w)(?:{body})(?!\w)")


def timed(function, texts: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds, and the sum of what ``function`` gives for each text."""
    wall, cpu = time.perf_counter(), time.process_time()
    found = sum(function(text) for text in texts)
    return time.perf_counter() - wall, time.process_time() - cpu, found


def per_document(function):
    """``function`` of one text under the document's time budget, as a run calls a stage."""
    def run(text: str) -> int:
        with document_budget(text):
            return function(text)
    return run


def worker(work: Path) -> None:
    """In a fresh process of another checkout (--against): its stage's apply over the texts, once to warm up,
    then timed; prints wall and CPU seconds as JSON."""
    texts, rules = pickle.loads(work.read_bytes())
    stage = VariantsStage(rules, {})
    apply = per_document(lambda t: len(stage.apply(t).changes))
    for text in texts:
        apply(text)
    wall, cpu, _ = timed(apply, texts)
    print(json.dumps([wall, cpu]))


def against(checkout: Path, work: Path) -> tuple[float, float]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(work)]
    done = subprocess.run(command, env={**os.environ, "PYTHONPATH": str(checkout.resolve())}, capture_output=True,
                          text=True, check=True)
    wall, cpu = json.loads(done.stdout)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=GOAL_VARIANTS, help="variants in the pack")
    parser.add_argument("--megabytes", type=float, default=12.0, help="text to run over")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the figures are their medians")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT",
                        help="also time the stage of another checkout of textclean, e.g. a `git archive` of main")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return 0
    if not CORPUS.is_file():
        print(f"skipped: {CORPUS} is absent (the shared corpus lives outside the repository)")
        return 0
    texts = corpus_texts(args.megabytes)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    reference_texts = corpus_texts(min(REFERENCE_MEGABYTES, args.megabytes))
    reference_megabytes = sum(len(t.encode("utf-8")) for t in reference_texts) / 1e6
    rules = pack(texts, args.variants)
    variants = sum(len(r.spec["variants"]) + len(r.spec.get("ambiguous", [])) for r in rules)
    start = time.perf_counter()
    stage = VariantsStage(rules, {})
    compile_seconds = time.perf_counter() - start
    reference = alternation(rules)
    runs = {
        "variants stage (apply)": (megabytes, lambda: timed(per_document(lambda t: len(stage.apply(t).changes)),
                                                            texts)),
        "its scan": (megabytes, lambda: timed(per_document(lambda t: len(stage.matches(t, as_is=False))), texts)),
        "every spelling (matches)": (megabytes, lambda: timed(per_document(lambda t: len(stage.matches(t))), texts)),
        "regex alternation": (reference_megabytes,
                              lambda: timed(lambda t: sum(1 for _ in reference.finditer(t)), reference_texts)),
    }
    seconds: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    found: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "work.pickle"
        if args.against:
            work.write_bytes(pickle.dumps((texts, rules)))
            runs[f"against {args.against}"] = (megabytes, lambda: (*against(args.against, work), None))
            seconds[f"against {args.against}"] = []
        for name, (_, run) in runs.items():  # once to warm up
            found[name] = run()[2]
        for _ in range(args.rounds):
            for name, (_, run) in runs.items():
                seconds[name].append(run()[:2])
    speed = {name: (size / statistics.median(w for w, _ in seconds[name]),
                    size / statistics.median(c for _, c in seconds[name])) for name, (size, _) in runs.items()}
    print(f"pack: {len(rules)} groups, {variants} variants; text: {len(texts)} documents, {megabytes:.1f} MB; "
          f"compiled in {compile_seconds:.2f} s; medians of {args.rounds} rounds")
    notes = {"variants stage (apply)": f"{found['variants stage (apply)']} changes",
             "its scan": f"{found['its scan']} spellings that can change something",
             "every spelling (matches)": f"{found['every spelling (matches)']} spellings",
             "regex alternation": f"{found['regex alternation']} spellings in the first {reference_megabytes:.1f} MB"}
    for name, (wall, cpu) in speed.items():
        print(f"{name:<{max(map(len, speed))}}  {wall:7.1f} MB/s  (CPU: {cpu:7.1f} MB/s)  {notes.get(name, '')}")
    stage_wall, stage_cpu = speed["variants stage (apply)"]
    print(f"ratio: stage / regex alternation: {stage_wall / speed['regex alternation'][0]:.1f}x")
    if args.against:
        other_wall, other_cpu = speed[f"against {args.against}"]
        print(f"ratio: stage / the other checkout's: {stage_wall / other_wall:.2f}x "
              f"(CPU: {stage_cpu / other_cpu:.2f}x)")
    goal = f"goal: the stage >= {GOAL_MB_S:.0f} MB/s with {GOAL_VARIANTS:,} variants"
    if args.variants != GOAL_VARIANTS:
        print(f"{goal}: not measured ({args.variants:,} variants)")
    elif stage_wall >= GOAL_MB_S:
        print(f"{goal}: met ({stage_wall:.1f} MB/s)")
    elif stage_cpu >= GOAL_MB_S:
        print(f"{goal}: met in CPU time ({stage_cpu:.1f} MB/s), not in wall time ({stage_wall:.1f} MB/s): "
              "others share the machine")
    else:
        print(f"{goal}: NOT met ({stage_wall:.1f} MB/s; CPU: {stage_cpu:.1f} MB/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
