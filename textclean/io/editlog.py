"""The edit log of a run (``clean --edits``): written as the run goes, read back by ``undo``.

One JSON object a line. The first is the header, ``{"type": "header", "format": 3}``; a run that also wrote
``--stats`` adds ``"stats"``, that file's path (relative to the log's folder), and ``"run"``, an id the stats file
holds as ``run`` too, so that ``textclean report`` takes that file, and only that file, by itself
(:func:`linked_stats`). Then, by output file:

- ``{"type": "document", ...}`` for every document the run changed: where it came from
  (``source``, ``relpath``, ``line``, ``id``), where it went (``output``: the output file's path
  under the output folder, or its name, ``-`` for stdout; ``position``: its place in that file,
  from 1), the SHA-256 of its cleaned and of its original text (``cleaned_sha256``,
  ``original_sha256``) and of its whole record as written and as read (``record_sha256``,
  ``original_record_sha256``: see :func:`record_sha256`), the metadata fields the run added
  (``metadata_created``: the input had no ``metadata``, being text or a record without it;
  ``metadata_null``: it was null), and its edits; in a marks run (``clean --marks``), also its ``marks``,
  each with the text it spans (``before``), as the report and audits read them (:mod:`textclean.model.marks`);
- ``{"type": "shard", ...}`` after the last document of each output file: how many documents it
  holds and a SHA-256 over all their records in order, unchanged ones included (``documents``,
  ``records_sha256``), and how many document lines the log holds for it and a SHA-256 over them
  (``document_lines``, ``lines_sha256``), so that a line taken out of the log is found.

The lines of each output file are kept in a part of their own until the run ends (:mod:`textclean.io.shardlog`),
so a run with ``--resume`` takes the records of the shards it skips from the parts a killed run left, or else
from the log at the same path.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from ..model.document import Edit, Result
from ..model.marks import mark_records
from .inputs import InputDoc, InputError, open_binary
from .outputs import Output, earlier_records, jsonl_record, log_record, log_records
from .shardlog import ShardLog, parts_folder

FORMAT = 3
_SHA256 = re.compile(r"[0-9a-f]{64}")
_HASHES = {"document": ("cleaned_sha256", "original_sha256", "record_sha256", "original_record_sha256"),
           "shard": ("records_sha256", "lines_sha256")}
_COUNTS = {"document": ("position",), "shard": ("documents", "document_lines")}
_FIELDS = {
    "document": ("output", *_COUNTS["document"], *_HASHES["document"], "metadata_added", "metadata_created",
                 "metadata_null", "edits"),
    "shard": ("output", *_COUNTS["shard"], *_HASHES["shard"], "metadata_created"),
}
_EDIT_FIELDS = {"rule": str, "kind": str, "start": int, "end": int, "before": str, "after": str}


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def record_sha256(record: dict[str, Any] | str) -> str:
    """The SHA-256 of a document as an output holds it: the canonical JSON of its record (keys sorted, values
    JSON cannot hold as text, as Parquet dates are), or of its text in a text file."""
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), default=str)  # ASCII: the faster encoder
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def document_form(doc: InputDoc, result: Result, text_field: str, id_field: str, as_record: bool
                  ) -> dict[str, Any] | str:
    """A document as a record (``as_record``: it goes to JSONL or Parquet), or as its text: what undo compares
    the document it restores with."""
    return jsonl_record(doc, result, text_field, id_field) if as_record else result.text


class RecordsDigest:
    """The count of a file's documents and a SHA-256 over their record digests, in order."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.documents = 0

    def add(self, digest: str) -> None:
        self._hash.update(bytes.fromhex(digest))
        self.documents += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def edit_record(doc: InputDoc, result: Result, output: str, position: int, record: str, original_record: str
                ) -> dict[str, Any]:
    """The log line of one changed document: where it came from and went, its hashes and its edits."""
    return {
        "type": "document",
        "id": doc.id,
        "source": doc.source,
        "relpath": doc.relpath,
        "line": doc.line,
        "output": output,
        "position": position,
        "cleaned_sha256": text_sha256(result.text),
        "original_sha256": text_sha256(doc.text),
        "record_sha256": record,
        "original_record_sha256": original_record,
        "metadata_added": sorted(k for k in result.metadata if k not in doc.metadata),
        "metadata_created": doc.record is None or "metadata" not in doc.record,
        "metadata_null": doc.record is not None and "metadata" in doc.record and doc.record["metadata"] is None,
        "edits": [edit.to_dict() for edit in result.edits],
        **({"marks": mark_records(result.original, result.marks)} if result.marks else {}),
    }


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


