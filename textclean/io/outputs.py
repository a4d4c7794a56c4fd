"""Writing cleaned documents: stdout, one file, or a folder mirroring the input shards.

Files are written under a temporary name beside their final one and renamed
when complete, so an interrupted run leaves either the old file or the whole
new one under the final name, never a partial one. What is at a path is never
destroyed (:func:`write_target`): a symbolic link is followed to the file it
names, which is replaced, and a device, FIFO or other special file is written
through. A temporary file carries the pid of the process writing it, which holds
a lock on it while it lives, so ``--resume`` removes only those of runs that ended.
"""
from __future__ import annotations

import atexit
import gzip
import io
import json
import math
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Protocol

from ..model.document import Result
from .extras import has_extra, needs_extra
from .inputs import InputDoc, InputError, ReadOptions, input_format, json_problem, open_binary

try:
    import fcntl
except ImportError:  # not on Windows, where a file open for writing cannot be removed anyway
    fcntl = None  # type: ignore[assignment]

TMP_PREFIX = ".textclean-"


class OutputError(ValueError):
    """Output that cannot be written. ``usage``: the output asked for cannot be (a path taken by an
    input or another output, a folder where a file must go); the command line exits 2 for it."""

    def __init__(self, message: str, usage: bool = False):
        super().__init__(message)
        self.usage = usage


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """Turn an OSError while writing ``path`` into an OutputError that names it."""
    try:
        yield
    except OSError as exc:
        culprit = f" ({exc.filename})" if exc.filename and TMP_PREFIX not in str(exc.filename) else ""
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}{culprit}") from None


@dataclass(frozen=True)
class WriteTarget:
    """Where writing a path goes: ``through`` a special file (a device, a FIFO, a socket, or a descriptor
    such as /dev/stdout), which is opened and written, never renamed over; else the file itself, or the
    one a symbolic link leads to, which a complete temporary file replaces."""

    path: Path
    through: bool


_DESCRIPTOR = re.compile(r"/proc/(?:self|thread-self|\d+)(?:/task/\d+)?/fd/\d+|/dev/fd/\d+")


def write_target(path: Path) -> WriteTarget:
    """How to write ``path`` without destroying what is there (the one place that decides it)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return WriteTarget(Path(os.path.realpath(path)), False)
    if not stat.S_ISREG(mode) or _names_descriptor(path):
        return WriteTarget(path, True)
    return WriteTarget(Path(os.path.realpath(path)), False)


def _names_descriptor(path: Path) -> bool:
    """Whether ``path`` is, or links to, an open descriptor (/dev/stdout, /dev/fd/N, /proc/self/fd/N):
    replacing the file behind it would drop what the shell wrote there before (``>>``)."""
    name = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        if _DESCRIPTOR.fullmatch(name):
            return True
        if not os.path.islink(name):
            return False
        name = os.path.normpath(os.path.join(os.path.dirname(name), os.readlink(name)))
    return False


def _open_through(path: Path) -> int:
    """A special file opened for writing (a FIFO waits for its reader), appending where that means anything."""
    return os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0))


#: Temporary files this process has made and neither renamed nor removed. Those left at exit (made as a stop
#: signal came, before their writer was known to anyone who could remove them) are removed then.
_LIVE_TEMPORARIES: set[str] = set()
#: ``.textclean-<final name>.<pid>-<random>.tmp``: the pid of the process that writes it.
_TEMPORARY_PID = re.compile(r"\.(\d+)-[0-9a-f]+\.tmp$")


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path``, locked by this process until its descriptor is closed: the
    descriptor and the name, known in _LIVE_TEMPORARIES before the file exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        name = str(path.parent / f"{TMP_PREFIX}{path.name}.{os.getpid()}-{secrets.token_hex(6)}.tmp")
        _LIVE_TEMPORARIES.add(name)
        try:
            fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        except FileExistsError:
            _LIVE_TEMPORARIES.discard(name)
            continue
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd, name


def _rename_temporary(name: str, path: Path) -> None:
    os.replace(name, path)
    _LIVE_TEMPORARIES.discard(name)


def _remove_temporary(name: str) -> None:
    if os.path.exists(name):
        os.unlink(name)
    _LIVE_TEMPORARIES.discard(name)


def _deliver(name: str, target: WriteTarget) -> None:
    """Put the complete temporary file ``name`` at ``target``: renamed over its file, or copied through."""
    if not target.through:
        _rename_temporary(name, target.path)
        return
    with open(name, "rb") as source, os.fdopen(_open_through(target.path), "wb") as sink:
        shutil.copyfileobj(source, sink)
    _remove_temporary(name)


@atexit.register
def _remove_live_temporaries() -> None:
    for name in list(_LIVE_TEMPORARIES):
        try:
            _remove_temporary(name)
        except OSError:
            pass


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the temporary files that runs which ended (killed) left under ``folder``; return them.
    One whose writer still runs (its pid is alive, or it holds the file's lock) stays."""
    stale = []
    for path in folder.rglob(f"{TMP_PREFIX}*.tmp") if folder.is_dir() else ():
        if _remove_if_stale(path):
            stale.append(path)
    return stale


