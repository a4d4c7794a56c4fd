"""The boilerplate kind's ``site_lines`` shape: lines that repeat on many pages of one site.

Two forms:
- learned: ``min_pages``, ``min_share`` and ``max_length``. A first pass over the corpus
  (:mod:`textclean.model.evidence`) counts, per site, on how many pages each line
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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..model.evidence import SiteLineCounts, SiteLineEvidence, line_key
from ..model.kind import Rule, RuleError

LEARNED_KEYS = {"min_pages", "min_share", "max_length"}
LISTED_KEYS = {"site", "site_pages", "lines"}
_COMMON_KEYS = {"id", "kind", "description", "examples", "shape"}


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
