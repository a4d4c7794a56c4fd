"""What the incremental fixpoint saves: the full pipeline with and without it, on ../shared/corpus.

Two cleaners, ``Cleaner()`` and ``Cleaner(incremental=False)`` (every later pass runs its stages on
the whole text), clean the same documents, one after the other in each round, in turns, after a warm-up
round (steady state: what each stage remembers of lines it saw is filled alike). For each it prints the
medians over the rounds of MB/s and of the share of its time spent in the second and later passes
(a stage's second and later runs on a document), over all documents and for each source of the corpus.
Times are processor time of this process, which a loaded machine disturbs less than wall time.

    python benchmarks/bench_fixpoint.py [--megabytes 6] [--rounds 5]

The documents are taken at an even stride through both renderings (fullpage and extracted) until about
--megabytes MB of UTF-8 text. The corpus lives outside the repository (../shared/corpus, or the folder
TEXTCLEAN_CORPUS names); without it the script says so and exits 0. That both cleaners give the same
results on every document is checked by benchmarks/same_output.py and tests/test_incremental.py.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = Path(os.environ.get("TEXTCLEAN_CORPUS", ROOT / ".." / "shared" / "corpus"))
RENDERINGS = [CORPUS / "fullpage" / "corpus.jsonl.gz", CORPUS / "extracted" / "corpus.jsonl.gz"]


def sample(megabytes: float) -> list[tuple[str, str]]:
    """(source key, text) of documents at an even stride through the corpus, about ``megabytes`` MB in all."""
    documents = []
    for path in RENDERINGS:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            documents += [(record["id"].split("/")[0], record["text"]) for record in map(json.loads, lines)]
    total = sum(len(text.encode("utf-8")) for _, text in documents)
    stride = max(1, round(total / (megabytes * 1e6)))
    return documents[::stride]


class Timed:
    """A cleaner whose later passes are timed: a stage's second and later runs on each document."""

    def __init__(self, name: str, cleaner):
        self.name, self.cleaner = name, cleaner
        self.ran: set[int] = set()  # the stages that ran on the document being cleaned
        self.later = 0.0
        apply = cleaner._apply

        def timed(index, *args):
            if index not in self.ran:
                self.ran.add(index)
                return apply(index, *args)
            started = time.process_time()
            try:
                return apply(index, *args)
            finally:
                self.later += time.process_time() - started

        cleaner._apply = timed

    def clean(self, documents: list[tuple[str, str]]) -> dict[str, tuple[float, float, float]]:
        """Per source and over all ("all"): MB cleaned, processor seconds, seconds in later passes."""
        found: dict[str, list[float]] = {}
        for source, text in documents:
            self.ran.clear()
            self.later = 0.0
            started = time.process_time()
            self.cleaner.clean(text)
            seconds = time.process_time() - started
            for key in (source, "all"):
                totals = found.setdefault(key, [0.0, 0.0, 0.0])
                totals[0] += len(text.encode("utf-8")) / 1e6
                totals[1] += seconds
                totals[2] += self.later
        return {key: tuple(totals) for key, totals in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=6.0, help="MB of corpus text per round.")
    parser.add_argument("--rounds", type=int, default=5, help="Measured rounds (after one warm-up round).")
    args = parser.parse_args(argv)
    if not all(path.is_file() for path in RENDERINGS):
        print(f"skipped: the corpus is not at {CORPUS.resolve()} (it lives outside the repository)")
        return 0
    from textclean import Cleaner
    from textclean.matching.patterns import compile_all

    documents = sample(args.megabytes)
    cleaners = [Timed("incremental", Cleaner()), Timed("whole passes", Cleaner(incremental=False))]
    compile_all()
    for timed in cleaners:
        timed.clean(documents)  # warm-up
    rounds: dict[str, list[dict]] = {timed.name: [] for timed in cleaners}
    for number in range(args.rounds):
        for timed in cleaners if number % 2 == 0 else reversed(cleaners):
            rounds[timed.name].append(timed.clean(documents))
    keys = ["all", *sorted(key for key in rounds[cleaners[0].name][0] if key != "all")]
    size = rounds[cleaners[0].name][0]["all"][0]
    print(f"{len(documents)} documents, {size:.1f} MB, {args.rounds} rounds; medians of processor time")
    print(f"{'source':<8} {'cleaner':<14} {'MB':>6} {'MB/s':>7} {'later passes':>13}")
    for key in keys:
        for timed in cleaners:
            measured = [found[key] for found in rounds[timed.name]]
            speed = statistics.median(mb / seconds for mb, seconds, _ in measured)
            share = statistics.median(later / seconds for _, seconds, later in measured)
            print(f"{key:<8} {timed.name:<14} {measured[0][0]:>6.1f} {speed:>7.2f} {share:>13.1%}")
        paired = statistics.median(whole[key][1] / incremental[key][1] for incremental, whole
                                   in zip(*(rounds[timed.name] for timed in cleaners), strict=True))
        print(f"{key:<8} speed of incremental / whole passes, same round: {paired:.3f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
