"""Time, size and memory of the HTML run report (``textclean report``) for a large run, against reading its edit log.

The run: the dev corpus (../shared/corpus/fullpage, read at run time; without it the shipped examples/)
cleaned once with --edits and --stats, then its edit log written again under new output names, as many
times as it takes for the copies to stand for --gigabytes of input (1 GB by default): the edit log of a
run of that size. Its --stats file is the run's, scaled, with the report's counts (``report``) those a run
of the copies makes: a whole reading of the large log counts the same edits in the same order (checked
here on the one run: its --stats counts are those of a whole reading of its log).

Timed, each in a process of its own, interleaved, each the median of --repeat runs:

- ``textclean report LOG --stats STATS``: the counts from the stats, the log read for the samples only;
- the same with a --stats file without the report's counts (as a run without --edits writes it): the log read
  whole and counted;
- the reference, the least any reader of the log does: read it line by line and parse each line as JSON.

Printed: the seconds of each, the peak memory of the report's process (Linux), the page's size, the report's
time over the reference's, and whether the two pages show the same numbers. ``--clean-cost`` also times the
run itself, ``clean --edits`` against ``clean --edits --stats --report`` (which keep the counts and write the
page), interleaved, medians: what the report costs the run.

    python benchmarks/bench_report.py [--gigabytes 1] [--repeat 3] [--clean-cost]
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "fullpage" / "corpus.jsonl.gz"

READ_LOG = "import json, sys\nfor line in open(sys.argv[1], encoding='utf-8'):\n    json.loads(line)\n"
# textclean's command line, then the peak memory of this process on stderr (Linux: VmHWM, of this program
# alone; the resource usage of a child counts the pages of the parent it was forked from).
REPORT = """import sys
from textclean.cli import main
try:
    main(sys.argv[1:])
finally:
    try:
        with open("/proc/self/status") as status:
            print(next(line for line in status if line.startswith("VmHWM")).split()[1], file=sys.stderr)
    except OSError:
        pass
"""


def source() -> Path:
    if DEV_CORPUS.exists():
        return DEV_CORPUS
    print(f"{DEV_CORPUS} is absent: the run is the shipped examples/ instead", file=sys.stderr)
    return ROOT / "examples"


def clean_command(folder: Path, name: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "textclean", "clean", "-q", str(source()), "-o", str(folder / f"{name}.out"),
            "--format", "jsonl", "--edits", str(folder / f"{name}.edits.jsonl"), *extra]


def clean_once(folder: Path) -> tuple[Path, dict]:
    """Clean the dev corpus (or the examples) with --edits and --stats: the log and the stats."""
    subprocess.run(clean_command(folder, "one-run", "--stats", str(folder / "one-run.stats.json")), check=True)
    return folder / "one-run.edits.jsonl", json.loads((folder / "one-run.stats.json").read_text())


def large_log(edits: Path, stats: dict, gigabytes: float, folder: Path) -> tuple[Path, Path, Path, int]:
    """The log written again under new output names until it stands for ``gigabytes`` of input; its stats, and
    its stats without the report's counts."""
    from textclean.runs.run_report import RunReport

    copies = max(1, round(gigabytes * 1e9 / max(stats["bytes_in"], 1)))
    with open(edits, encoding="utf-8", newline="") as stream:
        header, *body = stream
    records = [json.loads(line) for line in body]
    log = folder / "large.edits.jsonl"
    with open(log, "w", encoding="utf-8") as stream:
        stream.write(header)
        for copy in range(copies):
            for record in records:
                record = dict(record, output=f"part-{copy:05d}/{record['output']}")
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    scaled = {key: value * copies if isinstance(value, int) else value for key, value in stats.items()}
    for key in ("edits_by_rule", "bytes_removed_by_rule", "metadata_fields"):
        scaled[key] = {name: count * copies for name, count in stats[key].items()}
    scaled["findings_by_rule"] = {rule: {level: count * copies for level, count in levels.items()}
                                  for rule, levels in stats["findings_by_rule"].items()}
    without = folder / "large.without-counts.stats.json"  # as a run without --edits writes it
    without.write_text(json.dumps({key: value for key, value in scaled.items() if key != "report"}), encoding="utf-8")
    scaled["report"] = RunReport.from_edit_log(log).counts()  # what a run of the copies counts (see above)
    stats_path = folder / "large.stats.json"
    stats_path.write_text(json.dumps(scaled), encoding="utf-8")
    return log, stats_path, without, copies


