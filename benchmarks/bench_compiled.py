"""The compiled core against the pure-Python path, in one run: its loops alone, each stage, the whole pipeline.

Reads ../shared/corpus (as benchmarks/bench_corpus.py does; skips when it is absent). Rounds alternate the
two paths (which goes first alternates too) and the figures are medians over the rounds:

- the loops: each compiled twin and its pure reference (textclean.compiled.TWINS) on the same inputs
  made from the corpus documents, in this process: MB/s of document text;
- the pipeline: ``bench_corpus.py --child textclean`` (the full default pipeline, one core, in process,
  steady state) once with the compiled core and once with TEXTCLEAN_PURE_PYTHON=1 per round: seconds per
  stage and MB/s of the whole.

With --instructions KB, the pipeline's instruction counts instead (valgrind --tool=callgrind, repeatable
on a loaded machine): each path cleans the first KB kilobytes of the corpus after start-up and a warm-up,
and the same run without the documents is subtracted.

    python benchmarks/bench_compiled.py [--megabytes 5] [--rounds 5]
    python benchmarks/bench_compiled.py --instructions 300
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_corpus  # noqa: E402

PATHS = {"compiled": "0", "pure": "1"}  # TEXTCLEAN_PURE_PYTHON


def loop_inputs(texts: list[str]) -> dict[str, list[tuple]]:
    """Per twin, its calls on the documents: what the pipeline gives it, or close (every third line removed)."""
    from textclean import compiled, engine, lines, tidy  # noqa: F401  (imported: their twins are registered)

    split = [text.split("\n") for text in texts]
    stripped = [list(map(str.strip, raw)) for raw in split]
    removed = [dict.fromkeys(range(0, len(raw), 3), "rule") for raw in split]
    removals = [lines.numbered_line_removals(text, raw, gone)
                for text, raw, gone in zip(texts, split, removed, strict=True)]
    return {
        "textclean.lines.nonblank_numbers": [(lines_,) for lines_ in stripped],
        "textclean.lines.numbered_line_removals": list(zip(texts, split, removed, strict=True)),
        "textclean.tidy.trailing_spaces": [(raw, tidy._SPACES) for raw in split],
        "textclean.tidy.ends_in_space": [(raw, tidy._SPACES) for raw in split],
        "textclean.engine.apply_changes": [(text, changes, "boilerplate")
                                           for text, changes in zip(texts, removals, strict=True)],
    }


def time_loops(megabytes: float, rounds: int) -> dict[str, dict[str, float]]:
    from textclean import compiled

    texts = list(bench_corpus.documents(megabytes))
    size = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    calls = loop_inputs(texts)
    speeds: dict[str, dict[str, list[float]]] = {name: {"compiled": [], "pure": []} for name in calls}
    for round_ in range(rounds):
        for name, arguments in calls.items():
            pure, twin = compiled.TWINS[name]
            functions = {"pure": pure, "compiled": twin}
            for path in (("compiled", "pure") if round_ % 2 == 0 else ("pure", "compiled")):
                started = time.perf_counter()
                for call in arguments:
                    functions[path](*call)
                speeds[name][path].append(size / (time.perf_counter() - started))
    return {name: {path: statistics.median(values) for path, values in paths.items()}
            for name, paths in speeds.items()}


def pipeline_round(path: str, megabytes: float) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_corpus.py"), "--child", "textclean",
                           "--megabytes", str(megabytes)], capture_output=True, text=True, check=True,
                          env={**os.environ, "TEXTCLEAN_PURE_PYTHON": PATHS[path]})
    return json.loads(done.stdout.strip().splitlines()[-1])


def clean_kilobytes(kilobytes: float) -> None:
    """Clean the first ``kilobytes`` KB of corpus text after a warm-up (the child of --instructions)."""
    from textclean import Cleaner
    from textclean.patterns import compile_all

    cleaner = Cleaner()
    compile_all()
    cleaner.clean("Warm-up: News ID: 1\nThe café opened.\n")
    if kilobytes:
        for text in bench_corpus.documents(kilobytes / 1e3):
            cleaner.clean(text)


def instructions(path: str, kilobytes: float) -> int:
    """Instructions callgrind counts in a child that cleans ``kilobytes`` KB on ``path``."""
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder}/out",
                               sys.executable, __file__, "--clean-kilobytes", str(kilobytes)],
                              capture_output=True, text=True, check=True,
                              env={**os.environ, "TEXTCLEAN_PURE_PYTHON": PATHS[path]})
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def count_instructions(kilobytes: float) -> None:
    counts = {path: instructions(path, kilobytes) - instructions(path, 0) for path in PATHS}
    print(f"The full default pipeline on the first {kilobytes:g} KB of the corpus, after start-up and a warm-up:"
          " instructions (valgrind --tool=callgrind)")
    for path, count in counts.items():
        print(f"{path:<9} {count:>15,}")
    print(f"pure / compiled: {counts['pure'] / counts['compiled']:.3f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=5.0, help="MB of corpus text per pipeline run.")
    parser.add_argument("--rounds", type=int, default=5, help="Rounds; each runs both paths.")
    parser.add_argument("--instructions", type=float, metavar="KB",
                        help="Count the pipeline's instructions on this many KB instead (valgrind).")
    parser.add_argument("--clean-kilobytes", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.clean_kilobytes is not None:
        clean_kilobytes(args.clean_kilobytes)
        return 0
    if not all(path.is_file() for path in bench_corpus.RENDERINGS):
        print(f"skipped: the corpus is not at {bench_corpus.CORPUS.resolve()} (it lives outside the repository)")
        return 0
    from textclean import compiled
    if compiled.in_use() != "yes":
        print(f"skipped: the compiled core is not in use here ({compiled.in_use()}); build it with pip install .")
        return 0
    if args.instructions:
        count_instructions(args.instructions)
        return 0

    loops = time_loops(min(args.megabytes, 2.0), args.rounds)
    print(f"The loops alone, on {min(args.megabytes, 2.0):.1f} MB of corpus text; median MB/s of {args.rounds} rounds:")
    print(f"{'twin':<42} {'pure':>9} {'compiled':>9} {'ratio':>7}")
    for name, speed in loops.items():
        print(f"{name:<42} {speed['pure']:>9.1f} {speed['compiled']:>9.1f} {speed['compiled'] / speed['pure']:>6.2f}x")

    results: dict[str, list[dict]] = {"compiled": [], "pure": []}
    for round_ in range(args.rounds):
        for path in (("compiled", "pure") if round_ % 2 == 0 else ("pure", "compiled")):
            results[path].append(pipeline_round(path, args.megabytes))
    megabytes = results["pure"][0]["megabytes"]
    print(f"\nThe full default pipeline (bench_corpus.py --child textclean), {megabytes:.1f} MB, one core;"
          f" median of {args.rounds} rounds:")
    print(f"{'stage':<42} {'pure s':>9} {'compiled s':>10} {'ratio':>7}")
    stages = results["pure"][0]["stages"]
    for stage in [*stages, "(rest: engine, apply_changes)", "whole pipeline"]:
        seconds = {}
        for path, runs in results.items():
            if stage in stages:
                seconds[path] = statistics.median(run["stages"][stage] for run in runs)
            elif stage.startswith("(rest"):
                seconds[path] = statistics.median(run["seconds"] - sum(run["stages"].values()) for run in runs)
            else:
                seconds[path] = statistics.median(run["seconds"] for run in runs)
        print(f"{stage:<42} {seconds['pure']:>9.2f} {seconds['compiled']:>10.2f}"
              f" {seconds['pure'] / seconds['compiled']:>6.2f}x")
    speed = {path: megabytes / statistics.median(run["seconds"] for run in runs) for path, runs in results.items()}
    print(f"MB/s: pure {speed['pure']:.2f} (what a user without a C compiler gets), compiled {speed['compiled']:.2f}:"
          f" {speed['compiled'] / speed['pure']:.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
