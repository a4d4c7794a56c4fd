"""What a run did, gathered for the HTML report (:mod:`textclean.runs.html_report`) in one pass and bounded memory:
counts per rule, a seeded sample of each rule's edits with their context, the documents that lost the most,
bytes removed per document, and the metadata fields extracted.

It is fed the changed documents of a run in order, either by the run itself (``clean --report``, which has
each document's text, so a sample shows its line and the lines around it) or from the run's edit log
(``textclean report``, :meth:`RunReport.from_edit_log`, which holds no text). Counters, one reservoir per rule
and a heap of the top documents are all it keeps, each sample cut to :data:`TEXT_LIMIT` characters.

A run with ``--edits`` and ``--stats`` writes its counts into the stats (:meth:`RunReport.counts`), and the report
of its log takes them, reading the log for the samples alone: each edit found by its rule's name in the bytes,
a line parsed only where one of its edits is drawn. A log of millions of edits is read so in a fraction of the
time it takes to parse it.

The marks of a marks run (``clean --marks``, :mod:`textclean.model.marks`) are counted and sampled as the removals they
stand for (:func:`textclean.model.marks.removals`), by the same code: in such a run a rule's "edits" are its marks and
the bytes it "removed" the bytes they span, which the page calls marked.
"""
from __future__ import annotations

import heapq
import json
import math
import random
import re
from collections import Counter
from dataclasses import asdict, astuple, dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..io.editlog import checked_kind, edit_problem, log_chunks, log_stream
from ..io.outputs import log_record
from ..model.document import Edit, Finding, _runs, edit_input_starts, line_cols, replay
from ..model.marks import removals
from .report import utf8_size

#: Characters of an edit's before or after text, and of a context line, a sample keeps.
TEXT_LIMIT = 300
CONTEXT_LINES = 2
SEED = "textclean-report"
#: Findings shown of each rule.
FINDING_SAMPLES = 3
#: Bytes of an edit log read at a time for the samples alone: few, as a drawn edit is looked for from their start.
DRAW_CHUNK = 1 << 18

# How each edit (or mark) of a document line of an edit log starts, and each shard line: never inside a JSON
# string, whose quotes are escaped.
_ITEM = b'{"rule": "'
_RULE = re.compile(rb'\{"rule": "([^"\\]*)"')
_SHARD_LINE = b'{"type": "shard", '
_DECODER = json.JSONDecoder()


