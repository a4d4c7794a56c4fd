"""People's names brought to one spelling per person within a scope: the variants kind's ``scope``.

A rule whose ``scope`` is ``document``, ``site`` or ``corpus`` (a group of given-name
spellings: Mohammad, Muhammad, Mohamed...) is evidence, never a rewrite on its own. Each
spelling it finds is read with the name it stands in: the run of capitalised words
(and lower-case ``particles`` such as bin, el) around it on its line, without the
``beside_names`` that stand before or after a name (President, Minister, Province, Later),
and from after a possessive (Iran's).
Two such full names are one person when, with every spelling of a loaded group taken
as its group's canonical, they are the same words: `Muhammad Javad Zarif` and
`Mohammad Javad Zarif` are; `Mohamed Salah` and `Muhammad Ali` are not, and a bare
`Muhammad` is no one. Where one person stands spelled more than one way within the
scope, every mention takes the spelling most used there (ties: the first); a person
spelled one way is left as written.

The scope is the document, every document of its site, or every document of the run;
the last two read the counts a first pass gathered (:mod:`textclean.model.evidence`): per
person (an 8-byte hash of the scope and the name) the count of each spelling. A
document cleaned alone is its own scope.

For ``textclean check`` of many files, the same counter is a reporter (:mod:`textclean.model.evidence`): it reads
each file as it would be cleaned, counting persons of document scope across all the files (those of site scope
per folder), and reports a person that files spell more than one way, naming a few files per spelling.

The same reading of names guards the rules whose own scope is ``global`` (places,
people a pack names): :class:`LongerNames` says where a spelling of theirs stands
inside a longer capitalised name the pack does not know (`Pedro Galano`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import regex

from ..model.document import Finding
from ..model.evidence import Corpus, CorpusFinding
from ..model.kind import Change, Rule

SCOPES = ("global", "document", "site", "corpus")
_NARROWEST = {"document": 0, "site": 1, "corpus": 2}
_LONGEST_NAME = 6  # words looked at either side of a spelling for the name it stands in
_NAME_WORD = regex.compile(r"(?:\p{Ll}{1,3}-)?\p{Lu}[\p{L}\p{M}'’-]*")  # Zarif, el-Sisi, Qal'a
_CLOSING = ",.;:!?)]”\""  # punctuation that ends a name
_POSSESSIVE = ("'s", "’s")
_BLANK = " \t"
_SEPARATORS = regex.compile(r"[-\s'’]+")
_SPACE = regex.compile(r"\s")
_SPACE_BEFORE = regex.compile(r"(?r)\s")
_LONGEST_WORD = 64  # characters read of a word beside a spelling
_NAMES_KEPT = 3  # documents a report keeps the names of, per spelling of a person

Mention = tuple[int, int, int]  # start, end, the index of the spelling in its rule's spellings
Person = tuple[str, ...]  # a full name with each spelling of a loaded group as the group's canonical, folded


def spellings_of(rule: Rule) -> list[str]:
    """A rule's spellings in the order mentions index them."""
    return [rule.spec["canonical"], *rule.spec["variants"], *rule.spec.get("ambiguous", [])]


def person_hash(scope: str, person: Person) -> int:
    """The 8-byte hash a person of one scope (a site, or the corpus) is counted by."""
    data = "\x1f".join((scope, *person)).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


@dataclass
class SeenSpelling:
    """For a report: one spelling of a person, as first written, and the documents it stands in."""

    written: str
    documents: int = 0
    names: list[str] = field(default_factory=list)  # the first few


@dataclass
class SeenPerson:
    """For a report: one person of a scope, the documents that name it, and its spellings (in order of sight)."""

    rule: str  # the rule of its first scoped spelling, which the finding carries
    scope: str  # the site of its scope; "": every document of the run
    documents: int = 0
    spellings: dict[tuple[int, ...], SeenSpelling] = field(default_factory=dict)