class EditLogWriter:
    """The log of a run: ``add`` every document written, in output order, ``end_shard`` as each output file is
    complete; ``commit`` at the end, or ``close_failed``.

    ``output`` names each document's output file (:meth:`textclean.io.outputs.Output.log_name`) and gives the record
    written for it (:meth:`~textclean.io.outputs.Output.record_for`). ``fresh``: not a --resume. ``stats``: the link
    to the run's --stats file (:func:`stats_link`), kept in the header.
    """

    def __init__(self, path: Path, output: Output, fresh: bool, stats: StatsLink | None = None):
        self._parts = ShardLog(path, fresh, _line({"type": "header", "format": FORMAT, **(stats or {})}))
        self.path = path
        self._out = output
        self._output: str | None = None
        self._records = RecordsDigest()
        self._lines = hashlib.sha256()
        self._line_count = 0
        self._metadata_given = False  # a document of the shard being written had a metadata field or column

    def add(self, doc: InputDoc, result: Result) -> None:
        output = self._out.log_name(doc.relpath)
        if output != self._output:
            self._end()
            self._output = output
        written = self._out.record_for(doc, result)
        digest = record_sha256(written)
        self._records.add(digest)
        self._metadata_given |= doc.record is not None and "metadata" in doc.record
        if result.edits or result.metadata.keys() - doc.metadata.keys():
            as_record = not isinstance(written, str)
            original = document_form(doc, Result(doc.text, doc.text, doc.metadata), self._out.text_field,
                                     self._out.id_field, as_record)
            line = _line(edit_record(doc, result, output, self._records.documents, digest, record_sha256(original)))
            self._lines.update(line.encode("utf-8", "surrogatepass"))
            self._line_count += 1
            self._parts.write(output, line)

    def end_shard(self, output: str) -> None:
        """The output file ``output`` is complete (empty, if no document went to it): its records are kept,
        whatever happens to the run later."""
        if self._output is None:
            self._output = output
        self._end()

    def _end(self) -> None:
        if self._output is not None:
            self._parts.write(self._output, _line({
                "type": "shard", "output": self._output, "documents": self._records.documents,
                "records_sha256": self._records.hexdigest(), "document_lines": self._line_count,
                "lines_sha256": self._lines.hexdigest(), "metadata_created": not self._metadata_given}))
            self._parts.end_shard(self._output)
        self._output = None
        self._records = RecordsDigest()
        self._lines = hashlib.sha256()
        self._line_count = 0
        self._metadata_given = False

    def keep_earlier(self, outputs: Collection[str]) -> list[str]:
        """Keep the records of ``outputs`` (the shards --resume skips): the parts a killed run left, else those
        of the log an earlier run wrote at this path. Return the outputs found in neither."""
        self._parts.keep_only(outputs)
        wanted = {output for output in outputs if not self._parts.has(output)}
        if not wanted:
            return []
        found: dict[str, list[str]] = {}
        for number, record, line in earlier_records(self.path):
            kind = record.get("type") if isinstance(record, dict) else None
            if kind == "header" and record.get("format") != FORMAT:
                raise InputError(str(self.path), number, f"edit-log format {record.get('format')!r}, so --resume "
                                 f"cannot add to it (this textclean writes format {FORMAT}); clean again without "
                                 "--resume, or into a new folder with --edits a new file")
            if kind in _FIELDS and record.get("output") in wanted:
                found.setdefault(record["output"], []).append(line)
                if kind == "shard":
                    for kept in found.pop(record["output"]):
                        self._parts.write(record["output"], kept)
                    self._parts.end_shard(record["output"])
                    wanted.discard(record["output"])
        return sorted(wanted)

    def commit(self, outputs: Collection[str]) -> None:
        """The run is complete: write the log, its output files in the order of ``outputs``."""
        self._end()
        self._parts.merge(outputs)

    def discard(self) -> None:
        """The run does not start: remove the parts it wrote."""
        self._parts.discard()

    def close_failed(self, outputs: Collection[str]) -> None:
        """The run stopped: keep the records of the output files it completed (and of those it kept)."""
        self._parts.close_failed(outputs)


