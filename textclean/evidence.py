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
"""
from __future__ import annotations

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