@dataclass(frozen=True)
class PersonCounts:
    """What the first pass learned: per person hash, the count of each spelling, in order of first sight; for a
    report, also where each spelling stands (``seen``)."""

    spellings: dict[int, dict[tuple[int, ...], int]]
    seen: dict[int, SeenPerson] | None = None

    def findings(self) -> list[CorpusFinding]:
        """Each person spelled more than one way by two documents or more (within one, the cleaning reports it)."""
        found = []
        for key, person in (self.seen or {}).items():
            counts = self.spellings.get(key)
            if counts is None or person.documents < 2:
                continue
            seen = [(person.spellings[spelled], count) for spelled, count in counts.items()]
            ways = ", ".join(f"'{spelling.written}' ({count}× in {_documents(spelling)})" for spelling, count in seen)
            where = f"the files of {person.scope}" if person.scope else "files"
            chosen = max(seen, key=lambda pair: pair[1])[0].written
            names = tuple(dict.fromkeys(name for spelling, _ in seen for name in spelling.names))
            found.append(CorpusFinding(person.rule, f"{chosen}: one person spelled more than one way across {where}: "
                                       f"{ways}", names))
        return found


def _documents(spelling: SeenSpelling) -> str:
    more = spelling.documents - len(spelling.names)
    return ", ".join(spelling.names) + (f" and {more} more" if more else "")


@dataclass
class NameRun:
    """One full name in a text: its person, and the scoped spellings in it (in order)."""

    person: Person
    mentions: list[tuple[Rule, Mention]]
    scope: str
    span: tuple[int, int]  # where the full name stands

    @property
    def spelled(self) -> tuple[int, ...]:
        return tuple(index for _, (_, _, index) in self.mentions)


