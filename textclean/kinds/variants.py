"""The ``variants`` kind: one name spelled many ways, brought to its canonical spelling.

A rule is a group: a ``canonical`` spelling and its ``variants``. Spellings match
as whole words, tolerant of the separators transliterations vary in (hyphen,
space, apostrophe, none), longest first across all groups. ``followed_by`` and
``preceded_by`` make a spelling count only next to a known word (either one
suffices when both are given): every spelling of the group, or only those listed
under ``ambiguous``. Spellings listed under ``ambiguous`` also count anywhere in a
document that names one of ``in_document_with`` (whole words, any letter case).
``exceptions`` are phrases in which a spelling must stay. ``any_case`` matches a
spelling in any letter case and writes the canonical in the case of the text:
``BAMIAN`` becomes ``BAMYAN``, ``bamian`` ``bamyan``.
A spelling inside a URL (``http://``, ``https://``, ``www.``), an e-mail address,
a hashtag or a handle (``#Mohamed``, ``@Mohamed``) is left alone in every mode.

``scope``: a ``global`` rule (the default: places, people a pack names) rewrites
every spelling, except one inside a longer capitalised name the pack does not know
as the same entity (``Pedro Galano``; see :class:`~.variants_scope.LongerNames`). A
rule of ``document``, ``site`` or ``corpus`` scope (given names) is evidence that
two full names are one person, brought to one spelling within that scope
(:mod:`.variants_scope`).

Modes: ``rewrite`` replaces the spelling; ``annotate`` leaves the text and lists
the canonical names found in the metadata ``field``; ``check`` leaves the text
and reports a document that mixes spellings of one name. The kind setting
``mode`` overrides every rule's own mode for a run.

Matching is an Aho–Corasick scan for the first part of every spelling (over the
lower-cased text too when a rule ignores case); each hit at the start of a word
is then checked against that spelling's own pattern (separators, case, context).
A stage's scan leaves out the spellings that can change nothing when found (a
global rule's one-word canonical, as written): most names in a text are written
so, and each would cost the checks of a hit.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import Any, NamedTuple

import regex

from ..matching.keywords import Automaton
from ..matching.patterns import current_budget, timed
from ..model.document import Finding
from ..model.evidence import Corpus
from ..model.kind import (
    Change,
    Rule,
    RuleError,
    RuleKind,
    RuleTimeout,
    StageOutput,
    compile_pattern,
    schema_beside,
)
from .variants_scope import SCOPES, LongerNames, LowerCaseWords, PersonCounter, PersonScope, fold, spellings_of

MODES = ("rewrite", "annotate", "check")
_SPLIT = regex.compile(r"[-\s'’]+")
_SEPARATOR = r"(?:[-'’]|[^\S\n])"  # between the parts of a name within a line: a name never spans lines
_WORD_CHAR = regex.compile(r"\w")
_WORD = regex.compile(r"\w*")
_WHITESPACE = regex.compile(r"\s+")
_SPACE = regex.compile(r"\s")
_SPACE_BEFORE = regex.compile(r"(?r)\s")
_LONGEST_ADDRESS = 2000  # characters looked at either side of a spelling for the address it may be in
_HANDLE_MARKS = "#@"  # what starts a hashtag or a handle
_ALONE = Corpus()  # a document cleaned on its own: its own scope
# Possessive runs that start at a token's start, so a scan of a long word stays linear.
_ADDRESS = regex.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+|(?<![\w/])(?:https?://|www\.)[^\s<>\"]++",
                         regex.IGNORECASE)


def spelling_parts(spelling: str) -> list[str]:
    """The parts of a spelling between separators.

    >>> spelling_parts("Qal'a-i-Naw")
    ['Qal', 'a', 'i', 'Naw']
    """
    return [part for part in _SPLIT.split(spelling.strip()) if part]


def spelling_pattern(spelling: str) -> str:
    """A pattern for a spelling whose parts may be joined by any separator or none.

    >>> bool(regex.fullmatch(spelling_pattern("Qala-e-Naw"), "Qala e Naw"))
    True
    """
    return f"{_SEPARATOR}*".join(regex.escape(part) for part in spelling_parts(spelling))


def lower(text: str) -> str:
    """``str.lower`` that keeps every offset: İ is the one letter whose lower case is two characters."""
    return text.replace("İ", "i").lower() if "İ" in text else text.lower()


@cache
def _is_word_char(char: str) -> bool:
    return _WORD_CHAR.match(char) is not None


def _alternatives(words: list[str]) -> str:
    return "|".join(spelling_pattern(word) for word in sorted(words, key=len, reverse=True))


def in_address(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` touches a URL or e-mail address.

    Only the run of non-space characters around the span is read, at most ``_LONGEST_ADDRESS``
    characters either side of it.

    >>> text = "Muhammad, see http://x.com/Muhammad"
    >>> in_address(text, 0, 8), in_address(text, 27, 35)
    (False, True)
    """
    if (start == 0 or text[start - 1].isspace()) and (end == len(text) or text[end].isspace() or text[end] in ",;!?)"):
        return False  # a word of its own: an address would have to hold it with what is before or after it
    space = _SPACE_BEFORE.search(text, max(0, start - _LONGEST_ADDRESS), start)
    first = space.end() if space else max(0, start - _LONGEST_ADDRESS)
    space = _SPACE.search(text, end, end + _LONGEST_ADDRESS)
    last = space.start() if space else min(len(text), end + _LONGEST_ADDRESS)
    run = text[first:last]
    if "@" not in run and "://" not in run and "www." not in run.lower():
        return False
    return any(found.start() < end and found.end() > start for found in _ADDRESS.finditer(text, first, last))


