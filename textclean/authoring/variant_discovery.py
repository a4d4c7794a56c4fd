"""Finding candidate variant groups in a corpus, and writing them as a draft rule file to review.

Names are capitalised words (``Qala-e-Naw``, ``Qal'a-i-Naw``) and runs of two or
three of them (``Abbas Stanikzai``), counted with an example context each. Two
names are taken for spellings of one when

- their spelling keys are equal: the key folds the alternations romanizations
  make (q/k, kh/h, w/v, au/av, ou and oo/u, ee/i, final -eh/-e, doubled
  letters, the -e-/-i- particle, apostrophes and hyphens), or
- their consonants agree and their vowels differ only as short vowels are
  romanized (a/e, e/i, o/u, u/a): Muhammad/Mohammad, Nizami/Nezami — but not
  Rahman/Rahmon (a/o) nor Mahmud/Muhammad (a vowel more), or
- both are long (seven letters or more) and difflib finds them 90% alike, with
  the same first and last letter: Qala-e-Naw/Qalat-i-Naw.

Groups are merged conservatively (complete linkage: every pair in a group must
agree) and the most frequent spelling is proposed as canonical. difflib is
enough: names are compared only within buckets of one first letter, so the
number of comparisons stays small, and no extra dependency is needed.

Full names of one person (:func:`person_groups`): runs of two or more names that are
the same words once every spelling of a loaded variants group is read as its group's
canonical (same surname; given names in one group, Muhammad/Mohammad), spelled more
than one way. Each is proposed as a rule naming that person, its most frequent
spelling canonical, with the documents each spelling stands in: a person spelled one
way in one document and another way in another shows here, where the per-document
scope of the given-name groups leaves it.
"""
from __future__ import annotations

import difflib
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

from ..io.inputs import InputDoc
from ..kinds.variants import match_key
from ..kinds.variants_scope import fold, spellings_of
from ..pipeline.rulefile import RuleSet

_NAME = regex.compile(r"(?<![\w'’-])\p{Lu}\p{Ll}+(?:[-'’]\p{L}+)*")
_POSSESSIVE = regex.compile(r"['’]s?$")
_RUN_GAP = regex.compile(r"[ \t]+")
_WORD = regex.compile(r"\w+")
_VOWEL_ALTERNATIONS = {frozenset(pair) for pair in ("ae", "ei", "ou", "ua")}
_FOLDS = [
    (regex.compile(r"['’`ʻʼ]"), ""),
    (regex.compile(r"(?<=\w)at(?=[-\s]+[ei][-\s])"), "a"),      # ta marbuta before the particle: Qalat-i- = Qala-e-
    (regex.compile(r"[-\s]+(?:e|i|ye|yi)[-\s]+"), "e"),          # the ezafe particle
    (regex.compile(r"[-\s]+"), ""),
    (regex.compile(r"kh"), "h"),
    (regex.compile(r"q"), "k"),
    (regex.compile(r"w"), "v"),
    (regex.compile(r"(?<=a)u(?![aeiou])"), "v"),                 # the diphthong: Nau = Naw = Nav
    (regex.compile(r"ou|oo"), "u"),
    (regex.compile(r"ee"), "i"),
    (regex.compile(r"y$"), "i"),
    (regex.compile(r"(?<=[ae])h$"), ""),                         # a silent final h: Dushanbeh = Dushanbe
    (regex.compile(r"(.)\1+"), r"\1"),
]
_GROUPS = regex.compile(r"[aeiou]+|[^aeiou]+")
_DOCUMENTS_KEPT = 8  # documents remembered per name, to tell a mix within one document from one across documents
_LONGEST_PERSON = 6  # words in the longest run taken as one person's full name


def spelling_key(name: str) -> str:
    """A name with the usual transliteration alternations folded away.

    >>> spelling_key("Qalat-i-Naw") == spelling_key("Kalat-e-Nav") == spelling_key("Qala e Naw")
    True
    >>> spelling_key("Muhammad"), spelling_key("Mahmud")
    ('muhamad', 'mahmud')
    """
    key = "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))
    for pattern, replacement in _FOLDS:
        key = pattern.sub(replacement, key)
    return key


def _vowels_alternate(a: str, b: str) -> bool:
    """Same consonants; each vowel group equal or of one length with romanization alternations."""
    groups_a, groups_b = _GROUPS.findall(a), _GROUPS.findall(b)
    if len(groups_a) != len(groups_b):
        return False
    for x, y in zip(groups_a, groups_b, strict=True):
        if x == y:
            continue
        if x[0] not in "aeiou" or y[0] not in "aeiou" or len(x) != len(y):
            return False
        if any(p != q and frozenset((p, q)) not in _VOWEL_ALTERNATIONS for p, q in zip(x, y, strict=True)):
            return False
    return True