StatsLink = dict[str, str]


def stats_link(log: Path, stats: Path) -> StatsLink:
    """What the header of the edit log at ``log`` holds of the run's --stats file at ``stats``: its path, relative
    to the log's folder (so the two can move together), and a new run id, which the stats file must hold as
    ``run`` too."""
    try:
        where = os.path.relpath(stats.resolve(), log.resolve().parent)
    except ValueError:  # another drive
        where = str(stats.resolve())
    return {"stats": Path(where).as_posix(), "run": uuid.uuid4().hex}


def linked_stats(path: str | Path) -> tuple[Path, str] | None:
    """The --stats file the header of the edit log at ``path`` names (resolved from the log's folder) and the id
    of the run that wrote both; None when it names none (a run without --stats, or a stopped run's parts)."""
    path = Path(path)
    if not path.exists() and parts_folder(path).is_dir():
        return None
    try:
        with open_binary(str(path)) as stream:
            header = _header(stream, path)[0]
    except FileNotFoundError:
        raise InputError(str(path), None, "cannot read: No such file or directory", usage=True) from None
    except (OSError, EOFError) as exc:
        raise InputError(str(path), None, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    stats, run = header.get("stats"), header.get("run")
    if not (isinstance(stats, str) and stats and isinstance(run, str) and run):
        return None
    return path.parent / stats, run


class EditLog:
    """An edit log read back and checked whole: document records by (output, position), shard records by output.

    Each record keeps the number of its line in the log as ``log_line``. A record with a field missing or of
    the wrong type, or a shard whose document lines are not those the run wrote (one taken out, added or
    changed), is an InputError naming the line.
    """

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.documents: dict[tuple[str, int], dict[str, Any]] = {}
        self.shards: dict[str, dict[str, Any]] = {}
        self._lines: dict[str, tuple[int, Any]] = {}  # output -> document lines and a SHA-256 over them
        header = False
        try:
            for number, record, line in log_records(path):
                if header:
                    self._add(record, number, line)
                else:
                    self._check_header(record, number)
                    header = True
        except FileNotFoundError as exc:
            raise InputError(self.path, None, f"cannot read: {exc.strerror}") from None
        if not header:
            raise InputError(self.path, None, "empty: not an edit log written by 'textclean clean --edits'")
        self._check_documents_lie_in_shards()
        self._check_shards_have_their_lines()

    def _check_header(self, record: Any, number: int) -> None:
        check_header(self.path, record, number)

    def _add(self, record: Any, number: int, line: str) -> None:
        kind = checked_kind(self.path, record, number)
        output = record["output"]
        if kind == "document":
            record["edits"] = [Edit.from_dict(e) for e in record["edits"]]
            count, digest = self._lines.get(output, (0, hashlib.sha256()))
            digest.update(line.encode("utf-8", "surrogatepass"))
            self._lines[output] = (count + 1, digest)
        table: dict = self.documents if kind == "document" else self.shards
        key = (output, record["position"]) if kind == "document" else output
        if key in table:
            what = f"document {record['position']} of {output!r}" if kind == "document" else repr(output)
            raise InputError(self.path, number, f"a second {kind} record for {what} "
                             f"(the first is on line {table[key]['log_line']})")
        record["log_line"] = number
        table[key] = record

    def _check_documents_lie_in_shards(self) -> None:
        for (output, position), record in self.documents.items():
            shard = self.shards.get(output)
            if shard is None or position > shard["documents"]:
                raise InputError(self.path, record["log_line"], f"document {position} of {output!r} is not in "
                                 "any shard record: the log is incomplete")

    def _check_shards_have_their_lines(self) -> None:
        for output, shard in self.shards.items():
            count, digest = self._lines.get(output, (0, hashlib.sha256()))
            if count != shard["document_lines"]:
                raise InputError(self.path, shard["log_line"], f"the log holds {count} document line(s) of "
                                 f"{output!r}, and the run wrote {shard['document_lines']}: lines were taken out of "
                                 "the log or added to it")
            if digest.hexdigest() != shard["lines_sha256"]:
                raise InputError(self.path, shard["log_line"], f"the document lines of {output!r} are not those the "
                                 "run wrote: a line of the log was changed")

    def shard_for(self, relpath: str, only_file: bool) -> dict[str, Any] | None:
        """The shard record of the output file read as ``relpath``: the one logged under that path,
        else the only one whose path ends in it, else, when it is the only file being restored and
        the log has one output file, that one (renamed since, or written to stdout)."""
        if relpath in self.shards:
            return self.shards[relpath]
        ending = [shard for output, shard in self.shards.items() if output.endswith("/" + relpath)]
        if len(ending) == 1:
            return ending[0]
        if only_file and len(self.shards) == 1:
            return next(iter(self.shards.values()))
        return None


def check_header(path: str, record: Any, number: int) -> None:
    """Raise an InputError unless ``record`` (line ``number`` of the log at ``path``) is the header of a log
    this textclean reads."""
    if not isinstance(record, dict) or "type" not in record:
        raise InputError(path, number, "not an edit log: its first line is no header (the log of "
                         "'textclean clean --edits' starts with {\"type\": \"header\", ...}; one from an older "
                         "textclean had none, nor the hashes to check its records against: clean again with --edits)")
    if record.get("type") != "header":
        raise InputError(path, number, "no header line: an edit log from an older textclean, which has "
                         "no hashes for undo to check its records against; clean again with --edits")
    if record.get("format") in (1, 2):
        raise InputError(path, number, f"edit-log format {record['format']}, from an older textclean: it "
                         "has no hashes of whole records and no count of its own lines, so undo cannot check "
                         "what it would restore; clean the originals again with --edits")
    if record.get("format") != FORMAT:
        raise InputError(path, number, f"edit-log format {record.get('format')!r}; "
                         f"this textclean reads format {FORMAT}")


def checked_kind(path: str, record: Any, number: int) -> str:
    """The type of a log record after the header, ``document`` or ``shard``, its fields checked; an InputError
    names the line of a record that is neither, or malformed. Fields the log does not know are kept as they are."""
    kind = record.get("type") if isinstance(record, dict) else None
    if kind not in _FIELDS:
        raise InputError(path, number, f"not an edit-log record (type {_shown(kind)})")
    problem = _field_problem(record, kind)
    if problem:
        raise InputError(path, number, f"{kind} record whose {problem}")
    return kind


def log_stream(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(type, record) of each document and shard record of an edit log (a document's edits as dicts), checked one
    at a time as it is read (see :func:`log_chunks`; no check across records: see :class:`EditLog`)."""
    for file, first, chunk, _ in log_chunks(path):
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(file, None, "not UTF-8 text") from None
        for offset, line in enumerate(text.split("\n")):
            if line.strip():
                record = log_record(file, first + offset, line)
                yield checked_kind(file, record, first + offset), record


def log_chunks(path: str | Path, size: int = 1 << 20) -> Iterator[tuple[str, int, bytes, int]]:
    """(file, number of its first line, bytes, their line breaks) of the lines of an edit log after its header, which
    is checked: whole lines, about ``size`` bytes at a time, in memory that does not grow with the log. A run that
    was stopped leaves no log but the parts of the shards it completed (:mod:`textclean.io.shardlog`): they are read
    instead, in the order of their names."""
    path = Path(path)
    folder = parts_folder(path)
    if not path.exists() and folder.is_dir():
        for part in sorted(folder.glob("*.jsonl")):
            yield from _chunks(part, size, header=False)
        return
    try:
        yield from _chunks(path, size, header=True)
    except FileNotFoundError as exc:
        raise InputError(str(path), None, f"cannot read: {exc.strerror}", usage=True) from None


def _chunks(path: Path, size: int, header: bool) -> Iterator[tuple[str, int, bytes, int]]:
    number = 1
    try:
        with open_binary(str(path)) as stream:  # .gz and .zst as written
            if header:
                number = _header(stream, path)[1] + 1
            while chunk := stream.read(size):
                if not chunk.endswith(b"\n"):
                    chunk += stream.readline()
                breaks = chunk.count(b"\n")
                yield str(path), number, chunk, breaks
                number += breaks
    except FileNotFoundError:
        raise
    except (OSError, EOFError) as exc:
        raise InputError(str(path), None, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None


def _header(stream: Any, path: Path) -> tuple[dict[str, Any], int]:
    """The header of the edit log at ``path``, read from the start of its binary ``stream``, checked, and its line
    number."""
    number = 1
    line = stream.readline()
    while line and not line.strip():
        line, number = stream.readline(), number + 1
    if not line:
        raise InputError(str(path), None, "empty: not an edit log written by 'textclean clean --edits'")
    record = log_record(path, number, line)
    check_header(str(path), record, number)
    return record, number


def _shown(value: Any) -> str:
    """A value of a log field in a message, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_count(value: Any, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _field_problem(record: dict[str, Any], kind: str) -> str | None:
    """What is wrong with the fields of a document or shard record (its end of a sentence), or None."""
    missing = [name for name in _FIELDS[kind] if name not in record]
    if missing:
        return f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing"
    if not isinstance(record["output"], str):
        return f"output is {_shown(record['output'])}, not a path"
    for name in _COUNTS[kind]:
        least = 1 if name == "position" else 0
        if not _is_count(record[name], least):
            return f"{name} is {_shown(record[name])}, not a whole number from {least}"
    for name in _HASHES[kind]:
        if not (isinstance(record[name], str) and _SHA256.fullmatch(record[name])):
            return f"{name} is {_shown(record[name])}, not a SHA-256 in hex"
    if kind == "shard":
        created = record["metadata_created"]
        return None if isinstance(created, bool) else f"metadata_created is {_shown(created)}, not true or false"
    added = record["metadata_added"]
    if not (isinstance(added, list) and all(isinstance(name, str) for name in added)):
        return f"metadata_added is {_shown(added)}, not a list of field names"
    for name in ("metadata_created", "metadata_null"):
        if not isinstance(record[name], bool):
            return f"{name} is {_shown(record[name])}, not true or false"
    if not isinstance(record["edits"], list):
        return f"edits is {_shown(record['edits'])}, not a list"
    for index, edit in enumerate(record["edits"]):
        problem = edit_problem(edit)
        if problem:
            return f"edit {index} {problem}"
    return _marks_problem(record["marks"], bool(record["edits"])) if "marks" in record else None


def _marks_problem(marks: Any, edited: bool) -> str | None:
    """What is wrong with the marks of a marks run's document record: each a removal (an edit that puts nothing
    in) with the line it starts on, sorted and disjoint, and no edits beside them."""
    if not isinstance(marks, list):
        return f"marks is {_shown(marks)}, not a list"
    if edited and marks:
        return "edits and marks are both given: a marks run makes no edits"
    end = 0
    for index, mark in enumerate(marks):
        problem = edit_problem({**mark, "after": ""}) if isinstance(mark, dict) and "after" not in mark \
            else f"is {_shown(mark)}, not a mark"
        if problem:
            return f"mark {index} {problem}"
        if not _is_count(mark.get("line"), 1):
            return f"mark {index} has line {_shown(mark.get('line'))}, not a whole number from 1"
        if mark["start"] < end:
            return f"mark {index} starts at {mark['start']}, before the mark ahead of it ends ({end})"
        end = mark["end"]
    return None


def edit_problem(edit: Any) -> str | None:
    """What is wrong with an edit record of the log (its end of a sentence), or None."""
    if (type(edit) is dict and type(edit.get("rule")) is str and type(edit.get("kind")) is str
            and type(edit.get("before")) is str and type(edit.get("after")) is str
            and type(start := edit.get("start")) is int and type(end := edit.get("end")) is int
            and 0 <= start <= end and end - start == len(edit["before"])):
        return None  # a sound edit, in one expression: a log holds millions; the checks below say what is wrong
    if not isinstance(edit, dict):
        return f"is {_shown(edit)}, not an object"
    for name, kind in _EDIT_FIELDS.items():
        if name not in edit:
            return f"has no {name}"
        value = edit[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            return f"has {name} {_shown(value)}, not {'a string' if kind is str else 'a whole number'}"
    if not 0 <= edit["start"] <= edit["end"] or edit["end"] - edit["start"] != len(edit["before"]):
        return (f"spans {_shown(edit['start'])} to {_shown(edit['end'])}, which does not fit its before text of "
                f"{len(edit['before'])} characters")
    return None
