"""Start-up: a one-file ``textclean fix`` and a tiny corpus run, next to Python importing regex, ftfy, yaml and click.

Each command runs as a fresh process, the kinds interleaved round by round; every figure is the median over
``--rounds`` rounds, as wall time and as the CPU time of the process (user + system, which other load on
the machine inflates less). The reference is ``python -c "import regex, ftfy, yaml, click"``; the goal is a
one-file fix within 2.5x of it with the rule cache warm, and a tiny corpus run (``clean examples/ -o out/``,
whole: one process, and with ``--jobs 2`` two forked workers) under 0.5 s. The cold figures
(``TEXTCLEAN_NO_CACHE=1``: every rule parsed, validated and compiled) are for comparison. The rule cache lives in a temporary folder (``TEXTCLEAN_CACHE_DIR``), bytecode is
written as an installed package has it, and each fix works on a fresh copy of an example article.

    python benchmarks/bench_startup.py [--rounds 15]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "examples" / "news" / "site3_westasiaherald.txt"
GOAL_RATIO = 2.5
GOAL_CORPUS_SECONDS = 0.5


def textclean_command() -> list[str]:
    """The installed ``textclean`` script beside this Python, else ``python -m textclean`` from this checkout."""
    script = Path(sys.executable).parent / "textclean"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "textclean"]


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command``; fails loudly on an exit status above 1."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode()
    process.stderr.close()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {error}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("TEXTCLEAN_", "PYTHON"))}
        env["PYTHONPATH"] = str(ROOT)  # a checkout's textclean, as the script's own import would find it
        warm = {**env, "TEXTCLEAN_CACHE_DIR": str(work / "cache")}
        cold = {**env, "TEXTCLEAN_NO_CACHE": "1"}
        article = work / "article.txt"
        shutil.copytree(ROOT / "examples", work / "examples")
        textclean = textclean_command()
        commands = {
            "import regex, ftfy, yaml, click": ([sys.executable, "-c", "import regex, ftfy, yaml, click"], env),
            "fix FILE (warm cache)": ([*textclean, "fix", str(article)], warm),
            "fix FILE (no cache)": ([*textclean, "fix", str(article)], cold),
            "clean examples/ -o out/ (warm cache)": ([*textclean, "clean", "examples/", "-o", "out/"], warm),
            "clean ... --jobs 2 (warm cache)": ([*textclean, "clean", "examples/", "-o", "out/", "--jobs", "2"], warm),
        }
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for round_number in range(args.rounds + 1):  # round 0 writes bytecode and the rule cache, and is not counted
            for name, (command, environment) in commands.items():
                shutil.copyfile(ARTICLE, article)
                shutil.rmtree(work / "out", ignore_errors=True)
                figure = timed(command, environment, work)
                if round_number:
                    figures[name].append(figure)
        medians = {name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
                   for name, runs in figures.items()}
        print(f"median of {args.rounds} interleaved rounds; textclean = {' '.join(textclean)}")
        print(f"{'':40s}{'wall s':>10}{'cpu s':>10}")
        for name, (wall, cpu) in medians.items():
            print(f"{name:40s}{wall:10.3f}{cpu:10.3f}")
        reference = medians["import regex, ftfy, yaml, click"]
        for name in ("fix FILE (warm cache)", "fix FILE (no cache)"):
            wall, cpu = medians[name]
            print(f"{name} / import: {wall / reference[0]:.2f}x wall, {cpu / reference[1]:.2f}x cpu "
                  f"(goal with a warm cache: {GOAL_RATIO}x)")
        for name in ("clean examples/ -o out/ (warm cache)", "clean ... --jobs 2 (warm cache)"):
            wall, cpu = medians[name]
            print(f"tiny corpus run, whole, {name}: {wall:.3f} s wall, {cpu:.3f} s cpu "
                  f"(goal with a warm cache: < {GOAL_CORPUS_SECONDS} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
