"""A cleaning run over files, folders, JSONL, Parquet or stdin: read, clean, write, account.

Shards (input files) are written one at a time under a temporary name and
renamed when complete, so ``--resume`` can skip every shard whose output exists.
"""
from __future__ import annotations

import functools
import json
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from ..io.editlog import EditLogWriter, stats_link
from ..io.inputs import InputDoc, InputError, RawLine, ReadOptions, Reject, expand, input_format, read_shard
from ..io.outputs import (
    AtomicWriter,
    DocumentForm,
    Output,
    OutputError,
    earlier_records,
    is_folder_output,
    output_format,
    remove_stale_temporaries,
)
from ..io.shardlog import ShardLog
from ..model.document import Result
from ..model.evidence import site_of
from ..model.marks import mark_records
from .html_report import write_page
from .parallel import CleanerSpec, ParallelCleaner, WorkerDied, available_cores
from .progress import Progress
from .report import RunSummary, counted, render_edits
from .run_report import RunReport, where_read

#: Input smaller than this is cleaned in one process: starting workers would take longer than the cleaning.
SMALL_RUN_BYTES = 2_000_000


@dataclass(frozen=True)
class RunOptions:
    output: str | None = None
    fmt: str = "auto"  # auto | text | jsonl | parquet
    explain: bool = False
    edits_path: str | None = None
    rejects_path: str | None = None
    stats_path: str | None = None
    fail_fast: bool = False
    resume: bool = False
    jobs: int = 1  # 0: all cores, or one for input smaller than SMALL_RUN_BYTES
    progress: bool | None = None  # None: on a terminal
    drop_empty: bool = False  # leave out the documents whose cleaned text is empty or white space
    site_pass: bool = True  # a first pass over a corpus, for the rules that learn from it
    url_field: str = "url"  # the field (top-level or in metadata) whose host is a document's site
    report_path: str | None = None  # the HTML page of the run (textclean.runs.html_report)
    marks: bool = False  # a marks run: the text stays whole, what would go is kept as marks in metadata


@dataclass(frozen=True)
class _ShardEnd:
    relpath: str


@dataclass(frozen=True)
class _ShardFailure:
    """A shard that stopped being readable, raised when the documents before it have been written."""

    error: InputError


class Interrupted(Exception):
    """SIGTERM or Ctrl-C: stop, keep nothing partial."""


class _StopSignals:
    """SIGTERM and Ctrl-C while a run goes: each raises Interrupted where the run is, and is remembered, so that
    one raised where Python must ignore it (in a ``__del__``) still stops the run at the next document."""

    def __init__(self) -> None:
        self.received: str | None = None
        self._previous = {number: signal.signal(number, self._raise) for number in (signal.SIGTERM, signal.SIGINT)}

    def _raise(self, number: int, frame) -> None:
        self.received = signal.Signals(number).name
        raise Interrupted(self.received)

    def check(self) -> None:
        if self.received:
            raise Interrupted(self.received)

    def restore(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)


def site_of_document(doc: InputDoc, url_field: str) -> str:
    """The site ``doc`` belongs to (:func:`textclean.model.evidence.site_of`)."""
    return site_of(doc.record, doc.metadata, url_field, doc.source, doc.relpath, text_file=doc.record is None)


def _is_corpus(plan: _Plan, read: ReadOptions) -> bool:
    """More than one document, none of them from stdin: a plain-text file alone is one document."""
    files = plan.files + plan.skipped
    if any(source == "-" for source, _ in files):
        return False
    return len(files) > 1 or input_format(files[0][0], read) != "text"


def _first_pass(cleaner: ParallelCleaner, plan: _Plan, read: ReadOptions) -> dict[str, float]:
    """Read the whole input once, the shards --resume skips too, for the rules that learn from the corpus
    (:mod:`textclean.model.evidence`). What cannot be read is left for the cleaning pass to report."""
    started = time.perf_counter()
    try:
        pages, sites = cleaner.learn(_items(plan.files + plan.skipped, read))
    except BaseException:
        cleaner.close(cancel=True)
        raise
    return {"pages": pages, "sites": sites, "seconds": time.perf_counter() - started}


