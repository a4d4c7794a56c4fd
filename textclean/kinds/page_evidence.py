"""Page evidence: a line's class from its own shape, then from its neighbours (jusText's classifier, on lines).

A line is first classed by its length, its share of stop words (of the language whose list
holds most of the page's words), and its share of digits and link-like tokens:

- ``bad``: too many link-like tokens or digits, or long enough to judge and too few stop words;
- ``good``: at least ``length_high`` characters and a stop-word share of ``stopwords_high``;
- ``neargood``: at least ``length_low`` characters and a share of ``stopwords_low``;
- ``short``: the rest.

Lines other rules removed are ``bad`` (the headline ``good``); the page's edges count as ``bad``.
The article's region runs from the first to the last line that is ``good`` by its own shape (or
known to be: the headline) or that reads like a paragraph (``paragraph_words``, a setting of the
kind); a rule may take only the lines outside it, where menus, teaser lists
and footers stand, and leave the headings and list items between the paragraphs alone.
Then the context decides
(jusText's ``revise_paragraph_classification``): a short line between good lines is good, between bad
lines bad; between one of each it is good only where a near-good line stands next to the bad side;
a near-good line between bad lines is bad, else good.

>>> words = frozenset({"the", "a", "of", "to", "and", "in", "is"})
>>> evidence = PageEvidence(Thresholds(length_low=40, length_high=60), {"en": words})
>>> lines = ["Home", "News", "Sport", "The road to the north is open again and the bus runs to the town.",
...          "It is the first time in a year that the road is open to all of the traffic of the valley."]
>>> [evidence.classes(lines, {})[n][0] for n in range(5)]
['bad', 'bad', 'bad', 'good', 'good']
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import filterfalse, repeat
from typing import Any

import regex

from ..matching import compiled

_WORD = regex.compile(r"\w+(?:['’]\w+)*")
_LINK = regex.compile(r"(?i)(?:https?://|www\.)\S+|\S+@\S+\.\w+|\S+\.(?:com|org|net|html?|php|aspx?)(?:/\S*)?$")
# What every text _LINK finds holds (so a line without it has no link-like token), and a class of characters
# that holds every one str.isdigit() counts (so a line without one has no digits): checked by the tests.
_LINKISH = regex.compile(r"(?i)://|www\.|@|\.(?:com|org|net|html?|php|aspx?)")
_NUMBERISH = regex.compile(r"\p{N}")
EDGE = "bad"


@dataclass(frozen=True)
class Thresholds:
    """jusText's parameters, with its defaults; shares are fractions, lengths characters."""

    length_low: int = 70
    length_high: int = 200
    stopwords_low: float = 0.30
    stopwords_high: float = 0.32
    max_link_share: float = 0.2
    max_digit_share: float = 0.5

    @classmethod
    def of(cls, spec: dict[str, Any]) -> Thresholds:
        return cls(**{key: spec[key] for key in cls.__dataclass_fields__ if key in spec})


class Shape:
    """What is measured of one line, each figure when first asked for: most lines are classed by their
    length, links and digits alone, and only the lines that go are described.

    ``language`` gives the page's stop-word list (:meth:`PageEvidence.language`), when a figure needs it.
    """

    __slots__ = ("line", "_language", "_tokens", "_words", "_stopwords", "_digits", "_links")

    def __init__(self, line: str, language: Callable[[], frozenset[str]]):
        self.line = line
        self._language = language
        self._tokens = self._words = self._stopwords = self._digits = self._links = None

    def __getstate__(self) -> tuple[str, int, float, float, float]:
        """Pickled with every figure measured; the page's language is not kept."""
        self.measured()
        return self.line, self._words, self._stopwords, self._digits, self._links

    def __setstate__(self, state: tuple[str, int, float, float, float]) -> None:
        self.line, self._words, self._stopwords, self._digits, self._links = state
        self._language = self._tokens = None

    def measured(self) -> Shape:
        """The shape with every figure measured."""
        self.words, self.stopwords, self.digits, self.links  # noqa: B018 - measured when read
        return self

    @property
    def length(self) -> int:
        return len(self.line)

    @property
    def words(self) -> int:
        if self._words is None:
            self._words = word_counts(self.line, frozenset())[0]
        return self._words

    @property
    def stopwords(self) -> float:
        """The share of the line's words that are stop words of the page's language."""
        if self._stopwords is None:
            self._words, stop = word_counts(self.line, self._language())
            self._stopwords = stop / self._words if self._words else 0.0
        return self._stopwords

    @property
    def digits(self) -> float:
        """The share of digits among the line's visible characters."""
        if self._digits is None:
            if _NUMBERISH.search(self.line) is None:
                self._digits = 0.0
            else:
                visible = sum(map(len, self.tokens)) or 1
                self._digits = sum(map(str.isdigit, self.line)) / visible
        return self._digits

    @property
    def links(self) -> float:
        """The share of link-like tokens (a URL, an e-mail address, a host name) among the line's tokens."""
        if self._links is None:
            line = self.line
            if ("." not in line and "@" not in line and "/" not in line) or _LINKISH.search(line) is None:
                self._links = 0.0
            else:
                tokens = self.tokens
                self._links = sum(bool(_LINK.search(token)) for token in tokens
                                  if "." in token or "@" in token or "/" in token) / len(tokens) if tokens else 0.0
        return self._links

    @property
    def tokens(self) -> list[str]:
        if self._tokens is None:
            self._tokens = self.line.split()
        return self._tokens

    def describe(self) -> str:
        return (f"{self.words} words, {self.length} chars, stop words {self.stopwords:.2f}"
                + (f", digits {self.digits:.2f}" if self.digits else "")
                + (f", links {self.links:.2f}" if self.links else ""))


