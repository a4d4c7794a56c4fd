"""Reading rule files: safe YAML with line numbers, JSON Schema validation, rule sets."""
from __future__ import annotations

import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..kinds import registry
from ..model.kind import Rule, RuleError
from . import rulecache
from .rule_limits import MAX_ALIASES, MAX_FILE_BYTES, MAX_RULES, MAX_VALUES, refuse_oversized_patterns

if TYPE_CHECKING:
    import jsonschema

SCHEMA_ID = "https://textclean.dev/schema/rulefile.json"

#: What an example of a rule that reads corpus evidence says of the corpus around its text.
_EXAMPLE_CORPUS: dict[str, Any] = {
    "site": {"type": "string", "minLength": 1,
             "description": "The site the example's text belongs to (default: example.org)."},
    "pages": {"type": "array", "items": {"type": "string"},
              "description": "Other pages of the same site: the corpus a first pass reads along with the example."},
}

_COMMON_RULE_PROPERTIES: dict[str, Any] = {
    "id": {
        "type": "string",
        "pattern": "^[a-z0-9][a-z0-9._-]*$",
        "description": "Unique across all loaded packs: lower case, digits, '.', '-', '_'.",
    },
    "kind": {"type": "string", "description": "Which rule kind this is."},
    "description": {"type": "string", "minLength": 1, "description": "What the rule removes or changes, for people."},
    "examples": {
        "type": "array",
        "minItems": 1,
        "description": "Run by `textclean rules test` and the test suite.",
        "items": {
            "oneOf": [
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["input", "output"],
                    "properties": {
                        "input": {"type": "string", "description": "Text the rule changes."},
                        "output": {"type": "string", "description": "What it must become."},
                        "metadata": {"type": "object", "description": "Metadata fields it must extract."},
                        **_EXAMPLE_CORPUS,
                    },
                },
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["keep"],
                    "properties": {"keep": {"type": "string", "description": "Text the rule must leave alone."},
                                   **_EXAMPLE_CORPUS},
                },
            ]
        },
    },
}


def rulefile_schema() -> dict[str, Any]:
    """The JSON Schema of a rule file, composed from every kind's own schema."""
    kinds = registry()
    defs: dict[str, Any] = {}
    branches = []
    for name, kind in kinds.items():
        own = kind.rule_schema
        defs[name] = {
            "type": "object",
            "description": kind.summary,
            "additionalProperties": False,
            "required": ["id", "kind", "description", "examples", *own.get("required", [])],
            "properties": {**_COMMON_RULE_PROPERTIES, **own.get("properties", {})},
            **({"allOf": own["allOf"]} if "allOf" in own else {}),
        }
        branches.append({
            "if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
            "then": {"$ref": f"#/$defs/{name}"},
        })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "textclean rule file",
        "type": "object",
        "additionalProperties": False,
        "required": ["rules"],
        "properties": {
            "pack": {"type": "string", "description": "A short name for this pack of rules."},
            "description": {"type": "string"},
            "settings": {
                "type": "object",
                "additionalProperties": False,
                "description": "Settings shared by all rules of one kind, by kind name.",
                "properties": {name: kind.settings_schema for name, kind in kinds.items() if kind.settings_schema},
            },
            "rules": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "kind"],
                    "properties": {"kind": {"enum": list(kinds)}},
                    "allOf": branches,
                },
            },
        },
        "$defs": defs,
    }


def pattern_keys(kind: str) -> list[str]:
    """The keys of a kind's rules that hold regular expressions (``"format": "regex"`` in its schema)."""
    properties = registry()[kind].rule_schema.get("properties", {})
    return [key for key, schema in properties.items() if schema.get("format") == "regex"]


