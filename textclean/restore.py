"""Undoing a run from its edit log: the cleaned documents back to their input."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from .document import Edit, ReplayError, Result, undo
from .inputs import InputDoc, InputError, Reject


class EditLog:
    """An ``--edits`` file, indexed by document: (relpath, id) for records, relpath for text files."""

    def __init__(self, path: str | Path):
        self.records: dict[tuple[str, str | None], dict[str, Any]] = {}
        try:
            with open(path, encoding="utf-8") as stream:
                for number, line in enumerate(stream, start=1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                        key = (record["relpath"], record["id"] if record.get("line") is not None else None)
                        record["edits"] = [Edit.from_dict(e) for e in record["edits"]]
                    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                        raise InputError(str(path), number, f"not an edit-log record: {exc}") from None
                    self.records[key] = record
        except OSError as exc:
            raise InputError(str(path), None, f"cannot read: {exc.strerror or exc}") from None

    def find(self, doc: InputDoc) -> dict[str, Any] | None:
        key = (doc.relpath, doc.id if doc.record is not None else None)
        if key in self.records:
            return self.records[key]
        if doc.record is None and len(self.records) == 1:
            only = next(iter(self.records.values()))
            return only if only.get("line") is None else None
        return None


def restore(items: Iterator[InputDoc | Reject], log: EditLog) -> Iterator[tuple[InputDoc | Reject, Result | None]]:
    """Each cleaned document with a Result whose text is the restored input."""
    for item in items:
        if isinstance(item, Reject):
            yield item, None
            continue
        record = log.find(item)
        if record is None:
            yield item, Result(item.text, item.text, item.metadata)
            continue
        try:
            text = undo(item.text, record["edits"])
        except ReplayError as exc:
            yield Reject(item.source, item.line, f"edit log does not fit this document: {exc}"), None
            continue
        metadata = {k: v for k, v in item.metadata.items() if k not in record.get("metadata_added", [])}
        if record.get("metadata_created") and not metadata and item.record is not None:
            item = replace(item, record={k: v for k, v in item.record.items() if k != "metadata"})
        yield item, Result(item.text, text, metadata)
