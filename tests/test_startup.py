"""Start-up: the rule cache (textclean.pipeline.rulecache), commands that import only their own modules, and rules
prepared before worker processes fork."""
import hashlib
import json
import os
import pickle
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import ROOT

from textclean import Cleaner, RuleSet, load_rules
from textclean.cli.common import COMMAND_MODULES, main
from textclean.matching.patterns import PatternSet, compile_all
from textclean.pipeline import rulecache

RULES = textwrap.dedent("""\
    rules:
      - id: site.subscribe
        kind: boilerplate
        description: A subscription prompt.
        pattern: 'Subscribe now'
        examples:
          - input: "The bridge reopened.\\nSubscribe now\\n"
            output: "The bridge reopened.\\n"
      - id: site.dateline
        kind: date_header
        description: A dateline at the top.
        pattern: 'Posted\\s*:?\\s*{date}'
        field: date
        examples:
          - input: "Posted: 2021-07-07\\nThe talks began.\\n"
            output: "The talks began.\\n"
            metadata: {date: "2021-07-07"}
      - id: name.qala-e-naw
        kind: variants
        description: Qala-e-Naw.
        canonical: Qala-e-Naw
        variants: [Qalat-i-Naw]
        examples:
          - input: "Fighting reached Qalat-i-Naw.\\n"
            output: "Fighting reached Qala-e-Naw.\\n"
    """)