def in_handle(text: str, start: int) -> bool:
    """Whether the spelling at ``start`` is part of a hashtag or a handle (``#Mohamed``, ``@Mohamed_Salah``).

    >>> in_handle("#Mohamed won", 1), in_handle("Mohamed won", 0)
    (True, False)
    """
    if start == 0 or text[start - 1].isspace():
        return False
    space = _SPACE_BEFORE.search(text, max(0, start - _LONGEST_ADDRESS), start)
    return text[space.end() if space else max(0, start - _LONGEST_ADDRESS)] in _HANDLE_MARKS


@dataclass(frozen=True)
class Spelling:
    """One spelling of one rule, compiled: what the scan looks for and how a hit is confirmed."""

    rule: Rule
    text: str
    pattern: regex.Pattern
    plain: bool  # one part, case as written, no context: the automaton hit is the match
    document: regex.Pattern | None = None  # counts only in a document this pattern finds a word of
    as_is: bool = False  # found, it can change nothing (:meth:`VariantsStage._as_is`)

    @property
    def folded(self) -> bool:
        return ignores_case(self.rule.spec)

    @property
    def key(self) -> str:
        """The automaton key: the spelling's first part (lower-cased when case is ignored)."""
        first = spelling_parts(self.text)[0]
        return lower(first) if self.folded else first


def ignores_case(spec: dict[str, Any]) -> bool:
    """Whether a rule matches its spellings in any letter case (``ignore_case`` or ``any_case``)."""
    return bool(spec.get("ignore_case", False) or spec.get("any_case", False))


def in_case_of(canonical: str, spelled: str, any_case: bool) -> str:
    """The canonical spelling in the letter case of the text it replaces.

    All capitals stay all capitals; with ``any_case``, all lower case stays lower case too;
    otherwise the canonical as written.

    >>> in_case_of("Qala-e-Naw", "KALAT-E-NAV", False), in_case_of("Bamyan", "bamian", True)
    ('QALA-E-NAW', 'bamyan')
    """
    if spelled.isupper() and len(spelled) > 1:
        return canonical.upper()
    if any_case and spelled.islower():
        return canonical.lower()
    return canonical


