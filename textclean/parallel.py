"""Cleaning a stream of documents on several cores, in input order, with bounded memory.

Documents are sent to worker processes in chunks; at most ``2 * jobs`` chunks
are in flight, so memory stays flat however long the input is. Each worker
builds its own :class:`~textclean.engine.Cleaner` once from the same rules.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from .document import Result
from .engine import Cleaner
from .inputs import InputDoc, Reject
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


_worker_cleaner: Cleaner | None = None


def _init_worker(spec: CleanerSpec) -> None:
    global _worker_cleaner
    _worker_cleaner = spec.build()


def _clean_chunk(texts: list[tuple[str, dict[str, Any]]]) -> tuple[list[Result], dict[str, float]]:
    assert _worker_cleaner is not None
    before = dict(_worker_cleaner.stage_seconds)
    results = [replace(_worker_cleaner.clean(text, metadata), original="") for text, metadata in texts]
    spent = {k: v - before.get(k, 0.0) for k, v in _worker_cleaner.stage_seconds.items()}
    return results, spent


def _chunks(items: Iterable[InputDoc | Reject]) -> Iterator[list[InputDoc | Reject]]:
    chunk: list[InputDoc | Reject] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += len(item.text) if isinstance(item, InputDoc) else 0
        if len(chunk) >= CHUNK_DOCS or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class ParallelCleaner:
    """Cleans ``(doc, result)`` pairs in input order; rejects pass through with a None result."""

    def __init__(self, spec: CleanerSpec, jobs: int):
        self.spec, self.jobs = spec, jobs
        self.stage_seconds: dict[str, float] = {}
        # Built here even for a pool: a rule that does not compile fails now, with its file and line,
        # not later inside a worker.
        self._local = spec.build()
        self._pool: ProcessPoolExecutor | None = None

    def run(self, items: Iterable[InputDoc | Reject]) -> Iterator[tuple[InputDoc | Reject, Result | None]]:
        if self.jobs <= 1:
            yield from self._run_local(items)
        else:
            yield from self._run_pool(items)

    def _run_local(self, items):
        for item in items:
            yield item, self._local.clean(item.text, item.metadata) if isinstance(item, InputDoc) else None
        self.stage_seconds = dict(self._local.stage_seconds)

    def _run_pool(self, items):
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_init_worker, initargs=(self.spec,))
        pending: deque[tuple[list[InputDoc | Reject], Future]] = deque()
        for chunk in _chunks(items):
            docs = [(item.text, item.metadata) for item in chunk if isinstance(item, InputDoc)]
            pending.append((chunk, self._pool.submit(_clean_chunk, docs)))
            if len(pending) >= 2 * self.jobs:
                yield from self._collect(*pending.popleft())
        while pending:
            yield from self._collect(*pending.popleft())

    def _collect(self, chunk, future: Future):
        results, spent = future.result()
        for name, seconds in spent.items():
            self.stage_seconds[name] = self.stage_seconds.get(name, 0.0) + seconds
        found = iter(results)
        for item in chunk:
            yield (item, replace(next(found), original=item.text)) if isinstance(item, InputDoc) else (item, None)

    def close(self, cancel: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
            self._pool = None
