"""Throughput of the boilerplate stage alone, on one core, over the full-page corpus.

Prints MB/s (UTF-8 bytes of input per second of this process's CPU time, so other
load on the machine does not count) for the stage with the shipped rules, next to a
plain ``str.splitlines()`` pass over the same texts in the same run, and the ratio.
Each figure is the best of ``--repeat`` runs. The goal is >= 30 MB/s; issue 16 asks
for >= 20 MB/s with page evidence.

``--against CHECKOUT`` also times the stage of another checkout (such as
``git archive main | tar -x -C /tmp/main``) with its own rules: ``--rounds`` runs of
each, interleaved, each in a process of its own; it prints the medians and their ratio.

    python benchmarks/bench_boilerplate.py [--repeat 5] [--limit N] [--against CHECKOUT [--rounds 5]]
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "fullpage" / "corpus.jsonl.gz"
GOAL_MB_S = 30.0
ISSUE_16_MB_S = 20.0  # issue 16's done-when: the stage stays at least this fast


def best_seconds(make: Callable[[], Callable[[str], object]], texts: list[str], repeat: int) -> float:
    """The least CPU time the work ``make()`` returns took over all texts, in ``repeat`` runs.

    Each run gets fresh work, so that what one run remembered cannot speed up the next. Each text is
    worked on under its own match budget, as ``Cleaner.clean`` does.
    """
    from textclean.matching.patterns import document_budget

    best = float("inf")
    for _ in range(repeat):
        work = make()
        started = time.process_time()
        for text in texts:
            with document_budget(text):
                work(text)
        best = min(best, time.process_time() - started)
    return best


def stage_seconds(code: Path, texts: list[str], repeat: int) -> tuple[float, int]:
    """The best CPU time of the boilerplate stage of the checkout at ``code`` over ``texts``; its rule count."""
    sys.path.insert(0, str(code))
    from textclean import load_rules
    from textclean.kinds import registry
    from textclean.matching.patterns import compile_all

    ruleset = load_rules().select(only=["boilerplate"])
    kind, settings = registry()["boilerplate"], ruleset.settings.get("boilerplate", {})

    def fresh_stage():
        stage = kind.compile(ruleset.rules, settings)
        compile_all()  # what its first documents would compile: part of building it, not of cleaning
        return stage.apply

    return best_seconds(fresh_stage, texts, repeat), len(ruleset.rules)


def interleaved(against: Path, limit: int | None, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds of the stage of ``against`` and of this checkout, ``rounds`` runs each, taking turns."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for code, found in zip((against, ROOT), times, strict=True):
            command = [sys.executable, __file__, "--code", str(code), "--seconds-only", "--repeat", "1"]
            run = subprocess.run(command + (["--limit", str(limit)] if limit else []),
                                 capture_output=True, text=True, check=True)
            found.append(float(run.stdout))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="Runs of each pass; the best one counts.")
    parser.add_argument("--limit", type=int, help="Only the first N documents.")
    parser.add_argument("--against", type=Path, help="Another checkout whose stage to time against this one's.")
    parser.add_argument("--rounds", type=int, default=5, help="With --against: runs of each checkout.")
    parser.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)  # the checkout to time
    parser.add_argument("--seconds-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not CORPUS.is_file():
        print(f"skipped: the corpus is not at {CORPUS} (it lives outside the repository)")
        return 0
    with gzip.open(CORPUS, "rt", encoding="utf-8") as rows:
        texts = [json.loads(row)["text"] for row in rows][:args.limit]
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    stage_s, rules = stage_seconds(args.code, texts, args.repeat)
    if args.seconds_only:
        print(stage_s)
        return 0
    split_s = best_seconds(lambda: str.splitlines, texts, args.repeat)
    print(f"{len(texts)} documents, {megabytes:.1f} MB, {rules} boilerplate rules, best of {args.repeat}")
    print(f"  boilerplate stage   {stage_s:7.3f} s  {megabytes / stage_s:8.1f} MB/s")
    print(f"  str.splitlines()    {split_s:7.3f} s  {megabytes / split_s:8.1f} MB/s")
    verdicts = [f"goal >= {goal:.0f} MB/s{where}: {'met' if megabytes / stage_s >= goal else 'NOT MET'}"
                for goal, where in ((GOAL_MB_S, ""), (ISSUE_16_MB_S, " (issue 16)"))]
    print(f"  the stage takes {stage_s / split_s:.1f}x the time of splitlines; {'; '.join(verdicts)}")
    if args.against:
        theirs, ours = map(statistics.median, interleaved(args.against, args.limit, args.rounds))
        print(f"interleaved, median of {args.rounds} runs each:")
        print(f"  {args.against}   {theirs:7.3f} s  {megabytes / theirs:8.1f} MB/s")
        print(f"  this checkout        {ours:7.3f} s  {megabytes / ours:8.1f} MB/s   {theirs / ours:.2f}x as fast")
    return 0


if __name__ == "__main__":
    sys.exit(main())
