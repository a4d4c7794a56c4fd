"""Cleaning a stream of documents on several cores, in input order, with bounded memory.

Documents are sent to worker processes in chunks; at most ``2 * jobs`` chunks
are in flight, so memory stays flat however long the input is. A JSONL line
goes as the bytes read (:class:`~textclean.io.inputs.RawLine`) and, in a run that
needs only what its output holds, comes back as the line to write
(:meth:`ParallelCleaner.finished`): the workers parse and serialise, and the
parent only reads, hands on and writes, in input order. Where the
platform can fork, workers start as copies of the parent and share its
compiled :class:`~textclean.pipeline.engine.Cleaner`; elsewhere each worker builds its
own once from the same rules.

The pool is this module's own, not ``concurrent.futures``: each worker has a pipe
for its chunks and one for its answers, and holds one chunk at a time, so no
thread of the parent ever waits on a pipe a dead worker left half written (a
``ProcessPoolExecutor`` whose worker is killed while it sends a result waits
for the rest of it for ever). Stopping kills the workers and returns at once;
a worker that dies is an error, never a hang. Workers die with their parent.
"""
from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..io.inputs import InputDoc, RawLine, ReadOptions, Reject
from ..matching.patterns import compile_all
from ..model.document import Result
from ..model.evidence import Collector, gather
from ..pipeline.engine import Cleaner
from ..pipeline.rulefile import RuleSet
from .report import RunSummary

if TYPE_CHECKING:  # imported where a pool starts: a run in one process does without them
    from multiprocessing.connection import Connection

CHUNK_DOCS = 64
CHUNK_BYTES = 2 << 20


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@dataclass(frozen=True)
class CleanerSpec:
    """Everything a worker needs to build the same cleaner."""

    ruleset: RuleSet
    options: tuple[tuple[str, Any], ...] = ()

    def build(self) -> Cleaner:
        return Cleaner(self.ruleset, **dict(self.options))


def no_site(doc: InputDoc) -> None:
    return None


#: What is done with a cleaned document where it was cleaned, when the parent needs only what its output holds:
#: count it into the chunk's summary, and give what is written for it (None: nothing).
Finish = Callable[[InputDoc, Result, RunSummary], Any]


@dataclass(frozen=True)
class DocumentWork:
    """What is done around cleaning a document, by the worker that cleans it: reading a JSONL line, naming the
    document's site, and (:meth:`ParallelCleaner.finished`) finishing it."""

    read: ReadOptions = ReadOptions()
    site: Callable[[InputDoc], str | None] = no_site
    finish: Finish | None = None

    def document(self, entry: InputDoc | RawLine) -> InputDoc | Reject:
        return entry.document(self.read) if isinstance(entry, RawLine) else entry

    def pages(self, entries: list[InputDoc | RawLine | tuple[str, str]]) -> list[tuple[str, str]]:
        """The (site, text) of every entry that is a document, or already such a pair."""
        pages = []
        for entry in entries:
            doc = entry if isinstance(entry, tuple) else self.document(entry)
            if isinstance(doc, tuple):
                pages.append(doc)
            elif isinstance(doc, InputDoc):
                pages.append((self.site(doc), doc.text))
        return pages


@dataclass(frozen=True)
class _ChunkResult:
    """A worker's answer: the results in order, and seconds per stage."""

    results: list[Result]
    stage_seconds: dict[str, float]


@dataclass(frozen=True)
class _FinishedChunk:
    """A worker's answer for :meth:`ParallelCleaner.finished`: for each entry in order, what ``finish`` gave and
    the bytes the document took in its input, or the Reject of a line that cannot be read; the chunk's summary;
    seconds per stage."""

    outcomes: list[tuple[Any, int] | Reject]
    summary: RunSummary
    stage_seconds: dict[str, float]


_worker: tuple[Cleaner, DocumentWork] | None = None


def _build_worker(spec_evidence_work: tuple[CleanerSpec, dict[int, Any], DocumentWork]) -> None:
    spec, evidence, work = spec_evidence_work
    cleaner = spec.build()
    cleaner.evidence = evidence
    gc.freeze()
    _share_worker((cleaner, work))


def _share_worker(cleaner_and_work: tuple[Cleaner, DocumentWork]) -> None:
    global _worker
    _worker = cleaner_and_work


def _observe_chunk(entries: list[Any]) -> tuple[dict[int, Collector], int, set[str]]:
    assert _worker is not None
    return _observe(*_worker, entries)


