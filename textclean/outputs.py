"""Writing cleaned documents: stdout, one file, or a folder mirroring the input tree.

Files are written under a temporary name beside their final one and renamed
when complete, so an interrupted run never leaves a half-written file behind.
"""
from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from .document import Result
from .inputs import InputDoc


class OutputError(ValueError):
    pass


class AtomicWriter:
    """A text file that appears under ``path`` only once it is completely written.

    ``mode`` sets its permission bits (a new file otherwise gets the private ones of a temporary file).
    """

    def __init__(self, path: Path, mode: int | None = None):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        if mode is not None:
            os.chmod(self.tmp, mode)
        raw = os.fdopen(fd, "wb")
        self.stream: IO[str] = (
            gzip.open(raw, "wt", encoding="utf-8", newline="") if path.name.endswith(".gz")
            else open(raw.fileno(), "w", encoding="utf-8", newline="", closefd=False)
        )
        self._raw = raw

    def write(self, text: str) -> None:
        self.stream.write(text)

    def commit(self) -> None:
        self.stream.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        for closeable in (self.stream, self._raw):
            try:
                closeable.close()
            except (OSError, ValueError):
                pass
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


def jsonl_record(doc: InputDoc, result: Result, text_field: str, id_field: str) -> dict[str, Any]:
    """The input record with the cleaned text and the extracted metadata; other fields untouched."""
    record = dict(doc.record) if doc.record is not None else {id_field: doc.id}
    record[text_field] = result.text
    if result.metadata or "metadata" in record:
        record["metadata"] = result.metadata
    return record


class Output:
    """Where cleaned documents go. ``fmt`` is 'text' or 'jsonl'."""

    def __init__(self, target: str | None, fmt: str, text_field: str = "text", id_field: str = "id",
                 folder: bool = False, inputs: set[Path] = frozenset()):
        self.fmt, self.text_field, self.id_field = fmt, text_field, id_field
        self.target = Path(target) if target else None
        self.folder = folder
        self.inputs = {p.resolve() for p in inputs}
        self._writer: AtomicWriter | None = None
        self._writer_key: str | None = None
        if self.target and not folder:
            self._check_not_input(self.target)

    def write(self, doc: InputDoc, result: Result) -> None:
        if self.fmt == "jsonl" or doc.record is not None:
            line = json.dumps(jsonl_record(doc, result, self.text_field, self.id_field), ensure_ascii=False) + "\n"
        else:
            line = result.text
        if self.target is None:
            sys.stdout.write(line)
            return
        key = doc.relpath if self.folder else str(self.target)
        if key != self._writer_key:
            self._finish()
            path = self.target / doc.relpath if self.folder else self.target
            self._check_not_input(path)
            self._writer, self._writer_key = AtomicWriter(path), key
        self._writer.write(line)

    def _check_not_input(self, path: Path) -> None:
        if path.resolve() in self.inputs:
            raise OutputError(f"{path}: refusing to overwrite an input file; choose another output")

    def _finish(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer = None

    def close(self, ok: bool = True) -> None:
        """Commit the open file, or on failure drop it so nothing partial remains."""
        if self._writer is None:
            return
        if ok:
            self._finish()
        else:
            self._writer.abort()
            self._writer = None
