"""Reading documents: text files, folders of them, stdin, JSONL (plain, gzip, zstd) and Parquet.

Readers stream: one document at a time, in constant memory per shard. Input
that cannot be used becomes a :class:`Reject` (file, line, reason) instead of
stopping the run; the caller decides whether a reject is fatal.
"""
from __future__ import annotations

import codecs
import contextlib
import fnmatch
import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .extras import needs_extra

DEFAULT_INCLUDE = ("*.txt", "*.text", "*.jsonl", "*.jsonl.gz", "*.jsonl.zst", "*.ndjson", "*.parquet")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".jsonl.zst", ".jsonl.zstd", ".ndjson.zst")
ENCODING_POLICIES = ("strict", "replace", "skip")
BINARY_SNIFF_BYTES = 8192
#: The largest document read by default: a text file, a JSONL line or a Parquet text, in bytes. Cleaning one
#: takes about 25 times its size in memory (benchmarks/bench_memory.py), so this bounds a run's memory.
DEFAULT_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
_DRAIN_BYTES = 1 << 20
#: The encodings byte-order marks other than UTF-8's name (UTF-32's little-endian mark starts with UTF-16's).
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# A JSON escape of a UTF-16 surrogate: a pair gives one character, a lone one a string UTF-8 cannot encode.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class InputError(ValueError):
    """Input that cannot be read at all: names the file, the line and the cause.

    ``usage``: the command was called wrongly (a path that does not exist, an option that does not
    fit), rather than the input being bad; the command line exits 2 for it, not 1.
    """

    def __init__(self, source: str, line: int | None, message: str, usage: bool = False):
        self.source, self.line, self.reason, self.usage = source, line, message, usage
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass
class InputDoc:
    id: str
    text: str
    source: str  # the file it came from, '-' for stdin
    relpath: str  # path relative to the input root, mirrored under an output folder
    line: int | None = None  # JSONL line or Parquet row number, from 1
    record: dict[str, Any] | None = None  # the whole JSONL record or Parquet row
    metadata: dict[str, Any] = field(default_factory=dict)
    decoded_as: str | None = None  # an encoding other than UTF-8 it was read with, or 'utf-8+replace'
    size: int = 0  # bytes it took in the input file, for progress


@dataclass(frozen=True)
class RawLine:
    """A JSONL line as read, not yet parsed: its bytes, or its length when it is longer than a document may be.
    Parsed by :meth:`document` where the work is, a worker process in a run with ``--jobs``."""

    source: str
    relpath: str
    line: int
    raw: bytes | int

    def document(self, options: ReadOptions) -> InputDoc | Reject:
        return jsonl_document(self.raw, self.line, self.source, self.relpath, options)


@dataclass(frozen=True)
class Reject:
    """A document or file that could not be used, and why."""

    source: str
    line: int | None
    reason: str
    raw: str | None = None

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}" if self.line else f"{self.source}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "reason": self.reason, "raw": self.raw}


@dataclass(frozen=True)
class ReadOptions:
    text_field: str = "text"
    id_field: str = "id"
    include: Sequence[str] = DEFAULT_INCLUDE
    exclude: Sequence[str] = ()
    input_format: str = "auto"  # auto | text | jsonl | parquet
    encoding_errors: str = "strict"  # strict | replace | skip, for bytes that are not UTF-8
    max_document_bytes: int | None = DEFAULT_MAX_DOCUMENT_BYTES  # a larger document is a Reject; None: no ceiling


def input_format(path: str, options: ReadOptions) -> str:
    if options.input_format != "auto":
        return options.input_format
    if path == "-":
        return _stdin_format(options.text_field)
    if path.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if path.endswith(".parquet"):
        return "parquet"
    return "text"


