"""``textclean clean --jobs N`` against ``--jobs 1`` on the same JSONL file: wall time, and CPU time split
between the parent process and its workers, interleaved rounds, medians.

On a machine other work shares, wall time says little about scaling; the CPU times say more. The parent's
own CPU time (reading and parsing the input, writing the output and the statistics, starting the workers)
is work the workers wait on or compete with, and its start-up (S: the parent's CPU time in a one-document
run with ``--jobs N``) comes before any worker exists; so on a quiet machine with N cores the run takes at
least S + (parent + workers - S) / N, and at least the parent's own time: the "CPU bound" below is
``--jobs 1``'s CPU time over the larger of the two, the best wall-time ratio the run can reach there (the
goal of issue 22: 1.7x with 2 cores). Peak memory (RSS of the parent and of the largest worker) is measured at
the size given and at twice that size, to show it stays flat. Each run is its own process (this script with
``--child``, which runs textclean's command line in-process and reports its own and its children's resource usage).

With ``--against DIR`` (a checkout of other code, e.g. ``git archive main | tar -x -C DIR``, its compiled
modules copied in beside their sources), every figure is measured for that code too, in the same rounds,
interleaved with this checkout's runs; both must write the same output.

Reads ../shared/corpus (fullpage and extracted renderings, repeated to the size asked), and skips where it
is absent.

    python benchmarks/bench_jobs.py [--megabytes 20] [--rounds 3] [--jobs 2] [--against DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
GOAL_RATIO = 1.7


def write_corpus(path: Path, megabytes: float) -> None:
    from bench_corpus import records

    with path.open("w", encoding="utf-8") as stream:
        for number, record in enumerate(records(megabytes)):
            stream.write(json.dumps({"id": number, **record}, ensure_ascii=False) + "\n")


def child(argv: list[str]) -> None:
    """Run ``textclean`` with ``argv`` in this process; print wall and CPU seconds and peak memory as JSON."""
    from textclean.cli import main

    started = time.perf_counter()
    try:
        main(argv, standalone_mode=False)
    finally:
        own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        print(json.dumps({"wall": time.perf_counter() - started, "parent": own.ru_utime + own.ru_stime,
                          "workers": workers.ru_utime + workers.ru_stime, "parent_mb": own.ru_maxrss / 1024,
                          "worker_mb": workers.ru_maxrss / 1024}))


def measure(corpus: Path, output: Path, jobs: int, root: Path = ROOT) -> dict:
    command = [sys.executable, __file__, "--root", str(root), "--child", "clean", str(corpus), "-o", str(output),
               "--jobs", str(jobs), "-q"]
    # Python's compiled bytecode is kept and reused, as an installed package has it: where the environment says not
    # to write it, every run would compile textclean's sources again (most of a second of each start-up).
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode not in (0, 1):  # 1: a document the rules could not settle, named on stderr
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--against", type=Path, help="a checkout of other code, measured in the same rounds")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(args.root))
        child(args.child)
        return 0
    from bench_corpus import RENDERINGS

    if not all(path.is_file() for path in RENDERINGS):
        print(f"skipped: the corpus is not at {RENDERINGS[0].parents[1]} (it lives outside the repository)")
        return 0
    roots = {"this": ROOT, **({"against": args.against.resolve()} if args.against else {})}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sizes = {1: work / "corpus.jsonl", 2: work / "corpus2.jsonl"}
        write_corpus(sizes[1], args.megabytes)
        write_corpus(sizes[2], 2 * args.megabytes)
        one_document = work / "one.jsonl"
        one_document.write_text(sizes[1].open(encoding="utf-8").readline(), encoding="utf-8")
        for root in roots.values():  # the rule cache and the bytecode, as a user's second run has them
            measure(sizes[1], work / "warm.jsonl", 1, root)
        runs = {name: {1: [], args.jobs: []} for name in roots}
        start_ups: dict[str, list[dict]] = {name: [] for name in roots}
        for _ in range(args.rounds):
            for jobs in (1, args.jobs):
                for name, root in roots.items():
                    runs[name][jobs].append(measure(sizes[1], work / f"{name}-out{jobs}.jsonl", jobs, root))
            for name, root in roots.items():
                start_ups[name].append(measure(one_document, work / "one-out.jsonl", args.jobs, root))
        written = {(work / f"{name}-out{jobs}.jsonl").read_bytes() for name in roots for jobs in (1, args.jobs)}
        if len(written) != 1:
            raise SystemExit(f"--jobs 1 and --jobs {args.jobs}, or the two checkouts, wrote different output")
        doubled = {name: measure(sizes[2], work / "out-x2.jsonl", args.jobs, root) for name, root in roots.items()}
    print(f"{args.megabytes:g} MB of corpus JSONL, {args.rounds} interleaved rounds, medians "
          f"(CPU: user + system seconds)")
    for name, root in roots.items():
        report(f"{name} ({root})", runs[name], start_ups[name], doubled[name], args)
    return 0


def report(title: str, runs: dict[int, list[dict]], start_ups: list[dict], doubled: dict, args) -> None:
    def median(jobs: int, key: str) -> float:
        return statistics.median(run[key] for run in runs[jobs])

    print(f"\n{title}")
    print(f"{'':<16} {'wall s':>8} {'parent CPU':>11} {'workers CPU':>12} {'parent MB':>10} {'worker MB':>10}")
    for jobs in runs:
        print(f"--jobs {jobs:<9} {median(jobs, 'wall'):>8.2f} {median(jobs, 'parent'):>11.2f} "
              f"{median(jobs, 'workers'):>12.2f} {median(jobs, 'parent_mb'):>10.0f} {median(jobs, 'worker_mb'):>10.0f}")
    print(f"--jobs {args.jobs} x2 size {doubled['wall']:>8.2f} {doubled['parent']:>11.2f} "
          f"{doubled['workers']:>12.2f} {doubled['parent_mb']:>10.0f} {doubled['worker_mb']:>10.0f}  (one run)")
    start_up = statistics.median(run["parent"] for run in start_ups)
    print(f"start-up (a one-document run, --jobs {args.jobs}): parent CPU {start_up:.2f} s, wall "
          f"{statistics.median(run['wall'] for run in start_ups):.2f} s")
    one = median(1, "parent")
    parent, workers = median(args.jobs, "parent"), median(args.jobs, "workers")
    bound = one / max(parent, start_up + (parent + workers - start_up) / args.jobs)
    print(f"wall-time ratio --jobs 1 / --jobs {args.jobs} here: {median(1, 'wall') / median(args.jobs, 'wall'):.2f}x "
          "(a shared machine)")
    met = "met" if bound >= GOAL_RATIO else "NOT met"
    print(f"parent's share of --jobs {args.jobs}'s CPU: {parent / (parent + workers):.1%}; CPU bound on a quiet "
          f"{args.jobs}-core machine: {bound:.2f}x (goal >= {GOAL_RATIO}x: {met})")


if __name__ == "__main__":
    sys.exit(main())
