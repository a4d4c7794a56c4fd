"""Cleaning Ray Data datasets with textclean's rules (the optional extra ``scrapeclean[ray]``).

    import ray
    from textclean.ray import TextCleanBatch

    ds = ray.data.read_parquet("s3://bucket/crawl/")
    ds = ds.map_batches(TextCleanBatch, fn_constructor_kwargs={"rules": ["my-rules/"], "disable": ["name.younus"]},
                        batch_format="pyarrow", concurrency=8)

Each worker builds one :class:`~textclean.Cleaner` and cleans the text column
of every batch it receives; the other columns pass through. A corpus of JSONL
files goes through :func:`clean_jsonl_with_ray`.
"""
from __future__ import annotations

import io
import json
import math
import pickle
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .io.extras import needs_extra

try:
    import pyarrow as pa
    import ray
    import ray.data
    from ray.data.block import BlockAccessor
    from ray.data.datasource import BlockBasedFileDatasink
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(needs_extra("textclean.ray", "ray")) from exc

from .io.inputs import (
    DEFAULT_MAX_DOCUMENT_BYTES,
    InputDoc,
    InputError,
    ReadOptions,
    Reject,
    jsonl_document,
    jsonl_lines,
    metadata_fields,
)
from .io.outputs import json_text, jsonl_record
from .model.evidence import gather, site_of, url_host
from .pipeline.engine import Cleaner
from .pipeline.rulefile import RuleSet, load_rules
from .runs.report import RunSummary

#: The files clean_jsonl_with_ray reads, by how their names end (Ray infers the compression).
JSONL_EXTENSIONS = ("jsonl", "ndjson", "jsonl.gz", "ndjson.gz", "jsonl.zst", "ndjson.zst")

#: How the metadata column is written: a JSON object as a string, or an Arrow struct.
METADATA_FORMATS = ("json", "struct")


class TextCleanBatch:
    """A callable class for ``Dataset.map_batches``: cleans ``text_column``, writes ``metadata_column``.

    ``rules`` are paths of rule files or folders (read on each worker, so they must exist there) or a
    :class:`~textclean.RuleSet` already loaded; ``shipped``, ``disable`` and ``only`` mean what the
    CLI's ``--no-shipped``, ``--disable`` and ``--only`` mean (``shipped`` is ignored for a RuleSet).
    Batches may be pyarrow Tables, pandas DataFrames or dicts of numpy arrays.

    The metadata column, when the dataset has one, seeds each document's metadata, as the ``metadata``
    field of a JSONL record does in the CLI: a JSON string or a struct, whose null fields (Arrow's
    filling for fields a row lacks) are left out; any other value raises ValueError naming the row,
    since the column is replaced and the value would be lost. It is replaced by the metadata after cleaning:
    ``metadata_as="json"`` writes a JSON string (any mix of fields fits one column), ``"struct"`` a
    struct, where the fields a document lacks are null. A null text passes through unchanged.

    ``marks=True`` is a marks run, as ``Cleaner(marks=True)`` and ``clean --marks``: every text is left whole, and
    what the boilerplate and date-header rules would remove is kept as marks in the metadata field ``marks``
    (:mod:`textclean.model.marks`); unicode repair and the whitespace tidy do not run.
    """

    def __init__(self, rules: Iterable[str | Path] | RuleSet = (), *, disable: Iterable[str] = (),
                 only: Iterable[str] = (), shipped: bool = True, text_column: str = "text",
                 metadata_column: str = "metadata", metadata_as: str = "json", unicode: bool = True,
                 tidy: bool = True, url_column: str = "url", evidence: dict[int, Any] | None = None,
                 marks: bool = False):
        if metadata_as not in METADATA_FORMATS:
            raise ValueError(f"metadata_as must be one of {', '.join(METADATA_FORMATS)}, not {metadata_as!r}")
        ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules, shipped=shipped)
        self.cleaner = Cleaner(ruleset.select(disable, only), unicode=unicode, tidy=tidy, evidence=evidence,
                               marks=marks)
        self.text_column, self.metadata_column, self.metadata_as = text_column, metadata_column, metadata_as
        self.url_column = url_column
        #: The counts of the batches cleaned so far, as the CLI's run summary shows them.
        self.summary = RunSummary(marks_run=marks)

    def __call__(self, batch: Any) -> Any:
        texts, seeds, sites = self._read(batch)
        cleaned, metadata = [], []
        for row, (text, seed, site) in enumerate(zip(texts, seeds, sites, strict=True)):
            if text is None:
                cleaned.append(None)
                metadata.append(seed)
                continue
            result = self.cleaner.clean(text, seed, site)
            self.summary.add(f"row {row}", result, seed)
            cleaned.append(result.text)
            metadata.append(result.metadata)
        if self.metadata_as == "json":
            metadata = [json_text(value) for value in metadata]
        return self._write(batch, cleaned, metadata)

    def _read(self, batch: Any) -> tuple[list[str | None], list[dict[str, Any]], list[str | None]]:
        """The texts, the metadata and the sites (the host of the url column, or of the metadata's url field)."""
        wanted = (self.text_column, self.metadata_column, self.url_column)
        if isinstance(batch, pa.Table):
            columns = {name: batch.column(name).to_pylist() for name in wanted if name in batch.column_names}
        else:  # a pandas DataFrame or a dict of numpy arrays
            columns = {name: list(batch[name]) for name in wanted if name in batch}
        if self.text_column not in columns:
            raise KeyError(f"the batch has no text column {self.text_column!r}")
        texts = [text if isinstance(text, str) else None for text in columns[self.text_column]]
        values = columns.get(self.metadata_column, [None] * len(texts))
        seeds = [_seed(value, row, self.metadata_column) for row, value in enumerate(values)]
        urls = columns.get(self.url_column, [None] * len(texts))
        sites = [url_host(url) or url_host(seed.get(self.url_column)) for url, seed in zip(urls, seeds, strict=True)]
        return texts, seeds, sites

    def _write(self, batch: Any, texts: list[str | None], metadata: list[Any]) -> Any:
        if isinstance(batch, pa.Table):
            for name, values in ((self.text_column, pa.array(texts, pa.string())),
                                 (self.metadata_column, pa.array(metadata))):
                index = batch.column_names.index(name) if name in batch.column_names else -1
                batch = batch.set_column(index, name, values) if index >= 0 else batch.append_column(name, values)
            return batch
        if isinstance(batch, dict):
            import numpy as np
            return {**batch, self.text_column: np.array(texts, dtype=object),
                    self.metadata_column: np.array(metadata, dtype=object)}
        batch = batch.copy(deep=False)
        batch[self.text_column] = texts
        batch[self.metadata_column] = metadata
        return batch


