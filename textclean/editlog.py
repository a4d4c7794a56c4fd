"""The edit log of a run (``clean --edits``): written as the run goes, read back by ``undo``.

One JSON object a line. The first is the header, ``{"type": "header", "format": 2}``; then, in
the order the run wrote its output:

- ``{"type": "document", ...}`` for every document the run changed: where it came from
  (``source``, ``relpath``, ``line``, ``id``), where it went (``output``: the output file's path
  under the output folder, or its name, ``-`` for stdout; ``position``: its place in that file,
  from 1), the SHA-256 of its cleaned and of its original text, the metadata fields the run
  added (``metadata_created``: the input had no ``metadata``, being text or a record without it;
  ``metadata_null``: it was null; logs written before ``metadata_null`` lack it), and its edits;
- ``{"type": "shard", ...}`` after the last document of each output file: how many documents it
  holds and a SHA-256 over all their texts, unchanged ones included, and ``metadata_created``: no
  input document of it had a ``metadata`` field (or column), so undo gives back none (logs written
  before it lack it).

A run with ``--resume`` first copies the records of the shards it skips from the log at the same
path. A folder run that fails or is interrupted keeps the records of the shards it completed.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from .document import Edit, Result
from .inputs import InputDoc, InputError
from .outputs import AtomicWriter, earlier_records, log_records

FORMAT = 2
_FIELDS = {
    "document": ("output", "position", "cleaned_sha256", "original_sha256", "metadata_added", "metadata_created",
                 "edits"),
    "shard": ("output", "documents", "sha256"),
}


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ShardDigest:
    """The count of a file's documents and a SHA-256 over their texts, in order, each after its length."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.documents = 0

    def add(self, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self._hash.update(b"%d:" % len(data))
        self._hash.update(data)
        self.documents += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def edit_record(doc: InputDoc, result: Result, output: str, position: int) -> dict[str, Any]:
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
        "metadata_added": sorted(k for k in result.metadata if k not in doc.metadata),
        "metadata_created": doc.record is None or "metadata" not in doc.record,
        "metadata_null": doc.record is not None and "metadata" in doc.record and doc.record["metadata"] is None,
        "edits": [edit.to_dict() for edit in result.edits],
    }


class EditLogWriter:
    """The log of a run: ``add`` every document written, in output order; ``commit`` at the end.

    ``output_name`` gives, for a document's input path, the name of the output file it went to
    (:meth:`textclean.outputs.Output.log_name`).
    """

    def __init__(self, path: Path, output_name: Callable[[str], str]):
        self._file = AtomicWriter(path)
        self._output_name = output_name
        self._output: str | None = None
        self._digest = ShardDigest()
        self._metadata_given = False  # a document of the shard being written had a metadata field or column
        self._write({"type": "header", "format": FORMAT})

    def _write(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def add(self, doc: InputDoc, result: Result) -> None:
        output = self._output_name(doc.relpath)
        if output != self._output:
            self._end_shard()
            self._output = output
        self._digest.add(result.text)
        self._metadata_given |= doc.record is not None and "metadata" in doc.record
        if result.edits or result.metadata.keys() - doc.metadata.keys():
            self._write(edit_record(doc, result, output, self._digest.documents))

    def keep_earlier(self, path: Path, outputs: Collection[str]) -> None:
        """Copy the records of ``outputs`` from the log an earlier run wrote at ``path`` (--resume)."""
        for number, record, line in earlier_records(path):
            kind = record.get("type") if isinstance(record, dict) else None
            if kind == "header" and record.get("format") != FORMAT:
                raise InputError(str(path), number, f"edit-log format {record.get('format')!r}, so --resume "
                                 f"cannot add to it (this textclean writes format {FORMAT}); give --edits a new file")
            if kind in _FIELDS and record.get("output") in outputs:
                self._file.write(line)

    def checkpoint(self, output: str | None = None) -> None:
        """The output file ``output`` is complete (empty, if no document went to it): its records are kept
        even if the run fails later."""
        if self._output is None:
            self._output = output
        self._end_shard()
        self._output = None
        self._file.checkpoint()

    def _end_shard(self) -> None:
        if self._output is not None:
            self._write({"type": "shard", "output": self._output, "documents": self._digest.documents,
                         "sha256": self._digest.hexdigest(), "metadata_created": not self._metadata_given})
        self._digest = ShardDigest()
        self._metadata_given = False

    def commit(self, to_checkpoint: bool = False) -> None:
        if not to_checkpoint:
            self._end_shard()
        self._file.commit(to_checkpoint)

    def abort(self) -> None:
        self._file.abort()


class EditLog:
    """An edit log read back: document records by (output, position), shard records by output.

    Each record keeps the number of its line in the log as ``log_line``.
    """

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.documents: dict[tuple[str, int], dict[str, Any]] = {}
        self.shards: dict[str, dict[str, Any]] = {}
        header = False
        try:
            for number, record, _ in log_records(path):
                if header:
                    self._add(record, number)
                else:
                    self._check_header(record, number)
                    header = True
        except FileNotFoundError as exc:
            raise InputError(self.path, None, f"cannot read: {exc.strerror}") from None
        if not header:
            raise InputError(self.path, None, "empty: not an edit log written by 'textclean clean --edits'")
        self._check_documents_lie_in_shards()

    def _check_header(self, record: Any, number: int) -> None:
        if not isinstance(record, dict) or record.get("type") != "header":
            raise InputError(self.path, number, "no header line: an edit log from an older textclean, which has "
                             "no hashes for undo to check its records against; clean again with --edits")
        if record.get("format") != FORMAT:
            raise InputError(self.path, number, f"edit-log format {record.get('format')!r}; "
                             f"this textclean reads format {FORMAT}")

    def _add(self, record: Any, number: int) -> None:
        kind = record.get("type") if isinstance(record, dict) else None
        if kind not in _FIELDS:
            raise InputError(self.path, number, f"not an edit-log record (type {kind!r})")
        missing = [name for name in _FIELDS[kind] if name not in record]
        if missing:
            raise InputError(self.path, number, f"{kind} record without {', '.join(missing)}")
        output, count = record["output"], record["position" if kind == "document" else "documents"]
        least = 1 if kind == "document" else 0
        if not isinstance(output, str) or not isinstance(count, int) or isinstance(count, bool) or count < least:
            raise InputError(self.path, number, f"{kind} record whose output is not a path or whose count is not "
                             f"a whole number from {least}")
        if kind == "document":
            try:
                record["edits"] = [Edit.from_dict(e) for e in record["edits"]]
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError(self.path, number, f"not an edit: {type(exc).__name__}: {exc}") from None
        table: dict = self.documents if kind == "document" else self.shards
        key = (output, count) if kind == "document" else output
        if key in table:
            what = f"document {count} of {output!r}" if kind == "document" else repr(output)
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