class PageEvidence:
    """Classifies the lines of a page; stop-word lists by language."""

    def __init__(self, thresholds: Thresholds, stopwords: dict[str, frozenset[str]]):
        self.thresholds = thresholds
        self.stopwords = stopwords
        self._any = frozenset().union(*stopwords.values())

    def language(self, text: str) -> frozenset[str]:
        """The stop-word list that holds most of the words of ``text`` (the page's lines), case folded."""
        if not self.stopwords:
            return frozenset()
        counts = stopword_counts(text.casefold(), self._any)
        return max(((stop, sum(map(counts.get, stop, repeat(0)))) for stop in self.stopwords.values()),
                   key=lambda counted: counted[1])[0]

    def shapes(self, lines: list[str]) -> list[Shape]:
        """Every line of a page, measured."""
        page = PageClasses(self, lines, {})
        return [page.shape(n).measured() for n in range(len(lines))]

    def own_class(self, shape: Shape) -> str:
        t = self.thresholds
        if shape.links > t.max_link_share or shape.digits > t.max_digit_share:
            return "bad"
        if shape.length < t.length_low:
            return "short"
        if shape.stopwords >= t.stopwords_high:
            return "good" if shape.length >= t.length_high else "neargood"
        return "neargood" if shape.stopwords >= t.stopwords_low else "bad"

    def classes(self, lines: list[str], known: dict[int, str]) -> dict[int, tuple[str, str]]:
        """Line index -> (final class, evidence) for the non-blank ``lines``; ``known``: the class of the
        lines other evidence settled (index -> "bad" or "good")."""
        shapes = self.shapes(lines)
        return {n: (final, evidence(own, final, shapes[n]))
                for n, (own, final) in enumerate(self.revised(shapes, known))}

    def own_classes(self, shapes: list[Shape], known: dict[int, str]) -> list[str]:
        """Each line's class by its shape alone, or as ``known`` (index -> class) says."""
        return [known.get(n) or self.own_class(shape) for n, shape in enumerate(shapes)]

    def revised(self, shapes: list[Shape], known: dict[int, str]) -> list[tuple[str, str]]:
        """(own class, final class) of each line already measured: first by its shape, then by its context."""
        own = self.own_classes(shapes, known)
        return list(zip(own, _revised(own), strict=True))


class PageClasses:
    """The classes of one page's lines, each line measured when its class is first asked for.

    ``known``: the class of the lines other evidence settled (index -> "bad" or "good").
    """

    def __init__(self, evidence: PageEvidence, lines: list[str], known: dict[int, str]):
        self.evidence = evidence
        self.lines = lines
        self.known = known
        self._shapes: dict[int, Shape] = {}
        self._own: dict[int, str] = {}  # by shape alone
        self._stop: frozenset[str] | None = None
        #: the fewest characters a good line has: shorter lines are not measured to tell whether they are good
        self._good_length = max(evidence.thresholds.length_low, evidence.thresholds.length_high)

    def language(self) -> frozenset[str]:
        """The page's stop-word list, found when a line first needs it."""
        if self._stop is None:
            self._stop = self.evidence.language("\n".join(self.lines))
        return self._stop

    def shape(self, n: int) -> Shape:
        shape = self._shapes.get(n)
        if shape is None:
            shape = self._shapes[n] = Shape(self.lines[n], self.language)
        return shape

    def own_class(self, n: int) -> str:
        """Line ``n``'s class by its shape alone."""
        own = self._own.get(n)
        if own is None:
            own = self._own[n] = self.evidence.own_class(self.shape(n))
        return own

    def own(self, n: int) -> str:
        """Line ``n``'s class by its shape, or as ``known`` says."""
        return self.known.get(n) or self.own_class(n)

    def good(self, n: int) -> bool:
        """Whether line ``n``'s own class is good; a line too short to be good is not measured."""
        known = self.known.get(n)
        if known is not None:
            return known == "good"
        return len(self.lines[n]) >= self._good_length and self.own_class(n) == "good"

    def any_good(self) -> bool:
        """Whether some line is good by its shape alone (whatever ``known`` says)."""
        good_length = self._good_length
        return any(self.own_class(n) == "good" for n, line in enumerate(self.lines) if len(line) >= good_length)

    def revised(self, lines: list[int]) -> dict[int, tuple[str, str]]:
        """(own class, final class) of the given lines (indices in order), as :meth:`PageEvidence.revised`
        gives them for the whole page: each line's context reaches no further than the nearest good or bad
        line on either side, so only the lines out to those are measured."""
        found: dict[int, tuple[str, str]] = {}
        last = len(self.lines) - 1
        for n in lines:
            if n in found:
                continue
            start, stop = n, n
            while start > 0 and self.own(start) not in ("good", "bad"):
                start -= 1
            while stop < last and self.own(stop) not in ("good", "bad"):
                stop += 1
            # the span's ends are the page's edges or good or bad lines: the context of each line between
            # them lies within the span, as it does on the whole page
            own = [self.own(at) for at in range(start, stop + 1)]
            found.update(zip(range(start, stop + 1), zip(own, _revised(own), strict=True), strict=True))
        return {n: found[n] for n in lines}


