import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# The rule cache of this session, not the user's (subprocesses inherit it), removed at the end.
os.environ["TEXTCLEAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="textclean-test-cache-")
atexit.register(shutil.rmtree, os.environ["TEXTCLEAN_CACHE_DIR"], True)
os.environ.pop("TEXTCLEAN_NO_CACHE", None)

from textclean import Cleaner, load_rules  # noqa: E402  (after the cache folder is set)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shipped_rules():
    return load_rules()


@pytest.fixture(scope="session")
def cleaner(shipped_rules):
    return Cleaner(shipped_rules)
