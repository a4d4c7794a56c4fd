"""stdout of the command line, and what happens when it goes away.

A reader that stops reading (``textclean clean big | head``) ends the command quietly with status 0,
as Unix tools do; stdout that cannot be written (a full device, a closed descriptor) is one line on
stderr and status 1. ``sys.stdout`` is replaced by a stream whose writes raise :class:`StdoutGone`
instead of an OSError, so that such an error is told apart from one of any other file.
"""
from __future__ import annotations

import io
import os
import sys

import click

from .common import EXIT_FINDINGS


class StdoutGone(Exception):
    """stdout cannot take more: ``closed_by_reader`` when the reader went away (EPIPE)."""

    def __init__(self, cause: str, closed_by_reader: bool = False):
        super().__init__(cause)
        self.closed_by_reader = closed_by_reader


class _Stdout(io.RawIOBase):
    """File descriptor 1 (None when it is closed); after :meth:`discard`, writes go nowhere."""

    def __init__(self, fd: int | None):
        self._fd, self._discard = fd, False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        if self._fd is None:
            raise OSError("stdout is closed")
        return self._fd

    def isatty(self) -> bool:
        return self._fd is not None and os.isatty(self._fd)

    def write(self, data) -> int:
        if self._discard:
            return len(data)
        if self._fd is None:
            raise StdoutGone("it is closed")
        try:
            return os.write(self._fd, data)
        except BrokenPipeError:
            raise StdoutGone("the reader closed it", closed_by_reader=True) from None
        except OSError as exc:
            raise StdoutGone(exc.strerror or str(exc)) from None

    def discard(self) -> None:
        self._discard = True


def _guarded_stdout() -> _Stdout:
    """Put a stream over descriptor 1 in ``sys.stdout``; a closed descriptor 1 is taken by /dev/null, so that
    no file the command opens gets it, and the stream says it is closed."""
    try:
        os.fstat(1)
        fd: int | None = 1
    except OSError:
        fd = None
        if os.open(os.devnull, os.O_WRONLY) != 1:
            raise RuntimeError("descriptor 1 is closed but was not the lowest free one") from None
    raw = _Stdout(fd)
    previous = sys.stdout
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding=getattr(previous, "encoding", None) or "utf-8",
                                  errors=getattr(previous, "errors", None) or "strict",
                                  line_buffering=bool(getattr(previous, "line_buffering", False)))
    return raw


def run_command(command: click.Command) -> None:
    """Run ``command`` as the program, with stdout guarded (see the module's docstring); exit with its status."""
    raw = _guarded_stdout()
    try:
        try:
            command(prog_name="textclean")  # also as python -m textclean and python cli.py
            code: int | str | None = 0
        except SystemExit as done:
            code = done.code
        sys.stdout.flush()
    except StdoutGone as gone:
        raw.discard()  # what is still buffered must not fail again at exit
        if gone.closed_by_reader:
            code = 0
        else:
            click.echo(f"textclean: error: cannot write to stdout: {gone}", err=True)
            code = EXIT_FINDINGS
    sys.exit(code)