def _remove_if_stale(path: Path) -> bool:
    found = _TEMPORARY_PID.search(path.name)
    if found and _process_alive(int(found.group(1))):
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False  # its run has just renamed or removed it
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # a live run (on this machine or another) writes it
        path.unlink(missing_ok=True)
        return True
    finally:
        os.close(fd)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid < 2 ** 31  # another user's process
    return True


class AtomicWriter:
    """A text file that appears under ``path`` only once it is completely written.

    ``.gz`` and ``.zst`` names are compressed. ``mode`` sets the permission bits;
    by default a new file gets the ones the umask allows, like any file a program creates.
    An OSError becomes an OutputError naming ``path``; a failed commit leaves no temporary.
    """

    def __init__(self, path: Path, mode: int | None = None):
        self.path, self.mode = path, mode
        with _naming(path):
            self.target = write_target(path)
            if self.target.through:
                fd, self.tmp = _open_through(self.target.path), None
            else:
                fd, self.tmp = _temp_beside(self.target.path)
        self._raw = os.fdopen(fd, "wb")
        self.stream = self._text_stream()

    def _text_stream(self) -> IO[str]:
        if self.path.name.endswith(".gz"):
            return gzip.open(self._raw, "wt", encoding="utf-8", newline="")
        if self.path.name.endswith((".zst", ".zstd")):
            import zstandard
            compressor = zstandard.ZstdCompressor().stream_writer(self._raw, closefd=False)
            return io.TextIOWrapper(compressor, encoding="utf-8", newline="")
        return open(self._raw.fileno(), "w", encoding="utf-8", newline="", closefd=False)

    def write(self, text: str) -> None:
        with _naming(self.path):
            self.stream.write(text)

    def commit(self) -> None:
        try:
            with _naming(self.path):
                self.stream.close()
                self._raw.flush()
                if self.tmp is not None:  # renamed while its descriptor, and so its lock, is held
                    os.fsync(self._raw.fileno())
                    os.chmod(self._raw.fileno(), self.mode if self.mode is not None else _default_mode())
                    _rename_temporary(self.tmp, self.target.path)
                self._raw.close()
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        if self.tmp is not None:
            _remove_temporary(self.tmp)
        for closeable in (self.stream, self._raw):
            try:
                closeable.close()
            except (OSError, ValueError):
                pass