@dataclass
class RuleSet:
    """Rules from one or more packs, with the settings of each kind.

    ``origin`` names the rule files the rules were loaded from (by :func:`load_rules`, the key of its cache
    entry); a selection from them keeps it, adding other rules drops it. Compiled stages are cached only for
    rules of a known origin.
    """

    rules: list[Rule] = field(default_factory=list)
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    origin: str | None = field(default=None, compare=False)

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def add(self, other: RuleSet, errors: list[RuleError] | None = None) -> None:
        """Add the rules and settings of ``other``; a duplicate id raises RuleError, or with ``errors``
        is added to them and the later rule left out."""
        seen = {rule.id: rule for rule in self.rules}
        for rule in other.rules:
            if rule.id in seen:
                error = RuleError(rule.where(), rule.id, f"duplicate id, first defined at {seen[rule.id].where()}")
                if errors is None:
                    raise error
                errors.append(error)
                continue
            seen[rule.id] = rule
            self.rules.append(rule)
        for kind, values in other.settings.items():
            self.settings[kind] = _deep_merge(self.settings.get(kind, {}), values)
        self.sources.extend(other.sources)
        self.origin = None

    def with_setting(self, assignment: str) -> RuleSet:
        """A copy with one setting overridden for a run: ``KIND.KEY=VALUE``, the value read as YAML and
        checked against the kind's settings schema, merged as a rule file's settings are.

        >>> RuleSet().with_setting("variants.mode=check").settings
        {'variants': {'mode': 'check'}}
        """
        name, equals, written = assignment.partition("=")
        kind, dot, key = name.strip().partition(".")
        if not (equals and dot and kind and key):
            raise RuleError("--set", None, f"{assignment!r}: write KIND.KEY=VALUE, as in variants.mode=check")
        try:
            value = yaml.safe_load(written)
        except yaml.YAMLError as exc:
            raise RuleError("--set", None, f"{assignment!r}: the value is not valid YAML: {exc}") from None
        errors = list(_validator().iter_errors({"rules": [], "settings": {kind: {key: value}}}))
        if errors:
            raise RuleError("--set", None, f"{assignment!r}: {_most_specific(errors[0]).message}")
        settings = {**self.settings, kind: _deep_merge(self.settings.get(kind, {}), {key: value})}
        return RuleSet(self.rules, settings, self.sources, self.origin)

    def select(self, disable: Iterable[str] = (), only: Iterable[str] = ()) -> RuleSet:
        """A copy without the disabled rule ids, and only the given kinds if any are named."""
        disable, only = set(disable), set(only)
        known_ids = {rule.id for rule in self.rules}
        unknown = sorted(disable - known_ids)
        if unknown:
            raise RuleError("--disable", None, f"no loaded rule has the id {', '.join(unknown)}")
        unknown_kinds = sorted(only - set(registry()))
        if unknown_kinds:
            kinds = ", ".join(registry())
            raise RuleError("--only", None, f"unknown kind {', '.join(unknown_kinds)}; kinds are {kinds}")
        rules = [r for r in self.rules if r.id not in disable and (not only or r.kind in only)]
        return RuleSet(rules, self.settings, self.sources, self.origin)


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def shipped_packs_dir() -> Path:
    """Where the shipped rule packs are: inside the wheel, or ``rules/`` in a checkout."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "packs"
    return installed if installed.is_dir() else package.parent / "rules"


def rule_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
    if not path.exists():
        raise RuleError(str(path), None, "no such rule file or folder")
    return [path]


def load_rules(paths: Iterable[str | Path] = (), shipped: bool = True,
               errors: list[RuleError] | None = None) -> RuleSet:
    """Load the shipped packs (unless ``shipped`` is false) and the given files or folders.

    Without the shipped packs, the shipped packs that hold no rule, only word lists (the month names
    ``{date}`` knows), are still loaded: they are vocabulary, not rules.
    The first error raises RuleError, and the rules of the same files, byte for byte, come from the cache
    (:mod:`textclean.pipeline.rulecache`). With ``errors``, every error is added to them instead, what it concerns
    (a file, a rule with a duplicate id) is left out, and the cache is not used.
    """
    roots = ([shipped_packs_dir()] if shipped else []) + [Path(p) for p in paths]
    vocabulary = [] if shipped else rule_files(shipped_packs_dir())
    seen = {file.resolve() for file in vocabulary}
    if errors is not None:
        return _assembled((load_rule_file(file) for file in vocabulary), _every_file(roots, seen, errors), errors)
    read = ([(file, _read(file)) for file in vocabulary],
            [(file, _read(file)) for root in roots for file in _once(rule_files(root), seen)])
    origin = rulecache.key("rules", str(shipped), *(part for pairs in read for file, data in pairs
                                                    for part in (str(file), data)))
    cached = rulecache.load(origin)
    if isinstance(cached, RuleSet) and cached.origin == origin and all(isinstance(r, Rule) for r in cached.rules):
        return cached
    packs = ([parse_rule_file(_decoded(data, file), str(file)) for file, data in pairs] for pairs in read)
    ruleset = _assembled(*packs)
    ruleset.origin = origin
    rulecache.store(origin, ruleset)
    return ruleset


def _assembled(vocabulary: Iterable[RuleSet], packs: Iterable[RuleSet],
               errors: list[RuleError] | None = None) -> RuleSet:
    """One rule set of ``packs``, after the packs of ``vocabulary`` that hold no rule (word lists only)."""
    ruleset = RuleSet()
    for pack in vocabulary:
        if not pack.rules:
            ruleset.add(pack)
    for pack in packs:
        ruleset.add(pack, errors)
    return ruleset


def _every_file(roots: list[Path], seen: set[Path], errors: list[RuleError]) -> Iterator[RuleSet]:
    """The pack of every rule file under ``roots`` not in ``seen``; a root or file that cannot be read goes to
    ``errors``."""
    for root in roots:
        try:
            for file in _once(rule_files(root), seen):
                yield load_rule_file(file, errors)
        except RuleError as exc:
            errors.append(exc)


def _once(files: list[Path], seen: set[Path]) -> Iterator[Path]:
    """``files`` but those ``seen`` already (by resolved path: a shipped pack named again is read once), which
    they join."""
    for file in files:
        resolved = file.resolve()
        if resolved not in seen:
            seen.add(resolved)
            yield file


def load_rule_file(path: str | Path, errors: list[RuleError] | None = None) -> RuleSet:
    """Read and parse one rule file: a regular file of at most MAX_FILE_BYTES (a FIFO would block the read)."""
    path = Path(path)
    return parse_rule_file(_decoded(_read(path), path), str(path), errors)


def _read(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise RuleError(f"{path}:1", None, f"not a regular file but {_file_type(mode)}; a rule file must be one")
        with path.open("rb") as file:
            return file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise RuleError(str(path), None, f"cannot read: {exc}") from None


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def _decoded(data: bytes, path: Path) -> str:
    """A rule file's text, its line ends read as ``open()`` reads them."""
    try:
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise RuleError(str(path), None, f"cannot read: {exc}") from None


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # only where rules are validated: the cache spares most runs its import

    return jsonschema.Draft202012Validator(rulefile_schema())


