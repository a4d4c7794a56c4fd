"""Cleaning a stream of documents on several cores, in input order, with bounded memory.

Documents are sent to worker processes in chunks; at most ``2 * jobs`` chunks
are in flight, so memory stays flat however long the input is. Where the
platform can fork, workers start as copies of the parent and share its
compiled :class:`~textclean.engine.Cleaner`; elsewhere each worker builds its
own once from the same rules.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any

from .document import Result
from .engine import Cleaner
from .evidence import Collector, gather
from .inputs import InputDoc, Reject
from .patterns import compile_all
from .report import EditCounts
from .rulefile import RuleSet

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


@dataclass(frozen=True)
class _ChunkResult:
    """A worker's answer: the results in order, seconds per stage, and the edits it counted instead of sending."""

    results: list[Result]
    stage_seconds: dict[str, float]
    edit_counts: EditCounts | None


_worker_cleaner: Cleaner | None = None


def _build_worker_cleaner(spec: CleanerSpec, evidence: dict[int, Any]) -> None:
    cleaner = spec.build()
    cleaner.evidence = evidence
    gc.freeze()
    _share_worker_cleaner(cleaner)


def _share_worker_cleaner(cleaner: Cleaner) -> None:
    global _worker_cleaner
    _worker_cleaner = cleaner
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops the workers


def _observe_chunk(pages: list[tuple[str, str]]) -> dict[int, Collector]:
    """The first pass over one chunk of (site, text) pairs: fresh collectors that took each page."""
    assert _worker_cleaner is not None
    return observed(_worker_cleaner, pages)


def observed(cleaner: Cleaner, pages: list[tuple[str, str]]) -> dict[int, Collector]:
    collectors = cleaner.collectors()
    for site, text in pages:
        for collector in collectors.values():
            collector.observe(site, text)
    return collectors


def _clean_chunk(texts: list[tuple[str, dict[str, Any], str | None]], keep_edits: bool) -> _ChunkResult:
    # On a new thread, whose Python frame stack starts empty. A worker forked deep in the parent's call
    # stack would run the rules right across a frame-stack chunk boundary, where CPython (3.11 and 3.12
    # at least) maps and unmaps 16 KiB on every call that crosses it (python/cpython#142183): half again the CPU time.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(_clean_chunk_here, texts, keep_edits).result()


def _clean_chunk_here(texts: list[tuple[str, dict[str, Any], str | None]], keep_edits: bool) -> _ChunkResult:
    assert _worker_cleaner is not None
    before = dict(_worker_cleaner.stage_seconds)
    results = [replace(_worker_cleaner.clean(text, metadata, site), original="") for text, metadata, site in texts]
    spent = {k: v - before.get(k, 0.0) for k, v in _worker_cleaner.stage_seconds.items()}
    if keep_edits:
        return _ChunkResult(results, spent, None)
    counts = EditCounts()
    for result in results:
        counts.add(result.edits)
    return _ChunkResult([replace(result, edits=[]) for result in results], spent, counts)


def _chunks(items: Iterable[InputDoc | Reject | tuple[str, str]]) -> Iterator[list[Any]]:
    """Items in chunks of at most CHUNK_DOCS, or of CHUNK_BYTES of text: documents, rejects or (site, text) pairs."""
    chunk: list[Any] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += len(item.text) if isinstance(item, InputDoc) else len(item[1]) if isinstance(item, tuple) else 0
        if len(chunk) >= CHUNK_DOCS or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class ParallelCleaner:
    """Cleans ``(doc, result)`` pairs in input order; rejects pass through with a None result.

    With ``keep_edits=False`` the results of a pool come without their edits, which
    are costly to send between processes; :attr:`edit_counts` holds their counts.
    """

    def __init__(self, spec: CleanerSpec, jobs: int, keep_edits: bool = True,
                 site: Callable[[InputDoc], str | None] = lambda doc: None):
        self.spec, self.jobs, self.keep_edits, self.site = spec, jobs, keep_edits, site
        self.stage_seconds: dict[str, float] = {}
        #: Edits the workers counted and did not send back, per rule.
        self.edit_counts = EditCounts()
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

    def learn(self, pages: Iterable[tuple[str, str]]) -> None:
        """The first pass: every (site, text) of the corpus, observed in chunks (by the workers, where there are
        any) and merged in input order, so the evidence is the same whatever the number of workers; then
        every document is cleaned with it."""
        chunks = _chunks(pages)
        if self._pool is None:
            found = (observed(self._local, chunk) for chunk in chunks)
        else:
            found = self._in_order(chunks, _observe_chunk)
        self._local.evidence = gather(self._local.collectors(), found)
        if self._pool is not None:  # workers restart from the parent as it now is, evidence included
            self._pool.shutdown()
            self._pool = self._start_pool()

    def _in_order(self, chunks: Iterable[list[Any]], work: Callable) -> Iterator[Any]:
        """``work`` on each chunk in the pool, at most ``2 * jobs`` chunks in flight, the answers in order."""
        pending: deque[Future] = deque()
        for chunk in chunks:
            pending.append(self._pool.submit(work, chunk))
            if len(pending) >= 2 * self.jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def run(self, items: Iterable[InputDoc | Reject]) -> Iterator[tuple[InputDoc | Reject, Result | None]]:
        if self.jobs <= 1:
            yield from self._run_local(items)
        else:
            yield from self._run_pool(items)

    def _run_local(self, items):
        for item in items:
            yield item, self._local.clean(item.text, item.metadata, self.site(item)) \
                if isinstance(item, InputDoc) else None
        self.stage_seconds = dict(self._local.stage_seconds)

    def _start_pool(self) -> ProcessPoolExecutor:
        if "fork" not in multiprocessing.get_all_start_methods():
            return ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_build_worker_cleaner, initargs=(self.spec, self._local.evidence))
        # Forked now, before a progress bar or any other thread of ours exists, sparing each worker a
        # rebuild of the rules that costs more than a small corpus takes to clean; every pattern is
        # compiled first, once, for all the workers.
        compile_all()
        pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_share_worker_cleaner, initargs=(self._local,))
        wait([pool.submit(int) for _ in range(self.jobs)])  # every worker starts now
        return pool

    def _run_pool(self, items):
        pending: deque[tuple[list[InputDoc | Reject], Future]] = deque()
        for chunk in _chunks(items):
            docs = [(item.text, item.metadata, self.site(item)) for item in chunk if isinstance(item, InputDoc)]
            pending.append((chunk, self._pool.submit(_clean_chunk, docs, self.keep_edits)))
            if len(pending) >= 2 * self.jobs:
                yield from self._collect(*pending.popleft())
        while pending:
            yield from self._collect(*pending.popleft())

    def _collect(self, chunk, future: Future):
        answer: _ChunkResult = future.result()
        for name, seconds in answer.stage_seconds.items():
            self.stage_seconds[name] = self.stage_seconds.get(name, 0.0) + seconds
        if answer.edit_counts is not None:
            self.edit_counts.update(answer.edit_counts)
        found = iter(answer.results)
        for item in chunk:
            yield (item, replace(next(found), original=item.text)) if isinstance(item, InputDoc) else (item, None)

    def close(self, cancel: bool = False) -> None:
        gc.unfreeze()
        if self._pool is not None:
            if cancel:  # stop the chunks in flight now, not when they are done (no public API before Python 3.14)
                for process in list(self._pool._processes.values()):
                    process.terminate()
            self._pool.shutdown(cancel_futures=cancel)
            self._pool = None
