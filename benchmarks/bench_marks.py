"""A marks run next to the normal run it stands for, on the full-page corpus (read from ../shared at run time).

For every document, checks that a marks run (``Cleaner(marks=True)``) leaves the text whole and that its
marks, applied, give the text and metadata of a normal run with the same stages (the kinds that only remove
text, no unicode repair or whitespace tidy), both reading the site evidence of one first pass over the corpus.
Then prints the CPU seconds of each run over all documents, interleaved, the median of ``--repeat`` rounds,
and their ratio; and the marks per document and the metadata they add, in JSON bytes, per MB of text.

    python benchmarks/bench_marks.py [--repeat 3] [--limit N]
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textclean import Cleaner, apply_marks, load_rules  # noqa: E402
from textclean.model.evidence import site_of  # noqa: E402
from textclean.model.marks import MARKS_FIELD  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "fullpage" / "corpus.jsonl.gz"


def learned(cleaner: Cleaner, documents: list[tuple[str, str]]) -> Cleaner:
    """``cleaner`` reading the evidence one first pass over ``documents`` ((site, text) pairs) gathers."""
    collectors = cleaner.collectors()
    for site, text in documents:
        for collector in collectors.values():
            collector.observe(site, text)
    return cleaner.with_evidence({place: collector.freeze() for place, collector in collectors.items()})


def seconds(cleaner: Cleaner, documents: list[tuple[str, str]]) -> float:
    started = time.process_time()
    for site, text in documents:
        cleaner.clean(text, site=site)
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="Rounds of both runs; the median counts.")
    parser.add_argument("--limit", type=int, help="Only the first N documents.")
    args = parser.parse_args(argv)
    if not CORPUS.is_file():
        print(f"skipped: the corpus is not at {CORPUS} (it lives outside the repository)")
        return 0
    with gzip.open(CORPUS, "rt", encoding="utf-8") as rows:
        records = [json.loads(row) for row in rows][:args.limit]
    documents = [(site_of(record, {}, "url", str(CORPUS), CORPUS.name, text_file=False), record["text"])
                 for record in records]
    rules = load_rules().select(only=["boilerplate", "date_header"])
    marking = learned(Cleaner(rules, marks=True), documents)
    normal = learned(Cleaner(rules, unicode=False, tidy=False), documents)

    marks = metadata_bytes = 0
    for site, text in documents:
        marked, cleaned = marking.clean(text, site=site), normal.clean(text, site=site)
        assert marked.text == text, f"a marks run changed the text of {site}"
        assert apply_marks(text, marked.marks) == cleaned.text, f"applied marks differ from the normal run ({site})"
        assert {k: v for k, v in marked.metadata.items() if k != MARKS_FIELD} == cleaned.metadata
        marks += len(marked.marks)
        metadata_bytes += len(json.dumps(marked.metadata.get(MARKS_FIELD, []), ensure_ascii=False).encode())

    rounds = [(seconds(marking, documents), seconds(normal, documents)) for _ in range(args.repeat)]
    marks_s, normal_s = (statistics.median(times) for times in zip(*rounds, strict=True))
    megabytes = sum(len(text.encode("utf-8")) for _, text in documents) / 1e6
    print(f"{len(documents)} documents, {megabytes:.1f} MB: every text whole, every document's marks applied give "
          "the normal run's text and metadata")
    print(f"  marks run    {marks_s:7.2f} s CPU (median of {args.repeat})")
    print(f"  normal run   {normal_s:7.2f} s CPU, same stages")
    print(f"  ratio        {marks_s / normal_s:7.2f}")
    print(f"  {marks / len(documents):.1f} marks per document; the marks field adds "
          f"{metadata_bytes / 1e6 / megabytes * 1e3:.1f} KB of JSON per MB of text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