def parse_rule_file(text: str, source: str = "<string>", errors: list[RuleError] | None = None) -> RuleSet:
    """Parse and validate one rule file's text; every error names file, line and rule.

    The first error raises RuleError; with ``errors``, every schema error of the file is added to them, and
    the file gives no rules.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise RuleError(f"{source}:1", None, f"the file holds more than {MAX_FILE_BYTES:,} bytes, the most a rule "
                        "file may; split it")
    data, lines = _load_yaml_with_lines(text, source)
    found = _schema_errors(data, lines, source)
    if found:
        if errors is None:
            raise found[0][1]
        errors.extend(error for _, error in found)
        broken = {path[1] if path[:1] == ("rules",) and len(path) > 1 else None for path, _ in found}
        if None in broken:
            return RuleSet(sources=[source])
    else:
        broken = set()
    rules = []
    for index, spec in enumerate(data["rules"]):
        if index in broken:
            continue
        prefix = ("rules", index)
        key_lines = {key: lines[prefix + (key,)] for key in spec if prefix + (key,) in lines}
        rules.append(Rule(
            id=spec["id"],
            kind=spec["kind"],
            description=spec["description"],
            spec=spec,
            source=source,
            line=lines.get(prefix, 0),
            key_lines=key_lines,
            example_lines=tuple(lines.get(prefix + ("examples", n), 0) for n in range(len(spec["examples"]))),
        ))
    refuse_oversized_patterns(rules, {kind: pattern_keys(kind) for kind in registry()})
    ruleset = RuleSet(settings=data.get("settings", {}), sources=[source])
    ruleset.add(RuleSet(rules))
    return ruleset


def _schema_errors(data: Any, lines: dict[tuple, int], source: str) -> list[tuple[tuple, RuleError]]:
    """Every place where ``data`` breaks the rule-file schema, and its path, in the order of the file's lines."""
    found = []
    for error in sorted(_validator().iter_errors(data),
                        key=lambda e: (_line_for(lines, e.absolute_path), len(e.path))):
        error = _most_specific(error)
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            extra = sorted(k for k in error.instance if k not in error.schema.get("properties", {}))
            path += tuple(extra[:1])
        location = "/".join(str(p) for p in path) or "the file"
        found.append((path, RuleError(f"{source}:{_line_for(lines, path)}", _rule_id_at(data, path),
                                      f"{location}: {error.message}")))
    return found


