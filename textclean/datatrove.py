"""textclean as a step of a datatrove pipeline (the optional extra ``scrapeclean[datatrove]``).

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from textclean.datatrove import TextCleanStep

    LocalPipelineExecutor([JsonlReader("crawl/"), TextCleanStep(rules=["my-rules/"]), JsonlWriter("clean/")],
                          tasks=8).run()

The step cleans ``Document.text`` with a :class:`~textclean.Cleaner`, adds the fields it extracts to
``Document.metadata`` (a field the document has keeps its value), leaves out the documents whose
cleaned text is empty or white space (``keep_empty=True`` keeps them) and counts what it did in
datatrove's stats. It streams: the first pass over a corpus that the site_lines rules learn from cannot
run in it, so give it the rule file ``textclean boilerplate discover`` writes instead.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .io.extras import needs_extra

try:
    from datatrove.data import DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
    from datatrove.utils.typeshelper import StatHints
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(needs_extra("textclean.datatrove", "datatrove")) from exc

from .model.document import Result
from .model.marks import marked_bytes
from .pipeline.engine import Cleaner
from .pipeline.rulefile import RuleSet, load_rules


class TextCleanStep(PipelineStep):
    """Cleans each document's text; drops the documents cleaning leaves empty unless ``keep_empty``.

    ``rules`` are paths of rule files or folders (read where the pipeline runs) or a
    :class:`~textclean.RuleSet`; ``shipped``, ``disable`` and ``only`` mean what the CLI's
    ``--no-shipped``, ``--disable`` and ``--only`` mean; ``unicode``, ``tidy`` and ``marks`` are the
    :class:`~textclean.Cleaner`'s options (``marks=True``: the text stays whole, and the spans the rules
    would remove go to ``metadata["marks"]``).

    Stats, per document: ``total``, ``forwarded``, ``dropped`` and ``dropped_empty``; ``changed``;
    ``edits`` and ``edit/<rule id>`` for each edit, ``mark/<rule id>`` for each mark; ``bytes_removed`` and
    ``bytes_marked`` (per document); ``metadata/<field>`` for each field a document gained; ``rule_errors``
    for a document a rule timed out on, or that the rules could not settle (it passes through unchanged).
    """

    name = "🧹 textclean"
    type = "✂️ - FORMAT"

    def __init__(self, rules: Iterable[str | Path] | RuleSet = (), *, disable: Iterable[str] = (),
                 only: Iterable[str] = (), shipped: bool = True, unicode: bool = True, tidy: bool = True,
                 marks: bool = False, keep_empty: bool = False):
        super().__init__()
        ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules, shipped=shipped)
        self.ruleset = ruleset.select(disable, only)
        self.options: dict[str, Any] = {"unicode": unicode, "tidy": tidy, "marks": marks}
        self.keep_empty = keep_empty
        self._cleaner: Cleaner | None = None  # built where the step runs: the rules travel, compiled stages need not

    @property
    def cleaner(self) -> Cleaner:
        if self._cleaner is None:
            self._cleaner = Cleaner(self.ruleset, **self.options)
        return self._cleaner

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_cleaner": None}

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                result = self.cleaner.clean(doc.text, doc.metadata)
            self._count(result, doc.metadata)
            doc.text, doc.metadata = result.text, result.metadata
            if not self.keep_empty and not doc.text.strip():
                self.stat_update(StatHints.dropped, "dropped_empty")
                continue
            self.stat_update(StatHints.forwarded)
            self.update_doc_stats(doc)
            yield doc

    def _count(self, result: Result, metadata_before: dict[str, Any]) -> None:
        """What cleaning one document did, into datatrove's stats."""
        if result.changed:
            self.stat_update("changed")
        size_in, size_out = (len(text.encode("utf-8", "surrogatepass")) for text in (result.original, result.text))
        self.stat_update("bytes_removed", value=size_in - size_out)
        for edit in result.edits:
            self.stat_update("edits", f"edit/{edit.rule}")
        if result.marks:
            self.stat_update("bytes_marked", value=sum(marked_bytes(result.original, result.marks)))
        for mark in result.marks:
            self.stat_update(f"mark/{mark.rule}")
        for key in result.metadata.keys() - metadata_before.keys():
            self.stat_update(f"metadata/{key}")
        if any(finding.level == "error" for finding in result.findings):
            self.stat_update("rule_errors")
