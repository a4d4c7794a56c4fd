"""Speed of the variants stage: a pack of 5,000 variants over the shared corpus (needs ../shared/corpus).

Prints MB/s of the stage (Aho–Corasick scan + per-hit check; then its whole ``apply``, with
the per-person scope of the given-name groups) and of a plain `regex` alternation of the same
spellings, measured in the same run, and their ratio.
The pack: the shipped groups, plus the corpus's own capitalised names as canonical
spellings with variants made by the alternations romanizations make.

    python benchmarks/bench_variants.py [--variants 5000] [--megabytes 12]
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / ".." / "shared" / "corpus" / "extracted" / "corpus.jsonl.gz"

from textclean import Rule, load_rules  # noqa: E402
from textclean.kinds.variants import VariantsStage, spelling_parts  # noqa: E402

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


def timed(function, texts: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    found = sum(function(text) for text in texts)
    return time.perf_counter() - start, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=5000, help="variants in the pack")
    parser.add_argument("--megabytes", type=float, default=12.0, help="text to run over")
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"skipped: {CORPUS} is absent (the shared corpus lives outside the repository)")
        return 0
    texts = corpus_texts(args.megabytes)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    rules = pack(texts, args.variants)
    variants = sum(len(r.spec["variants"]) + len(r.spec.get("ambiguous", [])) for r in rules)
    start = time.perf_counter()
    stage = VariantsStage(rules, {})
    compile_seconds = time.perf_counter() - start
    reference = alternation(rules)
    stage_seconds, stage_found = timed(lambda t: len(stage.matches(t)), texts)
    apply_seconds, changes = timed(lambda t: len(stage.apply(t).changes), texts)
    plain_seconds, plain_found = timed(lambda t: sum(1 for _ in reference.finditer(t)), texts)
    print(f"pack: {len(rules)} groups, {variants} variants; text: {len(texts)} documents, {megabytes:.1f} MB")
    print(f"variants stage:      {megabytes / stage_seconds:7.1f} MB/s  ({stage_found} spellings found; "
          f"compiled in {compile_seconds:.2f} s)")
    print(f"variants stage apply:{megabytes / apply_seconds:7.1f} MB/s  ({changes} changes: the scan, each "
          "person's spellings and the rewrites)")
    print(f"regex alternation:   {megabytes / plain_seconds:7.1f} MB/s  ({plain_found} spellings found)")
    print(f"ratio: {plain_seconds / stage_seconds:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
