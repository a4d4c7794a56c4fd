"""The whitespace stage: trailing spaces, leading and trailing blank lines, runs of blank lines."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .kind import Change, StageOutput

# Unicode White_Space (``\s`` of the ``regex`` module) without the newline. The patterns below use
# the standard ``re`` with explicit sets: it then skips ahead with a literal or set prefix, which
# makes this stage about three times faster.
SPACE = "\t\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_BLANK_LINES = f"(?:[{SPACE}]*\n)+(?:[{SPACE}]*\\Z)?"  # with a blank last line
_LEADING_BLANK_LINES = re.compile(_BLANK_LINES)
_INNER_BLANK_LINES = re.compile(f"\n({_BLANK_LINES})")  # a line end, then the run: found by its '\n'
_SPACES = frozenset(re.findall(f"[{SPACE}]", "".join(map(chr, range(0x3001)))))  # SPACE's characters, listed
_TRAILING = "".join(sorted(_SPACES))  # what goes from a line's end, before its CR if it has one (a stray CR too)


class WhitespaceTidy:
    """Leaves at most one blank line between paragraphs and none at either end."""

    kind = "whitespace"
    #: Its changes give only ftfy more to do (:class:`textclean.kind.Stage`): blank lines and line ends, which no
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
        for start, end in _trailing_spaces(lines):
            while start >= run_end:
                run_start, run_end = next(runs, (len(text), len(text)))
            if start < run_start:  # whitespace-only lines belong to their blank run
                output.changes.append(Change(start, end, "", "whitespace.trailing-space"))
        return output


def _trailing_spaces(lines: list[str]) -> Iterator[tuple[int, int]]:
    """Where each of a text's lines ends in white space (before its CR, if it has one): (start, end) offsets."""
    offset = 0
    for line in lines:  # a loop over lines, because a regex would stop at every space between words
        body = line[:-1] if line[-1:] == "\r" else line
        if body and body[-1] in _TRAILING:
            yield offset + len(body.rstrip(_TRAILING)), offset + len(body)
        offset += len(line) + 1


def _tidy(text: str, lines: list[str]) -> bool:
    """True when the stage has nothing to change: no line (``lines``, split at newlines) ends in white space,
    and there is no blank first line, no blank line at the end and no two blank lines in a row.

    Every change needs one of these (a blank line the stage shortens or removes holds white space, or
    follows another, or starts or ends the text), and this test is several times faster than the scans.
    """
    return not (text.startswith("\n") or text.endswith("\n\n") or "\n\n\n" in text
                or any(line[-1:] in _SPACES for line in lines))