def _seed(value: Any, row: int, column: str) -> dict[str, Any]:
    """A document's metadata before cleaning, from a JSON string, a struct row or nothing; anything
    else is an error, as in the CLI, rather than metadata lost when the column is written."""
    if isinstance(value, float) and math.isnan(value):  # pandas' null
        value = None
    fields = metadata_fields(value, f"column {column!r}", json_strings=True)
    if isinstance(fields, str):
        raise ValueError(f"row {row} of the batch ({value!r:.60}): {fields}")
    return {key: item for key, item in fields.items() if item is not None}


def clean_jsonl_with_ray(input_paths: Iterable[str | Path], output_dir: str | Path, *,
                         rules: Iterable[str | Path] | RuleSet = (), disable: Iterable[str] = (),
                         only: Iterable[str] = (), shipped: bool = True, text_column: str = "text",
                         max_document_bytes: int | None = DEFAULT_MAX_DOCUMENT_BYTES, address: str | None = None,
                         concurrency: int | None = None, batch_size: int = 256, site_pass: bool = True,
                         url_field: str = "url") -> tuple[RunSummary, list[Reject]]:
    """Clean JSONL files (``.jsonl``, ``.jsonl.gz``, or folders of them) on Ray, into ``.jsonl`` files in
    ``output_dir``; return the run's summary (documents, edits and bytes removed per rule) and the rejected lines.

    Rules (paths, or a :class:`~textclean.RuleSet` already loaded) are loaded here, on the driver,
    so rule errors surface before any work starts and rule files need not exist on the cluster.
    When Ray is not running yet it is started with
    ``ray.init(address)`` (``None``: the cluster ``RAY_ADDRESS`` names, else one running on this
    machine, else a new local instance; ``"auto"``: an existing cluster or an error), and
    textclean's code is shipped to the workers. Each file is read by one task (whole, decompressed by
    its suffix); its lines are parsed and cleaned by tasks of ``batch_size`` lines, on every CPU of the
    cluster unless ``concurrency`` limits the number of tasks.

    Every line is read as the local engine reads it: a record comes out once, written as the local
    engine writes it (the input's fields as they were, ``text_column`` cleaned, ``metadata`` as in the
    CLI), and a line the local engine would reject (not JSON, nested too deeply, a line longer than
    ``max_document_bytes``, ...) is returned as a :class:`~textclean.io.inputs.Reject` with the same line
    and reason, while the rest is cleaned. Order is preserved: reading the output files in name order
    gives the records in input order. Output files are named by Ray, not after the input files. A
    local path that is not such a file, nor a folder holding one, raises InputError before Ray starts.

    With ``site_pass`` (the default), the rules that learn each site's lines get a first pass over the
    lines (:func:`learn_on_ray`, a Ray Data aggregation). A record's site is the host of its ``url_field``
    (a field, or one of its metadata), else its input file, as in the local engine.
    """
    input_paths = [str(path) for path in input_paths]
    for path in input_paths:
        _check_jsonl_input(path)
    ruleset = (rules if isinstance(rules, RuleSet) else load_rules(rules, shipped=shipped)).select(disable, only)
    if not ray.is_initialized():
        ray.init(address=address, runtime_env={"py_modules": [str(Path(__file__).resolve().parent)]})
    execution = ray.data.DataContext.get_current().execution_options
    preserve_order, execution.preserve_order = execution.preserve_order, True
    read = ReadOptions(text_field=text_column, encoding_errors="skip", max_document_bytes=max_document_bytes)
    try:
        lines = ray.data.read_binary_files(input_paths, include_paths=True, file_extensions=list(JSONL_EXTENSIONS))
        lines = lines.map_batches(_split_lines, fn_kwargs={"read": read}, batch_format="pyarrow", batch_size=1)
        collectors = Cleaner(ruleset).collectors() if site_pass else {}
        evidence = learn_on_ray(lines, ruleset, read, url_field, collectors, batch_size, concurrency) \
            if collectors else None
        dataset = lines.map_batches(_clean_lines, fn_kwargs={"run": uuid.uuid4().hex, "ruleset": ruleset,
                                                             "read": read, "url_field": url_field,
                                                             "evidence": evidence},
                                      batch_format="pyarrow", batch_size=batch_size, concurrency=concurrency)
        sink = _JsonlSink(str(output_dir))
        dataset.write_datasink(sink)
    finally:
        execution.preserve_order = preserve_order
    return sink.summary, sink.rejects


