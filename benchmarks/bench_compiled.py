"""The compiled core against the pure-Python path, in one run: its loops alone, each stage, the whole pipeline.

Reads ../shared/corpus (as benchmarks/bench_corpus.py does; skips when it is absent). Rounds alternate the
two paths (which goes first alternates too) and the figures are medians over the rounds:

- the loops: each compiled twin and its pure reference (textclean.matching.compiled.TWINS) on the same inputs
  made from the corpus documents, in this process: MB/s of document text;
- the pipeline: ``bench_corpus.py --child textclean`` (the full default pipeline, one core, in process,
  steady state) once with the compiled core and once with TEXTCLEAN_PURE_PYTHON=1 per round: seconds per
  stage and MB/s of the whole.

With --in-process, the whole pipeline's processor time instead (less sensitive to a loaded machine than
wall time), both paths in one process, swapped in and out round by round.

    python benchmarks/bench_compiled.py [--megabytes 5] [--rounds 5] [--in-process]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_corpus  # noqa: E402

PATHS = {"compiled": "0", "pure": "1"}  # TEXTCLEAN_PURE_PYTHON


def loop_inputs(texts: list[str]) -> dict[str, list[tuple]]:
    """Per twin, its calls on the documents: what the pipeline gives it, or close (every third line removed)."""
    from textclean import Cleaner
    from textclean.kinds import boilerplate, page_evidence  # noqa: F401  (their twins)
    from textclean.matching import compiled, lines  # noqa: F401
    from textclean.pipeline import engine  # noqa: F401
    from textclean.stages import tidy  # noqa: F401

    split = [text.split("\n") for text in texts]
    stripped = [list(map(str.strip, raw)) for raw in split]
    nonblank = [lines.nonblank_numbers(lines_) for lines_ in stripped]
    stage = next(stage for stage in Cleaner().stages if stage.kind == "boilerplate")
    evidence = stage.pages[0].evidence  # the default rules' page evidence: its stop words, all and English
    removed = [dict.fromkeys(range(0, len(raw), 3), "rule") for raw in split]
    removals = [lines.numbered_line_removals(text, raw, gone)
                for text, raw, gone in zip(texts, split, removed, strict=True)]
    return {
        "textclean.matching.lines.nonblank_numbers": [(lines_,) for lines_ in stripped],
        "textclean.matching.lines.numbered_line_removals": list(zip(texts, split, removed, strict=True)),
        "textclean.stages.tidy.trailing_spaces": [(raw, tidy._SPACES) for raw in split],
        "textclean.stages.tidy.ends_in_space": [(raw, tidy._SPACES) for raw in split],
        "textclean.pipeline.engine.apply_changes": [(text, changes, "boilerplate")
                                           for text, changes in zip(texts, removals, strict=True)],
        "textclean.kinds.page_evidence.stopword_counts": [(text.casefold(), evidence._any) for text in texts],
        "textclean.kinds.page_evidence.word_counts": [(line, evidence.stopwords["en"])
                                                for lines_ in stripped for line in lines_ if line],
        "textclean.kinds.boilerplate.paragraph_lines": [(lines_, numbers, stage.limits.paragraph_words)
                                                        for lines_, numbers in zip(stripped, nonblank, strict=True)],
    }


def time_loops(megabytes: float, rounds: int) -> dict[str, dict[str, float]]:
    from textclean.matching import compiled

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


def use(path: str) -> None:
    """Bind every loaded textclean module's name of a twin to its ``path`` function ("compiled" or "pure")."""
    from textclean.matching import compiled

    for name, (pure, twin) in compiled.TWINS.items():
        function = name.rsplit(".", 1)[1]
        for module_name, module in list(sys.modules.items()):
            if module_name.startswith("textclean") and getattr(module, function, None) in (pure, twin):
                setattr(module, function, twin if path == "compiled" else pure)


def pipeline_in_process(megabytes: float, rounds: int) -> dict[str, float]:
    """Processor seconds of the full pipeline on ``megabytes`` MB, per path, median of ``rounds`` rounds in
    this process (a warm-up round first), the two paths swapped in and out by :func:`use`."""
    from textclean import Cleaner
    from textclean.matching.patterns import compile_all

    cleaner = Cleaner()
    compile_all()
    texts = list(bench_corpus.documents(megabytes))
    seconds: dict[str, list[float]] = {"compiled": [], "pure": []}
    for round_ in range(rounds + 1):
        for path in (("compiled", "pure") if round_ % 2 == 0 else ("pure", "compiled")):
            use(path)
            started = time.process_time()
            for text in texts:
                cleaner.clean(text)
            if round_:
                seconds[path].append(time.process_time() - started)
    use("compiled")
    return {path: statistics.median(values) for path, values in seconds.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=5.0, help="MB of corpus text per pipeline run.")
    parser.add_argument("--rounds", type=int, default=5, help="Rounds; each runs both paths.")
    parser.add_argument("--in-process", action="store_true",
                        help="The whole pipeline's processor time, both paths in this process, instead.")
    args = parser.parse_args(argv)
    if not all(path.is_file() for path in bench_corpus.RENDERINGS):
        print(f"skipped: the corpus is not at {bench_corpus.CORPUS.resolve()} (it lives outside the repository)")
        return 0
    from textclean.matching import compiled
    if compiled.in_use() != "yes":
        print(f"skipped: the compiled core is not in use here ({compiled.in_use()}); build it with pip install .")
        return 0
    if args.in_process:
        seconds = pipeline_in_process(args.megabytes, args.rounds)
        print(f"The full default pipeline on {args.megabytes:g} MB, processor seconds, median of {args.rounds} rounds"
              " in one process:")
        print(f"pure {seconds['pure']:.2f} s ({args.megabytes / seconds['pure']:.2f} MB/s), compiled"
              f" {seconds['compiled']:.2f} s ({args.megabytes / seconds['compiled']:.2f} MB/s):"
              f" {seconds['pure'] / seconds['compiled']:.3f}x")
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
