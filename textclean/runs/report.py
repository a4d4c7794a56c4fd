"""What a person reads about a run: the edits of a document, and the summary at the end."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import click

from ..model.document import Edit, Result, line_col
from ..model.marks import MARKS_FIELD, Mark, marked_bytes


def _shown(text: str, limit: int = 160) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def render_edits(doc_id: str, result: Result, color: bool) -> str:
    """Every edit as ``id:line: rule (kind)`` with the text before and after; every mark of a marks run as
    ``id:line: rule (kind): marked`` with the text it spans."""
    out = []
    for mark in result.marks:
        head = f"{doc_id}:{mark.line}: {mark.rule} ({mark.kind}): marked" + (f", {mark.note}" if mark.note else "")
        out.append(click.style(head, bold=True) if color else head)
        spanned = f"  ~ {_shown(result.original[mark.start:mark.end])}"
        out.append(click.style(spanned, fg="yellow") if color else spanned)
    for edit, (line, _) in zip(result.edits, result.edit_positions(), strict=True):
        head = f"{doc_id}:{line}: {edit.rule} ({edit.kind})" + (f": {edit.note}" if edit.note else "")
        out.append(click.style(head, bold=True) if color else head)
        before = f"  - {_shown(edit.before)}"
        out.append(click.style(before, fg="red") if color else before)
        if edit.after:
            after = f"  + {_shown(edit.after)}"
            out.append(click.style(after, fg="green") if color else after)
    out.extend(_notes(doc_id, result))
    return "\n".join(out)


def _notes(doc_id: str, result: Result) -> list[str]:
    """A line per finding and per metadata field."""
    out = []
    for finding in result.findings:
        line, _ = line_col(result.original, finding.start)
        out.append(f"{doc_id}:{line}: {finding.level}: {finding.rule}: {finding.message}")
    for key, value in result.metadata.items():
        if not (key == MARKS_FIELD and result.marks):  # shown one by one
            out.append(f"{doc_id}: metadata {key} = {value!r}")
    return out


def edit_message(edit: Edit) -> str:
    """What an edit does, in one line: ``removes '...'``, ``inserts '...'`` or ``'...' -> '...'``."""
    def quoted(text: str, limit: int = 80) -> str:
        return repr(text if len(text) <= limit else text[:limit - 1] + "…")
    if not edit.after:
        return f"removes {quoted(edit.before)}" + (f" ({edit.note})" if edit.note else "")
    if not edit.before:
        return f"inserts {quoted(edit.after)}"
    return f"{quoted(edit.before)} -> {quoted(edit.after)}"


@dataclass(frozen=True)
class Piece:
    """A stretch of a document as ``render_marked`` shows it: kept, or removed or added by a rule."""

    text: str
    state: str  # same | removed | added
    rule: str = ""


def marked_pieces(result: Result) -> list[Piece]:
    """The input with every edit laid over it in reading order: what stays, what went, what came, and by which rule.

    Text a rule added and a later rule took away again is not shown.
    """
    pieces = [Piece(result.original, "same")]
    for edit in result.edits:
        pieces = _lay_over(pieces, edit)
    merged: list[Piece] = []
    for piece in pieces:
        if merged and (merged[-1].state, merged[-1].rule) == (piece.state, piece.rule):
            merged[-1] = Piece(merged[-1].text + piece.text, piece.state, piece.rule)
        elif piece.text:
            merged.append(piece)
    return merged


def _lay_over(pieces: list[Piece], edit: Edit) -> list[Piece]:
    """Apply one edit, whose offsets count the text as it stands (kept and added pieces)."""
    out: list[Piece] = []
    added = [Piece(edit.after, "added", edit.rule)] if edit.after else []
    pos = 0
    for piece in pieces:
        if piece.state == "removed":
            out.append(piece)
            continue
        start, pos = pos, pos + len(piece.text)
        cut_from = min(max(edit.start - start, 0), len(piece.text))
        cut_to = min(max(edit.end - start, 0), len(piece.text))
        out.append(Piece(piece.text[:cut_from], piece.state, piece.rule))
        if piece.state == "same":
            out.append(Piece(piece.text[cut_from:cut_to], "removed", edit.rule))
        if edit.end <= pos:
            out.extend(added)
            added = []
        out.append(Piece(piece.text[cut_to:], piece.state, piece.rule))
    return out + added


def render_marked(doc_id: str, result: Result, color: bool) -> str:
    """The document with each edit shown in place and labelled with its rule id.

    Without colour, removed text is ``[-...-]``, added text ``{+...+}`` and the rule ``⟨rule-id⟩``;
    with colour, removed text is red and struck through, added text green. A removed or added line
    break shows as ⏎ and the line still ends there, so the lines stay those of the input.
    """
    pieces = marked_pieces(result)
    out = []
    for index, piece in enumerate(pieces):
        if piece.state == "same":
            out.append(piece.text)
            continue
        shown = piece.text.replace("\n", "⏎\n")
        ends_line = shown.endswith("\n")
        shown = shown.removesuffix("\n")
        if color:
            out.append(click.style(shown, fg="red", strikethrough=True) if piece.state == "removed"
                       else click.style(shown, fg="green", underline=True))
        else:
            out.append(f"[-{shown}-]" if piece.state == "removed" else f"{{+{shown}+}}")
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        if following is None or following.state == "same" or following.rule != piece.rule or ends_line:
            label = f"⟨{piece.rule}⟩"
            out.append(click.style(label, fg="cyan", dim=True) if color else label)
        if ends_line:
            out.append("\n")
    text, notes = "".join(out), _notes(doc_id, result)
    if notes:
        text += ("" if text.endswith("\n") else "\n") + "\n" + "\n".join(notes) + "\n"
    return text


def utf8_size(text: str) -> int:
    """The UTF-8 bytes of ``text``."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def bytes_removed(edit: Edit) -> int:
    """The UTF-8 bytes ``edit`` takes out of the text (fewer than none where it adds)."""
    return utf8_size(edit.before) - utf8_size(edit.after)


