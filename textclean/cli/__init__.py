"""The ``textclean`` command line: parses options, reads, calls the library, writes.

Each module in this package adds its commands to :data:`main`; all are imported here.
"""
import importlib
import pkgutil

from .common import main
from .stdout import run_command

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")


def entry() -> None:
    """The ``textclean`` program: :data:`main`, with stdout errors reported as one line (see ``stdout``)."""
    run_command(main)


__all__ = ["entry", "main"]
