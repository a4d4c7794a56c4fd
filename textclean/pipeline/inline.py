"""Inline control: comments a text carries to keep textclean's rules off some of its lines.

A marker is a comment, inside ``<!-- ... -->`` or after ``#``, that reads ``textclean:`` and a directive:

- ``textclean: off`` ... ``textclean: on``: no rule touches the lines from one marker to the other
  (to the end of the text when no ``on`` follows).
- ``textclean: disable-next-line``: no rule touches the next line. ``textclean: disable-line``: nor this one.
- ``textclean: disable RULE ...`` ... ``textclean: enable [RULE ...]``: the rules named make no edit and report
  nothing in between; ``disable-next-line RULE ...`` for one line. ``disable`` alone is ``off``, and
  ``enable`` alone ends what every ``disable`` began. A rule is named by its id or by a
  prefix of it up to a dot (``share`` names ``share.buttons``), as ``check --select`` names them.

The marker lines themselves are kept: no rule touches them. The lines no rule may touch are hidden from every
stage (each of their characters reads as a space), so nothing matches in them, extracts metadata from them or
counts them, and a change that would touch one is dropped. A rule disabled on lines still sees them, but its
changes there are dropped and its findings there not reported.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model.document import Finding
from ..model.kind import Change

#: What every marker holds; a text without it has no marker, and is cleaned as it is.
MARKER_WORD = "textclean:"

_MARKER = re.compile(r"(?:<!--|#)[ \t]*textclean:[ \t]*(?P<directive>off|on|disable-next-line|disable-line|disable"
                     r"|enable)\b(?P<rules>(?:[ \t,]+[a-z0-9][a-z0-9._-]*)*)[ \t]*(?:-->|$)", re.MULTILINE)
_NOT_NEWLINE = re.compile(r"[^\n]")


@dataclass(frozen=True)
class Region:
    """Offsets ``start`` to ``end`` (whole lines) that no rule touches, or only the rules ``rules`` name."""

    start: int
    end: int
    rules: tuple[str, ...] = ()  # empty: every rule, and the lines are hidden


def names(selector: str, rule: str) -> bool:
    """Whether ``selector`` names ``rule``: its id, or a prefix of the id up to a dot.

    >>> names("share", "share.buttons"), names("share.buttons", "share.buttons"), names("sha", "share.buttons")
    (True, True, False)
    """
    return rule == selector or rule.startswith(selector.rstrip(".") + ".")


def regions(text: str) -> list[Region]:
    """The regions the markers of ``text`` set (none when it has no marker)."""
    if MARKER_WORD not in text:
        return []
    found: list[Region] = []
    off: int | None = None  # where the lines switched off start
    disabled: dict[str, int] = {}  # rule selector -> where the lines it is disabled on start
    next_line: tuple[str, ...] | None = None  # the rules disabled on the next line (empty: all)
    start = 0
    for line in text.splitlines(keepends=True):
        end = start + len(line)
        if next_line is not None:
            found.append(Region(start, end, next_line))
            next_line = None
        marker = _MARKER.search(line)
        if marker:
            found.append(Region(start, end))
            directive, rules = marker["directive"], tuple(re.findall(r"[a-z0-9][a-z0-9._-]*", marker["rules"]))
            if directive == "off" or (directive == "disable" and not rules):
                off = start if off is None else off
            elif directive in ("on", "enable") and not rules and off is not None:
                found.append(Region(off, end))
                off = None
            elif directive == "disable-next-line":
                next_line = rules
            elif directive == "disable":
                for rule in rules:
                    disabled.setdefault(rule, end)
            elif directive == "enable":
                for rule in rules or list(disabled):
                    if rule in disabled:
                        found.append(Region(disabled.pop(rule), start, (rule,)))
        start = end
    if off is not None:
        found.append(Region(off, len(text)))
    found.extend(Region(begin, len(text), (rule,)) for rule, begin in disabled.items())
    return found


def hidden(text: str, found: Sequence[Region]) -> str:
    """``text`` with the lines no rule may touch read as spaces (line breaks kept, so offsets stay)."""
    if not found:
        return text
    pieces, last = [], 0
    for region in sorted((r for r in found if not r.rules), key=lambda r: r.start):
        if region.end <= last:
            continue
        start = max(region.start, last)
        pieces += [text[last:start], _NOT_NEWLINE.sub(" ", text[start:region.end])]
        last = region.end
    return "".join(pieces) + text[last:]


def _kept_from(rule: str, found: Iterable[Region]) -> list[Region]:
    return [region for region in found if not region.rules or any(names(s, rule) for s in region.rules)]


def allowed_changes(changes: Iterable[Change], found: Sequence[Region]) -> list[Change]:
    """The changes that touch no line kept from their rule (an insertion at a line's edge does not touch it)."""
    if not found:
        return list(changes)
    return [change for change in changes
            if not any(_touches(change, region) for region in _kept_from(change.rule, found))]


def _touches(change: Change, region: Region) -> bool:
    if change.start == change.end:  # an insertion touches the lines it stands inside of
        return region.start < change.start < region.end
    return change.start < region.end and region.start < change.end


def allowed_findings(findings: Iterable[Finding], found: Sequence[Region]) -> list[Finding]:
    """The findings that do not stand on a line kept from their rule."""
    if not found:
        return list(findings)
    return [finding for finding in findings
            if not any(region.start <= finding.start < region.end for region in _kept_from(finding.rule, found))]
