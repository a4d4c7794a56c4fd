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

from dataclasses import dataclass
from typing import Any

import regex

_WORD = regex.compile(r"\w+(?:['’]\w+)*")
_LINK = regex.compile(r"(?i)(?:https?://|www\.)\S+|\S+@\S+\.\w+|\S+\.(?:com|org|net|html?|php|aspx?)(?:/\S*)?$")
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


@dataclass(frozen=True)
class Shape:
    """What is measured of one line."""

    length: int
    words: int
    stopwords: float
    digits: float
    links: float

    def describe(self) -> str:
        return (f"{self.words} words, {self.length} chars, stop words {self.stopwords:.2f}"
                + (f", digits {self.digits:.2f}" if self.digits else "")
                + (f", links {self.links:.2f}" if self.links else ""))


class PageEvidence:
    """Classifies the lines of a page; stop-word lists by language."""

    def __init__(self, thresholds: Thresholds, stopwords: dict[str, frozenset[str]]):
        self.thresholds = thresholds
        self.stopwords = stopwords

    def language(self, words: list[list[str]]) -> frozenset[str]:
        """The stop-word list that holds most of the page's words (per line)."""
        folded = [word.casefold() for line in words for word in line]
        return max(self.stopwords.values(), key=lambda stop: sum(map(stop.__contains__, folded)),
                   default=frozenset())

    def shape(self, line: str, words: list[str], stop: frozenset[str]) -> Shape:
        """What is measured of ``line``, whose words are ``words``."""
        # map() over built-in methods: these loops run on every line of every page
        tokens = line.split()
        visible = sum(map(len, tokens)) or 1
        return Shape(
            length=len(line),
            words=len(words),
            stopwords=sum(map(stop.__contains__, map(str.casefold, words))) / len(words) if words else 0.0,
            digits=sum(map(str.isdigit, line)) / visible,
            links=sum(bool(_LINK.search(token)) for token in tokens if "." in token or "@" in token or "/" in token)
            / len(tokens) if tokens else 0.0,
        )

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

    def shapes(self, lines: list[str]) -> list[Shape]:
        words = [_WORD.findall(line) for line in lines]
        stop = self.language(words)
        return [self.shape(line, line_words, stop) for line, line_words in zip(lines, words, strict=True)]

    def own_classes(self, shapes: list[Shape], known: dict[int, str]) -> list[str]:
        """Each line's class by its shape alone, or as ``known`` (index -> class) says."""
        return [known.get(n) or self.own_class(shape) for n, shape in enumerate(shapes)]

    def revised(self, shapes: list[Shape], known: dict[int, str]) -> list[tuple[str, str]]:
        """(own class, final class) of each line already measured: first by its shape, then by its context."""
        own = self.own_classes(shapes, known)
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
        revised = ["bad" if cls == "neargood" and before[n] == after[n] == "bad" else
                   "good" if cls == "neargood" else cls for n, cls in enumerate(final)]
        return list(zip(own, revised, strict=True))


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
