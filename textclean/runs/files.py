"""Cleaning files in place, leaving everything but the cleaned text as it was.

A file keeps its line endings (each line its own: CRLF stays CRLF unless normalised), its UTF-8
byte-order mark, its final newline or the lack of one, and its permission bits.
It is rewritten only when its bytes change, and then atomically (written beside
it, flushed to disk, renamed over it: :class:`~textclean.io.outputs.AtomicWriter`),
optionally after a backup copy. Which files are taken, and which kinds run on
each, come from the project configuration.

:class:`FilesReport` reads many files together, each as it would be cleaned, for what they show together and
no one file does (``textclean check``).
"""
from __future__ import annotations

import codecs
import difflib
import itertools
import re
import shutil
import stat
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..io.inputs import BINARY_SNIFF_BYTES, InputError, ReadOptions, decode_utf8, expand, wide_encoding
from ..io.outputs import AtomicWriter, OutputError
from ..kinds import registry
from ..model.document import Result, input_offsets, line_cols
from ..model.evidence import CorpusFinding, Reporter, corpus_findings, site_of
from ..pipeline.config import ProjectConfig
from ..pipeline.engine import Cleaner
from ..pipeline.rulefile import RuleSet
from ..stages.tidy import WhitespaceTidy
from ..stages.unicode_repair import UnicodeRepair
from .report import edit_message

_NEWLINE = re.compile("\n")

#: ``--backup`` keeps the original of ``page.txt`` as ``page.txt.orig``.
BACKUP_SUFFIX = ".orig"


class BinaryFileError(ValueError):
    """A file that holds binary data; the in-place commands skip it."""


@dataclass(frozen=True)
class TextFile:
    """A file's contents as read, and the text the engine cleans."""

    path: Path
    original: str  # the whole file, byte-order mark and line endings included
    text: str  # without a byte-order mark, every CRLF as LF
    newline: str  # "\r\n" when most lines end so, else "\n": the ending of a line a rule adds
    crlf: frozenset[int]  # where each LF of ``text`` that the file writes as CRLF stands
    bom: bool

    @classmethod
    def read(cls, path: Path) -> TextFile:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
        wide = wide_encoding(data)
        if wide:  # like any file that is not UTF-8: an error, not a binary file skipped
            raise InputError(str(path), None, f"{wide.upper()} text (byte-order mark); files are "
                             "cleaned in place as UTF-8 only: convert it, or clean it with 'textclean clean'")
        if b"\0" in data[:BINARY_SNIFF_BYTES]:
            raise BinaryFileError(f"{path}: binary file")
        text = decode_utf8(data, str(path))
        parts = text.split("\r\n")
        crlf = frozenset(end - 1 for end in itertools.accumulate(len(part) + 1 for part in parts[:-1]))
        newline = "\r\n" if len(crlf) > text.count("\n") - len(crlf) else "\n"
        bom = data.startswith(codecs.BOM_UTF8)
        return cls(path, data.decode("utf-8"), "\n".join(parts), newline, crlf, bom)

    def contents(self, result: Result, normalise: bool) -> str:
        """The cleaned text as this file holds it: its final newline, its BOM, and each line its own ending
        (unless ``normalise``: LF); a line break the rules made takes the file's most common ending."""
        text = result.text
        if text and self.text.endswith("\n") != text.endswith("\n"):
            text = text + "\n" if self.text.endswith("\n") else text.rstrip("\n")
        prefix = "\ufeff" if self.bom else ""
        if normalise or not self.crlf:
            return prefix + text
        if len(self.crlf) == self.text.count("\n"):
            return prefix + text.replace("\n", "\r\n")
        ends = [found.start() for found in _NEWLINE.finditer(text)]
        pieces, start = [prefix], 0
        for end, source in zip(ends, input_offsets(result.edits, ends), strict=True):
            kept = self.text.startswith("\n", source)
            pieces.append(text[start:end] + ("\r\n" if source in self.crlf else "\n" if kept else self.newline))
            start = end + 1
        return "".join(pieces) + text[start:]


@dataclass(frozen=True)
class Problem:
    """One line of ``textclean check``: an edit the fixer would make, or a finding it cannot fix."""

    path: str
    line: int
    column: int
    rule: str
    message: str
    level: str = "warning"
    fixable: bool = True

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.rule}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FilesProblem:
    """A line of ``textclean check`` about files together: what they show and no one of them does."""

    files: tuple[str, ...]
    rule: str
    message: str
    level: str = "warning"
    fixable: bool = False

    @classmethod
    def of(cls, finding: CorpusFinding) -> FilesProblem:
        return cls(finding.documents, finding.rule, finding.message, finding.level)

    def __str__(self) -> str:
        return f"{', '.join(self.files)}: {self.rule}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "files": list(self.files)}


