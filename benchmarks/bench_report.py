"""Time and size of the HTML run report (``textclean report``) for a large run, against reading its edit log.

The run: the dev corpus (../shared/corpus/fullpage, read at run time; without it the shipped examples/)
cleaned once with --edits and --stats, then its edit log written again under new output names, as many
times as it takes for the copies to stand for --gigabytes of input (1 GB by default): the edit log of a
run of that size. The report is written from it with ``textclean report``, and the reference is the least
any reader of the log does: read it line by line and parse each line as JSON, in a process of its own too.
The two are interleaved, each the median of --repeat runs; the peak memory of the report's process (on Linux),
the page's size, and the report's time over the reference's are printed.

    python benchmarks/bench_report.py [--gigabytes 1] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
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


def clean_once(folder: Path) -> tuple[Path, dict]:
    """Clean the dev corpus (or the examples) with --edits and --stats: the log and the stats."""
    source = DEV_CORPUS if DEV_CORPUS.exists() else ROOT / "examples"
    if source != DEV_CORPUS:
        print(f"{DEV_CORPUS} is absent: the run is the shipped examples/ instead", file=sys.stderr)
    edits, stats = folder / "one-run.edits.jsonl", folder / "one-run.stats.json"
    subprocess.run([sys.executable, "-m", "textclean", "clean", "-q", str(source), "-o", str(folder / "out"),
                    "--format", "jsonl", "--edits", str(edits), "--stats", str(stats)], check=True)
    return edits, json.loads(stats.read_text())


def large_log(edits: Path, stats: dict, gigabytes: float, folder: Path) -> tuple[Path, Path, int]:
    """The log written again under new output names until it stands for ``gigabytes`` of input; its stats."""
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
    stats_path = folder / "large.stats.json"
    stats_path.write_text(json.dumps(scaled), encoding="utf-8")
    return log, stats_path, copies


def timed(command: list[str]) -> tuple[float, str]:
    """Seconds a process took, and the last line of its stderr."""
    started = time.perf_counter()
    done = subprocess.run(command, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{command[:4]} exited {done.returncode}: {done.stderr[-2000:]}")
    return took, (done.stderr.strip().splitlines() or [""])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gigabytes", type=float, default=1.0, help="input the edit log stands for")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as name:
        folder = Path(name)
        edits, stats = clean_once(folder)
        log, stats_path, copies = large_log(edits, stats, args.gigabytes, folder)
        page = folder / "report.html"
        report = [sys.executable, "-c", REPORT, "report", str(log), "--stats", str(stats_path), "-o", str(page)]
        reference = [sys.executable, "-c", READ_LOG, str(log)]
        seconds: dict[str, list[float]] = {"report": [], "reference": []}
        peak = 0
        for _ in range(args.repeat):  # interleaved: a slow moment of the machine hits both
            took, memory = timed(report)
            seconds["report"].append(took)
            peak = max(peak, int(memory) if memory.isdigit() else 0)
            seconds["reference"].append(timed(reference)[0])
        report_s, reference_s = (statistics.median(seconds[key]) for key in ("report", "reference"))
        print(f"run: {copies} copies of a run of {stats['bytes_in'] / 1e6:.1f} MB = "
              f"{copies * stats['bytes_in'] / 1e9:.2f} GB of input, {copies * stats['documents']:,} documents, "
              f"{sum(stats['edits_by_rule'].values()) * copies:,} edits")
        print(f"edit log: {log.stat().st_size / 1e6:,.0f} MB")
        memory = f"peak memory {peak / 1024:.0f} MB, " if peak else ""  # where /proc tells it
        print(f"textclean report: {report_s:.1f} s (median of {args.repeat}), {memory}"
              f"page {page.stat().st_size / 1e6:.2f} MB")
        print(f"reference, reading the log and parsing each line as JSON: {reference_s:.1f} s")
        print(f"report / reference: {report_s / reference_s:.2f}")


if __name__ == "__main__":
    main()
