"""A JSONL log written one output shard at a time (``--edits``, ``--rejects``), so that ``--resume`` finds
every shard's part.

While a run goes, the lines of each output shard go to a part file of their own in a folder beside the log
(``.textclean-<log name>.parts/``), committed (written whole, then renamed) before the shard's output is.
At the end of the run, or when it stops, the parts are merged into the log in shard order and the folder is
removed. A run killed outright (SIGKILL, power loss) leaves the folder: the next ``--resume`` takes the part of
every shard whose output exists from it, and the rest from the log an earlier run finished.
"""
from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from pathlib import Path

from .outputs import TMP_PREFIX, AtomicWriter, OutputError


def parts_folder(path: Path) -> Path:
    """The folder of the parts of the log at ``path``."""
    return path.parent / f"{TMP_PREFIX}{path.name}.parts"


class ShardLog:
    """The log at ``path``, kept in parts by shard key (the name of the shard's output) until ``merge``.

    ``header`` is the log's first line(s); ``fresh``: parts a killed run left are dropped (a run that is
    not a --resume starts again).
    """

    def __init__(self, path: Path, fresh: bool, header: str = ""):
        self.path, self.header = path, header
        self.folder = parts_folder(path)
        if fresh:
            shutil.rmtree(self.folder, ignore_errors=True)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)  # and the log's folder, as for every file a run writes
        except OSError as exc:
            raise OutputError(f"{self.folder}: cannot make the folder of the log's parts: {exc.strerror}") from None
        self._key: str | None = None
        self._part: AtomicWriter | None = None
        self._committed: set[Path] = set()  # the parts this run wrote

    def _part_path(self, key: str) -> Path:
        return self.folder / f"{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}.jsonl"

    def has(self, key: str) -> bool:
        """Whether the part of shard ``key`` is complete (a run finished the shard)."""
        return self._part_path(key).is_file()

    def keep_only(self, keys: Iterable[str]) -> None:
        """Remove the parts of every shard but ``keys`` (a killed run's parts of shards whose output is missing)."""
        wanted = {self._part_path(key) for key in keys}
        for path in self.folder.iterdir():
            if path not in wanted:
                path.unlink()

    def write(self, key: str, text: str) -> None:
        """Add ``text`` (whole lines) to the part of shard ``key``."""
        self._open(key).write(text)

    def end_shard(self, key: str) -> None:
        """Shard ``key`` is complete: commit its part (an empty one when it has no lines)."""
        self._open(key)
        self._commit_part()

    def _open(self, key: str) -> AtomicWriter:
        if key != self._key or self._part is None:
            self._commit_part()
            self._key, self._part = key, AtomicWriter(self._part_path(key))
        return self._part

    def _commit_part(self) -> None:
        if self._part is not None:
            self._part.commit()
            self._committed.add(self._part.path)
            self._key, self._part = None, None

    def drop_open_part(self) -> None:
        if self._part is not None:
            self._part.abort()
            self._key, self._part = None, None

    def merge(self, keys: Iterable[str]) -> None:
        """Write the log: the header, then the parts of ``keys`` that are complete, in that order; remove the parts."""
        self._commit_part()
        log = AtomicWriter(self.path)
        try:
            log.write(self.header)
            for key in dict.fromkeys(keys):
                part = self._part_path(key)
                if part.is_file():
                    with open(part, encoding="utf-8", newline="") as stream:
                        for chunk in iter(lambda: stream.read(1 << 20), ""):
                            log.write(chunk)
        except BaseException:
            log.abort()
            raise
        log.commit()
        shutil.rmtree(self.folder, ignore_errors=True)

    def close_failed(self, keys: Iterable[str]) -> None:
        """The run stopped: drop the open part, and merge the complete ones when there are any (else leave the log
        an earlier run wrote as it is)."""
        self.drop_open_part()
        if any(self.folder.iterdir()):
            self.merge(keys)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)

    def discard(self) -> None:
        """The run does not start: remove the parts it wrote (not those a killed run left), and the folder if empty."""
        self.drop_open_part()
        for path in self._committed:
            path.unlink(missing_ok=True)
        if not any(self.folder.iterdir()):
            self.folder.rmdir()
