"""The ``textclean`` command line: parses options, reads, calls the library, writes.

Each module in this package adds its commands to :data:`main`; all are imported here.
"""
import importlib
import pkgutil

from .common import main

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["main"]
