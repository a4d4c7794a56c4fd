"""Project configuration: ``.textclean.yaml`` or ``[tool.textclean]`` in ``pyproject.toml``.

Keys: ``rules`` (rule files or folders, relative to the config file), ``disable``
(rule ids), ``only`` (kinds), ``shipped`` (load the shipped packs, default true).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

_KEYS = {"rules", "disable", "only", "shipped"}


class ConfigError(ValueError):
    pass


@dataclass
class ProjectConfig:
    rules: list[str] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    only: list[str] = field(default_factory=list)
    shipped: bool = True
    source: str | None = None


def find_config(start: Path) -> ProjectConfig:
    """The nearest configuration at or above ``start``, or defaults when there is none."""
    for folder in [start, *start.parents]:
        yaml_file = folder / ".textclean.yaml"
        if yaml_file.is_file():
            return _parse(_load_yaml(yaml_file), yaml_file)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{pyproject}: not valid TOML: {exc}") from None
            section = data.get("tool", {}).get("textclean")
            if section is not None:
                return _parse(section, pyproject)
    return ProjectConfig()


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text("utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None


def _parse(data: Any, path: Path) -> ProjectConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the textclean configuration must be a mapping")
    unknown = set(data) - _KEYS
    if unknown:
        known = ", ".join(sorted(_KEYS))
        raise ConfigError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; known keys: {known}")
    lists = {}
    for key in ("rules", "disable", "only"):
        value = data.get(key, [])
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ConfigError(f"{path}: {key!r} must be a list of strings")
        lists[key] = value
    shipped = data.get("shipped", True)
    if not isinstance(shipped, bool):
        raise ConfigError(f"{path}: 'shipped' must be true or false")
    rules = [str(path.parent / rule) for rule in lists["rules"]]
    return ProjectConfig(rules, lists["disable"], lists["only"], shipped, str(path))