def _document_words(rule: Rule) -> regex.Pattern | None:
    """What a document must name for the rule's ambiguous spellings to count anywhere in it."""
    words = rule.spec.get("in_document_with")
    return regex.compile(rf"(?<!\w)(?:{_alternatives(words)})(?!\w)", regex.IGNORECASE) if words else None


def _spellings(rule: Rule) -> list[Spelling]:
    spec = rule.spec
    flag = "i" if ignores_case(spec) else "-i"
    contexts = []
    if spec.get("followed_by"):
        contexts.append(rf"(?=[\s-]+(?{flag}:{_alternatives(spec['followed_by'])})(?!\w))")
    ambiguous = spec.get("ambiguous", [])
    document = _document_words(rule)
    spellings = []
    for text in [spec["canonical"], *spec["variants"], *ambiguous]:
        body = f"(?{flag}:{spelling_pattern(text)})"
        conditions = list(contexts)
        if spec.get("preceded_by"):
            conditions.append(rf"(?<=(?<!\w)(?{flag}:{_alternatives(spec['preceded_by'])})[\s-]+{body})")
        in_context = conditions and (not ambiguous or text in ambiguous)
        condition = f"(?:{'|'.join(conditions)})" if in_context else ""
        if condition or not (document and text in ambiguous):
            pattern = compile_pattern(rule, rf"(?<!\w){body}(?!\w){condition}", key="variants")
            plain = len(spelling_parts(text)) == 1 and not condition and flag == "-i"
            spellings.append(Spelling(rule, text, pattern, plain))
        if document and text in ambiguous:  # tried after the same spelling in its neighbours' context
            pattern = compile_pattern(rule, rf"(?<!\w){body}(?!\w)", key="variants")
            spellings.append(Spelling(rule, text, pattern, False, document))
    return spellings


def match_key(spelling: str, ignore_case: bool = True) -> str:
    """What spellings that match the same text share: their parts, and their case unless it is ignored."""
    joined = "-".join(spelling_parts(spelling))
    return joined.casefold() if ignore_case else joined


def check_groups(rules: list[Rule]) -> None:
    """Raise :class:`RuleError` for groups that cannot work together.

    A spelling that does not start and end with a letter or digit; a variant that
    matches its own canonical or another variant of the group; a variant claimed
    by two groups; a chain (a canonical that is another group's variant); two
    canonical spellings that match the same text but are written differently.
    """
    claims: dict[str, list[tuple[Rule, str, str]]] = {}
    for rule in rules:
        spec = rule.spec
        ambiguous = spec.get("ambiguous", [])
        if not (spec["variants"] or ambiguous):
            raise RuleError.of(rule, "a group needs variants or ambiguous spellings", "variants")
        if ambiguous and not (spec.get("followed_by") or spec.get("preceded_by") or spec.get("in_document_with")):
            raise RuleError.of(rule, "ambiguous spellings need followed_by, preceded_by or in_document_with",
                               "ambiguous")
        if spec.get("in_document_with") and not ambiguous:
            raise RuleError.of(rule, "in_document_with applies to ambiguous spellings: list them", "in_document_with")
        own: dict[str, str] = {}
        for role, spelling, key_name in [("canonical", spec["canonical"], "canonical"),
                                         *(("variant", v, "variants") for v in spec["variants"]),
                                         *(("variant", v, "ambiguous") for v in ambiguous)]:
            parts = spelling_parts(spelling)
            if not parts or not (_is_word_char(parts[0][0]) and _is_word_char(parts[-1][-1])):
                raise RuleError.of(rule, f"{spelling!r} must begin and end with a letter or digit", key_name)
            key = match_key(spelling, ignores_case(spec))
            if key in own:
                raise RuleError.of(rule, f"{spelling!r} matches the same text as {own[key]!r} in this group", key_name)
            own[key] = spelling
            for other, other_spelling, other_role in claims.get(key.casefold(), []):
                if match_key(other_spelling, ignores_case(other.spec)) != key and not (
                        ignores_case(spec) or ignores_case(other.spec)):
                    continue
                where = f"rule '{other.id}' ({other.where()})"
                written = "" if other_spelling == spelling else f" as {other_spelling!r}"
                if role == other_role == "canonical":
                    if spelling == other_spelling:
                        continue
                    problem = f"canonical {spelling!r} matches the same text as the canonical of {where}{written}: " \
                              "write them the same way"
                elif role == other_role:
                    problem = f"variant {spelling!r} is already a variant of {where}{written}: " \
                              "a spelling belongs to one group"
                else:
                    other_is = "a variant" if other_role == "variant" else "the canonical"
                    problem = f"{role} {spelling!r} is {other_is} of {where}{written}: " \
                              "groups must not chain, merge them into one"
                raise RuleError.of(rule, problem, key_name)
            claims.setdefault(key.casefold(), []).append((rule, spelling, role))