def tally(summary: RunSummary, doc: InputDoc, result: Result, drop_empty: bool) -> bool:
    """Count a cleaned document into ``summary``; whether it is written (--drop-empty leaves out an empty one)."""
    summary.add(doc.id, result, doc.metadata, doc.decoded_as)
    if drop_empty and not result.text.strip():
        summary.dropped += 1
        return False
    return True


@dataclass(frozen=True)
class _Finish:
    """What a run without --explain, --edits or --report does with a document where it is cleaned (a worker,
    with --jobs): count it, and make what its output holds (:class:`textclean.runs.parallel.Finish`)."""

    form: DocumentForm
    drop_empty: bool

    def __call__(self, doc: InputDoc, result: Result, summary: RunSummary) -> str | dict | None:
        return self.form.of(doc, result) if tally(summary, doc, result, self.drop_empty) else None


def run(paths: Sequence[str], read: ReadOptions, spec: CleanerSpec, options: RunOptions) -> RunSummary:
    """Clean every document under ``paths``; raise InputError on fatal input problems, WorkerDied when a
    worker process ends mid-run, Interrupted on SIGTERM or Ctrl-C."""
    started = time.perf_counter()
    stops = _StopSignals()
    cleaner = recorder = progress = None
    ok = False
    try:
        plan = _plan(paths, read, options)
        site = functools.partial(site_of_document, url_field=options.url_field)
        whole_results = options.explain or bool(options.edits_path or options.report_path)
        cleaner = ParallelCleaner(spec, _jobs(plan, read, options), site=site, read=read,
                                  finish=None if whole_results else _Finish(plan.output.form, options.drop_empty))
        learned = _first_pass(cleaner, plan, read) \
            if _is_corpus(plan, read) and options.site_pass and cleaner.wants_evidence else None
        progress = Progress(plan.size, options.progress)
        recorder = _Recorder(plan, options, progress, " ".join(paths))
        recorder.summary.site_pass = learned
        recorder.summary.rule_files = list(spec.ruleset.sources)
        recorder.summary.marks_run = options.marks
        recorder.open_logs()
        if whole_results:
            for item, result in cleaner.run(_items(plan.files, read, raw_lines=False)):
                stops.check()
                recorder.take(item, result)
        else:
            for item, outcome in cleaner.finished(_items(plan.files, read)):
                stops.check()
                recorder.take_finished(item, outcome)
        cleaner.close()
        summary = recorder.summary
        summary.update(cleaner.summary)
        summary.stage_seconds = cleaner.stage_seconds
        summary.seconds = time.perf_counter() - started
        stops.check()
        recorder.commit()
        ok = True
    except WorkerDied:
        stops.check()  # a signal to the whole process group ends the workers too: that is an interruption
        raise
    finally:
        stops.restore()
        if not ok:
            if cleaner is not None:
                cleaner.close(cancel=True)
            if recorder is not None:
                recorder.abort()
        if progress is not None:
            progress.close()
    return recorder.summary


@dataclass(frozen=True)
class _Plan:
    """What a run reads and where it writes, settled before any document is cleaned."""

    files: list[tuple[str, str]]  # (source, relative path) of the shards to clean
    skipped: list[tuple[str, str]]  # the shards --resume skips: their output exists
    outputs: list[str]  # the log name of the output of every shard, skipped ones too, in input order
    folder: bool
    output: Output
    side_files: dict[str, Path]  # option (--edits, --rejects, --stats, --report) -> its file
    size: int | None  # bytes to read, where the files tell it without reading them