#: Lines of one file put into one block by _split_lines.
_LINES_PER_BLOCK = 1024
_LINES_SCHEMA = pa.schema([("source", pa.string()), ("line", pa.int64()), ("raw", pa.large_binary()),
                           ("size", pa.int64())])


def _split_lines(batch: pa.Table, read: ReadOptions) -> Iterator[pa.Table]:
    """The lines of each file (a row of ``read_binary_files``) that are not blank, with their numbers; a line
    longer than the ceiling as its size alone."""
    for source, data in zip(batch.column("path").to_pylist(), batch.column("bytes").to_pylist(), strict=True):
        rows: list[tuple[int, bytes | int]] = []
        for item in jsonl_lines(io.BytesIO(data), read.max_document_bytes):
            rows.append(item)
            if len(rows) == _LINES_PER_BLOCK:
                yield _lines_table(source, rows)
                rows = []
        if rows:
            yield _lines_table(source, rows)


def _lines_table(source: str, rows: list[tuple[int, bytes | int]]) -> pa.Table:
    return pa.table({"source": [source] * len(rows), "line": [number for number, _ in rows],
                     "raw": [raw if isinstance(raw, bytes) else None for _, raw in rows],
                     "size": [raw if isinstance(raw, int) else None for _, raw in rows]}, schema=_LINES_SCHEMA)


_line_cleaners: dict[str, Cleaner] = {}


def _line_cleaner(run: str, ruleset: RuleSet, evidence: dict[int, Any] | None) -> Cleaner:
    """The cleaner of a run, built once on each worker: unlike an actor, a task holds no CPU that reading and
    writing need, and Ray fuses it with them."""
    cleaner = _line_cleaners.get(run)
    if cleaner is None:
        _line_cleaners.clear()
        cleaner = _line_cleaners[run] = Cleaner(ruleset, evidence=evidence)
    return cleaner


def _documents(batch: pa.Table, read: ReadOptions, url_field: str) -> Iterator[tuple[InputDoc | Reject, str]]:
    """Each line read as the local engine reads it (a document, or the reject), with its site."""
    for source, number, raw, size in zip(*(batch.column(name).to_pylist() for name in _LINES_SCHEMA.names),
                                         strict=True):
        item = jsonl_document(raw if raw is not None else size, number, source, Path(source).name, read)
        site = site_of(item.record, item.metadata, url_field, source, item.relpath, text_file=False) \
            if isinstance(item, InputDoc) else ""
        yield item, site