class KeySpellings(NamedTuple):
    """The spellings an automaton key starts, longest first."""

    spellings: list[Spelling]
    #: Where a key's hits stand among others at one place: keys matched as written before keys matched
    #: case-folded, each shorter key first (the order an automaton reports them in).
    rank: tuple[bool, int]


def _all_as_is(found: KeySpellings) -> bool:
    return all(spelling.as_is for spelling in found.spellings)


def _rank(found: KeySpellings) -> tuple[bool, int]:
    return found.rank


def _automaton(lists: dict[str, KeySpellings], folded: bool) -> tuple[Automaton | None, list[KeySpellings], bool]:
    """An automaton of the keys ``lists`` holds, the spellings of each (by the automaton's index), and whether it
    reads the text lower-cased."""
    return Automaton(list(lists)) if lists else None, list(lists.values()), folded


class Found(NamedTuple):
    """A spelling found in a text."""

    rule: Rule
    start: int
    end: int


class VariantsStage:
    kind = "variants"

    def __init__(self, rules: list[Rule], settings: dict[str, Any]):
        check_groups(rules)
        self.mode_override: str | None = settings.get("mode")
        self.exceptions = {
            rule.id: regex.compile("|".join(spelling_pattern(p) for p in rule.spec["exceptions"]), regex.IGNORECASE)
            for rule in rules if rule.spec.get("exceptions")
        }
        canonicals = {fold(spelling): fold(rule.spec["canonical"]) for rule in rules for spelling in spellings_of(rule)}
        self.persons = PersonScope(rules, settings, canonicals.get)
        # Spellings matched as written (False) and matched case-folded (True), by the key an automaton finds.
        keys: dict[tuple[bool, str], list[Spelling]] = {}
        for rule in rules:
            for spelling in _spellings(rule):
                spelling = replace(spelling, as_is=self._as_is(spelling))
                keys.setdefault((spelling.folded, spelling.key), []).append(spelling)
        lists = {key: KeySpellings(sorted(spellings, key=lambda s: -len(s.text)), (key[0], len(key[1])))
                 for key, spellings in keys.items()}
        #: The automata of the keys that start a spelling other than an as-is one (``as_is`` of Spelling).
        self.automata = [_automaton({key: found for (in_folded, key), found in lists.items()
                                     if in_folded == folded and not _all_as_is(found)}, folded)
                         for folded in (False, True)]
        #: The keys all of whose spellings are as-is: each such spelling is the whole word it matches.
        self.as_is_words = {key: found for (_, key), found in lists.items() if _all_as_is(found)}
        self.as_is_automaton = _automaton(self.as_is_words, False)
        self.longer_names = LongerNames(rules, settings, {fold(part) for spelling in canonicals
                                                           for part in spelling_parts(spelling)})

    def mode(self, rule: Rule) -> str:
        return self.mode_override or rule.spec.get("mode", "rewrite")

    def _as_is(self, spelling: Spelling) -> bool:
        """Whether a spelling found can change nothing: one word, matched as written, its rule's canonical, of a
        global rule that rewrites."""
        rule = spelling.rule
        return spelling.plain and spelling.text == rule.spec["canonical"] and self.mode(rule) == "rewrite" \
            and not self.persons.scoped(rule) and all(map(_is_word_char, spelling.text))

    def collector(self) -> PersonCounter | None:
        """With rules of site or corpus scope, the first pass counts the spellings of each person."""
        if not self.persons.wants_evidence():
            return None
        return self.persons.collector(self._scoped)

    def reporter(self) -> PersonCounter | None:
        """With rules that unify per person, a report of the persons that documents spell differently."""
        if not self.persons.unifies():
            return None
        return self.persons.collector(self._scoped, report=True)

    def _scoped(self, text: str) -> list[Found]:
        return [found for found in self.matches(text, as_is=False)
                if self.persons.scoped(found.rule) and self.mode(found.rule) != "annotate"]

    def matches(self, text: str, as_is: bool = True) -> list[Found]:
        """Every spelling found, left to right, longest first at each place; left out: exceptions, addresses,
        handles and hashtags, and a spelling of a global rule inside a longer name.

        ``as_is=False`` leaves out too the spellings that can change nothing (``as_is`` of :class:`Spelling`),
        and so need no checks: as such a spelling is one whole word, no other one starts inside it, and it is
        looked up only where another starts, where it may be the longest.
        """
        candidates: dict[int, list[KeySpellings]] = {}
        for automaton, lists, folded in self.automata if not as_is else [*self.automata, self.as_is_automaton]:
            if not lists:
                continue
            for index, start, _ in automaton.find_matches_as_indexes(lower(text) if folded else text, overlapping=True):
                if start == 0 or not _is_word_char(text[start - 1]):
                    candidates.setdefault(start, []).append(lists[index])
        if not as_is:
            for start, lists in candidates.items():
                word = self.as_is_words.get(text[start:_WORD.match(text, start).end()])
                if word is not None:
                    lists.append(word)
        found = []
        last_end = 0
        named: dict[regex.Pattern, bool] = {}  # whether the document names a word of each pattern asked about
        ordinary = LowerCaseWords(text)
        for start in sorted(candidates):
            if start < last_end:
                continue
            lists = candidates[start]
            spellings = lists[0].spellings if len(lists) == 1 else sorted(
                (s for ks in sorted(lists, key=_rank) for s in ks.spellings), key=lambda s: -len(s.text))
            for spelling in spellings:
                if spelling.document is not None and not _names(spelling.document, text, named):
                    continue
                end = self._match_end(spelling, text, start)
                if end is None:
                    continue
                rule = spelling.rule
                if (as_is or not spelling.as_is) and not (
                        self._excepted(rule, text, start, end) or in_address(text, start, end)
                        or in_handle(text, start) or self.longer_names.holds(text, start, end, rule, ordinary)):
                    found.append(Found(rule, start, end))
                last_end = end
                break
        return found

    @staticmethod
    def _match_end(spelling: Spelling, text: str, start: int) -> int | None:
        if spelling.plain:
            end = start + len(spelling.text)
            at_word_end = end == len(text) or not _is_word_char(text[end])
            return end if at_word_end and text.startswith(spelling.text, start) else None
        try:
            match = timed(spelling.pattern.match, text, start)
        except TimeoutError:
            raise RuleTimeout(spelling.rule.id, current_budget(text).seconds) from None
        return match.end() if match else None

    def apply(self, text: str, corpus: Corpus = _ALONE) -> StageOutput:
        output = StageOutput()
        annotated: dict[str, list[str]] = {}
        seen: dict[str, list[Found]] = {}
        per_person: dict[str, list[Found]] = {"rewrite": [], "check": []}
        for found in self.matches(text, as_is=False):
            rule = found.rule
            canonical = rule.spec["canonical"]
            mode = self.mode(rule)
            if mode != "annotate" and self.persons.scoped(rule):
                per_person[mode].append(found)
            elif mode == "annotate":
                names = annotated.setdefault(rule.spec.get("field", "entities"), [])
                if canonical not in names:
                    names.append(canonical)
            elif mode == "check":
                seen.setdefault(canonical, []).append(found)
            else:
                spelled = text[found.start:found.end]
                replacement = in_case_of(canonical, spelled, bool(rule.spec.get("any_case")))
                if spelled != replacement:
                    output.changes.append(Change(found.start, found.end, replacement, rule.id))
        output.changes += self.persons.changes(text, self.persons.runs(text, per_person["rewrite"]), corpus)
        output.findings += self.persons.findings(text, self.persons.runs(text, per_person["check"]), corpus)
        output.metadata.update(annotated)
        for canonical, matches in seen.items():
            finding = mixed_spellings(text, canonical, matches)
            if finding:
                output.findings.append(finding)
        return output

    def _excepted(self, rule: Rule, text: str, start: int, end: int) -> bool:
        exceptions = self.exceptions.get(rule.id)
        if exceptions is None:
            return False
        return any(e.start() <= start and end <= e.end()
                   for e in exceptions.finditer(text, max(0, start - 100), end + 100))


