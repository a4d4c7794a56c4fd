"""Bounded memos: answers remembered across documents, for the lines a site repeats on every page and the
pipeline's second pass."""
from __future__ import annotations

from collections.abc import Hashable
from typing import Any

#: Entries a memo holds at most (:func:`remember`); then it starts afresh.
MEMO_SIZE = 2048
#: Lines whose keywords a LineIndex remembers, at most.
MEMO_LINES = 16384


def remember(memo: dict, key: Hashable, value: Any) -> None:
    """Store ``value`` under ``key`` in ``memo``, emptying it first when it holds MEMO_SIZE entries."""
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = value
