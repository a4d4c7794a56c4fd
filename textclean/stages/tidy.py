"""The whitespace stage: trailing spaces, leading and trailing blank lines, runs of blank lines."""
from __future__ import annotations

import re

from ..matching import compiled
from ..model.kind import Change, StageOutput

# Unicode White_Space (``\s`` of the ``regex`` module) without the newline. The patterns below use
# the standard ``re`` with explicit sets: it then skips ahead with a literal or set prefix, which
# makes this stage about three times faster.
SPACE = "\t\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_BLANK_LINES = f"(?:[{SPACE}]*\n)+(?:[{SPACE}]*\\Z)?"  # with a blank last line
_LEADING_BLANK_LINES = re.compile(_BLANK_LINES)
_INNER_BLANK_LINES = re.compile(f"\n({_BLANK_LINES})")  # a line end, then the run: found by its '\n'
_SPACES = frozenset(re.findall(f"[{SPACE}]", "".join(map(chr, range(0x3001)))))  # SPACE's characters, listed


class WhitespaceTidy:
    """Leaves at most one blank line between paragraphs and none at either end."""

    kind = "whitespace"
    #: Its changes give only ftfy more to do (:class:`textclean.model.kind.Stage`): blank lines and line ends, which no
    #: rule kind reads, and a trailing space can hide mojibake; it finishes its own work in one go.
    unsettles = frozenset({"unicode"})

    def apply(self, text: str) -> StageOutput:
        output = StageOutput()
        lines = text.split("\n")
        if _tidy(text, lines):
            return output
        blank_runs = []
        leading = _LEADING_BLANK_LINES.match(text)
        if leading:
            blank_runs.append(leading.span())
        blank_runs += [run.span(1) for run in _INNER_BLANK_LINES.finditer(text, leading.end() if leading else 0)]
        for start, end in blank_runs:
            # The blank line kept ends as the run's last line does: CRLF text stays CRLF.
            after = "" if start == 0 or end == len(text) else "\r\n" if text.endswith("\r\n", start, end) else "\n"
            if text[start:end] != after:
                output.changes.append(Change(start, end, after, "whitespace.blank-lines"))
        runs = iter(blank_runs)
        run_start, run_end = next(runs, (len(text), len(text)))
        for start, end in trailing_spaces(lines, _SPACES):
            while start >= run_end:
                run_start, run_end = next(runs, (len(text), len(text)))
            if start < run_start:  # whitespace-only lines belong to their blank run
                output.changes.append(Change(start, end, "", "whitespace.trailing-space"))
        return output


@compiled.twin("textclean.matching._tidy")
def trailing_spaces(lines: list[str], spaces: frozenset[str]) -> list[tuple[int, int]]:
    """Where each of a text's lines (``lines``, split at newlines) ends in ``spaces`` (before its CR, if it has
    one; a stray CR is one of SPACE): (start, end) offsets."""
    trailing = "".join(spaces)
    found = []
    offset = 0
    for line in lines:  # a loop over lines, because a regex would stop at every space between words
        body = line[:-1] if line[-1:] == "\r" else line
        if body and body[-1] in spaces:
            found.append((offset + len(body.rstrip(trailing)), offset + len(body)))
        offset += len(line) + 1
    return found


@compiled.twin("textclean.matching._tidy")
def ends_in_space(lines: list[str], spaces: frozenset[str]) -> bool:
    """Whether one of ``lines`` ends in one of ``spaces``."""
    return any(line[-1:] in spaces for line in lines)


def _tidy(text: str, lines: list[str]) -> bool:
    """True when the stage has nothing to change: no line (``lines``, split at newlines) ends in white space,
    and there is no blank first line, no blank line at the end and no two blank lines in a row.

    Every change needs one of these (a blank line the stage shortens or removes holds white space, or
    follows another, or starts or ends the text), and this test is several times faster than the scans.
    """
    return not (text.startswith("\n") or text.endswith("\n\n") or "\n\n\n" in text
                or ends_in_space(lines, _SPACES))
