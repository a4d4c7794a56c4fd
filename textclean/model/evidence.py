"""Corpus evidence: what a first pass over a whole corpus tells a rule kind about each document's site.

A stage that wants corpus evidence defines ``collector()``, which returns a fresh
:class:`Collector` (or None when its rules need no first pass), and takes a
:class:`Corpus` as the second argument of ``apply``. Before cleaning, a run
reads every document once and hands it to one collector per such stage
(``observe``); collectors of separate chunks are merged in input order, so the
result is the same whatever the number of worker processes, and frozen; the
frozen evidence then travels with the cleaner to every worker.

A document's site is the host of its ``url`` (a top-level field or one in its
metadata; the field's name can be set): a ``www.`` prefix is dropped, and a
Wayback Machine address stands for the page it archived. A document without
one belongs to its input shard, and a plain-text file to its folder.

:class:`SiteLineCounts` is a collector any kind can use: on how many pages of each site each
line stands, kept as 8-byte hashes (about 100 bytes per distinct (site, line) pair).

A stage can also report what documents show together and no one of them does (a person spelled one way
in one file and another way in the next): it defines ``reporter()``, a fresh :class:`Reporter` (or
None), whose ``observe`` also takes the document's name and whose frozen evidence lists
:class:`CorpusFinding` objects (``findings()``). ``textclean check`` of more than one file hands every file,
as it would be cleaned, to these reporters (:meth:`textclean.pipeline.engine.Cleaner.report_on`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Protocol
from urllib.parse import urlsplit

import regex

_ARCHIVED = regex.compile(r"/web/\d+[a-z_]*/(.+)")  # web.archive.org/web/<timestamp>/<the archived url>


@dataclass(frozen=True)
class Corpus:
    """What a stage that reads corpus evidence is told about one document."""

    site: str | None = None  # None: the document stands alone (stdin, one text)
    evidence: Any = None  # what the stage's collector learned, frozen; None: no first pass ran


class Collector(Protocol):
    """Gathers a stage's evidence over a corpus, one document at a time."""

    def observe(self, site: str, text: str) -> None:
        """Take one document of ``site``."""

    def merge(self, other: Collector) -> None:
        """Add what another collector of the same stage took (the documents after this one's)."""

    def freeze(self) -> Any:
        """The evidence, small and read-only, for the stage's ``apply``."""


@dataclass(frozen=True)
class CorpusFinding:
    """What a pass over many documents saw across them, which no one document shows."""

    rule: str
    message: str
    documents: tuple[str, ...]  # the documents it names (a few of each kind, not all)
    level: str = "warning"


class Report(Protocol):
    """A reporter's frozen evidence."""

    def findings(self) -> list[CorpusFinding]:
        """What the documents observed show together, in the order first seen."""


class Reporter(Protocol):
    """A collector for a report: it takes each document with its name, and keeps a few names per finding."""

    def observe(self, site: str, text: str, document: str) -> None:
        """Take one document of ``site``, named ``document``."""

    def merge(self, other: Reporter) -> None:
        """Add what another reporter of the same stage took (the documents after this one's)."""

    def freeze(self) -> Report:
        """The evidence, with what it shows across documents."""


def corpus_findings(reporters: Iterable[Reporter]) -> list[CorpusFinding]:
    """What each reporter's documents show together, reporter by reporter."""
    return [finding for reporter in reporters for finding in reporter.freeze().findings()]


def site_of(record: Mapping[str, Any] | None, metadata: Mapping[str, Any], url_field: str, source: str,
            relpath: str, text_file: bool) -> str:
    """The site a document belongs to: the host of its url, else its shard (a text file: its folder)."""
    for fields in (record or {}, metadata):
        host = url_host(fields.get(url_field))
        if host:
            return host
    if text_file:
        return f"folder:{PurePath(relpath).parent.as_posix() if source != '-' else '-'}"
    return f"shard:{relpath}"


def url_host(url: Any) -> str | None:
    """The host of ``url`` without ``www.``; for a Wayback Machine address, that of the archived page."""
    if not isinstance(url, str) or "//" not in url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if host == "web.archive.org" and (archived := _ARCHIVED.match(parts.path)):
        return url_host(archived.group(1)) or host
    return host.removeprefix("www.") if host else None


def gather(collectors: dict[int, Collector], chunks: Iterable[dict[int, Collector]]) -> dict[int, Any]:
    """Merge each chunk's collectors into ``collectors``, in order, and freeze them."""
    for chunk in chunks:
        for key, collector in chunk.items():
            collectors[key].merge(collector)
    return {key: collector.freeze() for key, collector in collectors.items()}


def line_key(line: str) -> int:
    """The 8-byte hash a line (stripped) is counted by."""
    return int.from_bytes(hashlib.blake2b(line.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def page_keys(text: str, max_length: int) -> set[int]:
    """The hashes of a page's distinct lines of 1 to ``max_length`` characters."""
    keys = set()
    for line in text.split("\n"):
        line = line.strip()
        if line and len(line) <= max_length:
            keys.add(line_key(line))
    return keys


@dataclass(frozen=True)
class SiteLineEvidence:
    """What the first pass learned: pages per site, and per site the pages of each line that repeats enough."""

    pages: dict[str, int]
    lines: dict[str, dict[int, int]]


class SiteLineCounts:
    """The collector of the learned form: on how many pages of each site each line stands."""

    def __init__(self, max_length: int, min_pages: int, max_pairs: int | None):
        self.max_length, self.min_pages, self.max_pairs = max_length, min_pages, max_pairs
        self.pages: dict[str, int] = {}
        self.lines: dict[str, dict[int, int]] = {}
        self._pairs = 0

    def observe(self, site: str, text: str) -> None:
        self.pages[site] = self.pages.get(site, 0) + 1
        counts = self.lines.setdefault(site, {})
        before = len(counts)
        for key in page_keys(text, self.max_length):
            counts[key] = counts.get(key, 0) + 1
        self._pairs += len(counts) - before

    def merge(self, other: SiteLineCounts) -> None:
        for site, pages in other.pages.items():
            self.pages[site] = self.pages.get(site, 0) + pages
            counts = self.lines.setdefault(site, {})
            before = len(counts)
            for key, count in other.lines[site].items():
                counts[key] = counts.get(key, 0) + count
            self._pairs += len(counts) - before
        if self.max_pairs is not None and self._pairs > self.max_pairs:
            self._prune()

    def _prune(self) -> None:
        """Forget the rarest lines until at most half of ``max_pairs`` are kept."""
        floor = 1
        while self._pairs > self.max_pairs // 2:
            for site, counts in self.lines.items():
                self.lines[site] = {key: count for key, count in counts.items() if count > floor}
            self._pairs = sum(map(len, self.lines.values()))
            floor += 1

    def freeze(self) -> SiteLineEvidence:
        lines = {site: {key: count for key, count in counts.items() if count >= self.min_pages}
                 for site, counts in self.lines.items()}
        return SiteLineEvidence(dict(self.pages), {site: counts for site, counts in lines.items() if counts})
