from pathlib import Path

import pytest

from textclean import Cleaner, load_rules

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shipped_rules():
    return load_rules()


@pytest.fixture(scope="session")
def cleaner(shipped_rules):
    return Cleaner(shipped_rules)