def _plan(paths: Sequence[str], read: ReadOptions, options: RunOptions) -> _Plan:
    """Find the input files and claim every output path, so that a run that cannot finish stops before it starts."""
    folder = is_folder_output(options.output, paths)
    files = expand(paths, read, Path(options.output) if folder else None)
    if not files:
        raise InputError(" ".join(paths), None, "no input files (see --include and --exclude)", usage=True)
    fmt = output_format(options.fmt, options.output, paths, files, folder, read)
    if options.edits_path and fmt == "text" and not folder:
        _refuse_edit_log_of_documents_run_together(files, read, options.output)
    if fmt == "text" and not folder and options.output and any(input_format(f, read) != "text" for f, _ in files):
        click.echo(f"textclean: {options.output} is one text file: the documents go into it one after another, "
                   "without their ids, other fields or metadata (name a .jsonl or .parquet file to keep them)",
                   err=True)
    if options.drop_empty:
        _refuse_drop_empty_where_it_cannot_work(fmt, folder, options)
    if options.marks and fmt == "text" and (options.output or not options.explain):
        raise InputError(options.output or "-", None, "--marks keeps each document's marks in its metadata, which "
                         "text output has no place for: write JSONL (--format jsonl, -o FILE.jsonl) or Parquet",
                         usage=True)
    side_files = {option: Path(path) for option, path in (
        ("--edits", options.edits_path), ("--rejects", options.rejects_path), ("--stats", options.stats_path),
        ("--report", options.report_path)) if path}
    output = Output(None if options.explain and not options.output else options.output, fmt, read.text_field,
                    read.id_field, folder, {Path(f) for f, _ in files if f != "-"},
                    {f"the {option} file": path for option, path in side_files.items()})
    output.claim_shards((source, rel, input_format(source, read)) for source, rel in files)
    every_file = files
    skipped: list[tuple[str, str]] = []
    if options.resume:
        if not folder:
            raise InputError(options.output or "-", None, "--resume needs a folder output (-o FOLDER/)", usage=True)
        remove_stale_temporaries(Path(options.output))
        skipped = [(f, rel) for f, rel in files if output.path_for(rel).exists()]
        files = [pair for pair in files if pair not in skipped]
    outputs = list(dict.fromkeys(output.log_name(rel) for _, rel in every_file))
    sized = all(f != "-" and input_format(f, read) != "parquet" and not f.endswith((".gz", ".zst", ".zstd"))
                for f, _ in files)
    size = sum(Path(f).stat().st_size for f, _ in files) if sized else None
    return _Plan(files, skipped, outputs, folder, output, side_files, size)


def _refuse_edit_log_of_documents_run_together(files: list[tuple[str, str]], read: ReadOptions,
                                               output: str | None) -> None:
    """One text output (a file or stdout) has no document boundaries: an edit log of more than one document
    written to it is one undo could never use."""
    if len(files) > 1 or input_format(files[0][0], read) != "text":
        raise InputError(output or "-", None, "--edits: one text output has no document boundaries, so undo "
                         "could not tell apart the documents of several inputs, or of a JSONL or Parquet input; "
                         "write JSONL (--format jsonl, -o FILE.jsonl) or to a folder (-o FOLDER/)", usage=True)


def _refuse_drop_empty_where_it_cannot_work(fmt: str, folder: bool, options: RunOptions) -> None:
    """--drop-empty leaves documents out of JSONL and Parquet output, which an edit log could not restore."""
    if fmt == "text" and not folder:
        raise InputError(options.output or "-", None, "--drop-empty leaves documents out of JSONL or Parquet "
                         "output; in one text output an empty document is nothing already", usage=True)
    if options.edits_path:
        raise InputError(options.edits_path, None, "--drop-empty and --edits do not go together: undo could not "
                         "bring back the documents left out", usage=True)
    if options.marks:
        raise InputError(options.output or "-", None, "--drop-empty and --marks do not go together: a marks run "
                         "leaves every text whole; 'textclean marks apply --drop-empty' leaves out the documents "
                         "the marks empty", usage=True)


def _jobs(plan: _Plan, read: ReadOptions, options: RunOptions) -> int:
    """The worker processes to clean with: one for a single plain-text input file (one document), else
    ``--jobs``, where 0 means all cores, or one for a small input."""
    if len(plan.files) == 1 and input_format(plan.files[0][0], read) == "text":
        return 1
    small = plan.size is not None and plan.size < SMALL_RUN_BYTES
    return options.jobs or (1 if small else available_cores())