class PersonScope:
    """The scoped rules of a variants stage: which spellings to bring to one, per person."""

    def __init__(self, rules: list[Rule], settings: dict[str, Any], words: Callable[[str], str | None]):
        """``words``: a spelling of any loaded group, folded -> its group's canonical, folded (else None)."""
        self.scopes = {rule.id: _scope(rule, settings.get("scope")) for rule in rules}
        self.beside = frozenset(word.casefold() for word in settings.get("beside_names", []))
        self.particles = frozenset(settings.get("particles", []))
        self.max_names = settings.get("scope_max_names")
        self.canonical_of = words
        self._indexes = {rule.id: {fold(spelling): index for index, spelling in enumerate(spellings_of(rule))}
                         for rule in rules}

    def scoped(self, rule: Rule) -> bool:
        return self.scopes[rule.id] != "global"

    def unifies(self) -> bool:
        return any(scope != "global" for scope in self.scopes.values())

    def wants_evidence(self) -> bool:
        return any(scope in ("site", "corpus") for scope in self.scopes.values())

    def runs(self, text: str, found: Iterable[tuple[Rule, int, int]]) -> list[NameRun]:
        """The full names the scoped spellings ``found`` stand in, each name once, with two words or more."""
        runs: dict[tuple[int, int], NameRun] = {}
        for rule, start, end in found:
            first, last, words = self._name_around(text, start, end)
            if len(words) < 2:
                continue
            index = self._indexes[rule.id].get(fold(text[start:end]), 0)
            run = runs.get((first, last))
            scope = self.scopes[rule.id]
            if run is None:
                runs[(first, last)] = NameRun(words, [(rule, (start, end, index))], scope, (first, last))
            else:
                run.mentions.append((rule, (start, end, index)))
                if _NARROWEST[scope] < _NARROWEST[run.scope]:
                    run.scope = scope
        return list(runs.values())

    def resolved(self, runs: list[NameRun], corpus: Corpus) -> Iterable[tuple[NameRun, dict, tuple[int, ...]]]:
        """Each run with its person's counts in its scope and the spelling most used there (ties: the first)."""
        own: dict[Person, dict[tuple[int, ...], int]] = {}
        for run in runs:
            counts = own.setdefault(run.person, {})
            counts[run.spelled] = counts.get(run.spelled, 0) + 1
        for run in runs:
            counts = {spelled: count for spelled, count in (self.counts(run, corpus) or own[run.person]).items()
                      if len(spelled) == len(run.mentions)} or {run.spelled: 1}
            yield run, counts, max(counts, key=counts.__getitem__)

    def changes(self, text: str, runs: list[NameRun], corpus: Corpus) -> list[Change]:
        """The rewrites that bring each person's mentions to the spelling most used in its scope."""
        changes = []
        for run, counts, chosen in self.resolved(runs, corpus):
            for (rule, (start, end, index)), wanted in zip(run.mentions, chosen, strict=True):
                if wanted != index:
                    spelled, after = text[start:end], spellings_of(rule)[wanted]
                    changes.append(Change(start, end, after.upper() if spelled.isupper() and len(spelled) > 1
                                          else after, rule.id, f"{_spelled(counts, chosen)} in the {run.scope}"))
        return changes

    def findings(self, text: str, runs: list[NameRun], corpus: Corpus) -> list[Finding]:
        """A person spelled more than one way within the scope: at each mention not spelled the most used way."""
        findings = []
        for run, counts, chosen in self.resolved(runs, corpus):
            if run.spelled != chosen:
                rule, (start, _, _) = run.mentions[0]
                ways = ", ".join(f"{_written(run, spelled)} ({count}×)" for spelled, count in counts.items())
                findings.append(Finding(rule.id, f"{text[run.span[0]:run.span[1]]}: one person spelled more than "
                                        f"one way in the {run.scope}: {ways}", start))
        return findings

    def counts(self, run: NameRun, corpus: Corpus) -> dict[tuple[int, ...], int] | None:
        """The counts the first pass gathered for the run's person in its scope; None: none, or its scope is
        the document."""
        if run.scope == "document" or not isinstance(corpus.evidence, PersonCounts) or corpus.site is None:
            return None
        return corpus.evidence.spellings.get(person_hash(self._scope_key(run, corpus.site), run.person))

    def collector(self, found: Callable[[str], Iterable[tuple[Rule, int, int]]], report: bool = False
                  ) -> PersonCounter:
        return PersonCounter(self, found, report)

    @staticmethod
    def _scope_key(run: NameRun, site: str) -> str:
        return site if run.scope == "site" else ""

    def _name_around(self, text: str, start: int, end: int) -> tuple[int, int, Person]:
        """The span of the name ``text[start:end]`` stands in, and its person."""
        before: list[tuple[int, str]] = []
        position = start
        while len(before) < _LONGEST_NAME and self._is_name_word(word := _word_before(text, position)) \
                and not word.endswith(_POSSESSIVE):  # Iran's Zarif: the name starts after the possessive
            position -= len(word) + 1
            before.append((position, word))
        after: list[tuple[int, str]] = []
        position = end
        while len(after) < _LONGEST_NAME and self._is_name_word(word := _word_after(text, position)):
            position += len(word) + 1
            after.append((position, word))
            if position < len(text) and not text[position].isspace():  # punctuation ends the name
                break
        while before and before[-1][1] in self.particles:  # a name starts with a capitalised word
            before.pop()
        while after and after[-1][1] in self.particles:
            after.pop()
        before.reverse()
        for i in range(len(before) - 1, -1, -1):  # from the last title before the name
            if before[i][1].casefold() in self.beside:
                before = before[i + 1:]
                break
        for i, (_, word) in enumerate(after):  # up to the first title after it
            if word.casefold() in self.beside:
                after = after[:i]
                break
        words = [word for _, word in before] + [text[start:end]] + [word for _, word in after]
        person = tuple(self.canonical_of(folded) or folded for folded in map(fold, words))
        return before[0][0] if before else start, after[-1][0] if after else end, person

    def _is_name_word(self, word: str) -> bool:
        return bool(word) and (word in self.particles or _NAME_WORD.fullmatch(word) is not None)


