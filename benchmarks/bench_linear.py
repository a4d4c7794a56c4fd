"""Scaling of fix / diff / check on a file with mixed line endings, and of replay / undo of many edits.

Each is timed on generated text (no corpus needed) at 1x, 2x and 4x a base size, the
sizes interleaved and each the median of --repeat runs; the last column is the time at
4x over the time at 1x, which is about 4 for work linear in the size (16 for quadratic).
Cleaning the same text with the engine is timed alongside as the reference.

    python benchmarks/bench_linear.py [--megabytes 0.5] [--repeat 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textclean import Cleaner, load_rules, replay, undo  # noqa: E402
from textclean.runs.files import FileCleaner  # noqa: E402

LINES = [
    "The council met on Monday to discuss the bridge over the river.  ",  # trailing spaces: an edit
    "Officials in Qalat-i-Naw said the road would reopen in May.",  # a variant spelling: an edit
    "Traffic was light, and the market stayed open until late.",
    "",
    "",
    "",  # a run of blank lines: an edit
    "Residents of Kalat-e-Nav welcomed the news, a spokesman said. ",
]


def document(megabytes: float) -> str:
    """Lines that end in CRLF and LF by turns, with edits to make on about half of them."""
    parts, size, number = [], 0, 0
    while size < megabytes * 1e6:
        line = LINES[number % len(LINES)] + ("\r\n" if number % 3 else "\n")
        parts.append(line)
        size += len(line)
        number += 1
    return "".join(parts)


def timings(megabytes: float, repeat: int) -> dict[str, dict[float, float]]:
    cleaner = Cleaner(load_rules())
    files = FileCleaner(cleaner.ruleset)
    seconds: dict[str, dict[float, list[float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for factor in (1, 2, 4):
            paths[factor] = Path(folder) / f"mixed-{factor}.txt"
            paths[factor].write_bytes(document(megabytes * factor).encode("utf-8"))
        for _ in range(repeat):
            for factor, path in paths.items():  # interleaved: a slow moment of the machine hits every size
                def timed(name, work, factor=factor):
                    started = time.perf_counter()
                    value = work()
                    seconds.setdefault(name, {}).setdefault(factor, []).append(time.perf_counter() - started)
                    return value

                text = path.read_text("utf-8").replace("\r\n", "\n")
                result = timed("clean (reference)", lambda text=text: cleaner.clean(text))
                plan = timed("fix (plan and contents)", lambda path=path: files.plan(path))
                timed("diff", plan.diff)
                timed("check", plan.problems)
                timed("replay", lambda result=result: replay(result.original, result.edits))
                timed("undo", lambda result=result: undo(result.text, result.edits))
                assert undo(result.text, result.edits) == result.original
    return {name: {factor: statistics.median(runs) for factor, runs in by.items()} for name, by in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=0.5, help="the base size (1x)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    edits = len(Cleaner(load_rules()).clean(document(args.megabytes).replace("\r\n", "\n")).edits)
    print(f"base size {args.megabytes} MB, {edits:,} edits at 1x; seconds (median of {args.repeat})")
    print(f"{'':26}{'1x':>9}{'2x':>9}{'4x':>9}{'4x/1x':>8}")
    for name, by in timings(args.megabytes, args.repeat).items():
        print(f"{name:26}{by[1]:9.3f}{by[2]:9.3f}{by[4]:9.3f}{by[4] / by[1]:8.1f}")


if __name__ == "__main__":
    main()