def _names(words: regex.Pattern, text: str, known: dict[regex.Pattern, bool]) -> bool:
    """Whether ``text`` holds a word ``words`` finds; remembered in ``known`` for the rest of the scan."""
    if words not in known:
        known[words] = words.search(text) is not None
    return known[words]


def mixed_spellings(text: str, canonical: str, matches: list[Found]) -> Finding | None:
    """A warning when ``matches`` (all of one name) are spelled more than one way.

    Spellings that differ only in letter case count as one. The finding points at
    the first spelling that is not the most frequent one (ties go to the canonical);
    the message counts each spelling (not lines: earlier stages may have moved them).
    """
    forms: dict[str, list[Found]] = {}
    for found in matches:
        forms.setdefault(_WHITESPACE.sub(" ", text[found.start:found.end]).casefold(), []).append(found)
    if len(forms) < 2:
        return None
    majority = max(forms, key=lambda form: (len(forms[form]), form == canonical.casefold()))
    first_minority = min((f for form, fs in forms.items() if form != majority for f in fs), key=lambda f: f.start)
    listed = []
    for occurrences in forms.values():
        spelled = _WHITESPACE.sub(" ", text[occurrences[0].start:occurrences[0].end])
        listed.append(f"{spelled} ({len(occurrences)}×)")
    return Finding(first_minority.rule.id, f"mixes spellings of {canonical}: {', '.join(listed)}",
                   first_minority.start)


