"""Date headers: accuracy, false dates and speed of textclean's date stage against dateparser and dateutil.

    pip install '.[bench]'        # dateparser, python-dateutil
    python benchmarks/eval_dates.py

Two labelled sets, one JSON object per line with the expected ``date`` and
``updated`` (ISO 8601 or null) and a ``kind``:

- ``benchmarks/data/date_headers.jsonl``: header lines written for this project
  across formats and languages, and negative lines that must give no date.
- ``benchmarks/data/corpus_date_headers.jsonl``: header lines found near the top
  of the documents of ../shared/corpus (extracted rendering), labelled by hand;
  read from the corpus at run time and skipped when it is absent.

``kind`` is ``header`` (the line gives the labelled dates), ``negative`` (it must
give none) or ``ambiguous`` (it must give none: day and month could swap, a
two-digit year, a zone name with two offsets, a weekday that does not fit).

Accuracy is an exact match of the ISO strings. textclean must give both fields;
a baseline gives one date (its first), compared at the precision of the label,
which must be the label's ``date`` (or ``updated`` when there is no ``date``).
A false date is a date given that is not in the label, on header or negative
lines; dates given on ambiguous lines are counted apart as guesses. For the
written set, textclean's figures are also given by language (``lang``): header
lines right, wrong (a date not in the label) and missed (no date or only part),
and the negative and ambiguous lines that gave a date.

Real pages: the pages of ../shared/corpus (both renderings) whose URL carries a
date (``/2021/07/07/``, ``/20210707``) go through the default ``Cleaner``; the date it
gives is right (the URL's day), near (a day off: time zones, a crawl at midnight)
or wrong. URL dates are a proxy for the gold: a few pages are reposts whose own
text gives another date. ``settings.date_header.article.body_within`` is chosen
leave-one-source-out (on two sources, reported on the third: fewest wrong, then
most right), beside the all-sources figures. Skipped when the corpus is absent.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textclean import Cleaner, load_rules  # noqa: E402
from textclean.kinds.date_header import DateHeaderStage  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
CORPUS = ROOT / ".." / "shared" / "corpus" / "extracted" / "corpus.jsonl.gz"
RENDERINGS = ("fullpage", "extracted")
URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|[^0-9])")
BODY_WITHIN = (2, 3, 4, 5, 6, 8)  # the settings the leave-one-source-out choice picks from
TEXTCLEAN_REPEATS = 20  # the date stage is timed over this many passes (after one untimed) for a stable figure


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def corpus_items() -> list[dict] | None:
    """The labelled corpus lines, their text checked against the corpus; None if the corpus is absent."""
    if not CORPUS.is_file():
        return None
    labels = load(DATA / "corpus_date_headers.jsonl")
    wanted = {item["id"] for item in labels}
    lines: dict[str, list[str]] = {}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        for record in map(json.loads, handle):
            if record["id"] in wanted:
                lines[record["id"]] = record["text"].split("\n")
    for item in labels:
        found = lines.get(item["id"], [])
        if item["line"] >= len(found) or found[item["line"]].strip() != item["text"]:
            sys.exit(f"{CORPUS}: line {item['line']} of {item['id']!r} is not the labelled header {item['text']!r}")
    return labels


def textclean_parser() -> Callable[[str], tuple[str | None, str | None]]:
    ruleset = load_rules()
    stage = DateHeaderStage([rule for rule in ruleset.rules if rule.kind == "date_header"],
                            ruleset.settings["date_header"])

    def parse(text: str) -> tuple[str | None, str | None]:
        metadata = stage.apply(text + "\n").metadata
        return metadata.get("date"), metadata.get("updated")
    return parse


def dateparser_parser() -> Callable[[str], dt.datetime | None]:
    from dateparser.search import search_dates
    settings = {"REQUIRE_PARTS": ["day", "month", "year"]}

    def parse(text: str) -> dt.datetime | None:
        found = search_dates(text, settings=settings)
        return found[0][1] if found else None
    return parse


def dateutil_parser() -> Callable[[str], dt.datetime | None]:
    import warnings

    from dateutil import parser
    warnings.filterwarnings("ignore", category=parser.UnknownTimezoneWarning)  # a zone it does not know: no offset

    def parse(text: str) -> dt.datetime | None:
        try:
            return parser.parse(text, fuzzy=True)
        except (ValueError, OverflowError):
            return None
    return parse


def iso_like(value: dt.datetime, label: str | None) -> str:
    """``value`` in ISO 8601 at the precision of ``label`` (date only, minutes, seconds, fraction, offset)."""
    if label is None or "T" not in label:
        return value.date().isoformat()
    clock = label.split("T", 1)[1]
    digits = len(clock.split("+")[0].split("-")[0].rstrip("Z"))
    text = value.date().isoformat() + "T" + value.time().isoformat(timespec="microseconds")[:digits]
    offset = value.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return text + "Z"
    return text + f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def score(items: list[dict], answers: list, baseline: bool) -> dict[str, int]:
    counts = {"lines": len(items), "right": 0, "false": 0, "guesses": 0}
    for item, answer in zip(items, answers, strict=True):
        labelled = [value for value in (item["date"], item["updated"]) if value]
        if baseline:
            given = [iso_like(answer, item["date"] or item["updated"])] if answer else []
            right = given == labelled[:1]
        else:
            given = [value for value in answer if value]
            right = answer == (item["date"], item["updated"])
        counts["right"] += right
        wrong = [value for value in given if value not in labelled]
        if item["kind"] == "ambiguous":
            counts["guesses"] += bool(given)
        else:
            counts["false"] += len(wrong)
    return counts


def by_language(items: list[dict], answers: list) -> None:
    """textclean's header lines right / wrong / missed, and dated negative or ambiguous lines, per language."""
    counts: dict[str, Counter] = {}
    for item, answer in zip(items, answers, strict=True):
        count = counts.setdefault(item["lang"], Counter())
        labelled = (item["date"], item["updated"])
        wrong = any(value and value not in labelled for value in answer)
        if item["kind"] == "header":
            count["right" if answer == labelled else "wrong" if wrong else "missed"] += 1
        else:
            count["negatives"] += 1
            count["dated"] += any(answer)
    print(f"\nwritten set, textclean by language: {'lang':6} {'headers':>7} {'right':>5} {'wrong':>5} {'missed':>6} "
          f"{'negatives':>9} {'dated':>5}")
    for lang, count in sorted(counts.items()):
        headers = count["right"] + count["wrong"] + count["missed"]
        print(f"{'':35} {lang:6} {headers:7d} {count['right']:5d} {count['wrong']:5d} {count['missed']:6d} "
              f"{count['negatives']:9d} {count['dated']:5d}")


