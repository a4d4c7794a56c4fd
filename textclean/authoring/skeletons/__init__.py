"""Commented rule-file skeletons, one per kind (``<kind>.yaml``), for ``textclean rules new``.

Each is a working rule file: it passes ``textclean rules lint`` and ``rules test``
as it stands, so a person edits examples that already run.
"""
from __future__ import annotations

from pathlib import Path

_FOLDER = Path(__file__).resolve().parent


def skeleton(kind: str) -> str:
    """The skeleton rule file for ``kind``. Raises KeyError when there is none."""
    path = _FOLDER / f"{kind}.yaml"
    if not path.is_file():
        raise KeyError(kind)
    return path.read_text("utf-8")
