"""Optional dependencies: which extra installs each, and the one message that says how to install it.

The distribution's name lives here only, so every ``pip install`` hint names the same package.
"""
from __future__ import annotations

import importlib.util

#: The name textclean is installed by (``pip install DISTRIBUTION``); the import package is ``textclean``.
DISTRIBUTION = "scrapeclean"

#: The module each extra provides, by extra.
EXTRA_MODULES = {"zstd": "zstandard", "parquet": "pyarrow", "ray": "ray", "datatrove": "datatrove"}


def install_hint(extra: str) -> str:
    """The command that installs ``extra``: ``pip install 'scrapeclean[zstd]'``."""
    return f"pip install '{DISTRIBUTION}[{extra}]'"


def needs_extra(doing: str, extra: str) -> str:
    """The message for ``doing`` (``"writing .zst"``) without ``extra`` installed."""
    return f"{doing} needs the {extra} extra: {install_hint(extra)}"


def has_extra(extra: str) -> bool:
    """Whether the module ``extra`` provides can be imported (found, without importing it)."""
    try:
        return importlib.util.find_spec(EXTRA_MODULES[extra]) is not None
    except (ImportError, ValueError):
        return False