def _observe(cleaner: Cleaner, work: DocumentWork, entries: list[Any]) -> tuple[dict[int, Collector], int, set[str]]:
    """The first pass over one chunk: fresh collectors that took each page, the number of pages, their sites."""
    pages = work.pages(entries)
    return observed(cleaner, pages), len(pages), {site for site, _ in pages}


def observed(cleaner: Cleaner, pages: list[tuple[str, str]]) -> dict[int, Collector]:
    collectors = cleaner.collectors()
    for site, text in pages:
        for collector in collectors.values():
            collector.observe(site, text)
    return collectors


def _on_new_thread(function: Callable[..., Any], *args: Any) -> Any:
    # On a new thread, whose Python frame stack starts empty. A worker forked deep in the parent's call
    # stack would run the rules right across a frame-stack chunk boundary, where CPython (3.11 and 3.12
    # at least) maps and unmaps 16 KiB on every call that crosses it (python/cpython#142183): half again the CPU time.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(function, *args).result()


def _clean_chunk(texts: list[tuple[str, dict[str, Any], str | None]]) -> _ChunkResult:
    assert _worker is not None
    return _on_new_thread(_clean_here, _worker[0], texts)


def _clean_here(cleaner: Cleaner, texts: list[tuple[str, dict[str, Any], str | None]]) -> _ChunkResult:
    before = dict(cleaner.stage_seconds)
    results = [replace(cleaner.clean(text, metadata, site), original="") for text, metadata, site in texts]
    return _ChunkResult(results, _spent(cleaner, before))


def _finish_chunk(entries: list[InputDoc | RawLine]) -> _FinishedChunk:
    assert _worker is not None
    return _on_new_thread(_finish_here, *_worker, entries)


def _finish_here(cleaner: Cleaner, work: DocumentWork, entries: list[InputDoc | RawLine]) -> _FinishedChunk:
    assert work.finish is not None
    before = dict(cleaner.stage_seconds)
    summary = RunSummary()
    outcomes: list[tuple[Any, int] | Reject] = []
    for entry in entries:
        doc = work.document(entry)
        if isinstance(doc, Reject):
            outcomes.append(doc)
            continue
        result = cleaner.clean(doc.text, doc.metadata, work.site(doc))
        outcomes.append((work.finish(doc, result, summary), doc.size))
    return _FinishedChunk(outcomes, summary, _spent(cleaner, before))


def _spent(cleaner: Cleaner, before: dict[str, float]) -> dict[str, float]:
    return {k: v - before.get(k, 0.0) for k, v in cleaner.stage_seconds.items()}


def _chunks(items: Iterable[Any]) -> Iterator[list[Any]]:
    """Items in chunks of at most CHUNK_DOCS, or of CHUNK_BYTES of text: documents, JSONL lines, (site, text)
    pairs, and whatever else comes between them."""
    chunk: list[Any] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += _size(item)
        if len(chunk) >= CHUNK_DOCS or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _size(item: Any) -> int:
    if isinstance(item, InputDoc):
        return len(item.text)
    if isinstance(item, RawLine):
        return 0 if isinstance(item.raw, int) else len(item.raw)  # a line too long to read is not sent
    return len(item[1]) if isinstance(item, tuple) else 0


class WorkerDied(RuntimeError):
    """A worker process ended while it had a chunk (killed, or out of memory): the run stops."""


#: Linux's prctl option that has the kernel send a signal to a process when its parent ends.
_PR_SET_PDEATHSIG = 1
#: How often a worker without that option looks whether its parent is still there.
_ORPHAN_CHECK_SECONDS = 0.5


def _die_with_parent(parent: int) -> None:
    """End this worker when ``parent`` ends: the kernel's parent-death signal on Linux, else a thread that looks."""
    if not _set_parent_death_signal():
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent ended before the signal was asked for
        os._exit(1)


def _set_parent_death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_ORPHAN_CHECK_SECONDS)
    os._exit(1)


#: In a parent, the pipe ends it holds to the workers started so far, which a worker forked after them closes:
#: a worker must see the end of its own pipe when the parent ends, not have it held open by a sibling.
_parent_ends: list[Connection] = []


def _work(tasks: Connection, answers: Connection, parent: int, setup: Callable[[Any], None], setup_arg: Any) -> None:
    """A worker's life: take a chunk, clean it, send the answer; until the parent closes the pipe or ends."""
    for end in _parent_ends:
        end.close()
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops the workers
    setup(setup_arg)
    while True:
        try:
            task = tasks.recv()
        except (EOFError, OSError):
            return
        work, args = task  # _clean_chunk or _observe_chunk, and what it takes
        try:
            answer = (True, work(*args))
        except Exception as exc:
            answer = (False, (exc, traceback.format_exc()))
        try:
            answers.send(answer)
        except OSError:  # the parent is gone
            return
        except Exception as exc:  # an exception that does not pickle
            answers.send((False, (RuntimeError(f"{type(exc).__name__}: {exc}"), traceback.format_exc())))


