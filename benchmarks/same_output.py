"""Whether a change leaves textclean's output alone: every corpus document cleaned by two checkouts, compared.

A speed change must not change what is cleaned. Save the results of the reference
checkout once, then check the changed one against them:

    PYTHONPATH=/path/to/main python benchmarks/same_output.py save /tmp/main.pickle
    python benchmarks/same_output.py check /tmp/main.pickle

or save both (at once, on two cores) and compare the two files:

    python benchmarks/same_output.py compare /tmp/main.pickle /tmp/changed.pickle

Each document of ../shared/corpus (fullpage and extracted) is cleaned with
``textclean.Cleaner()``; its text, metadata, edits and findings are compared. The
script says which documents differ and in what, and exits 1 if any does; it
skips (exit 0) when the corpus is absent.
"""
from __future__ import annotations

import argparse
import gzip
import json
import pickle
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # after PYTHONPATH, which may name another checkout
CORPUS = ROOT / ".." / "shared" / "corpus"
RENDERINGS = ("fullpage", "extracted")
PARTS = ("text", "metadata", "edits", "findings")


def results(limit: int | None = None) -> Iterator[tuple[str, tuple]]:
    """Per document (the first ``limit`` of each rendering; None: all), ``rendering/id`` and what cleaning it
    gives, in comparable form."""
    from textclean import Cleaner  # the checkout on PYTHONPATH, else this one

    cleaner = Cleaner()
    for rendering in RENDERINGS:
        with gzip.open(CORPUS / rendering / "corpus.jsonl.gz", "rt", encoding="utf-8") as lines:
            for line in islice(lines, limit):
                document = json.loads(line)
                result = cleaner.clean(document["text"])
                yield f"{rendering}/{document['id']}", (result.text, result.metadata, list(map(repr, result.edits)),
                                                        list(map(repr, result.findings)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "check", "compare"],
                        help="save: write the results to FILE; check: compare the results with those in FILE; "
                             "compare: the results saved in FILE with those saved in CHANGED")
    parser.add_argument("file", type=Path, help="the pickle of the reference checkout's results")
    parser.add_argument("changed", type=Path, nargs="?", help="compare: the pickle of the changed checkout's results")
    parser.add_argument("--limit", type=int, help="only the first LIMIT documents of each rendering (default: all)")
    args = parser.parse_args(argv)
    if (args.action == "compare") != (args.changed is not None):
        parser.error("compare takes two files, save and check one")
    if not CORPUS.is_dir():
        print(f"{CORPUS} is absent: nothing to compare")
        return 0
    found = pickle.loads(args.changed.read_bytes()) if args.changed else dict(results(args.limit))
    if args.action == "save":
        args.file.write_bytes(pickle.dumps(found))
        print(f"{len(found)} documents saved to {args.file}")
        return 0
    reference = pickle.loads(args.file.read_bytes())
    differ = {key: [part for part, old, new in zip(PARTS, reference[key], found.get(key, ()), strict=False)
                    if old != new] or ["missing"]
              for key in reference if reference[key] != found.get(key)}
    for key, parts in differ.items():
        print(f"{key}: {', '.join(parts)} differ")
    print(f"{len(reference)} documents, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
