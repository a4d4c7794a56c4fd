"""Project configuration: ``.textclean.yaml`` or ``[tool.textclean]`` in ``pyproject.toml``.

Keys: ``rules`` (rule files or folders, relative to the config file), ``disable``
(rule ids), ``only`` (kinds), ``shipped`` (load the shipped packs, default true),
and for the commands that clean files in place (``fix``, ``check``, ``diff``,
``explain``): ``include`` and ``exclude`` (globs), ``per_file_kinds`` (glob ->
the kinds and stages that run on matching files), and ``header_lines``: ``keep``
(the default: a file has nowhere to keep the metadata that header lines would
become, so the kinds that move lines into metadata do not run on it) or
``remove`` (they run, and their values are not kept anywhere).
"""
from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..kinds import registry
from ..stages.tidy import WhitespaceTidy
from ..stages.unicode_repair import UnicodeRepair
from .rulefile import yaml_problem

_KEYS = {"rules", "disable", "only", "shipped", "include", "exclude", "per_file_kinds", "header_lines"}
HEADER_LINES = ("keep", "remove")

#: Files the in-place commands take when the configuration names none.
DEFAULT_FILES = ("*.txt", "*.text")

#: The stages that are not rule kinds; ``per_file_kinds`` may name them too.
PLAIN_STAGES = (UnicodeRepair.kind, WhitespaceTidy.kind)


class ConfigError(ValueError):
    pass


@dataclass
class ProjectConfig:
    rules: list[str] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    only: list[str] = field(default_factory=list)
    shipped: bool = True
    include: list[str] = field(default_factory=lambda: list(DEFAULT_FILES))
    exclude: list[str] = field(default_factory=list)
    per_file_kinds: dict[str, list[str]] = field(default_factory=dict)
    header_lines: str = "keep"
    source: str | None = None

    @property
    def root(self) -> Path:
        """The folder that globs are relative to: the config file's, or the working directory."""
        return Path(self.source).parent if self.source else Path.cwd()

    def selects(self, path: Path) -> bool:
        """Whether the in-place commands take ``path``: matched by ``include`` and not by ``exclude``."""
        rel = self._relative(path)
        return _matches(rel, self.include) and not _matches(rel, self.exclude)

    def stages_for(self, path: Path) -> frozenset[str] | None:
        """The kinds and stages that run on ``path`` (the first matching glob), or None for all."""
        rel = self._relative(path)
        for glob, stages in self.per_file_kinds.items():
            if _matches(rel, [glob]):
                return frozenset(stages)
        return None

    def _relative(self, path: Path) -> str:
        rel = Path(os.path.relpath(path.resolve(), self.root.resolve())).as_posix()
        return path.name if rel.startswith("../") else rel


def _matches(rel: str, globs: Sequence[str]) -> bool:
    """A path relative to the root matches a glob by itself or by its file name (``*`` crosses folders)."""
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(name, glob) for glob in globs)


def find_config(start: Path) -> ProjectConfig:
    """The nearest configuration at or above ``start``, or defaults when there is none."""
    for folder in [start, *start.parents]:
        yaml_file = folder / ".textclean.yaml"
        if yaml_file.is_file():
            return _parse(_load_yaml(yaml_file), yaml_file)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            section = _pyproject_section(pyproject)
            if section is not None:
                return _parse(section, pyproject)
    return ProjectConfig()


def _pyproject_section(pyproject: Path) -> Any:
    """``[tool.textclean]`` of a pyproject.toml, or None; a file that never names textclean is not parsed."""
    data = pyproject.read_bytes()
    if b"textclean" not in data:
        return None
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8")).get("tool", {}).get("textclean")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{pyproject}: not valid TOML: {exc}") from None


def _load_yaml(path: Path) -> Any:
    text = path.read_text("utf-8")
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc, text)
        raise ConfigError(f"{path}:{line}: {problem}") from None


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _parse(data: Any, path: Path) -> ProjectConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the textclean configuration must be a mapping")
    unknown = set(data) - _KEYS
    if unknown:
        known = ", ".join(sorted(_KEYS))
        raise ConfigError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; known keys: {known}")
    lists = {}
    for key in ("rules", "disable", "only", "include", "exclude"):
        value = data.get(key, [])
        if not _string_list(value):
            raise ConfigError(f"{path}: {key!r} must be a list of strings")
        lists[key] = value
    shipped = data.get("shipped", True)
    if not isinstance(shipped, bool):
        raise ConfigError(f"{path}: 'shipped' must be true or false")
    header_lines = data.get("header_lines", "keep")
    if header_lines not in HEADER_LINES:
        raise ConfigError(f"{path}: 'header_lines' must be one of {', '.join(HEADER_LINES)}, not {header_lines!r}")
    rules = [str(path.parent / rule) for rule in lists["rules"]]
    return ProjectConfig(rules, lists["disable"], lists["only"], shipped,
                         lists["include"] or list(DEFAULT_FILES), lists["exclude"],
                         _per_file_kinds(data.get("per_file_kinds", {}), path), header_lines, str(path))


def _per_file_kinds(value: Any, path: Path) -> dict[str, list[str]]:
    if not (isinstance(value, dict) and all(_string_list(stages) for stages in value.values())):
        raise ConfigError(f"{path}: 'per_file_kinds' must map globs to lists of kinds")
    known = [*PLAIN_STAGES, *registry()]
    for glob, stages in value.items():
        unknown = sorted(set(stages) - set(known))
        if unknown:
            raise ConfigError(f"{path}: per_file_kinds {glob!r}: unknown kind {', '.join(unknown)}; "
                              f"choose from {', '.join(known)}")
    return value
