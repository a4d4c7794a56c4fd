"""What a person reads about a run: the edits of a document, and the summary at the end."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import click

from .document import Result, line_col


def _shown(text: str, limit: int = 160) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def render_edits(doc_id: str, result: Result, color: bool) -> str:
    """Every edit as ``id:line: rule (kind)`` with the text before and after."""
    out = []
    for index, edit in enumerate(result.edits):
        line, _ = result.edit_position(index)
        head = f"{doc_id}:{line}: {edit.rule} ({edit.kind})"
        out.append(click.style(head, bold=True) if color else head)
        before = f"  - {_shown(edit.before)}"
        out.append(click.style(before, fg="red") if color else before)
        if edit.after:
            after = f"  + {_shown(edit.after)}"
            out.append(click.style(after, fg="green") if color else after)
    for finding in result.findings:
        line, _ = line_col(result.original, finding.start)
        out.append(f"{doc_id}:{line}: {finding.level}: {finding.rule}: {finding.message}")
    for key, value in result.metadata.items():
        out.append(f"{doc_id}: metadata {key} = {value!r}")
    return "\n".join(out)


@dataclass
class RunSummary:
    """Counts for the end of a run, taken from the same edit records --explain shows."""

    documents: int = 0
    changed: int = 0
    bytes_removed: int = 0
    edits_by_rule: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def add(self, doc_id: str, result: Result) -> None:
        self.documents += 1
        self.changed += result.changed
        self.bytes_removed += len(result.original.encode("utf-8")) - len(result.text.encode("utf-8"))
        self.edits_by_rule.update(edit.rule for edit in result.edits)
        self.errors.extend(f"{doc_id}: {f.message}" for f in result.findings if f.level == "error")

    def render(self) -> str:
        lines = [
            f"textclean: {self.documents} documents read, {self.changed} changed, "
            f"{sum(self.edits_by_rule.values())} edits, {self.bytes_removed:,} bytes removed"
        ]
        lines += [f"  {count:6d}  {rule}" for rule, count in self.edits_by_rule.most_common()]
        lines += [f"  error: {error}" for error in self.errors]
        return "\n".join(lines)