KIND = RuleKind(
    name="variants",
    order=40,
    summary="Brings the many spellings of one name to its canonical spelling, lists the names found, "
            "or reports documents that mix spellings.",
    compile=VariantsStage,
    rule_schema=schema_beside(__file__),
    settings_schema={
        "type": "object",
        "additionalProperties": False,
        "description": "Settings for every variants rule loaded.",
        "properties": {
            "mode": {"enum": list(MODES),
                     "description": "Overrides the mode of every variants rule (in a run: --set variants.mode=...)."},
            "scope": {"enum": list(SCOPES),
                      "description": "global: every rule rewrites wherever it matches (the behaviour before scopes). "
                                     "document, site or corpus: the scope of every rule that unifies per person "
                                     "(whose own scope is not global). In a run: --set variants.scope=corpus."},
            "beside_names": {"type": "array", "items": {"type": "string", "minLength": 1},
                             "description": "Capitalised words that stand beside a name without being part of "
                                            "it: titles (President, Mr), kinds of place (Province), words that "
                                            "start sentences (The, In). A person's full name is read without "
                                            "them; beside them a spelling is not inside a longer name."},
            "particles": {"type": "array", "items": {"type": "string", "minLength": 1},
                          "description": "Lower-case words inside a person's name (bin, el)."},
            "scope_max_names": {"type": "integer", "minimum": 2,
                                "description": "Site and corpus scope: the persons the first pass keeps counts "
                                               "for; past it the least seen are forgotten (about 200 bytes each)."},
        },
    },
)
