"""The ``characters`` kind: declarative character maps, applied only inside words of one script.

A rule names a ``script`` and what to change inside words of that script: a
``map`` of characters (or short sequences) to replacements, characters to
``squeeze`` (runs become one) and characters to ``trim`` from a word's edges. A
word is a run of word characters; it belongs to the rule's script when it has a
character of that script and every letter in it is of that script or one the
map replaces. So a Latin word carrying a Cyrillic look-alike letter is folded,
while a Cyrillic word is never touched. ``when_document_has`` and
``unless_document_has`` limit a rule to documents of one language (Persian letter
forms, not Pashto's). Width and ligatures are ftfy's job, in the unicode stage.

No replacement may hold a character of a map key, of its own rule or of another
characters rule loaded with it: such maps could grow the text without end
(``{a: aa}``) or turn it round in a cycle (``{a: b, b: a}``). Without them, every
change leaves fewer characters a map can change, so the stage reaches its fixed
point.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import regex

from ..model.kind import Change, Rule, RuleError, RuleKind, StageOutput, compile_pattern, schema_beside

_WORD_END = regex.compile(r"\w*")
_WORD_START = regex.compile(r"\w*", regex.REVERSE)


def _char_class(chars: str) -> str:
    return "[" + "".join(regex.escape(c) for c in dict.fromkeys(chars)) + "]"


def _without(char_class: str, chars: str) -> str:
    """A V1 set: ``char_class`` less ``chars``."""
    return f"[{char_class}--{_char_class(chars)}]" if chars else char_class


@dataclass(frozen=True)
class CharacterMap:
    """One rule, compiled."""

    rule: Rule
    mapping: dict[str, str]
    changed: str  # the characters the rule may change
    trigger: regex.Pattern  # any of them
    of_script: regex.Pattern
    foreign_letter: regex.Pattern
    sequences: regex.Pattern | None
    squeeze: regex.Pattern | None
    trim: frozenset[str]
    document_needs: regex.Pattern | None
    document_excludes: regex.Pattern | None

    @classmethod
    def compile(cls, rule: Rule) -> CharacterMap:
        spec = rule.spec
        mapping, squeeze, trim = spec.get("map", {}), spec.get("squeeze", ""), spec.get("trim", "")
        if not (mapping or squeeze or trim):
            raise RuleError.of(rule, "a characters rule needs a map, squeeze or trim")
        script = spec["script"]
        try:
            regex.compile(rf"\p{{scx={script}}}")
        except regex.error:
            raise RuleError.of(rule, f"unknown script {script!r}: name a Unicode script, such as Latin, Cyrillic "
                               "or Arabic", "script") from None
        single = "".join(key for key in mapping if len(key) == 1)
        removed = "".join(key for key in mapping if len(key) == 1 and not mapping[key])
        keys = sorted(mapping, key=len, reverse=True)
        changed = "".join(mapping) + squeeze + trim

        def optional(chars: str, key: str) -> regex.Pattern | None:
            return compile_pattern(rule, _char_class(chars), key) if chars else None

        return cls(
            rule=rule,
            mapping=mapping,
            changed=changed,
            trigger=compile_pattern(rule, _char_class(changed), "map"),
            of_script=compile_pattern(rule, _without(rf"\p{{scx={script}}}", removed + trim), "script", regex.V1),
            foreign_letter=compile_pattern(
                rule, rf"[\p{{L}}--[\p{{scx={script}}}{''.join(map(regex.escape, single))}]]", "script", regex.V1),
            sequences=compile_pattern(rule, "|".join(regex.escape(k) for k in keys), "map") if keys else None,
            squeeze=compile_pattern(rule, rf"({_char_class(squeeze)})\1+", "squeeze") if squeeze else None,
            trim=frozenset(trim),
            document_needs=optional(spec.get("when_document_has", ""), "when_document_has"),
            document_excludes=optional(spec.get("unless_document_has", ""), "unless_document_has"),
        )

    def applies_to(self, text: str) -> bool:
        return (self.trigger.search(text) is not None
                and (self.document_needs is None or self.document_needs.search(text) is not None)
                and (self.document_excludes is None or self.document_excludes.search(text) is None))

    def words(self, text: str) -> list[tuple[int, int]]:
        """Spans of the words of this script that hold a character the rule may change."""
        spans = []
        last_end = 0
        for hit in self.trigger.finditer(text):
            if hit.start() < last_end:
                continue
            start = _WORD_START.match(text, 0, hit.start()).start()
            end = _WORD_END.match(text, hit.end()).end()
            last_end = max(end, hit.end())
            word = text[start:end]
            if self.of_script.search(word) and not self.foreign_letter.search(word):
                spans.append((start, end))
        return spans

    def changes(self, text: str, start: int, end: int) -> list[Change]:
        """What the rule changes in the word ``text[start:end]``: trimmed edges first, then runs and map."""
        rule_id = self.rule.id
        head, tail = start, end
        while head < tail and text[head] in self.trim:
            head += 1
        while tail > head and text[tail - 1] in self.trim:
            tail -= 1
        changes = [Change(s, e, "", rule_id) for s, e in ((start, head), (tail, end)) if s < e]
        if self.squeeze:
            runs = self.squeeze.finditer(text, head, tail)
            changes += [Change(m.start(), m.end(), m.group(1), rule_id) for m in runs]
        if self.sequences:
            taken = [(c.start, c.end) for c in changes]
            changes += [Change(m.start(), m.end(), self.mapping[m.group()], rule_id)
                        for m in self.sequences.finditer(text, head, tail)
                        if not any(s < m.end() and m.start() < e for s, e in taken)]
        return changes


class CharactersStage:
    kind = "characters"

    def __init__(self, rules: list[Rule], settings: dict[str, Any]):
        self.maps = [CharacterMap.compile(rule) for rule in rules]
        _refuse_growth_and_cycles(self.maps)
        # One search for every rule's characters at once: most documents hold none and are done. A class of
        # literal characters cannot backtrack, and the standard ``re`` scans for one many times faster.
        triggers = dict.fromkeys("".join(character_map.changed for character_map in self.maps))
        self.any_trigger = re.compile("[" + "".join(map(re.escape, triggers)) + "]") if triggers else None

    def apply(self, text: str) -> StageOutput:
        """Each rule in turn; a character an earlier rule changes is left to that rule."""
        output = StageOutput()
        if self.any_trigger is None or self.any_trigger.search(text) is None:
            return output
        taken: set[int] = set()
        for character_map in self.maps:
            if not character_map.applies_to(text):
                continue
            for start, end in character_map.words(text):
                for change in character_map.changes(text, start, end):
                    span = range(change.start, change.end)
                    if taken.isdisjoint(span):
                        taken.update(span)
                        output.changes.append(change)
        return output


def _refuse_growth_and_cycles(maps: list[CharacterMap]) -> None:
    """Raise RuleError for a replacement that holds a character of some map key (the first rule's key wins)."""
    mapped: dict[str, CharacterMap] = {}  # a character of a key -> the first rule with such a key
    for character_map in maps:
        for key in character_map.mapping:
            for char in key:
                mapped.setdefault(char, character_map)
    for character_map in maps:
        for key, replacement in character_map.mapping.items():
            char = next((char for char in replacement if char in mapped), None)
            if char is None:
                continue
            owner = mapped[char]
            where = "its own map" if owner is character_map else \
                f"the map of rule '{owner.rule.id}' ({owner.rule.where('map')})"
            raise RuleError.of(character_map.rule, f"map: {key!r} becomes {replacement!r}, which holds {char!r}, "
                               f"a character {where} changes: the text could grow without end or go round in a "
                               "cycle; a replacement may hold no character any map changes", "map")


KIND = RuleKind(
    name="characters",
    order=35,
    summary="Folds character variants (look-alike letters, Arabic-script letter forms, digits) "
            "inside words of one script.",
    compile=CharactersStage,
    rule_schema=schema_beside(__file__),
)