@dataclass
class EditCounts:
    """Edits and bytes removed, per rule."""

    edits: Counter = field(default_factory=Counter)
    bytes_removed: Counter = field(default_factory=Counter)

    def add(self, edits: list[Edit]) -> None:
        for edit in edits:
            self.edits[edit.rule] += 1
            self.bytes_removed[edit.rule] += bytes_removed(edit)

    def add_marks(self, text: str, marks: list[Mark]) -> None:
        """Count marks as the edits they stand for: by rule, and the bytes of ``text`` they span."""
        for mark, size in zip(marks, marked_bytes(text, marks), strict=True):
            self.edits[mark.rule] += 1
            self.bytes_removed[mark.rule] += size

    def update(self, other: EditCounts) -> None:
        self.edits.update(other.edits)
        self.bytes_removed.update(other.bytes_removed)


def counted(number: int, noun: str) -> str:
    """``number`` and ``noun``, in the plural unless there is one: '1 document', '1,024 documents'."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


@dataclass
class RunSummary:
    """Counts for the end of a run, taken from the same edit records --explain shows."""

    documents: int = 0
    changed: int = 0
    emptied: int = 0
    dropped: int = 0  # documents left out of the output because they are empty (--drop-empty)
    bytes_in: int = 0
    bytes_removed: int = 0
    by_rule: EditCounts = field(default_factory=EditCounts)
    metadata_fields: Counter = field(default_factory=Counter)
    findings: Counter = field(default_factory=Counter)  # (rule, level) -> how many the documents had
    rule_files: list[str] = field(default_factory=list)
    decoded: Counter = field(default_factory=Counter)
    decoded_docs: list[str] = field(default_factory=list)
    rejects: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped_shards: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    site_pass: dict[str, float] | None = None  # pages, sites, seconds of the first pass over a corpus
    marks_run: bool = False  # --marks: every text left whole, removals kept as marks
    marked: int = 0  # documents with marks
    bytes_marked: int = 0
    marks_by_rule: EditCounts = field(default_factory=EditCounts)  # marks, and the bytes they span, per rule

    def add(self, doc_id: str, result: Result, metadata_before: dict | None = None, decoded_as: str | None = None):
        self.documents += 1
        self.changed += result.changed
        self.emptied += bool(result.original.strip()) and not result.text.strip()
        size_in = len(result.original.encode("utf-8"))
        self.bytes_in += size_in
        self.bytes_removed += size_in - len(result.text.encode("utf-8"))
        self.by_rule.add(result.edits)
        if result.marks:
            self.marked += 1
            self.marks_by_rule.add_marks(result.original, result.marks)
            self.bytes_marked += sum(marked_bytes(result.original, result.marks))
        self.metadata_fields.update(k for k in result.metadata if k not in (metadata_before or {}))
        self.findings.update((finding.rule, finding.level) for finding in result.findings)
        if decoded_as:
            self.decoded[decoded_as] += 1
            self.decoded_docs.append(f"{doc_id} ({decoded_as})")
        self.errors.extend(f"{doc_id}: {f.message}" for f in result.findings if f.level == "error")

    def update(self, other: RunSummary) -> None:
        """Add the counts of ``other`` (a part of the same run, cleaned elsewhere) to these."""
        for name in ("documents", "changed", "emptied", "dropped", "bytes_in", "bytes_removed", "marked",
                     "bytes_marked"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.by_rule.update(other.by_rule)
        self.marks_by_rule.update(other.marks_by_rule)
        self.marks_run |= other.marks_run
        self.metadata_fields.update(other.metadata_fields)
        self.findings.update(other.findings)
        self.decoded.update(other.decoded)
        for name in ("decoded_docs", "rejects", "errors", "skipped_shards"):
            getattr(self, name).extend(getattr(other, name))
        for stage, seconds in other.stage_seconds.items():
            self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + seconds

    def render(self, limit: int = 20) -> str:
        """The summary: counts, edits by rule, encodings, skipped shards, then :meth:`problems`."""
        lines = [
            f"textclean: {counted(self.documents, 'document')} read, {self.changed:,} changed, "
            f"{counted(sum(self.by_rule.edits.values()), 'edit')}, {counted(self.bytes_removed, 'byte')} removed"
            + (f", {self.dropped:,} dropped (empty)" if self.dropped else "")
            + (f", {len(self.rejects):,} rejected" if self.rejects else "")
            + (f" in {self.seconds:.1f}s" if self.seconds >= 1 else "")
        ]
        if self.marks_run or self.marked:
            lines.append(f"  marks (text left whole): {counted(sum(self.marks_by_rule.edits.values()), 'mark')} on "
                         f"{counted(self.marked, 'document')}, {counted(self.bytes_marked, 'byte')} marked")
        if self.site_pass:
            lines.append(f"  site pass: {counted(int(self.site_pass['pages']), 'page')} of "
                         f"{counted(int(self.site_pass['sites']), 'site')} read first, for the rules that learn "
                         f"a site's lines ({self.site_pass['seconds']:.1f}s; --no-site-pass skips it)")
        lines += [f"  {count:8,d}  {rule}" for rule, count in self.by_rule.edits.most_common()]
        lines += [f"  {count:8,d}  {rule} (marked)" for rule, count in self.marks_by_rule.edits.most_common()]
        lines += [f"  read as {encoding}: {counted(count, 'document')}" for encoding, count in self.decoded.items()]
        lines += [f"  not UTF-8: {doc}" for doc in self.decoded_docs[:limit]]
        lines += [f"  skipped, already complete (--resume): {shard}" for shard in self.skipped_shards]
        return "\n".join(lines + self.problems(limit))

    def problems(self, limit: int = 20) -> list[str]:
        """A line for each rejected input and each rule error: shown even when the summary is not."""
        lines = [f"  rejected: {reject}" for reject in self.rejects[:limit]]
        if len(self.rejects) > limit:
            lines.append(f"  ... and {len(self.rejects) - limit:,} more rejected (see --rejects)")
        return lines + [f"  error: {error}" for error in self.errors]

    def to_json(self) -> dict:
        """The --stats file: counts per rule and field, and seconds per stage."""
        return {
            "documents": self.documents,
            "changed": self.changed,
            "emptied": self.emptied,
            "dropped": self.dropped,
            "rejected": len(self.rejects),
            "rule_errors": len(self.errors),
            "bytes_in": self.bytes_in,
            "bytes_removed": self.bytes_removed,
            "edits_by_rule": dict(self.by_rule.edits.most_common()),
            "bytes_removed_by_rule": dict(self.by_rule.bytes_removed.most_common()),
            "metadata_fields": dict(self.metadata_fields.most_common()),
            "findings_by_rule": self._findings_by_rule(),
            "rule_files": self.rule_files,
            "decoded_as": dict(self.decoded),
            "not_utf8_documents": self.decoded_docs,
            "skipped_shards": self.skipped_shards,
            "seconds_by_stage": {k: round(v, 4) for k, v in self.stage_seconds.items()},
            "seconds": round(self.seconds, 4),
            "site_pass": {k: round(v, 4) for k, v in self.site_pass.items()} if self.site_pass else None,
            "marks_run": self.marks_run,
            "marked": self.marked,
            "bytes_marked": self.bytes_marked,
            "marks_by_rule": dict(self.marks_by_rule.edits.most_common()),
            "bytes_marked_by_rule": dict(self.marks_by_rule.bytes_removed.most_common()),
        }

    def _findings_by_rule(self) -> dict[str, dict[str, int]]:
        """How many findings each rule made, by level (warning, error), the rule with most first."""
        by_rule: dict[str, dict[str, int]] = {}
        for (rule, level), count in self.findings.most_common():
            by_rule.setdefault(rule, {})[level] = count
        return by_rule