def same_counts_as_a_whole_reading(edits: Path, stats: dict) -> bool:
    """Whether the run's counts in its --stats are those of a whole reading of its log (but the documents' sizes,
    which the log does not hold)."""
    from textclean.runs.run_report import RunReport

    by_run = stats["report"]
    by_run["top"] = [{**loss, "bytes_in": None} for loss in by_run["top"]]
    return by_run == RunReport.from_edit_log(edits).counts()


def numbers(page: Path) -> str:
    """The page without the sentence that says where its counts come from."""
    return re.sub(r'<p id="counted-by-run">.*?</p>\n?', "", page.read_text(encoding="utf-8"), flags=re.S)


def timed(command: list[str]) -> tuple[float, str]:
    """Seconds a process took, and the last line of its stderr."""
    started = time.perf_counter()
    done = subprocess.run(command, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{command[:4]} exited {done.returncode}: {done.stderr[-2000:]}")
    return took, (done.stderr.strip().splitlines() or [""])[-1]


def interleaved(commands: dict[str, list[str]], repeat: int) -> tuple[dict[str, float], dict[str, int]]:
    """The median seconds of each command, run in turn ``repeat`` times (a slow moment of the machine hits all),
    and the largest peak memory (kB) each printed."""
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    peak = dict.fromkeys(commands, 0)
    for _ in range(repeat):
        for name, command in commands.items():
            took, memory = timed(command)
            seconds[name].append(took)
            peak[name] = max(peak[name], int(memory) if memory.isdigit() else 0)
    return {name: statistics.median(values) for name, values in seconds.items()}, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gigabytes", type=float, default=1.0, help="input the edit log stands for")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clean-cost", action="store_true", help="also time clean with and without --report")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as name:
        folder = Path(name)
        edits, stats = clean_once(folder)
        print(f"one run: its --stats counts are those of a whole reading of its edit log: "
              f"{'yes' if same_counts_as_a_whole_reading(edits, dict(stats)) else 'NO'}")
        log, stats_path, without_counts, copies = large_log(edits, stats, args.gigabytes, folder)
        pages = {"with counts": folder / "with-counts.html", "log alone": folder / "log-alone.html"}
        seconds, peak = interleaved({
            "with counts": [sys.executable, "-c", REPORT, "report", str(log), "--stats", str(stats_path),
                            "-o", str(pages["with counts"])],
            "log alone": [sys.executable, "-c", REPORT, "report", str(log), "--stats", str(without_counts),
                          "-o", str(pages["log alone"])],
            "reference": [sys.executable, "-c", READ_LOG, str(log)]}, args.repeat)
        print(f"run: {copies} copies of a run of {stats['bytes_in'] / 1e6:.1f} MB = "
              f"{copies * stats['bytes_in'] / 1e9:.2f} GB of input, {copies * stats['documents']:,} documents, "
              f"{sum(stats['edits_by_rule'].values()) * copies:,} edits")
        print(f"edit log: {log.stat().st_size / 1e6:,.0f} MB")
        for key, what in (("with counts", "the run's counts from --stats, the log read for the samples"),
                          ("log alone", "--stats without them: the log read whole and counted")):
            memory = f"peak memory {peak[key] / 1024:.0f} MB, " if peak[key] else ""  # where /proc tells it
            print(f"textclean report, {what}: {seconds[key]:.1f} s (median of {args.repeat}), {memory}"
                  f"page {pages[key].stat().st_size / 1e6:.2f} MB, "
                  f"{seconds[key] / seconds['reference']:.2f} of the reference")
        print(f"reference, reading the log and parsing each line as JSON: {seconds['reference']:.1f} s")
        print("the two pages show the same numbers: "
              f"{'yes' if numbers(pages['with counts']) == numbers(pages['log alone']) else 'NO'}")
        if args.clean_cost:
            runs, _ = interleaved({
                "clean": clean_command(folder, "cost"),
                "report": clean_command(folder, "cost", "--stats", str(folder / "cost.json"), "--report",
                                        str(folder / "cost.html"))}, args.repeat)
            print(f"clean --edits: {runs['clean']:.1f} s; with --stats --report: {runs['report']:.1f} s "
                  f"({runs['report'] / runs['clean']:.3f}), on {stats['bytes_in'] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
