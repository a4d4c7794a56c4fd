"""Undoing a run from its edit log: the cleaned documents back to their input, each one checked."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ..io.editlog import EditLog, RecordsDigest, document_form, record_sha256, text_sha256
from ..io.inputs import InputDoc, ReadOptions, Reject, read_shard
from ..model.document import ReplayError, Result, undo
from .report import counted


def restore(files: list[tuple[str, str]], read: ReadOptions, log: EditLog
            ) -> Iterator[tuple[InputDoc | Reject, Result | None]]:
    """Each document of ``files`` (``expand`` pairs) with a Result whose text is its restored input,
    or a Reject (and None) saying why it cannot be restored.

    A file is matched to the output file the log recorded (see ``EditLog.shard_for``) and a
    document to its position in it. A file must hold the records the run wrote to it, whole and in
    order, unchanged ones included: as many, with the same SHA-256 over all of them. A changed
    document's record must be the one the run wrote (its text and every other field, by SHA-256)
    before its edits are undone, and the restored record the one the run read.
    """
    for source, rel in files:
        shard = log.shard_for(rel, len(files) == 1)
        if shard is None:
            yield Reject(source, None, f"not in the edit log {log.path} (no output file {rel!r} in it)"), None
        else:
            yield from _restore_file(source, rel, read, log, shard)


def _restore_file(source: str, rel: str, read: ReadOptions, log: EditLog, shard: dict[str, Any]
                  ) -> Iterator[tuple[InputDoc | Reject, Result | None]]:
    digest = RecordsDigest()
    refused = False
    for item in read_shard(source, rel, read):
        if isinstance(item, Reject):
            refused = True
            yield item, None
            continue
        written = record_sha256(item.record if item.record is not None else item.text)
        digest.add(written)
        record = log.documents.get((shard["output"], digest.documents))
        if record is None:
            restored = item, Result(item.text, item.text, item.metadata)
        else:
            try:
                restored = _restore_document(item, written, record, read, log.path)
            except ReplayError as exc:
                refused = True
                yield Reject(item.source, item.line, str(exc)), None
                continue
        yield _without_created_metadata(*restored) if shard["metadata_created"] else restored
    if refused:
        return
    where = f"{shard['output']!r} ({log.path}:{shard['log_line']})"
    if digest.documents != shard["documents"]:
        yield Reject(source, None, f"holds {counted(digest.documents, 'document')}; the run wrote {shard['documents']} "
                                   f"to {where}"), None
    elif digest.hexdigest() != shard["records_sha256"]:
        yield Reject(source, None, f"does not match the edit log: its records differ from those the run wrote to "
                                   f"{where} (a field changed, added or taken out, or records in another order)"), None


def _without_created_metadata(item: InputDoc, result: Result) -> tuple[InputDoc, Result]:
    """A record of a shard whose input had no metadata field or column, without the one the run gave it."""
    if item.record is None or "metadata" not in item.record or result.metadata:
        return item, result
    return replace(item, record={k: v for k, v in item.record.items() if k != "metadata"}), result


def _restore_document(item: InputDoc, written: str, record: dict[str, Any], read: ReadOptions, log_path: str
                      ) -> tuple[InputDoc, Result]:
    where = f"document {record['position']} of {record['output']!r} ({log_path}:{record['log_line']})"
    if text_sha256(item.text) != record["cleaned_sha256"]:
        raise ReplayError(f"does not match the edit log: the text is not the cleaned text of {where}")
    if written != record["record_sha256"]:
        raise ReplayError(f"does not match the edit log: a field other than the text differs from the record the "
                          f"run wrote as {where} (changed, added or taken out)")
    try:
        text = undo(item.text, record["edits"])
    except ReplayError as exc:
        raise ReplayError(f"the edits of {where} do not fit its cleaned text: {exc}") from None
    if text_sha256(text) != record["original_sha256"]:
        raise ReplayError(f"undoing the edits of {where} does not give back the original text")
    metadata = {k: v for k, v in item.metadata.items() if k not in record["metadata_added"]}
    if not metadata and item.record is not None:
        if record["metadata_created"]:
            item = replace(item, record={k: v for k, v in item.record.items() if k != "metadata"})
        elif record["metadata_null"]:
            item = replace(item, record={**item.record, "metadata": None})
    result = Result(item.text, text, metadata)
    original = document_form(item, result, read.text_field, read.id_field, item.record is not None)
    if record_sha256(original) != record["original_record_sha256"]:
        raise ReplayError(f"undoing {where} does not give back the record the run read (its metadata or another "
                          "field differs)")
    return item, result
