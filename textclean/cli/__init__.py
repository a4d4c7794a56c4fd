"""The ``textclean`` command line: parses options, reads, calls the library, writes.

Each module in this package adds its commands to :data:`main`, and is imported when one of them is run
(:data:`~textclean.cli.common.COMMAND_MODULES`).
"""
from .common import main

__all__ = ["main"]