def _revised(own: list[str]) -> list[str]:
    """The final class of each line of a run whose own classes are ``own``: short lines and near-good lines take
    the class of the good or bad lines around them (jusText's ``revise_paragraph_classification``)."""
    before, after = _nearest(own, -1, True), _nearest(own, 1, True)
    before_any, after_any = _nearest(own, -1, False), _nearest(own, 1, False)
    final = list(own)
    for n, cls in enumerate(own):
        if cls != "short":
            continue
        if before[n] == after[n]:
            final[n] = before[n]
        elif (before[n] == "bad" and before_any[n] == "neargood") or \
                (after[n] == "bad" and after_any[n] == "neargood"):
            final[n] = "good"
        else:
            final[n] = "bad"
    before, after = _nearest(final, -1, True), _nearest(final, 1, True)
    return ["bad" if cls == "neargood" and before[n] == after[n] == "bad" else
            "good" if cls == "neargood" else cls for n, cls in enumerate(final)]


@compiled.twin("textclean.matching._page_evidence")
def word_counts(line: str, stop: frozenset[str]) -> tuple[int, int]:
    """How many words (``_WORD``) ``line`` holds, and how many of them are in ``stop`` once case folded.

    >>> word_counts("The end of the ROAD's end.", frozenset({"the", "of"}))
    (6, 3)
    """
    words = _WORD.findall(line)
    return len(words), sum(map(stop.__contains__, map(str.casefold, words)))


@compiled.twin("textclean.matching._page_evidence")
def stopword_counts(folded: str, wanted: frozenset[str]) -> dict[str, int]:
    """How many times each word of ``wanted`` stands among the words (``_WORD``) of ``folded``, a case-folded
    text; the words it never holds are left out.

    Counted without running the word pattern over all of the text: case folding keeps the words of a text (what
    is a word character stays one, tested), so each whitespace-separated part of the folded text that is all
    letters is one word; only the other parts are split into words.

    >>> sorted(stopword_counts("the end of the road, or the end.", frozenset({"the", "end", "a"})).items())
    [('end', 2), ('the', 3)]
    """
    parts = folded.split()
    counts = Counter(_WORD.findall(" ".join(filterfalse(str.isalpha, parts))))
    counts.update(filter(str.isalpha, filter(wanted.__contains__, parts)))
    return {word: count for word, count in counts.items() if word in wanted}


def article_region(anchors: list[bool]) -> range:
    """The indices from the first to the last line that anchors the article (empty: none does).

    >>> article_region([False, True, False, False, True, False])
    range(1, 5)
    """
    at = [n for n, anchor in enumerate(anchors) if anchor]
    return range(at[0], at[-1] + 1) if at else range(0)


def _nearest(classes: list[str], step: int, skip_neargood: bool) -> list[str]:
    """For each line, the class of the nearest line before it (step -1) or after it (+1) that is not short (nor
    near-good); the page's edge where there is none. One pass over the page."""
    nearest = [EDGE] * len(classes)
    last = EDGE
    for n in range(len(classes)) if step < 0 else range(len(classes) - 1, -1, -1):
        nearest[n] = last
        if classes[n] != "short" and not (skip_neargood and classes[n] == "neargood"):
            last = classes[n]
    return nearest


def evidence(own: str, final: str, shape: Shape) -> str:
    """What decided a line's class, in words."""
    if own == final:
        return f"{own} line: {shape.describe()}"
    where = "between boilerplate" if final == "bad" else "between paragraphs"
    return f"{own} line {where}: {shape.describe()}"
