"""The boilerplate kind's ``site_lines`` shape: lines that repeat on many pages of one site.

Two forms:
- learned: ``min_pages``, ``min_share`` and ``max_length``. A first pass over the corpus
  (:mod:`textclean.evidence`) counts, per site, on how many pages each line
  stands; a line on at least ``min_pages`` pages and ``min_share`` of the site's pages is
  that site's furniture.
- listed: ``site`` and the ``lines`` found so (``textclean boilerplate discover`` writes them),
  each with the pages it stood on; no first pass is needed.

A line is compared without the white space around it: pages of one site are made from one
template, so its lines repeat exactly (folding case and inner white space as well cost more than
the hashing). The pass keeps
an 8-byte hash of each, not the line: memory grows by about 100 bytes for each distinct
(site, line) pair of at most ``max_length`` characters, and the ``site_max_lines`` setting
bounds it: past that many pairs, the lines seen on one page only are forgotten (then those on
two, and so on, until half the room is free), so a line first seen before a pruning can be
counted short by a page for each pruning.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..kind import Rule, RuleError

LEARNED_KEYS = {"min_pages", "min_share", "max_length"}
LISTED_KEYS = {"site", "site_pages", "lines"}
_COMMON_KEYS = {"id", "kind", "description", "examples", "shape"}


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


@dataclass(frozen=True)
class _Learned:
    rule: Rule
    min_pages: int
    min_share: float
    max_length: int


@dataclass(frozen=True)
class _Listed:
    rule: Rule
    site_pages: int
    pages: int


class SiteLines:
    """The site_lines rules of a boilerplate stage, ready to find a site's lines on a page."""

    def __init__(self, rules: list[Rule], settings: dict[str, Any]):
        self.learned: list[_Learned] = []
        self.listed: dict[str, dict[str, _Listed]] = {}  # site -> line -> the rule listing it
        self.max_pairs = settings.get("site_max_lines")
        for rule in rules:
            spec = rule.spec
            listed = "site" in spec
            allowed = _COMMON_KEYS | (LISTED_KEYS if listed else LEARNED_KEYS)
            for key in spec:
                if key not in allowed:
                    raise RuleError.of(rule, f"{key} does not apply to a site_lines rule that "
                                       + ("lists a site's lines" if listed else "learns them from the corpus"), key)
            for key in sorted((LISTED_KEYS if listed else {"min_pages"}) - spec.keys()):
                raise RuleError.of(rule, f"a site_lines rule {'with' if listed else 'without'} 'site' needs {key}")
            if listed:
                for item in spec["lines"]:
                    self.listed.setdefault(spec["site"], {})[item["line"].strip()] = \
                        _Listed(rule, spec["site_pages"], item["pages"])
            else:
                self.learned.append(_Learned(rule, spec["min_pages"], spec.get("min_share", 0.0),
                                             spec.get("max_length", 200)))

    def collector(self) -> SiteLineCounts | None:
        if not self.learned:
            return None
        return SiteLineCounts(max(rule.max_length for rule in self.learned),
                              min(rule.min_pages for rule in self.learned), self.max_pairs)

    def find(self, lines: list[str], numbers: Iterable[int], site: str | None,
             evidence: SiteLineEvidence | None) -> dict[int, tuple[str, str]]:
        """Line number -> (rule id, its evidence) for each of the given lines (``lines`` stripped) that is its
        site's furniture."""
        if site is None:
            return {}
        listed = self.listed.get(site, {})
        counts = evidence.lines.get(site, {}) if evidence is not None and self.learned else {}
        if not listed and not counts:
            return {}
        pages = evidence.pages[site] if counts else 0
        found: dict[int, tuple[str, str]] = {}
        for number in numbers:
            line = lines[number]  # stripped
            if line in listed:
                hit = listed[line]
                found[number] = (hit.rule.id, f"on {hit.pages} of {hit.site_pages} pages of {site} "
                                              f"(listed in {hit.rule.source})")
                continue
            if not counts:
                continue
            seen = counts.get(line_key(line), 0)
            for rule in self.learned:
                if len(line) <= rule.max_length and seen >= rule.min_pages and seen >= rule.min_share * pages:
                    found[number] = (rule.rule.id, f"on {seen} of {pages} pages of {site}")
                    break
        return found
