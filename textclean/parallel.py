"""Cleaning a stream of documents on several cores, in input order, with bounded memory.

Documents are sent to worker processes in chunks; at most ``2 * jobs`` chunks
are in flight, so memory stays flat however long the input is. Where the
platform can fork, workers start as copies of the parent and share its
compiled :class:`~textclean.engine.Cleaner`; elsewhere each worker builds its
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

from .document import Result
from .engine import Cleaner
from .evidence import Collector, gather
from .inputs import InputDoc, Reject
from .patterns import compile_all
from .report import EditCounts
from .rulefile import RuleSet

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


@dataclass(frozen=True)
class _ChunkResult:
    """A worker's answer: the results in order, seconds per stage, and the edits it counted instead of sending."""

    results: list[Result]
    stage_seconds: dict[str, float]
    edit_counts: EditCounts | None


_worker_cleaner: Cleaner | None = None


def _build_worker_cleaner(spec_and_evidence: tuple[CleanerSpec, dict[int, Any]]) -> None:
    spec, evidence = spec_and_evidence
    cleaner = spec.build()
    cleaner.evidence = evidence
    gc.freeze()
    _share_worker_cleaner(cleaner)


def _share_worker_cleaner(cleaner: Cleaner) -> None:
    global _worker_cleaner
    _worker_cleaner = cleaner


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
    from concurrent.futures import ThreadPoolExecutor

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
            tasks = ((None, (_observe_chunk, (chunk,))) for chunk in chunks)
            found = (answer for _, answer in self._pool.map(tasks, 2 * self.jobs))
        self._local.evidence = gather(self._local.collectors(), found)
        if self._pool is not None:  # workers restart from the parent as it now is, evidence included
            self._pool.close()
            self._pool = self._start_pool()

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

    def _start_pool(self) -> WorkerPool:
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            return WorkerPool(self.jobs, multiprocessing.get_context("spawn"), _build_worker_cleaner,
                              (self.spec, self._local.evidence))
        # Forked now, before a progress bar or any other thread of ours exists, sparing each worker a
        # rebuild of the rules that costs more than a small corpus takes to clean; every pattern is
        # compiled first, once, for all the workers.
        compile_all()
        return WorkerPool(self.jobs, multiprocessing.get_context("fork"), _share_worker_cleaner, self._local)

    def _run_pool(self, items):
        tasks = ((chunk, (_clean_chunk, ([(item.text, item.metadata, self.site(item)) for item in chunk
                                           if isinstance(item, InputDoc)], self.keep_edits)))
                 for chunk in _chunks(items))
        for chunk, answer in self._pool.map(tasks, 2 * self.jobs):
            yield from self._collect(chunk, answer)

    def _collect(self, chunk, answer: _ChunkResult):
        for name, seconds in answer.stage_seconds.items():
            self.stage_seconds[name] = self.stage_seconds.get(name, 0.0) + seconds
        if answer.edit_counts is not None:
            self.edit_counts.update(answer.edit_counts)
        found = iter(answer.results)
        for item in chunk:
            yield (item, replace(next(found), original=item.text)) if isinstance(item, InputDoc) else (item, None)

    def close(self, cancel: bool = False) -> None:
        """End the workers; ``cancel`` kills them at once, chunks in flight and all."""
        gc.unfreeze()
        if self._pool is not None:
            self._pool.close(kill=cancel)
            self._pool = None