def expand(paths: Sequence[str], options: ReadOptions, output_folder: Path | None = None) -> list[tuple[str, str]]:
    """(file, relative path) pairs for the given files, folders and '-', in a stable order.

    Files under ``output_folder`` (a run's output) are not taken from an input folder it lies
    inside, and stderr says how many were passed over; an output folder that is an input folder is left
    to be refused for what it would overwrite.
    A file given twice (or given and found again in a folder given) is a usage InputError.
    """
    found = []
    output = output_folder.resolve() if output_folder is not None else None
    for raw in paths:
        if raw == "-":
            found.append(("-", "stdin"))
            continue
        path = Path(raw)
        if path.is_dir():
            inside = output is not None and output != path.resolve() and output.is_relative_to(path.resolve())
            passed_over = 0
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                if inside and file.resolve().is_relative_to(output):
                    passed_over += 1
                    continue
                rel = file.relative_to(path).as_posix()
                if _selected(rel, options):
                    found.append((str(file), rel))
            if passed_over:
                print(f"textclean: not reading the {passed_over} file(s) under {output_folder}, the output folder "
                      f"inside the input folder {raw}", file=sys.stderr)
        elif path.is_file():
            found.append((raw, path.name))
        else:
            raise InputError(raw, None, "no such file or folder", usage=True)
    _refuse_repeats(found)
    return found


def _refuse_repeats(found: list[tuple[str, str]]) -> None:
    first: dict[Path | str, str] = {}
    for source, _ in found:
        key = source if source == "-" else Path(source).resolve()
        if key in first:
            also = f" (also as {first[key]})" if first[key] != source else ""
            raise InputError(source, None, f"given twice{also}, by name or within a folder given; give each input "
                             "file once", usage=True)
        first[key] = source


def _selected(rel: str, options: ReadOptions) -> bool:
    name = rel.rsplit("/", 1)[-1]

    def matches(patterns: Sequence[str]) -> bool:
        return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)

    return matches(options.include) and not matches(options.exclude)


def read_shard(source: str, rel: str, options: ReadOptions, raw_lines: bool = False
               ) -> Iterator[InputDoc | Reject | RawLine]:
    """Every document of one input file, or rejects where a document cannot be read; with ``raw_lines``, the
    lines of a JSONL file as :class:`RawLine`, for the caller to parse."""
    fmt = input_format(source, options)
    if fmt == "jsonl":
        return _read_jsonl(source, rel, options, raw_lines)
    if fmt == "parquet":
        return _read_parquet(source, rel, options)
    return _read_text(source, rel, options)


def read_documents(paths: Sequence[str], options: ReadOptions = ReadOptions()) -> Iterator[InputDoc | Reject]:
    for source, rel in expand(paths, options):
        yield from read_shard(source, rel, options)


def open_binary(source: str) -> IO[bytes]:
    """A file as bytes (``"-"`` too names a file), decompressed by suffix: .gz, .zst/.zstd."""
    if source.endswith(".gz"):
        return gzip.open(source, "rb")
    if source.endswith((".zst", ".zstd")):
        return io.BufferedReader(_ZstdFile(source))
    return open(source, "rb")


class _ZstdFile(io.RawIOBase):
    """The bytes of a .zst file, frame after frame; EOFError when the file ends inside a frame.

    zstandard's own stream_reader gives a truncated file's bytes as if they were all of it.
    """

    _READ_SIZE = 1 << 14

    def __init__(self, source: str):
        try:
            import zstandard
        except ImportError:
            raise InputError(source, None, needs_extra("reading .zst", "zstd")) from None
        self._new_frame = zstandard.ZstdDecompressor().decompressobj
        self._file = open(source, "rb")
        self._frame: Any = None
        self._out, self._pos = b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._pos == len(self._out):
            data = self._file.read(self._READ_SIZE)
            if not data:
                if self._frame is not None and not self._frame.eof:
                    raise EOFError("the file ends inside a zstd frame")
                return 0
            out = []
            while data:
                if self._frame is None or self._frame.eof:
                    self._frame = self._new_frame()
                out.append(self._frame.decompress(data))
                data = self._frame.unused_data if self._frame.eof else b""
            self._out, self._pos = b"".join(out), 0
        size = min(len(buffer), len(self._out) - self._pos)
        buffer[:size] = self._out[self._pos:self._pos + size]
        self._pos += size
        return size

    def close(self) -> None:
        self._file.close()
        super().close()


def _read_errors(source: str) -> tuple[type[Exception], ...]:
    """What reading ``source`` raises when it cannot be read, or is compressed and corrupt or truncated."""
    errors: tuple[type[Exception], ...] = (OSError, EOFError, zlib.error)
    if source.endswith((".zst", ".zstd")):
        try:
            import zstandard
        except ImportError:  # opening the file has said so
            return errors
        errors += (zstandard.ZstdError,)
    return errors