def _most_specific(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """Descend into if/then and oneOf failures to the error a person can act on."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return error


def _rule_id_at(data: Any, path: tuple) -> str | None:
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        rule = data["rules"][path[1]]
        if isinstance(rule, dict) and isinstance(rule.get("id"), str):
            return rule["id"]
    return None


def _line_for(lines: dict[tuple, int], path: Iterable) -> int:
    path = tuple(path)
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


_MAX_DEPTH = 40
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser, where PyYAML has it: 10x faster
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _refuse_too_many_rules(root: yaml.Node, source: str) -> None:
    """Raise RuleError when the file's ``rules`` list holds more than MAX_RULES items, before they are read."""
    for key, value in root.value if isinstance(root, yaml.MappingNode) else ():
        if key.value == "rules" and isinstance(value, yaml.SequenceNode) and len(value.value) > MAX_RULES:
            raise RuleError(f"{source}:{value.value[MAX_RULES].start_mark.line + 1}", None, f"the file holds "
                            f"{len(value.value):,} rules, more than the {MAX_RULES:,} a rule file may; split it")


def yaml_problem(error: yaml.YAMLError, text: str) -> tuple[int, str]:
    """The line of ``text`` a YAML error is on, and what is wrong, in one line."""
    if isinstance(error, yaml.reader.ReaderError):
        code = error.character if isinstance(error.character, int) else ord(error.character)  # libyaml gives the code
        return text.count("\n", 0, error.position) + 1, f"not valid YAML: character U+{code:04X} is not allowed"
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        return (mark.line + 1 if mark else 1), f"not valid YAML: {error.problem or error}"
    return 1, f"not valid YAML: {error}"


def _load_yaml_with_lines(text: str, source: str) -> tuple[Any, dict[tuple, int]]:
    """Safe-load YAML, recording the 1-based line of every key and list item by its path."""
    lines: dict[tuple, int] = {(): 1}
    alias_uses = 0
    loader = None
    try:
        loader = _SafeLoader(text)
        root = loader.get_single_node()
        if root is None:
            raise RuleError(f"{source}:1", None, "the file is empty; a rule file needs a 'rules' list")
        _refuse_too_many_rules(root, source)

        built: set[int] = set()  # the nodes built so far: one built again is an alias's

        def build(node: yaml.Node, path: tuple, parents: tuple = (), aliased: bool = False) -> Any:
            """``aliased``: the node is inside one an alias stands for, which was built before."""
            nonlocal alias_uses
            lines[path] = node.start_mark.line + 1
            if id(node) in parents or len(parents) > _MAX_DEPTH:
                raise RuleError(f"{source}:{lines[path]}", None, "not valid YAML: recursive or too deeply nested")
            if id(node) in built and not aliased:
                aliased = True
                alias_uses += 1
                if alias_uses > MAX_ALIASES:
                    raise RuleError(f"{source}:{lines[path]}", None, f"more than {MAX_ALIASES} uses of YAML aliases "
                                    "(*name), the most a rule file may make")
            built.add(id(node))
            if len(lines) > MAX_VALUES:
                raise RuleError(f"{source}:{lines[path]}", None, f"the file holds more than {MAX_VALUES:,} values "
                                "with its YAML aliases (*name) expanded, the most a rule file may")
            parents += (id(node),)
            if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
                raise RuleError(f"{source}:{lines[path]}", None, f"not valid YAML: tag {node.tag!r} is not allowed")
            if isinstance(node, yaml.MappingNode):
                result: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    if not isinstance(key_node, yaml.ScalarNode):
                        raise RuleError(f"{source}:{key_node.start_mark.line + 1}", None,
                                        "not valid here: a key must be a plain value, not a list or a mapping")
                    key = loader.construct_object(key_node, deep=True)
                    if key in result:
                        raise RuleError(f"{source}:{key_node.start_mark.line + 1}", None, f"duplicate key {key!r}")
                    result[key] = build(value_node, path + (key,), parents, aliased)
                    lines[path + (key,)] = key_node.start_mark.line + 1
                return result
            if isinstance(node, yaml.SequenceNode):
                return [build(item, path + (i,), parents, aliased) for i, item in enumerate(node.value)]
            return loader.construct_object(node, deep=True)

        return build(root, ()), lines
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc, text)
        raise RuleError(f"{source}:{line}", None, problem) from None
    finally:
        if loader is not None:
            loader.dispose()
