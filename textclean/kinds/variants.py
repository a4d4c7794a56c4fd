"""The ``variants`` kind: one name spelled many ways, brought to its canonical spelling.

A rule is a group: a ``canonical`` spelling and its ``variants``. Spellings match
as whole words, tolerant of the separators transliterations vary in (hyphen,
space, apostrophe, none), longest first across all groups. ``followed_by`` and
``preceded_by`` make an ambiguous spelling count only next to a known word
(either one suffices when both are given);
``exceptions`` are phrases in which a variant must stay. ``mode: rewrite``
replaces the spelling; ``mode: annotate`` leaves the text and lists the
canonical names found in the metadata ``field``.
"""
from __future__ import annotations

from typing import Any

import regex

from ..kind import Change, Rule, RuleKind, StageOutput, schema_beside
from ..patterns import PatternSet

_SEPARATORS = r"[-\s'’]"


def spelling_pattern(spelling: str) -> str:
    """A pattern for a spelling whose parts may be joined by any separator or none.

    >>> bool(regex.fullmatch(spelling_pattern("Qala-e-Naw"), "Qala e Naw"))
    True
    """
    parts = [regex.escape(part) for part in regex.split(rf"{_SEPARATORS}+", spelling.strip()) if part]
    return f"{_SEPARATORS}*".join(parts)


def _alternatives(words: list[str]) -> str:
    return "|".join(spelling_pattern(word) for word in sorted(words, key=len, reverse=True))


def _entries(rule: Rule) -> list[tuple[int, Rule, str]]:
    spec = rule.spec
    flag = "i" if spec.get("ignore_case", False) else "-i"
    entries = []
    for spelling in [spec["canonical"], *spec["variants"]]:
        body = f"(?{flag}:{spelling_pattern(spelling)})"
        contexts = []
        if spec.get("followed_by"):
            contexts.append(rf"(?=[\s-]+(?:{_alternatives(spec['followed_by'])})(?!\w))")
        if spec.get("preceded_by"):
            contexts.append(rf"(?<=(?<!\w)(?:{_alternatives(spec['preceded_by'])})[\s-]+{body})")
        condition = f"(?:{'|'.join(contexts)})" if contexts else ""
        entries.append((len(spelling), rule, rf"(?<!\w){body}(?!\w){condition}"))
    return entries


class VariantsStage:
    kind = "variants"

    def __init__(self, rules: list[Rule], settings: dict[str, Any]):
        entries = sorted((e for rule in rules for e in _entries(rule)), key=lambda e: -e[0])
        self.patterns = PatternSet([(rule, pattern) for _, rule, pattern in entries])
        self.exceptions = {
            rule.id: regex.compile("|".join(spelling_pattern(p) for p in rule.spec["exceptions"]), regex.IGNORECASE)
            for rule in rules if rule.spec.get("exceptions")
        }

    def apply(self, text: str) -> StageOutput:
        output = StageOutput()
        found: dict[str, list[str]] = {}
        for rule, match in self.patterns.finditer(text):
            if self._excepted(rule, text, match):
                continue
            canonical = rule.spec["canonical"]
            if rule.spec.get("mode", "rewrite") == "annotate":
                names = found.setdefault(rule.spec.get("field", "entities"), [])
                if canonical not in names:
                    names.append(canonical)
                continue
            spelled = match.group()
            replacement = canonical.upper() if spelled.isupper() and len(spelled) > 1 else canonical
            if spelled != canonical:
                output.changes.append(Change(match.start(), match.end(), replacement, rule.id))
        output.metadata.update(found)
        return output

    def _excepted(self, rule: Rule, text: str, match: regex.Match) -> bool:
        exceptions = self.exceptions.get(rule.id)
        if exceptions is None:
            return False
        window_start = max(0, match.start() - 100)
        return any(e.start() <= match.start() and match.end() <= e.end()
                   for e in exceptions.finditer(text, window_start, match.end() + 100))



KIND = RuleKind(
    name="variants",
    order=40,
    summary="Brings the many spellings of one name to its canonical spelling, or lists the names found.",
    compile=VariantsStage,
    rule_schema=schema_beside(__file__),
)