def learn_on_ray(lines: ray.data.Dataset, ruleset: RuleSet, read: ReadOptions, url_field: str,
                 collectors: dict[int, Any], batch_size: int, concurrency: int | None) -> dict[int, Any]:
    """The first pass as a Ray Data aggregation: each batch's collectors (map_batches), merged on the driver
    in the dataset's order as they stream in (the reduce), then frozen for the cleaning tasks."""
    observed = lines.map_batches(_observe_lines, fn_kwargs={"run": uuid.uuid4().hex, "ruleset": ruleset,
                                                            "read": read, "url_field": url_field},
                                 batch_format="pyarrow", batch_size=batch_size, concurrency=concurrency)
    return gather(collectors, (pickle.loads(row["collectors"]) for row in observed.iter_rows()))


def _observe_lines(batch: pa.Table, run: str, ruleset: RuleSet, read: ReadOptions, url_field: str) -> pa.Table:
    """A task of the first pass: one row, the batch's collectors pickled."""
    collectors = _line_cleaner(run, ruleset, None).collectors()
    for item, site in _documents(batch, read, url_field):
        if isinstance(item, InputDoc):
            for collector in collectors.values():
                collector.observe(site, item.text)
    return pa.table({"collectors": [pickle.dumps(collectors)]})


def _clean_lines(batch: pa.Table, run: str, ruleset: RuleSet, read: ReadOptions, url_field: str,
                 evidence: dict[int, Any] | None) -> pa.Table:
    """Each line read as the local engine reads it, and cleaned: its output line, or the reject (as JSON)."""
    cleaner = _line_cleaner(run, ruleset, evidence)
    lines, rejects, summary = [], [], RunSummary()
    for item, site in _documents(batch, read, url_field):
        if isinstance(item, Reject):
            lines.append(None)
            rejects.append(json.dumps(item.to_dict(), ensure_ascii=False))
            continue
        result = cleaner.clean(item.text, item.metadata, site)
        summary.add(f"{item.source}:{item.line}", result, item.metadata)
        lines.append(json_text(jsonl_record(item, result, read.text_field, read.id_field)) + "\n")
        rejects.append(None)
    summaries = [pickle.dumps(summary)] + [None] * (len(lines) - 1)  # the batch's summary rides on its first row
    return pa.table({"line": pa.array(lines, pa.large_string()), "reject": pa.array(rejects, pa.string()),
                     "summary": pa.array(summaries[:len(lines)], pa.binary())})


class _JsonlSink(BlockBasedFileDatasink):
    """Writes the output lines of each write task to a ``.jsonl`` file of its own; the rejects and the batches'
    summaries are returned to the driver and gathered in :attr:`rejects` (by file and line) and :attr:`summary`."""

    def __init__(self, path: str):
        super().__init__(path, file_format="jsonl")
        self.rejects: list[Reject] = []
        self.summary = RunSummary()

    def write(self, blocks: Iterable[Any], ctx: Any) -> tuple[list[dict[str, Any]], RunSummary]:
        tables = [BlockAccessor.for_block(block).to_arrow() for block in blocks]
        rejects = [json.loads(value) for table in tables for value in table.column("reject").to_pylist()
                   if value is not None]
        summary = RunSummary()
        for value in (value for table in tables for value in table.column("summary").to_pylist()):
            if value is not None:
                summary.update(pickle.loads(value))
        lines = [line for table in tables for line in table.column("line").to_pylist() if line is not None]
        if lines:
            self.write_block(BlockAccessor.for_block(pa.table({"line": pa.array(lines, pa.large_string())})), 0, ctx)
        return rejects, summary

    def write_block_to_file(self, block: Any, file: Any) -> None:
        for line in block.to_arrow().column("line").to_pylist():
            file.write(line.encode("utf-8"))

    def on_write_complete(self, write_result: Any) -> None:
        super().on_write_complete(write_result)
        found = []
        for rejects, summary in filter(None, write_result.write_returns):
            found += rejects
            self.summary.update(summary)
        self.rejects = [Reject(record["source"], record["line"], record["reason"], record["raw"])
                        for record in sorted(found, key=lambda record: (record["source"], record["line"]))]


def _check_jsonl_input(path: str) -> None:
    """Refuse a local input Ray would not read; a URL (s3://...) is left to Ray."""
    if "://" in path:
        return
    local = Path(path)
    suffixes = tuple(f".{extension}" for extension in JSONL_EXTENSIONS)
    if local.is_file() and local.name.endswith(suffixes):
        return
    if local.is_dir() and any(file.name.endswith(suffixes) for file in local.rglob("*") if file.is_file()):
        return
    if not local.exists():
        problem = "no such file or folder"
    else:
        problem = "a folder with no JSONL files in it" if local.is_dir() else "not a JSONL file"
    raise InputError(path, None, f"{problem}; the Ray engine reads {', '.join(suffixes)}", usage=True)