class _Recorder:
    """Takes each document, reject and shard end of a run to the output, the logs and the summary."""

    def __init__(self, plan: _Plan, options: RunOptions, progress: Progress, source: str):
        self.plan, self.options, self.progress, self.source = plan, options, progress, source
        self.summary = RunSummary(skipped_shards=[rel for _, rel in plan.skipped])
        # the page's counts: for --report, and beside the edit log in --stats, for 'textclean report' to take
        self.report = RunReport() if options.report_path or {"--stats", "--edits"} <= plan.side_files.keys() \
            else None
        self.edits: EditLogWriter | None = None
        self.rejects: ShardLog | None = None
        self.stats: AtomicWriter | None = None
        self._stats_link = stats_link(plan.side_files["--edits"], plan.side_files["--stats"]) \
            if {"--stats", "--edits"} <= plan.side_files.keys() else None  # for 'textclean report' to find the stats
        self._log_name = {source: plan.output.log_name(rel) for source, rel in plan.files}
        self._file_rejected = False  # the shard being read was rejected whole (binary, no text column)

    def open_logs(self) -> None:
        """Open the logs; with --resume, keep the records of the shards it skips, or refuse when some are lost."""
        side, fresh = self.plan.side_files, not self.options.resume
        if "--edits" in side:
            self.edits = EditLogWriter(side["--edits"], self.plan.output, fresh, self._stats_link)
        if "--rejects" in side:
            self.rejects = ShardLog(side["--rejects"], fresh)
        if self.options.resume:
            self._keep_earlier_records()
        if "--stats" in side:
            self.stats = AtomicWriter(side["--stats"])

    def _keep_earlier_records(self) -> None:
        try:
            self._keep_or_refuse()
        except InputError:  # the run does not start: it leaves the logs and the parts it found as they were
            for log in (self.edits, self.rejects):
                if log is not None:
                    log.discard()
            self.edits = self.rejects = None
            raise

    def _keep_or_refuse(self) -> None:
        skipped = {self.plan.output.log_name(rel): source for source, rel in self.plan.skipped}
        lost = {}
        if self.edits is not None:
            lost["--edits"] = self.edits.keep_earlier(skipped)
        if self.rejects is not None:
            lost["--rejects"] = _keep_earlier_rejects(self.rejects, skipped)
        lost = {option: outputs for option, outputs in lost.items() if outputs}
        if lost:
            option, outputs = next(iter(lost.items()))
            shown = ", ".join(outputs[:3]) + (f" and {len(outputs) - 3} more" if len(outputs) > 3 else "")
            raise InputError(str(self.plan.side_files[option]), None, f"--resume cannot keep the {option} records "
                             f"of {counted(len(outputs), 'shard')} already in {self.options.output} ({shown}): "
                             "they are "
                             f"neither in this file nor in parts a killed run left (the run that wrote them had no "
                             f"{option}, or wrote it elsewhere); give {option} the file that run wrote, or clean "
                             "again without --resume (into an empty folder) to have every shard logged", usage=True)

    def take(self, item: InputDoc | Reject | _ShardEnd | _ShardFailure, result: Result | None) -> None:
        if isinstance(item, _ShardFailure):
            raise item.error
        if isinstance(item, _ShardEnd):
            self._shard_end(item.relpath)
        elif isinstance(item, Reject):
            self._reject(item)
        else:
            self._document(item, result)

    def _shard_end(self, relpath: str) -> None:
        # The logs of a shard are complete before its output is: stopped in between, --resume does
        # the shard again, and keeps only the records of shards whose output exists.
        if self.plan.folder:
            name = self.plan.output.log_name(relpath)
            if self.edits is not None and not self._file_rejected:
                self.edits.end_shard(name)
            if self.rejects is not None:
                self.rejects.end_shard(name)
        if not self._file_rejected:  # a file rejected whole gets no output
            self.plan.output.finish_shard(relpath)
        self._file_rejected = False

    def take_finished(self, item: InputDoc | RawLine | Reject | _ShardEnd | _ShardFailure,
                      outcome: tuple[str | dict | None, int] | Reject | None) -> None:
        """Take an item of :meth:`ParallelCleaner.finished` with what became of it."""
        if isinstance(outcome, Reject):
            self._reject(outcome)
        elif outcome is None:
            self.take(item, None)
        else:
            form, size = outcome
            self.progress.advance(size)
            if form is not None:
                self.plan.output.write_form(item.relpath, form, where_read(item.source, item.line))

    def _reject(self, item: Reject) -> None:
        self._file_rejected = item.line is None
        self.summary.rejects.append(str(item))
        if self.rejects is not None:
            self.rejects.write(self._log_name[item.source], json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
        if self.options.fail_fast:
            raise InputError(item.source, item.line, item.reason + " (--fail-fast)")

    def _document(self, item: InputDoc, result: Result) -> None:
        options = self.options
        kept = tally(self.summary, item, result, options.drop_empty)
        self.progress.advance(item.size)
        if options.explain:
            shown = render_edits(item.id, result, sys.stdout.isatty())
            if shown:
                click.echo(shown)
        if kept and (not options.explain or options.output):
            self.plan.output.write(item, result)
        if self.edits is not None:
            self.edits.add(item, result)
        if self.report is not None:
            added = sorted(result.metadata.keys() - item.metadata.keys())
            if result.edits or added:  # the documents the edit log holds
                self.report.add(item.id, where_read(item.source, item.line), result.edits, added, result.original,
                                mark_records(result.original, result.marks))
            if result.findings:
                self.report.add_findings(item.id, where_read(item.source, item.line), result.findings,
                                         result.original)

    def commit(self) -> None:
        """Commit the output, then the statistics and logs."""
        self.plan.output.close()
        if self.stats is not None:
            stats = self.summary.to_json()
            if self._stats_link is not None:
                stats["run"] = self._stats_link["run"]
            if self.report is not None and self.edits is not None and not self.summary.skipped_shards:
                stats["report"] = self.report.counts()
            self.stats.write(json.dumps(stats, indent=2) + "\n")
            self.stats.commit()
        if self.options.report_path:
            write_page(self.options.report_path, self.report, self.summary.to_json(), source=self.source)
        if self.edits is not None:
            self.edits.commit(self.plan.outputs)
        if self.rejects is not None:
            self.rejects.merge(self.plan.outputs)

    def abort(self) -> None:
        """Drop what is partial: the open shard, the statistics, and the logs beyond the shards complete."""
        self.plan.output.close(ok=False)
        if self.stats is not None:
            self.stats.abort()
        for log in (self.edits, self.rejects):
            if log is not None:
                try:
                    log.close_failed(self.plan.outputs)
                except OutputError:
                    pass  # the error that stopped the run is the one to report; the parts stay for --resume


def _keep_earlier_rejects(rejects: ShardLog, skipped: dict[str, str]) -> list[str]:
    """Keep the rejects of the shards --resume skips (output name -> input file): the parts a killed run left,
    else the records of the rejects file an earlier run wrote. Return the shards found in neither."""
    rejects.keep_only(skipped)
    wanted = {name: source for name, source in skipped.items() if not rejects.has(name)}
    if not wanted:
        return []
    if not rejects.path.is_file():
        return sorted(wanted)
    by_source = {Path(source).resolve(): name for name, source in wanted.items()}  # however the paths are written
    found: dict[str, list[str]] = {name: [] for name in wanted}
    for _, record, line in earlier_records(rejects.path):
        if isinstance(record, dict) and isinstance(record.get("source"), str):
            name = by_source.get(Path(record["source"]).resolve())
            if name is not None:
                found[name].append(line)
    for name, lines in found.items():
        for line in lines:
            rejects.write(name, line)
        rejects.end_shard(name)
    return []


def _items(files: list[tuple[str, str]], read: ReadOptions, raw_lines: bool = True
           ) -> Iterator[InputDoc | RawLine | Reject | _ShardEnd | _ShardFailure]:
    """What the shards hold, in order, each followed by its end or its failure; with ``raw_lines``, the lines of
    a JSONL shard unread, for the workers to read."""
    for source, rel in files:
        try:
            yield from read_shard(source, rel, read, raw_lines)
        except InputError as exc:
            yield _ShardFailure(exc)
            return
        yield _ShardEnd(rel)