class _Worker:
    """A worker process and the parent's ends of its two pipes."""

    def __init__(self, context: Any, setup: Callable[[Any], None], setup_arg: Any):
        take, self.tasks = context.Pipe(duplex=False)
        self.answers, give = context.Pipe(duplex=False)
        self.process = context.Process(target=_work, args=(take, give, os.getpid(), setup, setup_arg), daemon=True)
        _parent_ends.extend((self.tasks, self.answers))
        try:
            self.process.start()
        finally:
            take.close()  # only the worker holds these ends: a worker that dies reads as the end of its answers
            give.close()

    def died(self) -> WorkerDied:
        self.process.join(1)
        code = self.process.exitcode
        how = f"killed by {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit status {code}"
        return WorkerDied(f"a worker process (pid {self.process.pid}) ended while cleaning ({how})")

    def close(self, kill: bool) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        for end in (self.tasks, self.answers):
            if end in _parent_ends:
                _parent_ends.remove(end)
            end.close()  # a worker waiting for a chunk sees the end of its pipe, and exits
        self.process.join(5)
        if self.process.is_alive():  # a worker that stopped listening
            self.process.kill()
            self.process.join(5)


class WorkerPool:
    """Worker processes that each clean one chunk at a time; answers come back in the order chunks were given."""

    def __init__(self, jobs: int, context: Any, setup: Callable[[Any], None], setup_arg: Any):
        self._workers: list[_Worker] = []
        try:
            for _ in range(jobs):
                self._workers.append(_Worker(context, setup, setup_arg))
        except BaseException:
            self.close(kill=True)
            raise

    def map(self, tasks: Iterable[tuple[Any, tuple]], limit: int) -> Iterator[tuple[Any, Any]]:
        """``(key, answer)`` for each ``(key, args)`` of ``tasks``, in order; at most ``limit`` chunks between
        being read from ``tasks`` and being yielded. A worker's exception is raised here, a dead worker
        is WorkerDied."""
        from multiprocessing.connection import wait

        source = iter(tasks)
        waiting: deque[tuple[Any, tuple]] = deque()  # read, not yet sent
        busy: dict[Connection, tuple[_Worker, int]] = {}  # answers pipe -> worker, number of its chunk
        idle = list(self._workers)
        keys: dict[int, Any] = {}
        done: dict[int, Any] = {}
        sent = given = 0
        exhausted = False
        while True:
            while not exhausted and len(keys) + len(waiting) < limit and len(waiting) < len(idle) + 1:
                try:
                    waiting.append(next(source))
                except StopIteration:
                    exhausted = True
            while waiting and idle:
                key, args = waiting.popleft()
                worker = idle.pop()
                try:
                    worker.tasks.send(args)
                except OSError:
                    raise worker.died() from None
                keys[sent] = key
                busy[worker.answers] = (worker, sent)
                sent += 1
            if given in done:
                yield keys.pop(given), done.pop(given)
                given += 1
                continue
            if not busy:
                return
            for answers in wait(list(busy)):
                worker, number = busy.pop(answers)
                try:
                    ok, answer = answers.recv()
                except (EOFError, OSError):
                    raise worker.died() from None
                if not ok:
                    exc, remote = answer
                    raise exc from RuntimeError(f"in a worker process:\n{remote}")
                done[number] = answer
                idle.append(worker)

    def close(self, kill: bool = False) -> None:
        """End the workers: at once (``kill``), or when they have nothing left to do."""
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.close(kill)