def timed(parse: Callable, texts: list[str], repeats: int = 1) -> tuple[list, float]:
    start = time.perf_counter()
    for _ in range(repeats):
        answers = [parse(text) for text in texts]
    return answers, len(texts) * repeats / (time.perf_counter() - start)


def dated_pages() -> list[tuple[str, str, str, dt.date]] | None:
    """(rendering, source, text, the URL's date) of each corpus page whose URL holds a date; None if absent."""
    pages = []
    for rendering in RENDERINGS:
        path = CORPUS.parents[1] / rendering / "corpus.jsonl.gz"
        if not path.is_file():
            return None
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for record in map(json.loads, handle):
                found = URL_DATE.search(record.get("url") or "")
                if found:
                    pages.append((rendering, record["source"], record["text"], dt.date(*map(int, found.groups()))))
    return pages


def page_verdicts(pages: list, body_within: int) -> Counter:
    """(rendering, source, verdict) -> pages, verdict one of right, near, wrong, none."""
    ruleset = load_rules()
    ruleset.settings["date_header"].setdefault("article", {})["body_within"] = body_within
    cleaner = Cleaner(ruleset)
    counts: Counter = Counter()
    for rendering, source, text, gold in pages:
        given = cleaner.clean(text).metadata.get("date")
        days = abs((dt.date.fromisoformat(given[:10]) - gold).days) if given else None
        verdict = "none" if days is None else "right" if days == 0 else "near" if days == 1 else "wrong"
        counts[rendering, source, verdict] += 1
    return counts