@dataclass(frozen=True)
class FilePlan:
    """What cleaning one file would do: the engine's result and the file's new contents."""

    file: TextFile
    result: Result
    new: str
    normalises_line_endings: bool = False

    @property
    def changed(self) -> bool:
        return self.new != self.file.original

    def problems(self) -> list[Problem]:
        """The edits the fixer would make (when it would change the file) and the engine's findings, by position."""
        path = str(self.file.path)
        found = []
        if self.changed:
            for edit, (line, column) in zip(self.result.edits, self.result.edit_positions(), strict=True):
                found.append(Problem(path, line, column, edit.rule, edit_message(edit)))
            if self.normalises_line_endings:
                found.append(Problem(path, 1, 1, "file.line-endings", "CRLF line endings become LF"))
        findings = self.result.findings
        for finding, (line, column) in zip(findings, line_cols(self.result.original, [f.start for f in findings]),
                                           strict=True):
            found.append(Problem(path, line, column, finding.rule, finding.message, finding.level, fixable=False))
        return sorted(found, key=lambda problem: (problem.line, problem.column))

    def diff(self) -> str:
        """A unified diff from the file to its cleaned contents ('' when nothing changes)."""
        name = self.file.path.as_posix()
        lines = difflib.unified_diff(_lines(self.file.original), _lines(self.new), name, name)
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)

    def write(self, backup: bool = False) -> None:
        """Replace the file atomically, keeping its permission bits; ``backup`` copies the original first,
        never over an earlier backup (which may hold the only original).

        Raises OutputError naming the file when it cannot be written; the file is then as it was.
        """
        target = self.file.path.resolve()  # through a symbolic link, to the file it points to
        copy = target.with_name(target.name + BACKUP_SUFFIX)
        if backup and (copy.exists() or copy.is_symlink()):
            raise OutputError(f"{self.file.path}: not fixed: its backup {copy.name} exists already; move it away "
                              "or fix without --backup")
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
            if backup:
                shutil.copy2(target, copy)
            writer = AtomicWriter(target, mode)
            try:
                writer.write(self.new)
                writer.commit()
            except BaseException:
                writer.abort()
                raise
        except OSError as exc:
            raise OutputError(f"{self.file.path}: cannot write: {exc.strerror or exc}") from None


def _lines(text: str) -> list[str]:
    """Lines split at LF only, each keeping its ending (a CR before the LF stays part of the line)."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


class FileCleaner:
    """Plans the cleaning of files in place with one rule set; the configuration chooses files and kinds."""

    def __init__(self, ruleset: RuleSet, config: ProjectConfig | None = None, normalize_line_endings: bool = False):
        self.ruleset = ruleset
        self.config = config or ProjectConfig()
        self.normalize_line_endings = normalize_line_endings
        self._cleaners: dict[frozenset[str] | None, Cleaner] = {}

    def select(self, paths: Iterable[str], only_included: bool = False) -> list[Path]:
        """The files among ``paths``: each file named, whatever its name, and the files in the folders named that
        the configuration's globs take (``only_included``: the files named too must be taken by the globs)."""
        paths = list(paths)
        if "-" in paths:
            raise InputError("-", None, "files are cleaned in place; for stdin use 'textclean clean -'", usage=True)
        named = {path for path in paths if not Path(path).is_dir()}
        found = expand(paths, ReadOptions(include=("*",)))
        return [Path(file) for file, _ in found
                if (file in named and not only_included) or self.config.selects(Path(file))]

    def cleaner_for(self, path: Path) -> Cleaner:
        """The cleaner for ``path``: every loaded rule, or only the kinds ``per_file_kinds`` names for it; with
        ``header_lines: keep``, none of the kinds that move lines into metadata, which a file cannot keep."""
        stages = self.config.stages_for(path)
        if stages not in self._cleaners:
            kinds = registry()
            keep_headers = self.config.header_lines == "keep"
            ruleset = RuleSet([rule for rule in self.ruleset.rules
                               if (stages is None or rule.kind in stages)
                               and not (keep_headers and kinds[rule.kind].moves_to_metadata)],
                              self.ruleset.settings, self.ruleset.sources, self.ruleset.origin)
            self._cleaners[stages] = Cleaner(ruleset, unicode=stages is None or UnicodeRepair.kind in stages,
                                             tidy=stages is None or WhitespaceTidy.kind in stages)
        return self._cleaners[stages]

    def plan(self, path: Path) -> FilePlan:
        """Read and clean ``path`` without writing it. Raises BinaryFileError or InputError (not UTF-8)."""
        file = TextFile.read(path)
        result = self.cleaner_for(path).clean(file.text)
        normalise = self.normalize_line_endings and "\r\n" in file.original
        if result.text == file.text and not normalise:
            return FilePlan(file, result, file.original)
        return FilePlan(file, result, file.contents(result, self.normalize_line_endings), normalise)


class FilesReport:
    """What files cleaned in one run show together: each is handed, as its plan leaves it, to the reporters of
    its cleaner's stages (:meth:`Cleaner.report_on`). A file's site is its folder, as for ``textclean clean``."""

    def __init__(self, cleaner: FileCleaner):
        self.cleaner = cleaner
        self.reporters: dict[str, Reporter | None] = {}

    def observe(self, plan: FilePlan) -> None:
        path = plan.file.path
        site = site_of(None, {}, "url", str(path), str(path), text_file=True)
        self.cleaner.cleaner_for(path).report_on(self.reporters, plan.result.text, site, str(path))

    def problems(self) -> list[FilesProblem]:
        found = corpus_findings(reporter for reporter in self.reporters.values() if reporter is not None)
        return [FilesProblem.of(finding) for finding in found]