def cut(text: str, limit: int = TEXT_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def cut_left(text: str, limit: int = TEXT_LIMIT) -> str:
    """The end of ``text``, ``limit`` characters at most, an ellipsis marking the cut."""
    return text if len(text) <= limit else "…" + text[len(text) - limit + 1:]


@dataclass
class RuleTally:
    """What one rule did over a run."""

    kind: str
    edits: int = 0
    lines_removed: int = 0  # the line breaks in the edits that leave nothing
    changes: int = 0  # the other edits: they change text within a line, or insert it
    bytes_removed: int = 0  # net: before minus after, over all its edits
    bytes_changed: int = 0  # the before text of its changes
    documents: int = 0


@dataclass(frozen=True)
class Sample:
    """One edit as the report shows it: where it is, what it did, and the lines around it where the text is known."""

    rule: str
    doc_id: str
    where: str  # input file and line of the document (a JSONL line), or the text file
    line: int | None  # the line of the document the edit starts on, where its text is known
    before: str
    after: str
    note: str = ""
    prefix: str = ""  # the rest of the line the edit starts on, before it and after it, where the text is known
    suffix: str = ""
    context_before: tuple[str, ...] = ()  # the lines above and below
    context_after: tuple[str, ...] = ()


@dataclass(frozen=True)
class FindingSample:
    """A finding a rule made on a document (what it noticed and did not change)."""

    doc_id: str
    where: str
    line: int
    level: str
    message: str


@dataclass(frozen=True)
class DocumentLoss:
    """A document among those that lost the most."""

    doc_id: str
    where: str
    bytes_removed: int
    bytes_in: int | None  # its size, where the text is known
    edits: int
    top_rules: tuple[tuple[str, int], ...]  # (rule, bytes removed), most first


class _Reservoir:
    """A uniform sample of at most ``size`` of the items offered, drawn with a seed of its own (Li's Algorithm L:
    one random number per item taken, not per item offered).

    :attr:`items` holds (number of the item offered, from 1; item).
    """

    def __init__(self, size: int, seed: str):
        self.size, self.seen = size, 0
        self.items: list[tuple[int, Any]] = []
        self._random = random.Random(seed)
        self._weight = 1.0
        self.next = 0 if size else math.inf  # the number of the next item to take: none is taken before it

    def slot(self) -> int | None:
        """Offer one item: the index it takes in :attr:`items` (the caller puts it there with :meth:`put`), or None."""
        self.seen += 1
        if len(self.items) < self.size:
            self.items.append((self.seen, None))
            if len(self.items) == self.size:
                self._skip()
            return len(self.items) - 1
        if self.seen < self.next:
            return None
        index = self._random.randrange(self.size)
        self.items[index] = (self.seen, None)
        self._skip()
        return index

    def _skip(self) -> None:
        draw = self._random.random
        self._weight *= math.exp(math.log(1.0 - draw()) / self.size)
        gap = math.log(1.0 - draw()) / math.log(1.0 - self._weight) if self._weight < 1.0 else 0.0
        self.next = self.seen + int(gap) + 1

    def put(self, slot: int, item: Any) -> None:
        self.items[slot] = (self.items[slot][0], item)

    def in_order(self) -> list[Any]:
        return [item for _, item in sorted(self.items, key=lambda entry: entry[0]) if item is not None]


def histogram_bin(size: int) -> int:
    """The bin of a document's bytes removed: 0 for none (or bytes added), else ``n`` for 2**(n-1) to 2**n - 1."""
    return max(size, 0).bit_length()


@dataclass
class RunReport:
    """The report's counts and samples, fed one changed document at a time with :meth:`add`."""

    samples_per_rule: int = 5
    top_documents: int = 20
    seed: str = SEED
    rules: dict[str, RuleTally] = field(default_factory=dict)
    metadata_fields: Counter = field(default_factory=Counter)
    loss_bins: Counter = field(default_factory=Counter)  # histogram_bin -> changed documents
    documents: int = 0  # changed documents (or given metadata, or marks) seen
    marked: int = 0  # documents with marks (a marks run's)
    with_text: bool = False  # a document came with its text: samples show the lines around them
    documents_in_shards: int = 0  # every document of the outputs, changed or not, from the log's shard records
    shards: int = 0
    edits: int = 0
    bytes_removed: int = 0  # in a marks run, the bytes the marks span
    counted_by_run: bool = False  # the counts are those the run made (its --stats file), not the edit log's
    _reservoirs: dict[str, _Reservoir] = field(default_factory=dict, repr=False)
    _findings: dict[str, _Reservoir] = field(default_factory=dict, repr=False)
    _top: list[tuple[int, int, DocumentLoss]] = field(default_factory=list, repr=False)

    @property
    def marks_run(self) -> bool:
        """Whether the documents came from a marks run (one had marks)."""
        return self.marked > 0

    def add(self, doc_id: str, where: str, edits: list[Edit], metadata_added: list[str], text: str | None = None,
            marks: list[dict[str, Any]] | None = None) -> None:
        """One changed document: its id, where it was read, its edits in order (:class:`Edit`, or without ``text``
        anything with an Edit's fields as attributes), the metadata fields the run added, its input ``text``
        when known (for each sample's line and context), and in a marks run, which makes no edits, its marks
        as the edit log holds them (:func:`textclean.model.marks.mark_records`)."""
        if marks:
            if edits:
                raise ValueError(f"document {doc_id} has both edits and marks: a marks run makes no edits")
            edits = [SimpleNamespace(**removal) for removal in removals(marks)]  # an Edit each, as far as add reads
            self.marked += 1
        self.documents += 1
        self.with_text |= text is not None
        self.edits += len(edits)
        self.metadata_fields.update(metadata_added)
        by_rule: dict[str, int] = {}  # bytes removed
        taken: list[tuple[int, _Reservoir, int]] = []  # (edit, its rule's reservoir, slot)
        rules, reservoirs = self.rules, self._reservoirs
        for number, edit in enumerate(edits):
            rule, before, after = edit.rule, edit.before, edit.after
            tally = rules.get(rule)
            if tally is None:
                tally = rules[rule] = RuleTally(edit.kind)
                reservoirs[rule] = _Reservoir(self.samples_per_rule, f"{self.seed}:{rule}")
            size = len(before) if before.isascii() else utf8_size(before)  # utf8_size, without a call for ASCII
            removed = size - (len(after) if after.isascii() else utf8_size(after))
            tally.edits += 1
            tally.bytes_removed += removed
            if after or "\n" not in before:
                tally.changes += 1
                tally.bytes_changed += size
            else:
                tally.lines_removed += before.count("\n")
            if rule in by_rule:
                by_rule[rule] += removed
            else:
                by_rule[rule] = removed
                tally.documents += 1
            reservoir = reservoirs[rule]
            if reservoir.seen + 1 >= reservoir.next:  # the usual case, an edit not taken, without a call
                slot = reservoir.slot()
                if slot is not None:
                    taken.append((number, reservoir, slot))
            else:
                reservoir.seen += 1
        samples = self._samples(doc_id, where, edits, [number for number, _, _ in taken], text)
        for (_, reservoir, slot), sample in zip(taken, samples, strict=True):
            reservoir.put(slot, sample)
        lost = sum(by_rule.values())
        self.bytes_removed += lost
        self.loss_bins[histogram_bin(lost)] += 1
        if lost > 0:
            self._keep_if_top(doc_id, where, lost, text, len(edits), by_rule)

    def _samples(self, doc_id: str, where: str, edits: list[Edit], numbers: list[int], text: str | None
                 ) -> list[Sample]:
        if not numbers:
            return []
        if text is None:  # the line is known of a mark (its record says), not of an edit
            return [Sample(edits[n].rule, doc_id, where, getattr(edits[n], "line", None), cut(edits[n].before),
                           cut(edits[n].after), getattr(edits[n], "note", "")) for n in numbers]
        starts = edit_input_starts(edits)
        lines = dict(zip(numbers, (line for line, _ in line_cols(text, [starts[n] for n in numbers])), strict=True))
        found = []
        stood, applied = text, 0  # the text the run of edits being looked at found, and the edits applied to it
        wanted = iter(numbers)
        n = next(wanted)
        for run in _runs(edits):
            if n >= run.stop:
                continue
            stood, applied = replay(stood, edits[applied:run.start]), run.start  # once a run: linear in the text
            shift = 0  # how much the edits of the run before edit n have lengthened the text
            for m in range(run.start, run.stop):
                edit = edits[m]
                if m == n:
                    start = edit.start - shift
                    found.append(_sample(edit, doc_id, where, lines[n], stood, start, start + len(edit.before)))
                    n = next(wanted, len(edits))
                shift += len(edit.after) - len(edit.before)
        return found
    def _keep_if_top(self, doc_id: str, where: str, lost: int, text: str | None, edits: int,
                     by_rule: dict[str, int]) -> None:
        key = (lost, -self.documents)  # the earlier document first among equals
        full = len(self._top) >= self.top_documents
        if full and (not self._top or key <= self._top[0][:2]):
            return
        most = sorted(by_rule.items(), key=lambda item: item[1], reverse=True)[:3]
        loss = DocumentLoss(doc_id, where, lost, utf8_size(text) if text is not None else None, edits,
                            tuple((rule, n) for rule, n in most if n > 0))
        (heapq.heapreplace if full else heapq.heappush)(self._top, (*key, loss))

    def add_findings(self, doc_id: str, where: str, findings: list[Finding], text: str) -> None:
        """The findings the rules made on one document, whose input is ``text`` (a run has them, its edit log not)."""
        for finding, (line, _) in zip(findings, line_cols(text, [finding.start for finding in findings]), strict=True):
            reservoir = self._findings.get(finding.rule)
            if reservoir is None:
                reservoir = self._findings[finding.rule] = _Reservoir(FINDING_SAMPLES,
                                                                      f"{self.seed}:finding:{finding.rule}")
            slot = reservoir.slot()
            if slot is not None:
                reservoir.put(slot, FindingSample(doc_id, where, line, finding.level, cut(finding.message)))

    def finding_samples(self, rule: str) -> list[FindingSample]:
        """Some of the findings of ``rule``, in the order of the run."""
        return self._findings[rule].in_order() if rule in self._findings else []

    def add_shard(self, documents: int) -> None:
        """An output file of the run is complete, with ``documents`` documents changed or not."""
        self.shards += 1
        self.documents_in_shards += documents

    def top(self) -> list[DocumentLoss]:
        """The documents that lost the most bytes, most first."""
        return [loss for *_, loss in sorted(self._top, key=lambda entry: entry[:2], reverse=True)]

    def sample(self, rule: str) -> list[Sample]:
        """The sampled edits of ``rule``, in the order of the run."""
        return self._reservoirs[rule].in_order() if rule in self._reservoirs else []

    def counts(self) -> dict[str, Any]:
        """All but the samples, as JSON: what a run's --stats file holds as ``report``, for :meth:`from_edit_log`."""
        return {"documents": self.documents, "marked": self.marked, "edits": self.edits,
                "bytes_removed": self.bytes_removed,
                "rules": {rule: asdict(tally) for rule, tally in self.rules.items()},
                "metadata_fields": dict(self.metadata_fields),
                "loss_bins": {str(number): count for number, count in sorted(self.loss_bins.items())},
                "top_documents": self.top_documents,
                "top": [{**asdict(loss), "top_rules": [list(pair) for pair in loss.top_rules]} for loss in self.top()]}

    @classmethod
    def from_edit_log(cls, path: str | Path, counts: Any = None, **options) -> RunReport:
        """The report of the run that wrote the edit log at ``path``, read once (see :func:`log_chunks`).

        With ``counts``, those the run made (:meth:`counts`, the ``report`` of its --stats file), the log is read
        for the samples only, by the names of the rules (a line is parsed where an edit of it is drawn, in the
        same draw as a whole reading), and they are the report's where the log holds, rule by rule, the edits
        they count, and their documents. Else the log is read whole and counted, in several times the time.
        """
        if counts is not None:
            report = cls(**options)
            if report._take_counts(counts) and report._draw_samples(path):
                report.counted_by_run = True
                return report
        report = cls(**options)
        for kind, record in log_stream(path):
            if kind == "shard":
                report.add_shard(record["documents"])
            else:
                edits = [SimpleNamespace(**edit) for edit in record["edits"]]  # an Edit each, as far as add reads
                report.add(str(record.get("id")), where_read(record.get("source"), record.get("line")), edits,
                           record["metadata_added"], marks=record.get("marks"))
        return report

    def _take_counts(self, counts: Any) -> bool:
        """Take the counts of :meth:`counts`; False, and none taken, when they are not such counts (a --stats file
        is read as given) or keep fewer of the top documents than this report shows."""
        try:
            rules = {rule: RuleTally(**tally) for rule, tally in counts["rules"].items()}
            top = [DocumentLoss(**{**loss, "top_rules": tuple(tuple(pair) for pair in loss["top_rules"])})
                   for loss in counts["top"]]
            bins = {int(number): count for number, count in counts["loss_bins"].items()}
            fields = dict(counts["metadata_fields"])
            totals = [counts[key] for key in ("documents", "marked", "edits", "bytes_removed", "top_documents")]
        except (AttributeError, KeyError, TypeError, ValueError):
            return False
        if not (all(map(_whole, [*totals, *bins.values(), *fields.values()])) and all(map(_sound, rules.values()))
                and all(map(_sound_loss, top))):
            return False
        if len(top) == totals[-1] < self.top_documents:  # the run kept as many as it could: more lost bytes
            return False
        self.documents, self.marked, self.edits, self.bytes_removed = totals[:4]
        self.rules, self.loss_bins, self.metadata_fields = rules, Counter(bins), Counter(fields)
        self._top = [(loss.bytes_removed, -index, loss) for index, loss in enumerate(top[:self.top_documents])]
        heapq.heapify(self._top)
        return True

    def _draw_samples(self, path: str | Path) -> bool:
        """Offer each edit (or mark) of the edit log at ``path`` to the sample of its rule, found by the rule's name
        and parsed only where it is drawn, and add the log's shard records. Whether the log's document lines hold,
        rule by rule, the edits the report counts, and as many documents."""
        found: Counter = Counter()
        documents = 0
        for file, first, chunk, breaks in log_chunks(path, DRAW_CHUNK):
            in_chunk = Counter(_RULE.findall(chunk))
            found.update(in_chunk)
            documents += breaks + (not chunk.endswith(b"\n"))  # its lines, less the shard lines (below)
            drawn = []
            for name, count in in_chunk.items():
                rule = name.decode("utf-8", "replace")
                reservoir = self._reservoirs.get(rule)
                if reservoir is None:
                    reservoir = self._reservoirs[rule] = _Reservoir(self.samples_per_rule, f"{self.seed}:{rule}")
                if reservoir.seen + count < reservoir.next:  # none of them is drawn
                    reservoir.seen += count
                    continue
                drawn.append(rule)
                needle, at = _ITEM + name + b'"', -1
                while count:
                    if reservoir.seen + count < reservoir.next:  # none of the rest is drawn
                        reservoir.seen += count
                        break
                    at, count = chunk.find(needle, at + 1), count - 1
                    slot = reservoir.slot()
                    if slot is not None:
                        reservoir.put(slot, at)  # where it starts, until the chunk is read
            for rule in drawn:  # the edits drawn in this chunk (and kept), parsed
                reservoir = self._reservoirs[rule]
                for slot, (_, item) in enumerate(reservoir.items):
                    if isinstance(item, int):
                        sample = self._sample_at(chunk, item, rule)
                        if sample is None:
                            return False
                        reservoir.put(slot, sample)
            at = chunk.find(_SHARD_LINE)
            while at >= 0:
                start, line = _line_at(chunk, at)
                number = first + chunk.count(b"\n", 0, start)
                record = log_record(file, number, line)
                if checked_kind(file, record, number) == "shard":
                    self.add_shard(record["documents"])
                    documents -= 1
                at = chunk.find(_SHARD_LINE, at + 1)
        # a line of another kind than these, or blank, makes the documents more than the run's: then the whole
        # reading says what it is
        return documents == self.documents and {rule.decode("utf-8", "replace"): count for rule, count in found.items()
                                                } == {rule: tally.edits for rule, tally in self.rules.items()}

    def _sample_at(self, chunk: bytes, at: int, rule: str) -> Sample | None:
        """The sample of the edit (or mark) of ``rule`` whose record starts at ``at`` in ``chunk``, lines of an edit
        log, parsed alone with the head of its line (id, source, line); None where they are not sound."""
        start, line = _line_at(chunk, at)
        end = start + len(line)
        head, following = chunk.find(b', "output": ', start, at), chunk.find(b', ' + _ITEM, at, end)
        try:
            record = json.loads(chunk[start:head] + b"}") if head >= 0 else None
            item = _DECODER.raw_decode(chunk[at:end if following < 0 else following].decode("utf-8"))[0]
        except ValueError:
            return None
        if not (isinstance(record, dict) and record.get("type") == "document" and isinstance(item, dict)):
            return None
        edit = item if "after" in item else {**item, "after": ""}  # a mark: the removal it stands for
        if edit_problem(edit) or edit["rule"] != rule or "after" not in item and not _whole(item.get("line")):
            return None
        return self._samples(str(record.get("id")), where_read(record.get("source"), record.get("line")),
                             [SimpleNamespace(**edit)], [0], None)[0]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sound(tally: RuleTally) -> bool:
    return isinstance(tally.kind, str) and all(map(_whole, astuple(tally)[1:]))


def _sound_loss(loss: DocumentLoss) -> bool:
    return (isinstance(loss.doc_id, str) and isinstance(loss.where, str) and _whole(loss.bytes_removed)
            and (loss.bytes_in is None or _whole(loss.bytes_in)) and _whole(loss.edits)
            and all(len(pair) == 2 and isinstance(pair[0], str) and _whole(pair[1]) for pair in loss.top_rules))


def _line_at(chunk: bytes, at: int) -> tuple[int, bytes]:
    """Where the line of ``chunk`` that holds ``at`` starts, and the line."""
    start = chunk.rfind(b"\n", 0, at) + 1
    end = chunk.find(b"\n", at)
    return start, chunk[start:len(chunk) if end < 0 else end]


def _sample(edit: Edit, doc_id: str, where: str, line: int, text: str, start: int, end: int) -> Sample:
    """``edit`` with the rest of its line and the lines around it in ``text``, where it stands at ``start`` to
    ``end``; each found by searching out from the edit, not by splitting the whole text."""
    line_start = text.rfind("\n", 0, start) + 1
    above: list[str] = []
    cursor = line_start - 1  # the line break that ends the line above
    while len(above) < CONTEXT_LINES and cursor >= 0:
        begin = text.rfind("\n", 0, cursor) + 1
        above.insert(0, cut(text[begin:cursor]))
        cursor = begin - 1
    if edit.before.endswith("\n"):  # the edit ends its line: nothing of it is left after the edit
        suffix, cursor = "", end
    else:
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        suffix, cursor = text[end:line_end], line_end + 1
    below: list[str] = []
    while len(below) < CONTEXT_LINES and cursor < len(text):
        stop = text.find("\n", cursor)
        stop = len(text) if stop < 0 else stop
        below.append(cut(text[cursor:stop]))
        cursor = stop + 1
    return Sample(edit.rule, doc_id, where, line, cut(edit.before), cut(edit.after), edit.note,
                  cut_left(text[line_start:start]), cut(suffix), tuple(above), tuple(below))


def where_read(source: object, line: object) -> str:
    """Where a document was read, as a person writes it: ``file:line`` for a record of a JSONL file, else the file."""
    return f"{source}:{line}" if isinstance(line, int) and line > 0 else str(source)