TEXT = "Posted: 2021-07-07\nFighting reached Qalat-i-Naw.\nSubscribe now\n"
CLEANED = "Fighting reached Qala-e-Naw.\n"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("TEXTCLEAN_CACHE_DIR", str(folder))
    monkeypatch.delenv("TEXTCLEAN_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def hits(monkeypatch):
    """The values of the cache that were of use (a set of rules, or a list of stages), as they are asked for."""
    given = []
    load = rulecache.load

    def counted(*args, **kwargs):
        value = load(*args, **kwargs)
        if isinstance(value, (RuleSet, list)):
            given.append(value)
        return value
    monkeypatch.setattr(rulecache, "load", counted)
    return given


@pytest.fixture
def rule_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(RULES, "utf-8")
    return path


def clean_with(rule_file, text=TEXT):
    return Cleaner(load_rules([rule_file], shipped=False)).clean(text)


def entries(folder):
    return sorted(folder.glob("*.pickle"))


def test_a_cache_hit_cleans_as_a_cold_compile(cache, hits, monkeypatch):
    texts = [path.read_text("utf-8") for path in sorted((ROOT / "examples" / "news").glob("*.txt"))]
    texts += [json.loads(line)["text"] for line in (ROOT / "examples" / "feed.jsonl").read_text("utf-8").splitlines()]
    texts += [TEXT, "Publish Date : 07 July 2021 - 21:49\nNews ID: 92199\nMohammed met Muhammad.\n", ""]
    monkeypatch.setenv("TEXTCLEAN_NO_CACHE", "1")
    cold = Cleaner(load_rules())
    monkeypatch.delenv("TEXTCLEAN_NO_CACHE")
    Cleaner(load_rules())  # compiles, and fills the cache
    assert len(entries(cache)) == 2 and not hits  # the parsed rules, and the compiled stages
    warm = Cleaner(load_rules())
    assert len(hits) == 2
    assert [stage.kind for stage in warm.stages] == [stage.kind for stage in cold.stages]
    for text in texts:
        assert warm.clean(text) == cold.clean(text)


def test_a_warm_process_neither_validates_nor_compiles(cache, rule_file):
    script = ("import sys; from textclean import Cleaner, load_rules; "
              f"print(Cleaner(load_rules([{str(rule_file)!r}], shipped=False)).clean({TEXT!r}).text == {CLEANED!r}, "
              "'jsonschema' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
            for _ in range(2)]
    assert [run.stdout.split() for run in runs] == [["True", "True"], ["True", "False"]]


def _checked(name: str, body: bytes, magic: bytes = rulecache.MAGIC) -> bytes:
    """An entry as the cache writes one, holding ``body``."""
    return magic + name.encode() + b"\n" + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


class _Gone:
    """A class that will not be there when the entry is read."""


DAMAGE = {
    "truncated": lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "a byte changed": lambda path: path.write_bytes(path.read_bytes()[:-10] + b"X" + path.read_bytes()[-9:]),
    "empty": lambda path: path.write_bytes(b""),
    "another format": lambda path: path.write_bytes(
        _checked(path.stem, pickle.dumps(["stale"]), magic=b"textclean rule cache 0\n")),
    "another key": lambda path: path.write_bytes(_checked("0" * 64, pickle.dumps(["stale"]))),
    "a value of another type": lambda path: path.write_bytes(_checked(path.stem, pickle.dumps({"rules": []}))),
    "a class that is gone": lambda path: path.write_bytes(
        _checked(path.stem, pickle.dumps(_Gone()).replace(b"_Gone", b"_Lost"))),
    "unreadable: a folder in its place": lambda path: (path.unlink(), path.mkdir()),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_or_stale_entry_is_ignored_and_built_anew(cache, rule_file, hits, damage):
    assert clean_with(rule_file).text == CLEANED
    names = [path.stem for path in entries(cache)]
    assert len(names) == 2
    for path in entries(cache):
        DAMAGE[damage](path)
    assert clean_with(rule_file).text == CLEANED
    assert not hits
    if damage != "unreadable: a folder in its place":  # where it can be, the entry is written again, whole
        assert [path.stem for path in entries(cache)] == names
        assert clean_with(rule_file).text == CLEANED
        assert len(hits) == 2


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file to another user needs root")
def test_an_entry_of_another_user_is_not_read(cache, rule_file, hits):
    clean_with(rule_file)
    for path in entries(cache):
        os.chown(path, 65534, 65534)
    assert clean_with(rule_file).text == CLEANED
    assert not hits


def test_a_cache_folder_others_may_write_to_is_not_used(cache, rule_file, hits):
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    clean_with(rule_file)
    clean_with(rule_file)
    assert not hits and not entries(cache)


def test_no_cache_turns_it_off(cache, rule_file, hits, monkeypatch):
    monkeypatch.setenv("TEXTCLEAN_NO_CACHE", "1")
    clean_with(rule_file)
    clean_with(rule_file)
    assert not hits and not cache.exists()


def test_a_changed_rule_file_is_compiled_anew(cache, rule_file, hits):
    assert clean_with(rule_file).text == CLEANED
    written = rule_file.stat()
    rule_file.write_text(RULES.replace("Subscribe now", "Sign up today"), "utf-8")  # as long, the same times
    os.utime(rule_file, ns=(written.st_atime_ns, written.st_mtime_ns))
    assert clean_with(rule_file).text == CLEANED + "Subscribe now\n"
    assert clean_with(rule_file, TEXT.replace("Subscribe now", "Sign up today")).text == CLEANED
    assert len(entries(cache)) == 4
    assert len(hits) == 2  # the changed file's first load found nothing, its second found both


def test_selections_of_one_set_of_rules_are_cached_apart(cache, rule_file, hits):
    rules = load_rules([rule_file], shipped=False)
    only_variants = Cleaner(rules.select(only=["variants"])).clean(TEXT).text
    assert only_variants == TEXT.replace("Qalat-i-Naw", "Qala-e-Naw")
    assert Cleaner(rules.with_setting("variants.mode=check")).clean(TEXT).text == \
        "Fighting reached Qalat-i-Naw.\n"
    assert Cleaner(load_rules([rule_file], shipped=False).select(only=["variants"])).clean(TEXT).text == only_variants


RACER = """
import sys, time
from textclean.pipeline import rulecache
value = [sys.argv[1]] * 50000
deadline = time.time() + 2
while time.time() < deadline:
    rulecache.store("race", value)
"""


def test_two_processes_writing_one_entry_leave_it_whole(cache):
    racers = [subprocess.Popen([sys.executable, "-c", RACER, word], cwd=ROOT) for word in ("one", "two")]
    seen = set()
    while any(racer.poll() is None for racer in racers):
        value = rulecache.load("race")
        if value is not None:
            assert value in (["one"] * 50000, ["two"] * 50000)
            seen.add(value[0])
        time.sleep(0.001)
    assert all(racer.returncode == 0 for racer in racers)
    assert rulecache.load("race")[0] in ("one", "two")
    assert seen
    assert [path.name for path in cache.iterdir()] == ["race.pickle"]  # no temporary file left behind


def _pattern_sets(root):
    """Every PatternSet reachable from ``root`` through attributes and containers."""
    found, seen, todo = [], set(), [root]
    while todo:
        item = todo.pop()
        if id(item) in seen or isinstance(item, (str, bytes, int, float)) or item is None:
            continue
        seen.add(id(item))
        if isinstance(item, PatternSet):
            found.append(item)
        if isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            todo.extend(item)
        elif hasattr(item, "__dict__") and type(item).__module__.startswith("textclean"):
            todo.extend(vars(item).values())
    return found


def test_rules_from_the_cache_are_compiled_before_a_fork(cache, rule_file, hits):
    clean_with(rule_file)
    cleaner = Cleaner(load_rules([rule_file], shipped=False))
    assert len(hits) == 2
    sets = _pattern_sets(cleaner.stages)
    assert sets and all("_gates" in vars(s) and "_free" in vars(s) for s in sets)
    compile_all()  # what ParallelCleaner does before it forks
    assert all("_combined" in vars(s) for s in sets)


def test_every_command_is_imported_with_its_module():
    """COMMAND_MODULES names each command's module: the commands the modules add are the ones it lists."""
    for modules in COMMAND_MODULES.values():
        for module in modules:
            __import__(f"textclean.cli.{module}")
    assert sorted(main.commands) == sorted(COMMAND_MODULES)
    for name, command in main.commands.items():
        assert command.callback.__module__.rsplit(".", 1)[1] in COMMAND_MODULES[name], name


def test_fix_imports_no_other_command():
    script = ("import sys; from textclean.cli import main; sys.argv = ['textclean', 'fix', '--help']\n"
              "try: main()\nexcept SystemExit: pass\n"
              "print(sorted(m for m in sys.modules if m.startswith('textclean.cli.')))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.splitlines()[-1] == "['textclean.cli.common', 'textclean.cli.files', 'textclean.cli.stdout']"
