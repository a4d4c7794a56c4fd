"""Cleaning Ray Data datasets with textclean's rules (the optional extra ``textclean[ray]``).

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

import json
import math
import pickle
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

try:
    import pyarrow as pa
    import ray
    import ray.data
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("textclean.ray needs Ray Data: pip install 'textclean[ray]'") from exc

from .engine import Cleaner
from .evidence import gather, url_host
from .inputs import InputError, metadata_fields
from .rulefile import RuleSet, load_rules

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
    """

    def __init__(self, rules: Iterable[str | Path] | RuleSet = (), *, disable: Iterable[str] = (),
                 only: Iterable[str] = (), shipped: bool = True, text_column: str = "text",
                 metadata_column: str = "metadata", metadata_as: str = "json", unicode: bool = True,
                 tidy: bool = True, url_column: str = "url", evidence: dict[int, Any] | None = None):
        if metadata_as not in METADATA_FORMATS:
            raise ValueError(f"metadata_as must be one of {', '.join(METADATA_FORMATS)}, not {metadata_as!r}")
        ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules, shipped=shipped)
        self.cleaner = Cleaner(ruleset.select(disable, only), unicode=unicode, tidy=tidy, evidence=evidence)
        self.text_column, self.metadata_column, self.metadata_as = text_column, metadata_column, metadata_as
        self.url_column = url_column

    def __call__(self, batch: Any) -> Any:
        texts, seeds, sites = self._read(batch)
        cleaned, metadata = [], []
        for text, seed, site in zip(texts, seeds, sites, strict=True):
            if text is None:
                cleaned.append(None)
                metadata.append(seed)
                continue
            result = self.cleaner.clean(text, seed, site)
            cleaned.append(result.text)
            metadata.append(result.metadata)
        if self.metadata_as == "json":
            metadata = [json.dumps(value, ensure_ascii=False, default=str) for value in metadata]
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
        return texts, seeds, [url_host(url) or url_host(seed.get(self.url_column)) for url, seed in zip(urls, seeds)]

    def observe(self, batch: Any) -> dict[int, Any]:
        """The first pass over one batch: fresh collectors of the stages that learn from the corpus."""
        collectors = self.cleaner.collectors()
        for text, _, site in zip(*self._read(batch), strict=True):
            if text is not None and site is not None:
                for collector in collectors.values():
                    collector.observe(site, text)
        return collectors

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
                         address: str | None = None, concurrency: int | None = None, batch_size: int = 256,
                         site_pass: bool = True, url_field: str = "url") -> None:
    """Clean JSONL files (``.jsonl``, ``.jsonl.gz``, or folders of them) on Ray, into JSONL files in ``output_dir``.

    Rules (paths, or a :class:`~textclean.RuleSet` already loaded) are loaded here, on the driver,
    so rule errors surface before any work starts and rule files need not exist on the cluster.
    When Ray is not running yet it is started with
    ``ray.init(address)`` (``None``: the cluster ``RAY_ADDRESS`` names, else one running on this
    machine, else a new local instance; ``"auto"``: an existing cluster or an error), and
    textclean's code is shipped to the workers. Reading, cleaning and writing run as one task
    per block, on every CPU of the cluster unless ``concurrency`` limits the number of tasks.

    Guaranteed: every input record appears once in the output, with ``text_column`` cleaned and the
    ``metadata`` object filled (fields a document lacks are null, as Arrow stores them), and the
    other fields as ``ray.data.read_json`` read them. Order is preserved: reading the output files
    in name order gives the records in input order. Output files are named by Ray, not after the
    input files. A local path that is not such a file, nor a folder holding one, raises InputError
    before Ray starts. Ray reads each file with Arrow, which needs a field to keep one type in every record.

    With ``site_pass`` (the default), the rules that learn each site's lines get a first pass over the
    dataset (:func:`learn_on_ray`). A record's site is the host of its ``url_field`` (a column, or a field
    of the metadata); unlike the local engine, records without one are not grouped by input file (Ray's
    ``include_paths`` would overwrite a field named ``path``), so they get no site evidence.
    """
    input_paths = [str(path) for path in input_paths]
    for path in input_paths:
        _check_jsonl_input(path)
    ruleset = (rules if isinstance(rules, RuleSet) else load_rules(rules, shipped=shipped)).select(disable, only)
    if not ray.is_initialized():
        ray.init(address=address, runtime_env={"py_modules": [str(Path(__file__).resolve().parent)]})
    execution = ray.data.DataContext.get_current().execution_options
    preserve_order, execution.preserve_order = execution.preserve_order, True
    try:
        options = {"rules": ruleset, "text_column": text_column, "metadata_as": "struct", "url_column": url_field}
        dataset = ray.data.read_json(input_paths, file_extensions=list(JSONL_EXTENSIONS))
        collectors = TextCleanBatch(**options).cleaner.collectors() if site_pass else {}
        if collectors:
            options["evidence"] = learn_on_ray(dataset, options, collectors, batch_size, concurrency)
        dataset = dataset.map_batches(_clean_batch, fn_kwargs={"run": uuid.uuid4().hex, "options": options},
                                      batch_format="pyarrow", batch_size=batch_size, concurrency=concurrency)
        dataset.write_json(str(output_dir), pandas_json_args_fn=_json_lines_as_written)
    finally:
        execution.preserve_order = preserve_order


def learn_on_ray(dataset: ray.data.Dataset, options: dict[str, Any], collectors: dict[int, Any], batch_size: int,
                 concurrency: int | None) -> dict[int, Any]:
    """The first pass as a Ray Data aggregation: each block's collectors (map_batches), merged on the driver
    in the dataset's order as they stream in (the reduce), then frozen for the cleaning tasks."""
    observed = dataset.map_batches(_observe_batch, fn_kwargs={"run": uuid.uuid4().hex, "options": options},
                                   batch_format="pyarrow", batch_size=batch_size, concurrency=concurrency)
    chunks = (pickle.loads(row["collectors"]) for row in observed.iter_rows())
    return gather(collectors, chunks)


def _observe_batch(batch: pa.Table, run: str, options: dict[str, Any]) -> pa.Table:
    """A task of the first pass: one row, the batch's collectors pickled."""
    return pa.table({"collectors": [pickle.dumps(_batch_cleaner(run, options).observe(batch))]})


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


def _json_lines_as_written() -> dict[str, Any]:
    """Non-ASCII text as itself, as the CLI writes it, not as \\u escapes."""
    return {"force_ascii": False}


_batch_cleaners: dict[str, TextCleanBatch] = {}


def _clean_batch(batch: pa.Table, run: str, options: dict[str, Any]) -> pa.Table:
    """A task that builds its worker's cleaner once per run: unlike an actor, it holds no CPU that
    reading and writing need, and Ray fuses it with them."""
    return _batch_cleaner(run, options)(batch)


def _batch_cleaner(run: str, options: dict[str, Any]) -> TextCleanBatch:
    cleaner = _batch_cleaners.get(run)
    if cleaner is None:
        _batch_cleaners.clear()
        cleaner = _batch_cleaners[run] = TextCleanBatch(**options)
    return cleaner