class PersonCounter:
    """The first pass of scoped rules: per person of each site (or of the corpus), the count of each spelling.
    A report's counter (``report``) counts persons of document scope too, as of the corpus, and keeps where each
    spelling stands.

    Memory: a hash and a small dict for each distinct person (a report's: a few more strings); past
    ``scope_max_names`` of them the persons seen least are forgotten (those seen once, then twice...) until
    half the room is free.
    """

    def __init__(self, scope: PersonScope, found: Callable[[str], Iterable[tuple[Rule, int, int]]],
                 report: bool = False):
        self.scope, self.found = scope, found
        self.spellings: dict[int, dict[tuple[int, ...], int]] = {}
        self.seen: dict[int, SeenPerson] | None = {} if report else None

    def __getstate__(self) -> dict[str, Any]:  # only the counts (and a report's sightings) travel
        return {"spellings": self.spellings, "seen": self.seen}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.scope, self.found, self.spellings, self.seen = None, None, state["spellings"], state["seen"]

    def observe(self, site: str, text: str, document: str = "-") -> None:
        named: set[tuple[int, tuple[int, ...] | None]] = set()  # persons, and their spellings, seen in this text
        for run in self.scope.runs(text, self.found(text)):
            if run.scope == "document" and self.seen is None:
                continue
            scope = PersonScope._scope_key(run, site)
            key = person_hash(scope, run.person)
            counts = self.spellings.setdefault(key, {})
            counts[run.spelled] = counts.get(run.spelled, 0) + 1
            if self.seen is not None:
                self._see(key, scope, run, text, document, named)
        self._bound()

    def _see(self, key: int, scope: str, run: NameRun, text: str, document: str,
             named: set[tuple[int, tuple[int, ...] | None]]) -> None:
        person = self.seen.get(key)
        if person is None:
            person = self.seen[key] = SeenPerson(run.mentions[0][0].id, scope)
        spelling = person.spellings.get(run.spelled)
        if spelling is None:
            spelling = person.spellings[run.spelled] = SeenSpelling(text[run.span[0]:run.span[1]])
        if (key, None) not in named:
            named.add((key, None))
            person.documents += 1
        if (key, run.spelled) not in named:
            named.add((key, run.spelled))
            spelling.documents += 1
            if len(spelling.names) < _NAMES_KEPT:
                spelling.names.append(document)

    def merge(self, other: PersonCounter) -> None:
        for key, counts in other.spellings.items():
            mine = self.spellings.setdefault(key, {})
            for spelled, count in counts.items():
                mine[spelled] = mine.get(spelled, 0) + count
        for key, theirs in (other.seen or {}).items():
            person = self.seen.setdefault(key, SeenPerson(theirs.rule, theirs.scope))
            person.documents += theirs.documents
            for spelled, seen in theirs.spellings.items():
                spelling = person.spellings.setdefault(spelled, SeenSpelling(seen.written))
                spelling.documents += seen.documents
                spelling.names += seen.names[:_NAMES_KEPT - len(spelling.names)]
        self._bound()

    def _bound(self) -> None:
        limit = self.scope.max_names if self.scope is not None else None
        if limit is None or len(self.spellings) <= limit:
            return
        floor = 1
        while len(self.spellings) > limit // 2:
            self.spellings = {key: counts for key, counts in self.spellings.items() if sum(counts.values()) > floor}
            floor += 1
        if self.seen is not None:
            self.seen = {key: person for key, person in self.seen.items() if key in self.spellings}

    def freeze(self) -> PersonCounts:
        spellings = {key: counts for key, counts in self.spellings.items() if len(counts) > 1}
        seen = None if self.seen is None else {key: person for key, person in self.seen.items() if key in spellings}
        return PersonCounts(spellings, seen)


def _scope(rule: Rule, override: str | None) -> str:
    """A rule's scope: its own, unless the ``scope`` setting overrides it (``global`` every rule's, another
    value the scope of every rule that unifies per person)."""
    own = rule.spec.get("scope", "global")
    return override if override == "global" or (override and own != "global") else own


def fold(spelling: str) -> str:
    """A spelling as the names of persons compare it: its parts, case folded."""
    return "-".join(part for part in _SEPARATORS.split(spelling.casefold()) if part)


def _written(run: NameRun, spelled: tuple[int, ...]) -> str:
    """The spellings ``spelled`` names for the scoped words of ``run``."""
    return " ".join(spellings_of(rule)[index] for (rule, _), index in zip(run.mentions, spelled, strict=True))