def same_name(a: str, b: str) -> bool:
    """Whether two spelling keys look like romanizations of one name (see the module docstring).

    >>> same_name(spelling_key("Nizami"), spelling_key("Nezami")), same_name("rahman", "rahmon")
    (True, False)
    """
    if a == b:
        return True
    if " " in a or " " in b:
        words_a, words_b = a.split(" "), b.split(" ")
        return len(words_a) == len(words_b) and all(map(same_name, words_a, words_b))
    if _vowels_alternate(a, b):
        return True
    return (min(len(a), len(b)) >= 7 and a[0] == b[0] and a[-1] == b[-1]
            and difflib.SequenceMatcher(None, a, b).ratio() >= 0.9)


@dataclass
class Name:
    """A spelling seen in the corpus: how often, and where first."""

    text: str
    key: str
    count: int = 0
    example: str = ""
    where: str = ""
    documents: list[str] = field(default_factory=list)  # the first _DOCUMENTS_KEPT documents it stands in
    whole: bool = False  # a full name: it stood alone, not only inside a longer run


@dataclass
class Cluster:
    names: list[Name] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(name.count for name in self.names)

    @property
    def canonical(self) -> Name:
        return max(self.names, key=lambda name: name.count)


def _names_in_line(line: str) -> list[list[tuple[str, int]]]:
    """Runs of capitalised names in a line, each name with its offset."""
    runs: list[list[tuple[str, int]]] = []
    previous_end = -2
    for match in _NAME.finditer(line):
        text = _POSSESSIVE.sub("", match.group())
        gap = line[previous_end:match.start()]
        if runs and previous_end >= 0 and _RUN_GAP.fullmatch(gap):
            runs[-1].append((text, match.start()))
        else:
            runs.append([(text, match.start())])
        previous_end = match.end()
    return runs


def count_names(documents: Iterable[InputDoc], max_words: int = 3) -> dict[str, Name]:
    """Capitalised names and runs of up to ``max_words`` of them, with counts and a first context; and the
    full names (``whole``): the parts of two or more words of a run of at most ``_LONGEST_PERSON`` words,
    between its ordinary words.

    A word that also occurs in lower case in the corpus is an ordinary word, not a name.
    """
    names: dict[str, Name] = {}
    wholes: dict[str, Name] = {}
    lower_words: Counter[str] = Counter()
    for doc in documents:
        document = f"{doc.source}:{doc.line}" if doc.line else doc.source
        for number, line in enumerate(doc.text.splitlines(), start=1):
            lower_words.update(w for w in _WORD.findall(line) if w.islower())
            for run in _names_in_line(line):
                if 2 <= len(run) <= _LONGEST_PERSON:
                    _seen(wholes, run, line, f"{doc.source}:{number}", document)
                for size in range(1, max_words + 1):
                    for i in range(len(run) - size + 1):
                        _seen(names, run[i:i + size], line, f"{doc.source}:{number}", document)

    def ordinary(word: str) -> bool:
        return word.lower() in lower_words

    names = {text: name for text, name in names.items() if not any(map(ordinary, text.split(" ")))}
    for whole in wholes.values():  # its parts between ordinary words ("Foreign Minister") are full names
        part: list[str] = []
        for word in [*whole.text.split(" "), ""]:
            if word and not ordinary(word):
                part.append(word)
            else:
                _add_whole(names, part, whole, max_words)
                part = []
    return names


def _add_whole(names: dict[str, Name], words: list[str], whole: Name, max_words: int) -> None:
    """Mark ``words`` (a part of the run ``whole`` between ordinary words) as a full name, counting it when it is
    longer than ``max_words`` (shorter, every run it stands in counted it)."""
    if len(words) < 2:
        return
    text = " ".join(words)
    name = names.get(text)
    if name is None:
        names[text] = Name(text, " ".join(map(spelling_key, words)), whole.count, whole.example, whole.where,
                           list(whole.documents), whole=True)
    elif len(words) > max_words:
        name.count += whole.count
        room = _DOCUMENTS_KEPT - len(name.documents)
        name.documents += [document for document in whole.documents if document not in name.documents][:room]
    else:
        name.whole = True


