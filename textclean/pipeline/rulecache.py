"""Rules kept between runs: parsed rule files and compiled stages, in the user's cache folder.

An entry is named by a digest of everything it was built from: the bytes and paths of the rule
files, textclean's version and the digest of its own code, the versions of Python, ``regex`` and
PyYAML, and for compiled stages the rules selected and their settings. A changed rule file or
another textclean is another name, so an entry is never stale by name; it is still checked before
use. A file is read only from a folder the user owns and no one else may write to (it holds
pickles), only if it is the user's own, and only when its checksum and its own key agree with the
one asked for; anything else (unreadable, truncated, corrupt, of another format) is ignored and
built anew. Entries are written under a temporary name and renamed, so two processes writing the
same entry at once leave one whole file.

``TEXTCLEAN_CACHE_DIR`` names the folder (default: ``$XDG_CACHE_HOME/textclean``, else
``~/.cache/textclean``); ``TEXTCLEAN_NO_CACHE=1`` turns the cache off.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import stat
import sys
import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

#: The first line of every entry; another format is ignored.
MAGIC = b"textclean rule cache 1\n"
#: Entries not used for this many days are removed when a new one is written.
UNUSED_DAYS = 30
_SUFFIX = ".pickle"


def folder() -> Path | None:
    """The cache folder, or None when the cache is off."""
    if os.environ.get("TEXTCLEAN_NO_CACHE", "") not in ("", "0"):
        return None
    named = os.environ.get("TEXTCLEAN_CACHE_DIR")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "textclean"


@cache
def _environment() -> bytes:
    """What every entry depends on besides its own inputs: textclean's code, Python and the libraries
    whose objects the entries hold."""
    import regex
    import yaml

    from .. import __version__

    package = Path(__file__).resolve().parents[1]
    code = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file():
            code.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return "\n".join([__version__, code.hexdigest(), sys.version, regex.__version__, yaml.__version__]).encode()


def key(*parts: bytes | str) -> str:
    """A name for an entry built from ``parts`` (and the environment): a hex digest."""
    digest = hashlib.sha256(_environment())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def _usable(where: Path) -> bool:
    """Whether ``where`` is a folder of the user's own that no one else may write to."""
    try:
        info = os.stat(where)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def load(name: str, persistent_load: Callable[[Any], Any] | None = None) -> Any | None:
    """The value stored under ``name``, or None when there is none that can be trusted.

    ``persistent_load`` gives back the objects :func:`store` left out by their ``persistent_id``.
    """
    where = folder()
    if where is None or not _usable(where):
        return None
    path = where / (name + _SUFFIX)
    try:
        with open(path, "rb", opener=lambda file, flags: os.open(file, flags | os.O_NOFOLLOW)) as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
                return None
            data = stream.read()
        if time.time() - info.st_mtime > 86400:  # marks it used, for the pruning of unused entries
            os.utime(path)
    except OSError:
        return None
    header = MAGIC + name.encode() + b"\n"
    checksum_end = len(header) + 64
    if not data.startswith(header) or len(data) < checksum_end + 1:
        return None
    body = data[checksum_end + 1:]
    if data[len(header):checksum_end] != hashlib.sha256(body).hexdigest().encode():
        return None
    try:
        unpickler = pickle.Unpickler(io.BytesIO(body))
        if persistent_load is not None:
            unpickler.persistent_load = persistent_load
        return unpickler.load()
    except Exception:  # a class that moved or changed: built anew  # noqa: BLE001
        return None


def store(name: str, value: Any, persistent_id: Callable[[Any], Any] | None = None) -> None:
    """Store ``value`` under ``name``; quietly does nothing where the cache cannot be written."""
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _usable(where):
            return
        stream = io.BytesIO()
        pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
        if persistent_id is not None:
            pickler.persistent_id = persistent_id
        pickler.dump(value)
        body = stream.getvalue()
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return
    data = MAGIC + name.encode() + b"\n" + hashlib.sha256(body).hexdigest().encode() + b"\n" + body
    import tempfile  # only where an entry is written

    try:
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=where)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, where / (name + _SUFFIX))
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return
    _prune(where, keep=name + _SUFFIX)


def _prune(where: Path, keep: str) -> None:
    """Remove entries, and temporary files a killed writer left, not used for UNUSED_DAYS days."""
    oldest = time.time() - UNUSED_DAYS * 86400
    for path in _entries(where):
        try:
            if path.name != keep and path.stat().st_mtime < oldest:
                path.unlink()
        except OSError:
            pass


def _entries(where: Path) -> Iterable[Path]:
    try:
        return [path for path in where.iterdir() if path.suffix == _SUFFIX]
    except OSError:
        return []