def _spelled(counts: dict[tuple[int, ...], int], chosen: tuple[int, ...]) -> str:
    """The evidence for a rewrite: how often the person is spelled the chosen way."""
    return f"this person spelled so {counts[chosen]} of {sum(counts.values())} times"


class LongerNames:
    """Where a spelling of a rule whose own scope is global (a place, a person the pack names) stands inside a
    longer capitalised name, which the pack does not know as the same entity (`Pedro Galano` is not
    Qala-e-Naw), and must stay. Given-name groups made global by the ``scope`` setting rewrite as they did.

    A capitalised spelling stands inside a longer name when the word directly before or after it is capitalised (not
    written in capitals throughout, as headlines and datelines are) and is none of: a word of a loaded
    spelling, a word of the rule's context or ``name_words``, one of the ``beside_names``, or a word the
    document also writes in lower case (an ordinary word that starts a sentence).
    """

    def __init__(self, rules: list[Rule], settings: dict[str, Any], known: set[str]):
        beside = {word.casefold() for word in settings.get("beside_names", [])}
        self.known = frozenset(known | beside)
        self.own = {rule.id: frozenset(fold(part) for key in ("followed_by", "preceded_by", "name_words")
                                       for phrase in rule.spec.get(key, []) for part in regex.split(r"[-\s]+", phrase))
                    for rule in rules if rule.spec.get("scope", "global") == "global"}

    def holds(self, text: str, start: int, end: int, rule: Rule, ordinary: LowerCaseWords) -> bool:
        """Whether ``text[start:end]`` stands inside a longer name (``ordinary``: the words of ``text`` in lower
        case)."""
        own = self.own.get(rule.id)
        if own is None or not text[start].isupper():
            return False
        if end < len(text) - 1 and text[end] in _BLANK and text[end + 1].isupper() \
                and self._names_another(_word_after(text, end), own, ordinary):
            return True
        before = _word_before(text, start) if start > 1 and text[start - 1] in _BLANK else ""
        return bool(before) and before[0].isupper() and self._names_another(before, own, ordinary)

    def _names_another(self, word: str, own: frozenset[str], ordinary: LowerCaseWords) -> bool:
        if word.isupper() or not _NAME_WORD.fullmatch(word):
            return False
        folded = fold(word)
        return not (folded in self.known or folded in own or ordinary.has(word))


class LowerCaseWords:
    """Which words a text also writes in lower case, looked up as they are asked for."""

    def __init__(self, text: str):
        self.text = text
        self._seen: dict[str, bool] = {}

    def has(self, word: str) -> bool:
        """Whether the text writes ``word`` in lower case too, as a word of its own (``Pedro``: ``pedro``)."""
        found = self._seen.get(word)
        if found is None:
            found = self._seen[word] = self._find(word.lower())
        return found

    def _find(self, lowered: str) -> bool:
        text, position = self.text, self.text.find(lowered)
        while position >= 0:
            end = position + len(lowered)
            if (position == 0 or not text[position - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
                return True
            position = text.find(lowered, position + 1)
        return False


def _word_before(text: str, start: int) -> str:
    """The word directly before ``start`` (one blank between), unless punctuation ends it."""
    end = start - 1
    if start < 2 or text[end] not in _BLANK or not text[end - 1].isalnum():
        return ""
    space = _SPACE_BEFORE.search(text, max(0, end - _LONGEST_WORD), end)
    return text[space.end() if space else max(0, end - _LONGEST_WORD):end]


def _word_after(text: str, end: int) -> str:
    """The word directly after ``end`` (one blank between), without the punctuation or possessive after it."""
    if end >= len(text) - 1 or text[end] not in _BLANK:
        return ""
    space = _SPACE.search(text, end + 1, end + 1 + _LONGEST_WORD)
    word = text[end + 1:space.start() if space else end + 1 + _LONGEST_WORD].rstrip(_CLOSING)
    return word[:-2] if word.endswith(_POSSESSIVE) else word.rstrip("'’")
