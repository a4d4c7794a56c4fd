"""The whitespace stage: trailing spaces, leading and trailing blank lines, runs of blank lines."""
from __future__ import annotations

import regex

from .kind import Change, StageOutput

_PATTERN = regex.compile(
    r"(?P<blank>(?:^[^\S\n]*\n)+(?:[^\S\n]*\Z)?)"  # a run of blank lines (with a blank last line)
    r"|(?P<trailing>[^\S\r\n]+(?=\r?$))",  # spaces and tabs at the end of a line
    regex.MULTILINE,
)


class WhitespaceTidy:
    """Leaves at most one blank line between paragraphs and none at either end."""

    kind = "whitespace"

    def apply(self, text: str) -> StageOutput:
        output = StageOutput()
        for match in _PATTERN.finditer(text):
            if match.group("trailing"):
                output.changes.append(Change(match.start(), match.end(), "", "whitespace.trailing-space"))
                continue
            at_edge = match.start() == 0 or match.end() == len(text)
            after = "" if at_edge else "\n"
            if match.group() != after:
                output.changes.append(Change(match.start(), match.end(), after, "whitespace.blank-lines"))
        return output
