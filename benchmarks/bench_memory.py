"""Peak memory of `textclean clean` on one large document, on stdin, and past the document ceiling.

Each case runs the command line in a process of its own and reads its peak resident set size
(resource.getrusage(RUSAGE_CHILDREN).ru_maxrss, workers included), next to a reference measured in
the same run: the same command on a one-line document, which is what the interpreter and the rules
take. Cases are interleaved and repeated; medians are printed. Linux and macOS (ru_maxrss is KB on
Linux, bytes on macOS). The documents are made up here (no shared data needed):

    python benchmarks/bench_memory.py [--megabytes 16] [--stdin-megabytes 50] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARAGRAPH = ("Officials in Qalat-i-Naw said the road to the valley would reopen on Monday, after floods "
             "cut it for nine days; Mohamed Ali, who runs the café by the bridge, said trade was slow. ")

def peak_mb(command: list[str], stdin: Path | None = None) -> float:
    """Peak RSS in MB of ``command`` (and the processes it waits for), run in a fresh measuring process."""
    script = ("import resource, subprocess, sys\n"
              "stdin = open(sys.argv[1], 'rb') if sys.argv[1] else None\n"
              "done = subprocess.run(sys.argv[2:], stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
              "assert done.returncode in (0, 1), done.stderr.decode()[-2000:]\n"
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", script, str(stdin or ""), *command], capture_output=True, text=True,
                         check=True).stdout
    kilobytes = int(out) / (1024 if sys.platform == "darwin" else 1)
    return kilobytes / 1024


def textclean(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "cli.py"), "clean", "-q", "--no-progress", *args]


def write_cases(folder: Path, megabytes: float, stdin_megabytes: float) -> dict[str, tuple[list[str], Path | None]]:
    repeats = int(megabytes * 2**20 / len(PARAGRAPH.encode()))
    one_line = folder / "one-line.txt"  # one document of one line
    one_line.write_text(PARAGRAPH * repeats + "\n", encoding="utf-8")
    record = folder / "one-record.jsonl"  # one JSONL record whose text has a line per paragraph
    record.write_text(json.dumps({"id": "big", "text": (PARAGRAPH + "\n") * repeats}, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    tiny = folder / "tiny.txt"
    tiny.write_text(PARAGRAPH + "\n", encoding="utf-8")
    many = folder / "many.jsonl"  # small records, read from stdin
    line = json.dumps({"id": "doc", "text": (PARAGRAPH + "\n") * 4}, ensure_ascii=False) + "\n"
    many.write_text(line * int(stdin_megabytes * 2**20 / len(line.encode())), encoding="utf-8")
    too_big = folder / "too-big.jsonl"  # a line past a ceiling of a quarter of its size
    too_big.write_text(line + json.dumps({"id": "big", "text": PARAGRAPH * repeats}) + "\n" + line, encoding="utf-8")
    quarter = f"{max(1, int(megabytes / 4))}MB"
    return {
        "reference: one line of text": (textclean(str(tiny)), None),
        f"one line of text, {megabytes:g} MB": (textclean(str(one_line)), None),
        f"one JSONL record, {megabytes:g} MB": (textclean(str(record)), None),
        f"JSONL on stdin, {stdin_megabytes:g} MB of small records": (
            textclean("--input-format", "jsonl", "-j", "1", "-"), many),
        f"a {megabytes:g} MB line past a {quarter} ceiling": (
            textclean("--max-document-size", quarter, "-j", "1", str(too_big)), None),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=16, help="size of the one large document")
    parser.add_argument("--stdin-megabytes", type=float, default=50, help="JSONL piped to stdin")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = write_cases(Path(tmp), args.megabytes, args.stdin_megabytes)
        peaks: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.repeat):
            for name, (command, stdin) in cases.items():
                peaks[name].append(peak_mb(command, stdin))
    reference = statistics.median(peaks["reference: one line of text"])
    print(f"{'case':<48} {'peak MB':>9} {'above ref':>10}  per MB of document")
    for name, values in peaks.items():
        peak = statistics.median(values)
        size = args.megabytes if "past" not in name and "stdin" not in name and "reference" not in name else None
        per_mb = f"{(peak - reference) / size:8.1f}x" if size else ""
        print(f"{name:<48} {peak:9.0f} {peak - reference:10.0f}  {per_mb}")


if __name__ == "__main__":
    main()
