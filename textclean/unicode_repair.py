"""The unicode stage: ftfy's repairs, recorded as edits, skipping text ftfy cannot change."""
from __future__ import annotations

import re

from ftfy import TextFixerConfig, fix_and_explain

from .kind import Change, StageOutput

#: Keep typographic quotes: they are content, not damage. Everything else is ftfy's default.
DEFAULT_CONFIG = TextFixerConfig(uncurl_quotes=False, explain=True)

# Printable ASCII without '&' (HTML entities), plus tab and newline: ftfy leaves such text as it is.
_NEEDS_FTFY = re.compile(r"[^\t\n\x20-\x25\x27-\x7e]")


class UnicodeRepair:
    """Runs ``ftfy.fix_text``'s per-line loop, so the result equals ``ftfy.fix_text(text, config)``."""

    kind = "unicode"

    def __init__(self, config: TextFixerConfig = DEFAULT_CONFIG):
        self.config = config._replace(explain=True)

    def apply(self, text: str) -> StageOutput:
        output = StageOutput()
        if not _NEEDS_FTFY.search(text):
            return output
        config = self.config
        pos = 0
        while pos < len(text):
            brk = text.find("\n", pos) + 1 or len(text)
            brk = min(brk, pos + config.max_decode_length)
            segment = text[pos:brk]
            if config.unescape_html == "auto" and "<" in segment:
                config = config._replace(unescape_html=False)
            if _NEEDS_FTFY.search(segment):
                fixed, steps = fix_and_explain(segment, config)
                if fixed != segment:
                    output.changes.append(_minimal_change(pos, segment, fixed, _rule_name(steps or [])))
            pos = brk
        return output


def _rule_name(steps) -> str:
    if any(step.action in ("encode", "decode", "transcode") for step in steps):
        return "unicode.mojibake"
    applied = [step.parameter for step in steps if step.action in ("apply", "normalize")]
    return "unicode." + ("+".join(applied) if applied else "fix")


def _minimal_change(offset: int, before: str, after: str, rule: str) -> Change:
    """Trim the common prefix and suffix so the edit shows only what ftfy changed."""
    limit = min(len(before), len(after))
    head = 0
    while head < limit and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return Change(offset + head, offset + len(before) - tail, after[head:len(after) - tail], rule)