def _seen(names: dict[str, Name], run: list[tuple[str, int]], line: str, where: str, document: str) -> None:
    """Count one occurrence of a run of names (each with its offset in ``line``)."""
    text = " ".join(word for word, _ in run)
    name = names.get(text)
    if name is None:
        start = run[0][1]
        context = line[max(0, start - 40):start + len(text) + 40].strip()
        name = names[text] = Name(text, " ".join(spelling_key(w) for w, _ in run), example=context, where=where)
    name.count += 1
    if len(name.documents) < _DOCUMENTS_KEPT and document not in name.documents[-1:]:
        name.documents.append(document)


def cluster_names(names: Iterable[Name]) -> list[Cluster]:
    """Groups of two or more spellings of one name, most frequent first."""
    buckets: dict[tuple[str, int], list[Name]] = {}
    for name in names:
        buckets.setdefault((name.key[:1], name.key.count(" ")), []).append(name)
    clusters: list[Cluster] = []
    for bucket in buckets.values():
        bucket.sort(key=lambda name: (-name.count, name.text))
        local: list[Cluster] = []
        for name in bucket:
            fitting = [c for c in local if all(same_name(name.key, other.key) for other in c.names)]
            if fitting:
                max(fitting, key=lambda c: c.count).names.append(name)
            else:
                local.append(Cluster([name]))
        clusters += [c for c in local if len(c.names) > 1]
    return _without_explained(sorted(clusters, key=lambda c: (-c.count, c.canonical.text)))


def _without_explained(clusters: list[Cluster]) -> list[Cluster]:
    """Drop clusters of word runs whose spellings differ only where a one-word cluster already says so."""
    representative = {name.text: c.canonical.text for c in clusters if " " not in c.names[0].text for name in c.names}
    kept = []
    for cluster in clusters:
        mapped = {" ".join(representative.get(w, w) for w in name.text.split(" ")) for name in cluster.names}
        if " " not in cluster.names[0].text or len(mapped) > 1:
            kept.append(cluster)
    return kept


def discover(documents: Iterable[InputDoc], max_words: int = 3) -> list[Cluster]:
    """Candidate variant groups in ``documents``."""
    return find_groups(documents, RuleSet(), max_words)[0]


def find_groups(documents: Iterable[InputDoc], known: RuleSet, max_words: int = 3) -> tuple[list[Cluster],
                                                                                            list[Cluster]]:
    """Candidate variant groups in ``documents``, and the persons spelled more than one way under the variants
    groups of ``known``."""
    names = count_names(documents, max_words)
    return (cluster_names(name for name in names.values() if name.text.count(" ") < max_words),
            person_groups(names.values(), known))


def person_groups(names: Iterable[Name], known: RuleSet) -> list[Cluster]:
    """Full names of one person spelled more than one way under the loaded variants groups, most frequent
    first; left out: a person the loaded rules that rewrite everywhere already bring to one spelling, and a
    name inside a longer one that groups as well."""
    canonical: dict[str, str] = {}
    rewritten: dict[str, str] = {}  # by the rules that rewrite wherever they match
    for rule in known.rules:
        if rule.kind == "variants":
            for spelling in spellings_of(rule):
                canonical[fold(spelling)] = fold(rule.spec["canonical"])
                if rule.spec.get("scope", "global") == "global":
                    rewritten[fold(spelling)] = fold(rule.spec["canonical"])
    people: dict[tuple[str, ...], Cluster] = {}
    for name in names:
        words = name.text.split(" ")
        if not name.whole:
            continue
        person = tuple(canonical.get(folded, folded) for folded in map(fold, words))
        people.setdefault(person, Cluster()).names.append(name)
    groups = {person: cluster for person, cluster in people.items()
              if len({tuple(rewritten.get(w, w) for w in map(fold, name.text.split(" "))) for name in cluster.names})
              > 1}
    kept = [cluster for person, cluster in groups.items()
            if not any(len(other) > len(person) and _within(person, other) for other in groups)]
    for cluster in kept:
        cluster.names.sort(key=lambda name: -name.count)
    return sorted(kept, key=lambda c: (-c.count, c.canonical.text))