def log_records(path: Path | str) -> Iterator[tuple[int, Any, str]]:
    """(line number, record, line ending in a newline) of each line of a JSONL log a run wrote.

    An InputError names a line that is not JSON, or a file that cannot be read or is not UTF-8;
    a FileNotFoundError is left to the caller.
    """
    try:
        with io.TextIOWrapper(open_binary(str(path)), encoding="utf-8") as stream:  # .gz and .zst as written
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                yield number, log_record(path, number, line), line if line.endswith("\n") else line + "\n"
    except FileNotFoundError:
        raise
    except (OSError, EOFError) as exc:
        raise InputError(str(path), None, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    except UnicodeDecodeError:
        raise InputError(str(path), None, "not UTF-8 text") from None


def log_record(path: Path | str, number: int, line: str) -> Any:
    """Line ``number`` of the log at ``path`` as JSON; an InputError naming the line when it is not."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), number, f"not JSON: {json_problem(exc)} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(str(path), number, "nested too deeply to be a record textclean wrote") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise InputError(str(path), number, f"not a record textclean wrote: {exc}") from None


def earlier_records(path: Path) -> Iterator[tuple[int, Any, str]]:
    """The records of the log an earlier run wrote at ``path`` (see :func:`log_records`); none when there is none."""
    try:
        yield from log_records(path)
    except FileNotFoundError:
        return


def jsonl_record(doc: InputDoc, result: Result, text_field: str, id_field: str) -> dict[str, Any]:
    """The input record with the cleaned text and its metadata (the input's fields and the extracted ones);
    other fields untouched. A null or absent ``metadata`` stays so when nothing was extracted."""
    record = dict(doc.record) if doc.record is not None else {id_field: doc.id}
    record[text_field] = result.text
    if result.metadata or record.get("metadata") is not None:
        record["metadata"] = result.metadata
    return record


def json_text(value: Any) -> str:
    """``value`` as JSON, always valid JSON: a NaN or infinite float (which Parquet holds and JSON has no
    word for) becomes null. Other values JSON has no type for are written as strings."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(value), ensure_ascii=False, default=str, allow_nan=False)


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float in it replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def parquet_row(doc: InputDoc, result: Result, text_field: str, id_field: str, metadata_column: bool = True
                ) -> dict[str, Any]:
    """The row of a document in a Parquet output: its JSONL record, with metadata as a JSON string (the input's
    own string, as it was, when the run added no field to it). ``metadata_column`` False: a row whose document
    has no metadata gets none (undo gives back the columns the input had)."""
    row = jsonl_record(doc, result, text_field, id_field)
    given = doc.record.get("metadata") if doc.record is not None else None
    if isinstance(given, str) and result.metadata == doc.metadata:
        row["metadata"] = given
    elif row.get("metadata") is not None or ("metadata" not in row and metadata_column):
        row["metadata"] = json_text(result.metadata)
    return row


@dataclass(frozen=True)
class DocumentForm:
    """What an output holds for a cleaned document, by the format of the file it goes to: its JSONL line, its
    text, or its Parquet row. Made where the document is cleaned (by a worker, in a run with ``--jobs``), and
    written in input order by :class:`Output`."""

    fmt: str
    folder: bool
    formats: Mapping[str, str]  # relative path of an input shard -> the format of its output, in a folder
    text_field: str = "text"
    id_field: str = "id"
    metadata_column: bool = True

    def format_of(self, relpath: str) -> str:
        return self.formats[relpath] if self.folder else self.fmt

    def record_for(self, doc: InputDoc, result: Result) -> dict[str, Any] | str:
        """A document's record (JSONL) or row (Parquet), or its text."""
        fmt = self.format_of(doc.relpath)
        if fmt == "parquet":
            return parquet_row(doc, result, self.text_field, self.id_field, self.metadata_column)
        return jsonl_record(doc, result, self.text_field, self.id_field) if fmt == "jsonl" else result.text

    def of(self, doc: InputDoc, result: Result) -> str | dict[str, Any]:
        """What is written for a document: its JSONL line, its text, or its Parquet row."""
        form = self.record_for(doc, result)
        return json_text(form) + "\n" if self.format_of(doc.relpath) == "jsonl" else form


class ShardWriter(Protocol):
    def write(self, form: Any, origin: str) -> None: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...


class _TextShard:
    """Plain text or JSONL (one record per line).

    In plain text every document starts on a line of its own: a newline follows a document that
    does not end with one when another comes after it, so one document is written as it is.
    """

    def __init__(self, path: Path | None, fmt: str):
        self.fmt = fmt
        self.writer = AtomicWriter(path) if path else None
        self._line_open = False  # the text written so far does not end with a newline

    def write(self, form: str, origin: str) -> None:
        """Write a document's JSONL line, or its text (see :class:`DocumentForm`)."""
        if self.fmt == "jsonl":
            line = form
        else:
            line = ("\n" if self._line_open and form else "") + form
            if form:
                self._line_open = not form.endswith("\n")
        if self.writer:
            self.writer.write(line)
        else:
            sys.stdout.write(line)

    def commit(self) -> None:
        if self.writer:
            self.writer.commit()
        else:
            sys.stdout.flush()

    def abort(self) -> None:
        if self.writer:
            self.writer.abort()


class _ParquetShard:
    """Parquet rows: the input columns, the cleaned text, and metadata as a JSON string column
    (a row's own string, as it was, when the run added no field to it).

    Rows are written 2048 at a time. A Parquet file has one schema: when a later row has a new
    field or a wider type (null to string, int to float), the rows already written are written
    again under the wider schema, one row group at a time. A row whose values fit no common
    schema (an id that is an int, then a string) is an OutputError naming its input line.
    """

    _ROWS_PER_GROUP = 2048

    def __init__(self, path: Path, text_field: str, id_field: str, metadata_column: bool = True):
        import pyarrow.parquet  # noqa: F401  (fail early when the extra is missing)
        self.path, self.text_field, self.id_field = path, text_field, id_field
        self.metadata_column = metadata_column  # False: a row without metadata gets none (undo gives rows back)
        # Parquet is written whole before it goes through a special file: it reads back what it wrote (_rewrite)
        with _naming(path):
            self.target = write_target(path)
            self._fd, self.tmp = _temp_beside(self.target.path if not self.target.through
                                              else Path(tempfile.gettempdir()) / path.name)
        self.rows: list[dict[str, Any]] = []
        self.origins: list[str] = []  # where each row was read, for errors
        self.writer = None

    def write(self, row: dict[str, Any], origin: str) -> None:
        self.rows.append(row)
        self.origins.append(origin)
        if len(self.rows) >= self._ROWS_PER_GROUP:
            with _naming(self.path):
                self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq
        if not self.rows:
            return
        table, schema = self._fitted()
        if self.writer is not None and schema != self.writer.schema:
            self._rewrite(schema)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp, schema)
        self.writer.write_table(table if table.schema == schema else pa.Table.from_pylist(self.rows, schema=schema))
        self.rows, self.origins = [], []

    def _fitted(self) -> tuple[Any, Any]:
        """The rows as a table with every field any of them has, and the schema of the rows written widened
        to hold them; OutputError naming the first row that fits no schema in common with the rows before it."""
        import pyarrow as pa
        written = self.writer.schema if self.writer else None
        names = dict.fromkeys(name for row in self.rows for name in row)
        try:
            table = pa.Table.from_pydict({name: [row.get(name) for row in self.rows] for name in names})
            return table, _unified(written, table.schema)
        except (pa.ArrowException, OverflowError):
            pass
        schema = written
        for origin, row in zip(self.origins, self.rows, strict=True):
            try:
                schema = _unified(schema, pa.Table.from_pylist([row]).schema)
            except (pa.ArrowException, OverflowError) as exc:
                raise OutputError(f"{self.path}: the record from {origin} does not fit the Parquet columns of the "
                                  f"records before it ({exc}); write JSONL instead, or give the field one type") \
                    from None
        return pa.Table.from_pylist(self.rows, schema=schema), schema

    def _rewrite(self, schema: Any) -> None:
        """Write the rows so far again under ``schema``, one row group at a time."""
        import pyarrow as pa
        import pyarrow.parquet as pq
        self.writer.close()
        self.writer = None
        written, written_fd = self.tmp, self._fd
        self._fd, self.tmp = _temp_beside(Path(written).with_name(self.path.name))
        try:
            self.writer = pq.ParquetWriter(self.tmp, schema)
            for batch in pq.ParquetFile(written).iter_batches(batch_size=self._ROWS_PER_GROUP):
                self.writer.write_table(pa.Table.from_pylist(batch.to_pylist(), schema=schema))
        finally:
            _remove_temporary(written)
            os.close(written_fd)

    def commit(self) -> None:
        try:
            with _naming(self.path):
                self._flush()
                if self.writer is None:
                    import pyarrow as pa
                    import pyarrow.parquet as pq
                    columns = (self.id_field, self.text_field, *(("metadata",) if self.metadata_column else ()))
                    pq.write_table(pa.table({name: pa.array([], pa.string()) for name in columns}), self.tmp)
                else:
                    self.writer.close()
                os.chmod(self.tmp, _default_mode())
                _deliver(self.tmp, self.target)
                os.close(self._fd)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        _remove_temporary(self.tmp)
        try:
            os.close(self._fd)
        except OSError:
            pass


def _unified(schema: Any, other: Any) -> Any:
    """One schema holding both (``schema`` may be None), types widened where Arrow can."""
    import pyarrow as pa
    return other if schema is None else pa.unify_schemas([schema, other], promote_options="permissive")


class PathClaims:
    """The files a run reads and writes, each with what it is: no two may be one file, none a folder."""

    def __init__(self, inputs: Iterable[Path] = ()):
        self._owners = {path.resolve(): "an input file" for path in inputs}

    def claim(self, path: Path, what: str) -> None:
        """Take ``path`` for ``what`` (again), or raise OutputError when a folder or something else has it."""
        resolved = path.resolve()
        if self._owners.get(resolved) == what:
            return
        if resolved in self._owners:
            raise OutputError(f"{path}: refusing to overwrite {self._owners[resolved]} with {what}; "
                              "choose another path", usage=True)
        if resolved.is_dir():
            raise OutputError(f"{path}: is a folder; {what} must be a file", usage=True)
        self._owners[resolved] = what


#: The suffix a folder output gives a text shard written in another format.
FORMAT_SUFFIXES = {"jsonl": ".jsonl", "parquet": ".parquet"}
_FILE_FORMATS = {".txt": "text", ".text": "text", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


def is_folder_output(output: str | None, inputs: Iterable[str]) -> bool:
    """Whether ``-o`` names a folder: one that exists, a path ending in '/', or, when a folder is
    among the inputs, a path without a suffix. Any other path is one file."""
    if not output:
        return False
    if Path(output).is_dir() or output.endswith(("/", os.sep)):
        return True
    if os.path.lexists(output):  # a file, a device such as /dev/null, a FIFO, a link to one of them
        return False
    return not Path(output).suffix and any(Path(p).is_dir() for p in inputs)


def output_format(requested: str, output: str | None, paths: Sequence[str], files: Sequence[tuple[str, str]],
                  folder: bool, read: ReadOptions) -> str:
    """The output format: ``--format``, or what :func:`auto_format` gives for auto. An OutputError (usage) when
    --format contradicts the format the -o file's suffix names, or asks for Parquet with no -o (stdout)."""
    if requested == "auto":
        return auto_format(output, paths, files, folder, read)
    named = file_format(output) if output and not folder else None
    if named and named != requested:
        raise OutputError(f"{output}: --format {requested} contradicts the file name, which says {named}; "
                          "drop --format or name the file for it", usage=True)
    if requested == "parquet" and not output:
        raise OutputError("--format parquet needs -o FILE or -o FOLDER: Parquet is not written to stdout", usage=True)
    return requested


def auto_format(output: str | None, paths: Sequence[str], files: Sequence[tuple[str, str]], folder: bool,
                read: ReadOptions) -> str:
    """The output format --format auto gives: the -o file's suffix; else text for a folder output or one text
    file given alone; else JSONL."""
    named = file_format(output) if output and not folder else None
    one_text_file = len(paths) == 1 and not Path(paths[0]).is_dir() and input_format(files[0][0], read) == "text"
    return named or ("text" if folder or one_text_file else "jsonl")


def file_format(output: str) -> str | None:
    """The format a file output's suffix names (.txt .text, .jsonl .ndjson with .gz or .zst, .parquet), or None."""
    name = output.lower()
    for ending in (".gz", ".zst", ".zstd"):
        name = name.removesuffix(ending)
    return _FILE_FORMATS.get(Path(name).suffix)


class Output:
    """Where cleaned documents go: stdout (``target`` None), one file, or a folder mirroring the shards.

    ``fmt`` is 'text', 'jsonl' or 'parquet'. In a folder, JSONL and Parquet shards keep their format
    and name; a text shard is written in ``fmt``, its suffix replaced by that format's (a.txt ->
    a.jsonl). ``side_files`` (what each is, e.g. 'the --edits file', and its path) are other files the
    run writes: no two of them, the inputs and the output may be one file.
    """

    def __init__(self, target: str | None, fmt: str, text_field: str = "text", id_field: str = "id",
                 folder: bool = False, inputs: frozenset[Path] | set[Path] = frozenset(),
                 side_files: Mapping[str, Path] | None = None, metadata_column: bool = True):
        self.fmt, self.text_field, self.id_field = fmt, text_field, id_field
        self.metadata_column = metadata_column
        self.target = Path(target) if target else None
        self.folder = folder
        self._claims = PathClaims(inputs)
        self._shards: dict[str, tuple[Path, str]] = {}  # relative path -> output file and format, in a folder
        self.form = DocumentForm(fmt, folder, {}, text_field, id_field, metadata_column)
        self._shard: ShardWriter | None = None
        self._key: str | None = None
        self._written: set[str] = set()  # the shards committed, by relative path ('' for one file)
        if self.target and not folder:
            self._claim(self.target, "the output", fmt)
        for what, path in (side_files or {}).items():
            self._claim(path, what, "jsonl")

    def _claim(self, path: Path, what: str, fmt: str) -> None:
        """Claim ``path`` for ``what``; an OutputError (usage) when writing it as ``fmt`` needs an extra
        that is not installed."""
        self._claims.claim(path, what)
        if fmt == "parquet" and not has_extra("parquet"):
            raise OutputError(f"{path}: {needs_extra('writing Parquet', 'parquet')}", usage=True)
        if path.name.endswith((".zst", ".zstd")) and not has_extra("zstd"):
            raise OutputError(f"{path}: {needs_extra('writing .zst', 'zstd')}", usage=True)

    def claim_shards(self, files: Iterable[tuple[str, str, str]]) -> None:
        """Reserve the output file of every (source, relative path, input format) shard before any is written."""
        if not self.folder or not self.target:
            return
        for source, relpath, input_fmt in files:
            fmt = input_fmt if input_fmt != "text" else self.fmt
            path = self.target / relpath
            if input_fmt == "text" and fmt != "text":
                path = path.with_name(path.stem + FORMAT_SUFFIXES[fmt])
            self._claim(path, f"the output of {source}", fmt)
            self._shards[relpath] = (path, fmt)
        self.form = replace(self.form, formats={relpath: fmt for relpath, (_, fmt) in self._shards.items()})

    def path_for(self, relpath: str) -> Path | None:
        """The output file of a claimed input shard, or None when writing to stdout or one file."""
        return self._shards[relpath][0] if self.folder and self.target else None

    def log_name(self, relpath: str) -> str:
        """What the edit log calls the output of an input shard: its path under the folder, the file's name,
        or '-' for stdout."""
        path = self.path_for(relpath)
        if path is not None:
            return path.relative_to(self.target).as_posix()
        return self.target.name if self.target else "-"

    def format_of(self, relpath: str) -> str:
        """The format ('text', 'jsonl' or 'parquet') of the output an input shard's documents go to."""
        return self.form.format_of(relpath)

    def record_for(self, doc: InputDoc, result: Result) -> dict[str, Any] | str:
        """What ``write`` writes for a document: its record (JSONL) or row (Parquet), or its text."""
        return self.form.record_for(doc, result)

    def write(self, doc: InputDoc, result: Result) -> None:
        self.write_form(doc.relpath, self.form.of(doc, result), f"{doc.source}:{doc.line}" if doc.line else doc.source)

    def write_form(self, relpath: str, form: str | dict[str, Any], origin: str) -> None:
        """Write what :attr:`form` made for a document of the input shard ``relpath``, read at ``origin``
        (``file:line``, or the file), which an error names."""
        self._start(relpath if self.folder else "")
        self._shard.write(form, origin)

    def _start(self, key: str) -> None:
        if key != self._key:
            self._commit_shard()
            self._shard, self._key = self._open(key), key

    def _open(self, relpath: str) -> ShardWriter:
        if self.folder:
            path, fmt = self._shards[relpath]
        else:
            path, fmt = self.target, self.fmt
        if fmt == "parquet":  # never to stdout: output_format refuses it
            return _ParquetShard(path, self.text_field, self.id_field, self.metadata_column)
        return _TextShard(path, fmt)

    def finish_shard(self, relpath: str) -> None:
        """An input shard is complete: in a folder, commit its output so it appears under its final name,
        as an empty file when it had no documents."""
        if self.folder and relpath not in self._written:
            self._start(relpath)
            self._commit_shard()

    def _commit_shard(self) -> None:
        if self._shard is not None:
            self._shard.commit()
            self._written.add(self._key)
            self._shard, self._key = None, None

    def close(self, ok: bool = True) -> None:
        """Commit the open shard (an empty file when one file got no documents), or on failure drop it
        so nothing partial remains."""
        if ok:
            if self.target and not self.folder and "" not in self._written:
                self._start("")
            self._commit_shard()
        elif self._shard is not None:
            self._shard.abort()
            self._shard, self._key = None, None