def _unreadable(source: str, exc: Exception, read: int = 0, unit: str = "line") -> InputError:
    """The InputError for a file that stopped being readable after ``read`` lines or rows."""
    cause = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
    after = f" after {unit} {read}" if read else ""
    return InputError(source, None, f"cannot read{after}: {cause}")


def wide_encoding(data: bytes) -> str | None:
    """'utf-16' or 'utf-32' when ``data`` starts with that encoding's byte-order mark, else None."""
    return next((encoding for bom, encoding in _WIDE_BOMS if data.startswith(bom)), None)


def decode(data: bytes, policy: str, text_file: bool = False) -> tuple[str, str | None] | None:
    """Text from bytes and the encoding used when it was not UTF-8; None to skip.

    UTF-8 first, a byte-order mark dropped; otherwise the encoding charset-normalizer
    can tell (see :func:`detect`); otherwise the policy: 'replace' decodes with
    U+FFFD, 'skip' gives None, 'strict' raises UnicodeDecodeError.
    ``text_file``: ``data`` is a whole text file; a UTF-8 byte-order mark stays in
    the text as U+FEFF, and a UTF-16 or UTF-32 one decides the encoding.
    """
    wide = wide_encoding(data) if text_file else None
    if wide:
        try:
            return data.decode(wide), wide
        except UnicodeDecodeError:
            if policy == "strict":
                raise
            if policy == "skip":
                return None
            return data.decode(wide, errors="replace"), f"{wide}+replace"
    try:
        return data.decode("utf-8" if text_file else "utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    detected = detect(data)
    if detected is not None:
        return detected
    if policy == "replace":
        return data.decode("utf-8", errors="replace"), "utf-8+replace"
    if policy == "skip":
        return None
    data.decode("utf-8")  # raises the UnicodeDecodeError that says where
    raise AssertionError("unreachable: the bytes did not decode above")


def detect(data: bytes) -> tuple[str, str] | None:
    """Text and encoding when they can be told: a language is recognised, the text is
    not chaotic, and every equally good candidate encoding gives the same text."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    if best.percent_coherence < 20.0 or best.percent_chaos > 10.0:
        return None
    text = str(best)
    for other in matches[1:]:
        close = other.percent_chaos <= best.percent_chaos and other.percent_coherence >= best.percent_coherence - 5
        if close and str(other) != text:
            return None
    return text, best.encoding


def decode_utf8(data: bytes, source: str) -> str:
    """UTF-8 text (a byte-order mark dropped), or an InputError naming the line and the byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(source, line, f"not valid UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start})") \
            from None


def _utf8_failure(data: bytes) -> str:
    try:
        decode_utf8(data, "")
    except InputError as exc:
        return f"line {exc.line}: {exc.reason}"
    return "not valid UTF-8"


def _text_failure(data: bytes) -> str:
    """Why a whole text file cannot be decoded (see :func:`decode` with ``text_file``)."""
    wide = wide_encoding(data)
    try:
        if wide:
            data.decode(wide)
    except UnicodeDecodeError as exc:
        return f"not valid {wide.upper()} ({exc.reason} at offset {exc.start})"
    return _utf8_failure(data)


def _read_text(source: str, rel: str, options: ReadOptions) -> Iterator[InputDoc | Reject]:
    limit = options.max_document_bytes
    try:
        with _open_source(source) as stream:
            data = stream.read() if limit is None else stream.read(limit + 1)
            if limit is not None and len(data) > limit:
                size = len(data) + _drain(stream.read)
                yield Reject(source, None, _too_large("a text file", size, limit))
                return
    except _read_errors(source) as exc:
        raise _unreadable(source, exc) from None
    if b"\0" in data[:BINARY_SNIFF_BYTES] and not wide_encoding(data):
        yield Reject(source, None, "binary file (NUL bytes), skipped")
        return
    try:
        # A UTF-8 mark stays in the text: removing it is then an edit like any other, which undo reverses.
        decoded = decode(data, options.encoding_errors, text_file=True)
    except UnicodeDecodeError:
        yield Reject(source, None, _text_failure(data) + "; see --encoding-errors")
        return
    if decoded is None:
        yield Reject(source, None, _text_failure(data) + "; skipped (--encoding-errors skip)")
        return
    text, encoding = decoded
    yield InputDoc(id=source, text=text, source=source, relpath=rel, decoded_as=encoding, size=len(data))


def _open_source(source: str) -> contextlib.AbstractContextManager[IO[bytes]]:
    """An input file as bytes (see :func:`open_binary`), or stdin for '-', read as it comes and left open."""
    return _stdin_stream() if source == "-" else open_binary(source)


def _drain(read: Callable[[int], bytes]) -> int:
    """Read to the end of what ``read`` gives, a piece at a time; how many bytes there were."""
    size = 0
    while piece := read(_DRAIN_BYTES):
        size += len(piece)
    return size


def _too_large(what: str, size: int, limit: int) -> str:
    return (f"{what} of {size:,} bytes ({size / 2**20:.1f} MB), more than the {limit:,} bytes "
            f"({limit / 2**20:.1f} MB) a document may hold (--max-document-size); skipped")


def _bounded_lines(stream: IO[bytes], limit: int | None) -> Iterator[bytes | int]:
    """The lines of ``stream``; in place of a line longer than ``limit`` bytes, its length, read in pieces."""
    if limit is None:
        yield from stream
        return
    while line := stream.readline(limit + 1):
        if len(line) <= limit:
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n") and (line := stream.readline(_DRAIN_BYTES)):
            size += len(line)
        yield size


#: How much of stdin is read to tell JSONL from text (more when its first line is longer).
STDIN_SNIFF_BYTES = 1 << 16

# The stdin whose first bytes have been read, those bytes, and the format they tell.
_stdin_head: tuple[Any, bytes, str] | None = None


def _stdin_format(text_field: str) -> str:
    """``jsonl`` when every non-blank line of the start of stdin (at least one whole line) is a JSON object
    with ``text_field``, else ``text``. The bytes read are given back by :func:`_stdin_stream`."""
    global _stdin_head
    stream = sys.stdin.buffer
    if _stdin_head is None or _stdin_head[0] is not stream:
        head, ended = b"", False
        while not ended and (len(head) < STDIN_SNIFF_BYTES or b"\n" not in head):
            chunk = stream.read1(STDIN_SNIFF_BYTES) if hasattr(stream, "read1") else stream.read(STDIN_SNIFF_BYTES)
            head, ended = head + chunk, not chunk
        whole = head if ended else head[:head.rfind(b"\n") + 1]  # the lines read to their end
        _stdin_head = (stream, head, "jsonl" if _all_records(whole, text_field) else "text")
    return _stdin_head[2]


def _all_records(data: bytes, text_field: str) -> bool:
    lines = [line for line in data.splitlines() if line.strip()]
    try:
        return bool(lines) and all(isinstance(record := json.loads(line), dict) and text_field in record
                                   for line in lines)
    except ValueError:  # not JSON, or not UTF-8
        return False


def _stdin_stream() -> IO[bytes]:
    """stdin as bytes, read as it comes, with the first bytes that told its format put back in front."""
    head = _stdin_head[1] if _stdin_head is not None and _stdin_head[0] is sys.stdin.buffer else b""
    return io.BufferedReader(_Prefixed(head, sys.stdin.buffer))


class _Prefixed(io.RawIOBase):
    """``head``, then what ``rest`` gives; closing it leaves ``rest`` open."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size], self._head = self._head[:size], self._head[size:]
            return size
        data = self._rest.read1(len(buffer)) if hasattr(self._rest, "read1") else self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _read_jsonl(source: str, rel: str, options: ReadOptions, raw_lines: bool) -> Iterator[InputDoc | Reject | RawLine]:
    number = 0
    try:
        with _open_source(source) as stream:
            for number, raw in jsonl_lines(stream, options.max_document_bytes):
                yield RawLine(source, rel, number, raw) if raw_lines else jsonl_document(raw, number, source, rel,
                                                                                          options)
    except _read_errors(source) as exc:
        raise _unreadable(source, exc, number) from None


def jsonl_lines(stream: IO[bytes], limit: int | None) -> Iterator[tuple[int, bytes | int]]:
    """(number, bytes) of each line of a JSONL stream that is not blank; a line longer than ``limit`` bytes
    gives its length in place of its bytes (see :func:`jsonl_document`)."""
    for number, raw in enumerate(_bounded_lines(stream, limit), start=1):
        if isinstance(raw, int) or raw.strip():
            yield number, raw


def jsonl_document(raw: bytes | int, number: int, source: str, rel: str, options: ReadOptions) -> InputDoc | Reject:
    """The document of JSONL line ``number`` (its bytes, or its length when it was too long to read), or why
    it cannot be used."""
    if isinstance(raw, int):
        return Reject(source, number, _too_large("a line", raw, options.max_document_bytes))
    shown = raw[:200].decode("utf-8", errors="replace")
    try:
        decoded = decode(raw, options.encoding_errors)
    except UnicodeDecodeError:
        return Reject(source, number, _utf8_failure(raw).split(": ", 1)[1] + "; see --encoding-errors", shown)
    if decoded is None:
        return Reject(source, number, "not valid UTF-8; skipped (--encoding-errors skip)", shown)
    line, encoding = decoded
    try:
        record = json.loads(line.rstrip("\r\n"), parse_float=_finite_float, parse_constant=_not_json_constant)
    except json.JSONDecodeError as exc:
        return Reject(source, number, f"not valid JSON: {json_problem(exc)} (column {exc.colno})", shown)
    except _NumberError as exc:
        return Reject(source, number, str(exc), shown)
    except RecursionError:
        return Reject(source, number, _TOO_DEEP, shown)
    except ValueError:  # the only other one json.loads raises: an integer longer than Python converts
        return Reject(source, number, f"a number has more than {sys.get_int_max_str_digits()} digits, more than "
                                      "Python reads as an integer", shown)
    if raw.count(b"[") + raw.count(b"{") > MAX_NESTING and _nesting(record) > MAX_NESTING:
        return Reject(source, number, _TOO_DEEP, shown)
    surrogate = _lone_surrogate(record) if _SURROGATE_ESCAPE.search(raw) else None
    if surrogate:
        return Reject(source, number, surrogate, shown)
    doc = _record_document(record, number, source, rel, options, shown, encoding)
    if isinstance(doc, InputDoc):
        doc.size = len(raw)
    return doc


#: How deeply a JSONL record may nest arrays and objects: well within what Python's JSON reader and writer
#: and the checks on a record recurse through, so a record read is always a record that can be written.
MAX_NESTING = 500
_TOO_DEEP = f"nested more than {MAX_NESTING} arrays and objects deep"


def _nesting(value: Any) -> int:
    """How many arrays and objects deep a JSON value goes (without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            stack.extend((item, depth) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


class _NumberError(ValueError):
    """A JSON number no float can hold, or a NaN or Infinity, which JSON does not have."""


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NumberError(f"the number {text} is too large for a 64-bit float (it would be written as Infinity, "
                           "which is not JSON)")
    return value


def _not_json_constant(name: str) -> float:
    raise _NumberError(f"not valid JSON: {name} is not a JSON value")


_JSON_PROBLEMS = {
    "Expecting value": "a value is missing",
    "Expecting ',' delimiter": "a comma is missing between two values",
    "Expecting ':' delimiter": "a colon is missing after a key",
    "Expecting property name enclosed in double quotes": "a key is not in double quotes, or a comma is left over",
    "Extra data": "something follows the record on the line",
    "Unterminated string starting at": "a string that starts here is not closed before the line ends",
    "Invalid \\escape": "a backslash starts no escape JSON knows (write \\\\ for a backslash)",
}


def json_problem(exc: json.JSONDecodeError) -> str:
    """What is wrong with a line that is not JSON, in plain words."""
    if exc.msg.startswith("Invalid control character"):
        found = exc.doc[exc.pos] if exc.pos < len(exc.doc) else "\n"
        if found == "\n":
            return "a string is not closed before the line ends"
        return f"a string holds the control character U+{ord(found):04X}, which JSON writes as an escape"
    return _JSON_PROBLEMS.get(exc.msg, exc.msg)


def _lone_surrogate(value: Any, field: str | None = None) -> str | None:
    """Where a JSON value holds a lone surrogate (valid JSON, but no UTF-8 text can hold it), or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            where = f"field {field!r}" if field is not None else "a field name"
            return (f"{where} holds a lone surrogate ({ascii(value[exc.start])[1:-1]} at character {exc.start}), "
                    "which UTF-8 cannot encode")
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _lone_surrogate(key) if isinstance(key, str) else None
        found = found or _lone_surrogate(item, key if isinstance(key, str) else field)
        if found:
            return found
    return None


def _record_document(record: Any, number: int, source: str, rel: str, options: ReadOptions, shown: str | None,
                     encoding: str | None = None, parquet: bool = False) -> InputDoc | Reject:
    if not isinstance(record, dict):
        return Reject(source, number, f"a record must be an object, not {_json_type(record)}", shown)
    if options.text_field not in record:
        return Reject(source, number, f"record has no {options.text_field!r} field", shown)
    text = record[options.text_field]
    if not isinstance(text, str):
        return Reject(source, number, f"field {options.text_field!r} is {_json_type(text)}, not a string", shown)
    doc_id = record.get(options.id_field)
    metadata = metadata_fields(record.get("metadata"), "column 'metadata'" if parquet else "field 'metadata'",
                               json_strings=parquet)
    if isinstance(metadata, str):
        return Reject(source, number, metadata, shown)
    return InputDoc(id=str(doc_id) if doc_id is not None else f"{source}:{number}", text=text, source=source,
                    relpath=rel, line=number, record=record, metadata=metadata, decoded_as=encoding)


def metadata_fields(value: Any, where: str, json_strings: bool) -> dict[str, Any] | str:
    """The fields of a record's metadata, named ``where`` (null or absent: none), or why they cannot be used.

    Extracted fields are merged into it, so it must be an object, or with ``json_strings`` (Parquet
    and Arrow, where one column holds any mix of fields) a JSON object in a string, as textclean writes it.
    """
    if value is None:
        return {}
    if isinstance(value, str) and json_strings:
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return f"{where} holds a string that is not JSON; extracted fields go into it, so it must hold objects"
    if not isinstance(value, dict):
        return f"{where} is {_json_type(value)}, not an object; extracted fields go into it, so rename it to keep it"
    return dict(value)


def _json_type(value: Any) -> str:
    """What a JSON value is, in JSON's words: null, a string, a number, ..."""
    if value is None:
        return "null"
    for kind, name in ((bool, "a boolean"), (str, "a string"), ((int, float), "a number"), (list, "an array"),
                       (dict, "an object")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _read_parquet(source: str, rel: str, options: ReadOptions) -> Iterator[InputDoc | Reject]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(source, None, needs_extra("reading Parquet", "parquet")) from None
    try:
        parquet = pq.ParquetFile(source)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        yield Reject(source, None, f"not a readable Parquet file: {exc}")
        return
    schema = parquet.schema_arrow
    if options.text_field not in schema.names:
        yield Reject(source, None, f"Parquet schema has no {options.text_field!r} column (columns: "
                                   f"{', '.join(schema.names)})")
        return
    import pyarrow as pa
    column_type = schema.field(options.text_field).type
    if not (pa.types.is_string(column_type) or pa.types.is_large_string(column_type)):
        yield Reject(source, None, f"Parquet column {options.text_field!r} is {column_type}, not a string")
        return
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=1024):
            for row in _rows(batch):
                number += 1
                if isinstance(row, UnicodeDecodeError):
                    yield Reject(source, number, f"a string is not valid UTF-8 (byte {row.object[row.start]:#04x} at "
                                                 f"offset {row.start})")
                    continue
                text = row.get(options.text_field)
                if text is None:
                    yield Reject(source, number, f"row has no {options.text_field!r} value (null)")
                    continue
                size = _utf8_size_over(text, options.max_document_bytes)
                if size:
                    yield Reject(source, number, _too_large(f"a {options.text_field!r} value", size,
                                                            options.max_document_bytes))
                    continue
                yield _record_document(row, number, source, rel, options, None, parquet=True)
    except (OSError, pa.ArrowException) as exc:  # a page that cannot be read or decompressed
        raise _unreadable(source, exc, number, "row") from None


def _utf8_size_over(text: str, limit: int | None) -> int | None:
    """The size of ``text`` in UTF-8 when it is over ``limit`` bytes, else None (it is not encoded when its
    length alone tells)."""
    if limit is None or len(text) * 4 <= limit:
        return None
    size = len(text) if text.isascii() else len(text.encode("utf-8", errors="surrogatepass"))
    return size if size > limit else None


def _rows(batch: Any) -> list[dict[str, Any] | UnicodeDecodeError]:
    """The rows of a Parquet record batch; the error in place of a row holding a string that is not UTF-8."""
    try:
        return batch.to_pylist()
    except UnicodeDecodeError:
        pass
    rows: list[dict[str, Any] | UnicodeDecodeError] = []
    for index in range(batch.num_rows):
        try:
            rows.append(batch.slice(index, 1).to_pylist()[0])
        except UnicodeDecodeError as exc:
            rows.append(exc)
    return rows