def real_pages() -> None:
    pages = dated_pages()
    if pages is None:
        print(f"eval_dates: {CORPUS.parents[1]} is absent; the real-pages set is skipped.")
        return
    runs = {within: page_verdicts(pages, within) for within in BODY_WITHIN}
    sources = sorted({source for _, source, _, _ in pages})

    def total(counts: Counter, verdict: str, among: list[str], rendering: str | None = None) -> int:
        return sum(n for (rend, source, kind), n in counts.items()
                   if kind == verdict and source in among and rendering in (None, rend))

    print(f"\nreal pages with a date in their URL: {len(pages)} ({len(pages) // 2} per rendering)")
    print(f"{'held out':17} {'chosen':>6} {'rendering':9} {'pages':>5} {'right':>5} {'near':>4} {'wrong':>5}")
    for held in [*sources, "(all sources)"]:
        train = sources if held == "(all sources)" else [source for source in sources if source != held]
        scored = sources if held == "(all sources)" else [held]
        within = min(BODY_WITHIN, key=lambda w: (total(runs[w], "wrong", train), -total(runs[w], "right", train)))
        for rendering in RENDERINGS:
            counts = runs[within]
            size = sum(total(counts, verdict, scored, rendering) for verdict in ("right", "near", "wrong", "none"))
            print(f"{held:17} {within:6d} {rendering:9} {size:5d} {total(counts, 'right', scored, rendering):5d} "
                  f"{total(counts, 'near', scored, rendering):4d} {total(counts, 'wrong', scored, rendering):5d}")


def main() -> int:
    try:
        parsers = {"textclean": textclean_parser(), "dateparser": dateparser_parser(), "dateutil": dateutil_parser()}
    except ImportError as exc:
        print(f"eval_dates: {exc.name} is missing; install the benchmark extra: pip install '.[bench]'")
        return 1
    sets = {"written": load(DATA / "date_headers.jsonl")}
    corpus = corpus_items()
    if corpus is None:
        print(f"eval_dates: {CORPUS} is absent; the corpus set is skipped.")
    else:
        sets["corpus"] = corpus
    speeds: dict[str, float] = {}
    written_answers: list = []
    print(f"{'set':8} {'tool':11} {'lines':>5} {'accuracy':>8} {'false':>5} {'guesses':>7} {'lines/s':>9}")
    for set_name, items in sets.items():
        texts = [item["text"] for item in items]
        for tool, parse in parsers.items():
            parse(texts[0])  # loads language data and compiles outside the timing
            if tool == "textclean":
                timed(parse, texts)  # the full grammar is compiled on first need
            answers, speed = timed(parse, texts, TEXTCLEAN_REPEATS if tool == "textclean" else 1)
            counts = score(items, answers, baseline=tool != "textclean")
            if set_name == "written" and tool == "textclean":
                written_answers = answers
            speeds.setdefault(tool, 0.0)
            speeds[tool] += len(texts) / speed
            print(f"{set_name:8} {tool:11} {counts['lines']:5d} {counts['right'] / counts['lines']:8.3f} "
                  f"{counts['false']:5d} {counts['guesses']:7d} {speed:9.0f}")
    total = sum(len(items) for items in sets.values())
    rates = {tool: total / seconds for tool, seconds in speeds.items()}
    print(f"all lines/s: textclean {rates['textclean']:.0f}, dateparser {rates['dateparser']:.0f}, "
          f"dateutil {rates['dateutil']:.0f}; textclean / dateparser = {rates['textclean'] / rates['dateparser']:.0f}x")
    by_language(sets["written"], written_answers)
    real_pages()
    return 0


if __name__ == "__main__":
    sys.exit(main())
