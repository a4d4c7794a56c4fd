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
    emptied: int = 0
    bytes_in: int = 0
    bytes_removed: int = 0
    edits_by_rule: Counter = field(default_factory=Counter)
    bytes_removed_by_rule: Counter = field(default_factory=Counter)
    metadata_fields: Counter = field(default_factory=Counter)
    decoded: Counter = field(default_factory=Counter)
    decoded_docs: list[str] = field(default_factory=list)
    rejects: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped_shards: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, doc_id: str, result: Result, metadata_before: dict | None = None, decoded_as: str | None = None):
        self.documents += 1
        self.changed += result.changed
        self.emptied += bool(result.original.strip()) and not result.text.strip()
        size_in = len(result.original.encode("utf-8"))
        self.bytes_in += size_in
        self.bytes_removed += size_in - len(result.text.encode("utf-8"))
        for edit in result.edits:
            self.edits_by_rule[edit.rule] += 1
            self.bytes_removed_by_rule[edit.rule] += len(edit.before.encode("utf-8")) - len(edit.after.encode("utf-8"))
        self.metadata_fields.update(k for k in result.metadata if k not in (metadata_before or {}))
        if decoded_as:
            self.decoded[decoded_as] += 1
            self.decoded_docs.append(f"{doc_id} ({decoded_as})")
        self.errors.extend(f"{doc_id}: {f.message}" for f in result.findings if f.level == "error")

    def render(self, limit: int = 20) -> str:
        lines = [
            f"textclean: {self.documents:,} documents read, {self.changed:,} changed, "
            f"{sum(self.edits_by_rule.values()):,} edits, {self.bytes_removed:,} bytes removed"
            + (f", {len(self.rejects):,} rejected" if self.rejects else "")
            + (f" in {self.seconds:.1f}s" if self.seconds >= 1 else "")
        ]
        lines += [f"  {count:8,d}  {rule}" for rule, count in self.edits_by_rule.most_common()]
        lines += [f"  read as {encoding}: {count:,} documents" for encoding, count in self.decoded.items()]
        lines += [f"  not UTF-8: {doc}" for doc in self.decoded_docs[:limit]]
        lines += [f"  skipped, already complete (--resume): {shard}" for shard in self.skipped_shards]
        lines += [f"  rejected: {reject}" for reject in self.rejects[:limit]]
        if len(self.rejects) > limit:
            lines.append(f"  ... and {len(self.rejects) - limit:,} more rejected (see --rejects)")
        lines += [f"  error: {error}" for error in self.errors]
        return "\n".join(lines)

    def to_json(self) -> dict:
        """The --stats file: counts per rule and field, and seconds per stage."""
        return {
            "documents": self.documents,
            "changed": self.changed,
            "emptied": self.emptied,
            "rejected": len(self.rejects),
            "rule_errors": len(self.errors),
            "bytes_in": self.bytes_in,
            "bytes_removed": self.bytes_removed,
            "edits_by_rule": dict(self.edits_by_rule.most_common()),
            "bytes_removed_by_rule": dict(self.bytes_removed_by_rule.most_common()),
            "metadata_fields": dict(self.metadata_fields.most_common()),
            "decoded_as": dict(self.decoded),
            "not_utf8_documents": self.decoded_docs,
            "skipped_shards": self.skipped_shards,
            "seconds_by_stage": {k: round(v, 4) for k, v in self.stage_seconds.items()},
            "seconds": round(self.seconds, 4),
        }