def _within(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    return any(long[i:i + len(short)] == short for i in range(len(long) - len(short) + 1))


def spelled_apart(cluster: Cluster) -> tuple[bool, bool]:
    """Whether the spellings of a group stand in different documents, and whether two share one (as far as
    the documents kept per name tell)."""
    seen: dict[str, int] = Counter(document for name in cluster.names for document in set(name.documents))
    return len(seen) > 1, any(count > 1 for count in seen.values())


def _unique_id(base: str, ids: set[str]) -> str:
    rule_id, suffix = base, 2
    while rule_id in ids:
        rule_id, suffix = f"{base}-{suffix}", suffix + 1
    ids.add(rule_id)
    return rule_id


def _draft_rule(rule_id: str, cluster: Cluster, canonical: str, variants: list[str], description: str) -> list[str]:
    """A proposed rule, after its spellings' counts, documents and first contexts as comments."""
    return [
        "",
        "  # " + ", ".join(f"{n.text} ×{n.count} in {len(n.documents)}{'+' * (len(n.documents) == _DOCUMENTS_KEPT)}"
                           f" document{'s' * (len(n.documents) != 1)}" for n in cluster.names),
        *(f"  #   {n.text}: “{n.example}” ({n.where})" for n in cluster.names),
        f"  - id: {rule_id}",
        "    kind: variants",
        f"    description: {json.dumps(description, ensure_ascii=False)}",
        f"    canonical: {json.dumps(canonical, ensure_ascii=False)}",
        f"    variants: {json.dumps(variants, ensure_ascii=False)}",
        "    examples:",
        f"      - input: {json.dumps(', '.join(variants) + chr(10), ensure_ascii=False)}",
        f"        output: {json.dumps(', '.join([canonical] * len(variants)) + chr(10), ensure_ascii=False)}",
        f"      - keep: {json.dumps(canonical + chr(10), ensure_ascii=False)}",
    ]


def _slug(text: str) -> str:
    return regex.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def draft_rules(clusters: list[Cluster], known: RuleSet, documents: int,
                people: list[Cluster] = ()) -> tuple[str, int]:
    """A rule file proposing one variants rule per cluster, and one per person of ``people`` (full names
    from :func:`person_groups`), with counts and contexts as comments, and how many rules it proposes.

    Spellings that loaded rules already cover are left out; a cluster that meets a
    loaded group keeps that group's canonical spelling, so the draft loads beside it.
    """
    claimed: dict[str, str] = {}
    for rule in known.rules:
        if rule.kind == "variants":
            for spelling in [rule.spec["canonical"], *rule.spec["variants"], *rule.spec.get("ambiguous", [])]:
                claimed[match_key(spelling)] = rule.spec["canonical"]
    out = [
        "# Draft variant groups found by `textclean variants discover`; review every group before use:",
        "# delete false merges, check the canonical spelling, add context for names that are ambiguous",
        "# and keep examples from your own texts. Counts and a first context follow each group.",
        "pack: draft-variants",
        f"description: Candidate variant groups found in {documents} documents by textclean variants discover.",
        "rules:",
    ]
    covered, ids = [], set()
    for cluster in clusters:
        by_spelling: dict[str, Name] = {}
        for name in sorted(cluster.names, key=lambda n: -n.count):
            by_spelling.setdefault(match_key(name.text), name)
        canonicals = {claimed[k] for k in by_spelling if k in claimed}
        if len(canonicals) > 1:
            covered.append(f"{' / '.join(n.text for n in cluster.names)} (spans loaded groups {sorted(canonicals)})")
            continue
        canonical = canonicals.pop() if canonicals else cluster.canonical.text
        variants = [n.text for k, n in by_spelling.items() if k not in claimed and k != match_key(canonical)]
        if not variants:
            covered.append(f"{' / '.join(n.text for n in cluster.names)} (loaded rules cover it)")
            continue
        out += _draft_rule(_unique_id(f"draft.{_slug(canonical) or 'group'}", ids), cluster, canonical, variants,
                           f"{canonical}, spelled {len(variants)} other ways in the corpus.")
    if people:
        out += ["", "  # Full names of one person spelled more than one way (given names of one loaded group):",
                "  # a rule naming the person makes its canonical the spelling everywhere."]
    for cluster in people:
        canonical = cluster.canonical.text
        variants = [name.text for name in cluster.names if name.text != canonical]
        across, within = spelled_apart(cluster)
        where = " and ".join(part for part, present in (("across documents", across), ("within one", within))
                             if present)
        out += _draft_rule(_unique_id(f"draft.person.{_slug(canonical)}", ids), cluster, canonical, variants,
                           f"{canonical}, one person spelled {len(variants) + 1} ways {where}.".replace(" .", "."))
    if not ids:
        out[-1] = "rules: []"
    if covered:
        out.append("")
        out += ["# Found, but left out:"] + [f"#   {line}" for line in covered]
    return "\n".join(out) + "\n", len(ids)
