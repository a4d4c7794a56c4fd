"""Throughput and peak memory of textclean and the tools a user would otherwise pick, on ../shared/corpus.

Each measurement runs in its own process (this script with --child MODE): it streams the
documents of both corpus renderings (fullpage and extracted), repeated until at least
--megabytes MB of UTF-8 text (x2 for the memory-flatness run), through one tool in chunks,
and reports MB/s of text over the time spent in the tool and the process's peak RSS. Modes:

  textclean          textclean.Cleaner().clean per document: the full default pipeline, one core
  textclean-unicode  textclean's unicode stage alone (equal to ftfy.fix_text with its config)
  ftfy               ftfy.fix_text alone, ftfy's defaults
  datatrove          datatrove's FTFYFormatter + C4QualityFilter(filter_no_terminal_punct=False)
  clean-text         clean-text's clean() with its defaults
  textclean-jobs     `textclean clean corpus.jsonl -o out --jobs N`, wall time with JSON I/O and start-up,
                     with --jobs 1 and with all cores, on the same file: the scaling with cores; and
                     on a one-document file, the start-up, for the scaling of the rest; and the share of
                     the run the site pass takes (its own timing, and the run again with --no-site-pass)

Goals (issue 22): the full pipeline >= 25 MB/s per core in process; `--jobs 1` end to end (start-up and JSON
included, the textclean-jobs mode) >= 6x ftfy alone on the same text; flat memory.
Goal (issue 16): the site pass <= 15% of a corpus run's wall time.

    python benchmarks/bench_corpus.py [--megabytes 40] [--modes textclean ftfy ...] [--profile]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
#: The corpus, ../shared/corpus from the repository root unless TEXTCLEAN_CORPUS names another folder.
CORPUS = Path(os.environ.get("TEXTCLEAN_CORPUS", ROOT / ".." / "shared" / "corpus"))
RENDERINGS = [CORPUS / "fullpage" / "corpus.jsonl.gz", CORPUS / "extracted" / "corpus.jsonl.gz"]
MODES = ["textclean", "textclean-unicode", "ftfy", "datatrove", "clean-text", "textclean-jobs"]
GOAL_MB_S = 25.0  # per core, in process (issue 22)
GOAL_END_TO_END_FTFY = 6.0  # `--jobs 1` end to end over ftfy alone (issue 22)
SITE_PASS_GOAL = 0.15  # of a corpus run's wall time (issue 16)
CHUNK = 64  # documents handed to a tool at a time; bounds what the harness holds


def records(megabytes: float) -> Iterator[dict]:
    """The corpus records (text and url), in order, repeated until ``megabytes`` MB of text have been yielded."""
    size = 0
    while True:
        for path in RENDERINGS:
            with gzip.open(path, "rt", encoding="utf-8") as lines:
                for line in lines:
                    record = json.loads(line)
                    yield {"text": record["text"], "url": record.get("url")}
                    size += len(record["text"].encode("utf-8"))
                    if size >= megabytes * 1e6:
                        return


def documents(megabytes: float) -> Iterator[str]:
    """The corpus texts, in order, repeated until ``megabytes`` MB have been yielded."""
    return (record["text"] for record in records(megabytes))


def chunks(megabytes: float) -> Iterator[list[str]]:
    chunk = []
    for text in documents(megabytes):
        chunk.append(text)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def tool(mode: str) -> tuple[Callable[[list[str]], object], dict[str, float] | None]:
    """A function that processes one chunk of texts, and for the full pipeline the seconds per stage."""
    if mode == "textclean":
        from textclean import Cleaner
        from textclean.matching.patterns import compile_all
        cleaner = Cleaner()
        compile_all()  # what the first documents would compile: a first-use cost, like the warm-up's
        return (lambda texts: [cleaner.clean(text) for text in texts]), stage_timer(cleaner)
    if mode == "textclean-unicode":
        from textclean.stages.unicode_repair import UnicodeRepair
        stage = UnicodeRepair()
        return (lambda texts: [stage.apply(text) for text in texts]), None
    if mode == "ftfy":
        import ftfy
        return (lambda texts: [ftfy.fix_text(text) for text in texts]), None
    if mode == "datatrove":
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter
        from datatrove.pipeline.formatters import FTFYFormatter
        formatter, quality = FTFYFormatter(), C4QualityFilter(filter_no_terminal_punct=False)

        def pipeline(texts: list[str]) -> list:
            docs = (Document(text=text, id=str(number)) for number, text in enumerate(texts))
            return list(quality.run(formatter.run(docs)))
        return pipeline, None
    if mode == "clean-text":
        from cleantext import clean
        return (lambda texts: [clean(text) for text in texts]), None
    raise ValueError(f"unknown mode {mode!r}")


def stage_timer(cleaner) -> dict[str, float]:
    """Wrap each stage of ``cleaner`` to add up the seconds it spends, by stage kind."""
    seconds: dict[str, float] = {}
    for stage in cleaner.stages:
        def timed(text, *corpus, apply=stage.apply, kind=stage.kind):
            started = time.perf_counter()
            try:
                return apply(text, *corpus)
            finally:
                seconds[kind] = seconds.get(kind, 0.0) + time.perf_counter() - started
        stage.apply = timed
    return seconds


def run_child(mode: str, megabytes: float, profile: bool) -> dict:
    if mode == "textclean-jobs":
        return run_cli_jobs(megabytes)
    work, stages = tool(mode)
    work(["Warm-up: News ID: 1\nThe café opened.\n"])  # first-use costs (tokenizers, compiled patterns)
    if stages:
        stages.clear()
    profiler = None
    if profile:
        import cProfile
        profiler = cProfile.Profile()
    size = seconds = 0.0
    for chunk in chunks(megabytes):
        size += sum(len(text.encode("utf-8")) for text in chunk)
        started = time.perf_counter()
        if profiler:
            profiler.runcall(work, chunk)
        else:
            work(chunk)
        seconds += time.perf_counter() - started
    if profiler:
        import pstats
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    return {"mode": mode, "megabytes": size / 1e6, "seconds": seconds, "peak_mb": peak_rss_mb("self"),
            "stages": stages}


def run_cli_jobs(megabytes: float) -> dict:
    cores = os.cpu_count() or 1
    command = [sys.executable, str(ROOT / "cli.py"), "clean"]
    with tempfile.TemporaryDirectory() as folder:
        corpus, size = Path(folder) / "corpus.jsonl", 0
        with corpus.open("w", encoding="utf-8") as stream:
            for number, record in enumerate(records(megabytes)):
                stream.write(json.dumps({"id": number, **record}, ensure_ascii=False) + "\n")
                size += len(record["text"].encode("utf-8"))
        one_line = Path(folder) / "one.jsonl"  # what a run costs before and after its documents: start-up
        one_line.write_text(json.dumps({"id": 0, "text": "News ID: 1\nThe café opened.\n"}) + "\n")
        seconds, start_up, without_pass, site_pass = {}, {}, {}, {}
        for jobs in (1, cores):  # with and without the site pass, one after the other
            for name, source, times, extra in (("out", corpus, seconds, []), ("one", one_line, start_up, []),
                                               ("nopass", corpus, without_pass, ["--no-site-pass"])):
                stats = Path(folder) / f"{name}{jobs}.stats.json"
                started = time.perf_counter()
                subprocess.run([*command, str(source), "-o", str(Path(folder) / f"{name}{jobs}.jsonl"),
                                "--jobs", str(jobs), "-q", "--stats", str(stats), *extra], check=True)
                times[jobs] = time.perf_counter() - started
                if name == "out":
                    site_pass[jobs] = json.loads(stats.read_text())["site_pass"]["seconds"]
        if (Path(folder) / "out1.jsonl").read_bytes() != (Path(folder) / f"out{cores}.jsonl").read_bytes():
            raise SystemExit("--jobs 1 and --jobs N wrote different output")
    return {"mode": f"textclean-jobs ({cores} cores)", "megabytes": size / 1e6, "seconds": seconds[cores],
            "one_core_seconds": seconds[1], "start_up": [start_up[1], start_up[cores]],
            "site_pass": [site_pass[1], site_pass[cores]], "without_pass": [without_pass[1], without_pass[cores]],
            "peak_mb": peak_rss_mb("children"),
            "cores": cores}


def peak_rss_mb(who: str) -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF if who == "self" else resource.RUSAGE_CHILDREN)
    return usage.ru_maxrss / 1024  # KiB on Linux


def measure(mode: str, megabytes: float, profile: bool = False) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--megabytes", str(megabytes)]
    done = subprocess.run(command + (["--profile"] if profile else []), capture_output=True, text=True)
    if profile:
        print(done.stderr)
    if done.returncode != 0:
        return {"mode": mode, "unavailable": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=40.0, help="MB of text per run (the corpus repeats).")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=MODES, help="What to measure.")
    parser.add_argument("--flatness", nargs="*", choices=MODES, default=["textclean"],
                        help="Modes also measured at twice the size, to show peak memory stays flat.")
    parser.add_argument("--profile", action="store_true", help="Profile the textclean mode (cProfile, top 25).")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not all(path.is_file() for path in RENDERINGS):
        print(f"skipped: the corpus is not at {CORPUS.resolve()} (it lives outside the repository)")
        return 0
    if args.child:
        print(json.dumps(run_child(args.child, args.megabytes, args.profile)))
        return 0

    if args.profile:
        measure("textclean", args.megabytes, profile=True)
        return 0
    results = {mode: measure(mode, args.megabytes) for mode in args.modes}
    doubled = {mode: measure(mode, 2 * args.megabytes) for mode in args.flatness if mode in args.modes}
    report(results, doubled, args.megabytes)
    return 0


def report(results: dict[str, dict], doubled: dict[str, dict], megabytes: float) -> None:
    reference = results.get("textclean", {})
    reference_speed = reference["megabytes"] / reference["seconds"] if "seconds" in reference else None
    print(f"{megabytes:.0f} MB of corpus text per run (x2 for the last column); MB = 10^6 bytes of UTF-8.")
    print("tc/x: textclean's MB/s over the row's (above 1: textclean is faster). peak MB: peak RSS of the")
    print("measuring process (for textclean-jobs: of its largest process).")
    print(f"{'mode':<34} {'MB':>6} {'s':>7} {'MB/s':>8} {'tc/x':>8} {'peak MB':>8} {'peak MB x2':>11}")
    for mode, result in results.items():
        if "unavailable" in result:
            print(f"{mode:<34} not available: {result['unavailable']}")
            continue
        speed = result["megabytes"] / result["seconds"]
        ratio = f"{reference_speed / speed:.2f}" if reference_speed else "-"
        twice = f"{doubled[mode]['peak_mb']:.0f}" if "peak_mb" in doubled.get(mode, {}) else "-"
        print(f"{result['mode']:<34} {result['megabytes']:>6.1f} {result['seconds']:>7.1f} {speed:>8.2f}"
              f" {ratio:>8} {result['peak_mb']:>8.0f} {twice:>11}")
        if "cores" in result:
            one_core = result["megabytes"] / result["one_core_seconds"]
            print(f"{'':<34} --jobs 1: {one_core:.2f} MB/s; scaling with {result['cores']} cores:"
                  f" {speed / one_core:.2f}x (wall time, with JSON I/O and start-up)")
            one, many = result["start_up"]
            steady = (result["one_core_seconds"] - one) / (result["seconds"] - many)
            print(f"{'':<34} start-up (a one-document run): {one:.2f} s with --jobs 1, {many:.2f} s with "
                  f"{result['cores']}; scaling after start-up: {steady:.2f}x")
            for jobs, passed, run, bare in zip((1, result["cores"]), result["site_pass"],
                                              (result["one_core_seconds"], result["seconds"]), result["without_pass"]):
                share = passed / run
                print(f"{'':<34} site pass with --jobs {jobs}: {passed:.2f} s of {run:.2f} s, {share:.1%} of the run "
                      f"(goal <= {SITE_PASS_GOAL:.0%}: {'met' if share <= SITE_PASS_GOAL else 'NOT met'}); "
                      f"--no-site-pass: {bare:.2f} s, {run / bare:.2f}x")
    if reference.get("stages"):
        print("\ntextclean, time per stage (1 core):")
        for kind, seconds in reference["stages"].items():
            print(f"  {kind:<14} {seconds:7.1f} s {reference['megabytes'] / seconds:9.1f} MB/s")
    ftfy = results.get("ftfy", {})
    ftfy_speed = ftfy["megabytes"] / ftfy["seconds"] if "seconds" in ftfy else None
    if reference_speed:
        verdict = "met" if reference_speed >= GOAL_MB_S else "NOT met"
        print(f"\ngoal: full pipeline >= {GOAL_MB_S:.0f} MB/s per core: {verdict} ({reference_speed:.2f} MB/s)")
        if ftfy_speed:
            print(f"in process: {reference_speed / ftfy_speed:.2f}x ftfy alone")
    jobs = results.get("textclean-jobs", {})
    if ftfy_speed and "one_core_seconds" in jobs:
        ratio = jobs["megabytes"] / jobs["one_core_seconds"] / ftfy_speed
        print(f"goal: --jobs 1 end to end >= {GOAL_END_TO_END_FTFY:.0f}x ftfy alone: "
              f"{'met' if ratio >= GOAL_END_TO_END_FTFY else 'NOT met'} ({ratio:.2f}x)")


if __name__ == "__main__":
    sys.exit(main())
