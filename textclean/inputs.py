"""Reading documents: text files, folders of them, stdin, and JSONL (optionally gzipped)."""
from __future__ import annotations

import fnmatch
import gzip
import io
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_INCLUDE = ("*.txt", "*.text", "*.jsonl", "*.jsonl.gz")


class InputError(ValueError):
    """Input that cannot be read: names the file, the line and the cause."""

    def __init__(self, source: str, line: int | None, message: str):
        self.source, self.line = source, line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass
class InputDoc:
    id: str
    text: str
    source: str  # the file it came from, '-' for stdin
    relpath: str  # path relative to the input root, mirrored under an output folder
    line: int | None = None  # JSONL line number
    record: dict[str, Any] | None = None  # the whole JSONL record
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadOptions:
    text_field: str = "text"
    id_field: str = "id"
    include: Sequence[str] = DEFAULT_INCLUDE
    exclude: Sequence[str] = ()
    input_format: str = "auto"  # auto | text | jsonl


def is_jsonl(path: str, options: ReadOptions) -> bool:
    if options.input_format != "auto":
        return options.input_format == "jsonl"
    return path.endswith((".jsonl", ".jsonl.gz", ".ndjson"))


def expand(paths: Sequence[str], options: ReadOptions) -> list[tuple[str, str]]:
    """(file, relative path) pairs for the given files, folders and '-'."""
    found = []
    for raw in paths:
        if raw == "-":
            found.append(("-", "stdin"))
            continue
        path = Path(raw)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = file.relative_to(path).as_posix()
                if _selected(rel, options):
                    found.append((str(file), rel))
        elif path.is_file():
            found.append((raw, path.name))
        else:
            raise InputError(raw, None, "no such file or folder")
    return found


def _selected(rel: str, options: ReadOptions) -> bool:
    name = rel.rsplit("/", 1)[-1]
    def matches(patterns: Sequence[str]) -> bool:
        return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)
    return matches(options.include) and not matches(options.exclude)


def read_documents(paths: Sequence[str], options: ReadOptions = ReadOptions()) -> Iterator[InputDoc]:
    """Stream documents from ``paths`` one at a time."""
    for source, rel in expand(paths, options):
        if is_jsonl(source, options):
            yield from _read_jsonl(source, rel, options)
        else:
            yield InputDoc(id=source if source != "-" else "-", text=_read_text(source), source=source, relpath=rel)


def _open_binary(source: str):
    if source == "-":
        return sys.stdin.buffer
    if source.endswith(".gz"):
        return gzip.open(source, "rb")
    return open(source, "rb")


def _read_text(source: str) -> str:
    try:
        stream = _open_binary(source)
        data = stream.read()
        if stream is not sys.stdin.buffer:
            stream.close()
    except OSError as exc:
        raise InputError(source, None, f"cannot read: {exc.strerror or exc}") from None
    return _decode(data, source, None)


def _decode(data: bytes, source: str, line: int | None) -> str:
    try:
        return data.decode("utf-8-sig" if line in (None, 1) else "utf-8")
    except UnicodeDecodeError as exc:
        where = line or data.count(b"\n", 0, exc.start) + 1
        cause = f"not valid UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start})"
        raise InputError(source, where, cause) from None


def _read_jsonl(source: str, rel: str, options: ReadOptions) -> Iterator[InputDoc]:
    try:
        stream = _open_binary(source)
    except OSError as exc:
        raise InputError(source, None, f"cannot read: {exc.strerror or exc}") from None
    with stream if stream is not sys.stdin.buffer else io.BytesIO(stream.read()) as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(_decode(raw, source, number))
            except json.JSONDecodeError as exc:
                raise InputError(source, number, f"not valid JSON: {exc.msg} (column {exc.colno})") from None
            if not isinstance(record, dict):
                raise InputError(source, number, f"a JSONL record must be an object, not {type(record).__name__}")
            if options.text_field not in record:
                raise InputError(source, number, f"record has no {options.text_field!r} field")
            text = record[options.text_field]
            if not isinstance(text, str):
                raise InputError(source, number, f"field {options.text_field!r} is {type(text).__name__}, not a string")
            doc_id = record.get(options.id_field)
            metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}
            yield InputDoc(
                id=str(doc_id) if doc_id is not None else f"{source}:{number}",
                text=text, source=source, relpath=rel, line=number, record=record, metadata=dict(metadata),
            )
