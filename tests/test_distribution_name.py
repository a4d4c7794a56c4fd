"""Every install hint names the project's own distribution, as pyproject.toml declares it, not the unrelated
``textclean`` on PyPI."""
import re
import sys

import pytest
from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
NAME, EXTRAS = PROJECT["name"], set(PROJECT["optional-dependencies"])
# `pip install NAME`, `pip install 'NAME[extra]'`, quoted or not, the command possibly broken over lines
PIP_INSTALL = re.compile(r"""pip\s+install\s+['"]?([^\s'"`\[]+)(?:\[([^\]]*)\])?""")
# an extra named anywhere, as in "needs NAME[ray]"
WITH_EXTRA = re.compile(r"([\w.-]+)\[(" + "|".join(map(re.escape, sorted(EXTRAS))) + r")\]")
SOURCES = [ROOT / "README.md", *sorted((ROOT / "textclean").rglob("*.py"))]


def hints(path):
    text = path.read_text("utf-8")
    for pattern in (PIP_INSTALL, WITH_EXTRA):
        for match in pattern.finditer(text):
            yield text.count("\n", 0, match.start()) + 1, match.group(1), match.group(2)


def test_the_distribution_is_not_named_like_the_package():
    from textclean.io.extras import DISTRIBUTION, install_hint
    assert NAME != "textclean" and DISTRIBUTION == NAME and install_hint("zstd") == f"pip install '{NAME}[zstd]'"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_install_hints_name_the_distribution(path):
    found = list(hints(path))
    # "." : from a checkout; DISTRIBUTION: the one place the name is put into hints (textclean/io/extras.py)
    wrong = [(line, name) for line, name, _ in found if name not in (NAME, ".", "DISTRIBUTION", "{DISTRIBUTION}")]
    assert not wrong, f"{path.name}: install hints that do not name {NAME}: {wrong}"
    unknown = [(line, extra) for line, _, extras in found for extra in (extras or "").split(",")
               if extra and extra.strip() not in EXTRAS | {"{extra}"}]
    assert not unknown, f"{path.name}: extras pyproject.toml does not declare: {unknown}"


def test_the_hints_are_found():
    """The README holds hints of both forms, so the test above reads them."""
    found = list(hints(ROOT / "README.md"))
    assert any(name == NAME and extra for _, name, extra in found)
    assert any(name == "." for _, name, _ in found)