class ParallelCleaner:
    """Cleans documents in input order, in this process or on a pool of workers.

    :meth:`run` gives each document's whole result; :meth:`finished` has the workers finish each document
    (``finish``) and gives what that made, for a run that needs only what its output holds.
    """

    def __init__(self, spec: CleanerSpec, jobs: int, site: Callable[[InputDoc], str | None] = no_site,
                 read: ReadOptions | None = None, finish: Finish | None = None):
        self.spec, self.jobs = spec, jobs
        self.work = DocumentWork(read or ReadOptions(), site, finish)
        self.stage_seconds: dict[str, float] = {}
        #: The summary of the documents :meth:`finished` gave, their chunks' summaries added in input order.
        self.summary = RunSummary()
        # Built here even for a pool: a rule that does not compile fails now, with its file and line,
        # not later inside a worker.
        self._local = spec.build()
        # Until close(), what exists now (the compiled rules above all) is left out of the garbage collector's
        # full scans, which took 5% of a run, and forked workers share it rather than copy it when a scan
        # would touch it.
        gc.freeze()
        self._pool = self._start_pool() if jobs > 1 else None

    @property
    def wants_evidence(self) -> bool:
        """Whether a rule learns from a first pass over the corpus (see :meth:`learn`)."""
        return bool(self._local.collectors())

    def learn(self, items: Iterable[Any]) -> tuple[int, int]:
        """The first pass: every page of the corpus (a document, a JSONL line, or a (site, text) pair; anything
        else is passed over), observed in chunks (by the workers, where there are any) and merged in input order,
        so the evidence is the same whatever the number of workers; then every document is cleaned with it.
        Return how many pages and how many sites there were."""
        chunks = ([item for item in chunk if isinstance(item, InputDoc | RawLine | tuple)] for chunk in _chunks(items))
        if self._pool is None:
            found = (_observe(self._local, self.work, chunk) for chunk in chunks)
        else:
            tasks = ((None, (_observe_chunk, (chunk,))) for chunk in chunks)
            found = (answer for _, answer in self._pool.map(tasks, 2 * self.jobs))
        sites: set[str] = set()
        pages = 0

        def collectors() -> Iterator[dict[int, Collector]]:
            nonlocal pages
            for collected, count, seen in found:
                pages += count
                sites.update(seen)
                yield collected

        self._local.evidence = gather(self._local.collectors(), collectors())
        if self._pool is not None:  # workers restart from the parent as it now is, evidence included
            self._pool.close()
            self._pool = self._start_pool()
        return pages, len(sites)

    def run(self, items: Iterable[InputDoc | Reject]) -> Iterator[tuple[InputDoc | Reject, Result | None]]:
        """(item, its result) for each document of ``items``, in order; (item, None) for anything else."""
        if self._pool is None:
            for item in items:
                yield item, self._local.clean(item.text, item.metadata, self.work.site(item)) \
                    if isinstance(item, InputDoc) else None
            self.stage_seconds = dict(self._local.stage_seconds)
            return
        tasks = ((chunk, (_clean_chunk, ([(item.text, item.metadata, self.work.site(item)) for item in chunk
                                          if isinstance(item, InputDoc)],)))
                 for chunk in _chunks(items))
        for chunk, answer in self._pool.map(tasks, 2 * self.jobs):
            self._add_seconds(answer.stage_seconds)
            found = iter(answer.results)
            for item in chunk:
                yield (item, replace(next(found), original=item.text)) if isinstance(item, InputDoc) else (item, None)

    def finished(self, items: Iterable[Any]) -> Iterator[tuple[Any, tuple[Any, int] | Reject | None]]:
        """Each item of ``items`` with what became of it, in order: for a document (an InputDoc, or a RawLine
        read where it is cleaned), what ``finish`` gave and the bytes it took in its input; a Reject for a line
        that cannot be read; None for anything else. The documents' counts go to :attr:`summary`."""
        assert self.work.finish is not None
        tasks = ((chunk, [item for item in chunk if isinstance(item, InputDoc | RawLine)]) for chunk in _chunks(items))
        if self._pool is None:
            answers = ((chunk, _finish_here(self._local, self.work, entries)) for chunk, entries in tasks)
        else:
            answers = self._pool.map(((chunk, (_finish_chunk, (entries,))) for chunk, entries in tasks),
                                     2 * self.jobs)
        for chunk, answer in answers:
            self._add_seconds(answer.stage_seconds)
            self.summary.update(answer.summary)
            found = iter(answer.outcomes)
            for item in chunk:
                yield item, next(found) if isinstance(item, InputDoc | RawLine) else None

    def _add_seconds(self, spent: dict[str, float]) -> None:
        for name, seconds in spent.items():
            self.stage_seconds[name] = self.stage_seconds.get(name, 0.0) + seconds

    def _start_pool(self) -> WorkerPool:
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            return WorkerPool(self.jobs, multiprocessing.get_context("spawn"), _build_worker,
                              (self.spec, self._local.evidence, self.work))
        # Forked now, before a progress bar or any other thread of ours exists, sparing each worker a
        # rebuild of the rules that costs more than a small corpus takes to clean; every pattern is
        # compiled first, once, for all the workers.
        compile_all()
        return WorkerPool(self.jobs, multiprocessing.get_context("fork"), _share_worker, (self._local, self.work))

    def close(self, cancel: bool = False) -> None:
        """End the workers; ``cancel`` kills them at once, chunks in flight and all."""
        gc.unfreeze()
        if self._pool is not None:
            self._pool.close(kill=cancel)
            self._pool = None
