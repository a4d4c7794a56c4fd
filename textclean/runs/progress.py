"""A progress bar on a terminal: documents, MB, MB/s and, where the input size is known, ETA."""
from __future__ import annotations

import sys


class Progress:
    def __init__(self, total_bytes: int | None, enabled: bool | None = None):
        self.bar = None
        if enabled if enabled is not None else sys.stderr.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total_bytes, unit="B", unit_scale=True, smoothing=0.1,
                            dynamic_ncols=True, file=sys.stderr, desc="textclean")
        self.documents = 0

    def advance(self, size: int) -> None:
        self.documents += 1
        if self.bar is not None:
            self.bar.update(size)
            if self.documents % 256 == 0:
                self.bar.set_postfix_str(f"{self.documents:,} docs", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(f"{self.documents:,} docs", refresh=False)
            self.bar.close()
