"""The package's layers (ARCHITECTURE.md): every module belongs to one, and none imports a layer above its own.

The order is data (LAYERS, bottom first). Packages in one layer are siblings: neither imports the other.
Imports are read with ``ast`` from every module, at any depth (a lazy import inside a function counts);
compiled modules (``.pyx``, ``.pxd``) are read line by line.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "textclean"

#: Bottom first. A name is a subpackage of textclean/, or a module directly in it.
LAYERS: list[list[str]] = [
    ["model"],                 # documents, edits, marks, the stage interface, corpus evidence
    ["matching"],              # what the kinds share to match many patterns at once
    ["kinds", "stages"],       # the rule kinds; the stages that are not rule kinds
    ["pipeline", "io"],        # rule files in, a Cleaner out; reading and writing
    ["runs", "authoring"],     # runs over many documents; writing rules
    ["__init__", "ray", "datatrove"],  # the public API and its adapters
    ["cli"],
    ["__main__"],
]
LAYER_OF = {name: level for level, names in enumerate(LAYERS) for name in names}

_CYTHON_IMPORT = re.compile(r"^\s*(?:from\s+(\.*[\w.]*)\s+c?import\s+([^#\n]+)|c?import\s+([\w.]+))", re.M)


def group_of(module: str) -> str:
    """``textclean.matching.patterns`` -> ``matching``; ``textclean.ray`` -> ``ray``; ``textclean`` -> ``__init__``."""
    parts = module.split(" ")[0].split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def absolute(module: str | None, level: int, importer: str, is_package: bool) -> str:
    """The dotted name a (possibly relative) ``from`` import names."""
    if not level:
        return module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - level + 1]
    return ".".join(base + ([module] if module else []))


def root_names(package: Path) -> set[str]:
    """The names textclean/__init__.py defines itself (``__version__``), which any module may import."""
    tree = ast.parse((package / "__init__.py").read_text("utf-8"))
    return {target.id for node in tree.body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)}


def imports_of(path: Path, package: Path) -> list[tuple[int, str]]:
    """(line, dotted module) for each module of textclean ``path`` imports."""
    importer = module_name(path, package)
    is_package = path.name.startswith("__init__.")
    own = root_names(package)
    found: list[tuple[int, str, list[str]]] = []
    if path.suffix == ".py":
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                target = absolute(node.module, node.level, importer, is_package)
                found.append((node.lineno, target, [alias.name for alias in node.names]))
            elif isinstance(node, ast.Import):
                found += [(node.lineno, alias.name, []) for alias in node.names]
    else:
        text = path.read_text("utf-8")
        for match in _CYTHON_IMPORT.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            if match[3]:
                found.append((line, match[3], []))
            else:
                module = match[1].lstrip(".")
                level = len(match[1]) - len(module)
                names = [name.split()[0] for name in match[2].strip("() \t").split(",") if name.strip()]
                found.append((line, absolute(module or None, level, importer, is_package), names))
    modules: list[tuple[int, str]] = []
    for line, target, names in found:
        if target != "textclean" and not target.startswith("textclean."):
            continue
        if target == "textclean":
            # ``from textclean import x``: the submodule x, or a name of the public API (upward but for __version__)
            for name in names:
                if any((package / name).with_suffix(suffix).is_file() for suffix in (".py", ".pyx")) \
                        or (package / name).is_dir():
                    modules.append((line, f"{package.name}.{name}"))
                elif name not in own:
                    modules.append((line, f"{package.name} ({name})"))
        else:
            modules.append((line, target))
    return modules


def modules(package: Path = PACKAGE) -> list[Path]:
    return sorted(path for suffix in ("*.py", "*.pyx", "*.pxd") for path in package.rglob(suffix))


def problems(package: Path = PACKAGE) -> list[str]:
    """Each module outside the layers, and each import of a layer above or beside the importer's."""
    found = []
    for path in modules(package):
        group = group_of(module_name(path, package))
        shown = path.relative_to(package.parent)
        if group not in LAYER_OF:
            found.append(f"{shown}: in no layer; add {group!r} to LAYERS")
            continue
        for line, target in imports_of(path, package):
            other = group_of(target)
            if other == group:
                continue
            if other not in LAYER_OF:
                found.append(f"{shown}:{line}: imports {target}, in no layer")
            elif LAYER_OF[other] >= LAYER_OF[group]:
                where = "above" if LAYER_OF[other] > LAYER_OF[group] else "beside"
                found.append(f"{shown}:{line}: {group} imports {target}, "
                             f"{where} it ({other})")
    return found


def test_no_module_imports_upward():
    assert problems() == []


def test_every_layer_is_there():
    present = {group_of(module_name(path, PACKAGE)) for path in modules()}
    assert present >= set(LAYER_OF), sorted(set(LAYER_OF) - present)


def package_with(tmp_path: Path, module: str, source: str) -> Path:
    """A textclean/ folder holding only its __init__ and ``module`` (a path under it) with ``source``."""
    package = tmp_path / "textclean"
    (package / module).parent.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text('__version__ = "0"\nfrom .pipeline.engine import Cleaner\n')
    (package / module).write_text(source)
    return package


@pytest.mark.parametrize("source, expected", [
    ("from ..runs.report import counted\n", ["1: matching imports textclean.runs.report, above it (runs)"]),
    ("from ..kinds import registry\n", ["1: matching imports textclean.kinds, above it (kinds)"]),
    ("def later():\n    from textclean.pipeline import engine\n",
     ["2: matching imports textclean.pipeline, above it (pipeline)"]),
    ("from .. import Cleaner\n", ["1: matching imports textclean (Cleaner), above it (__init__)"]),
    ("from .patterns import compile_all\nfrom ..model.kind import Rule\nfrom .. import __version__\n", []),
])
def test_an_upward_import_is_found(tmp_path, source, expected):
    package = package_with(tmp_path, "matching/probe.py", source)
    found = [line.removeprefix("textclean/matching/probe.py:") for line in problems(package) if "probe" in line]
    assert found == expected


def test_a_sibling_import_is_found(tmp_path):
    package = package_with(tmp_path, "stages/probe.py", "from ..kinds.dates import DIGIT\n")
    assert [line for line in problems(package) if "probe" in line] == [
        "textclean/stages/probe.py:1: stages imports textclean.kinds.dates, beside it (kinds)"]


def test_a_compiled_module_is_read(tmp_path):
    source = "# cython: language_level=3\nfrom ..model.kind cimport Rule\nfrom ..pipeline.engine import x\n"
    package = package_with(tmp_path, "stages/_fast.pyx", source)
    assert [line for line in problems(package) if "_fast" in line] == [
        "textclean/stages/_fast.pyx:3: stages imports textclean.pipeline.engine, above it (pipeline)"]


def test_a_module_outside_the_layers_is_named(tmp_path):
    package = package_with(tmp_path, "helpers/x.py", "")
    assert [line for line in problems(package) if "helpers" in line] == [
        "textclean/helpers/x.py: in no layer; add 'helpers' to LAYERS"]
