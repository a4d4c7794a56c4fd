"""The ``textclean`` command line: parses options, reads, calls the library, writes.

Each module in this package adds its commands to :data:`main`, and is imported when one of them is run
(:data:`~textclean.cli.common.COMMAND_MODULES`).
"""
from .common import main
from .stdout import run_command


def entry() -> None:
    """The ``textclean`` program: :data:`main`, with stdout errors reported as one line (see ``stdout``)."""
    run_command(main)


__all__ = ["entry", "main"]
