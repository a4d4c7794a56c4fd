"""Every place textclean writes leaves what is at the path what it was and delivers the text: a character device
stays a device, a FIFO's reader gets the text, a symbolic link stays a link and its target gets the text.
Also: a --resume leaves the temporary file of a run that still writes (it holds the file's lock)."""
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from textclean.cli import main

ROOT = Path(__file__).resolve().parents[2]
TEXT = "News ID: 41\nThe ferry sailed late.\nShare\nFacebook\n"
RECORDS = [{"id": 1, "text": TEXT}, {"id": 2, "text": "Hikmatyar came by ferry.\n"}]
CORPUS = "".join(json.dumps(record) + "\n" for record in RECORDS) + "{not json\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("page.txt").write_text(TEXT)
    Path("corpus.jsonl").write_text(CORPUS)
    assert run("clean", "-q", "corpus.jsonl", "-o", "cleaned.jsonl", "--edits", "edits.jsonl").exit_code == 1
    return tmp_path


#: Each place textclean writes: the command, with {} for the path written, and a word of what it writes there.
PLACES = {
    "clean -o": (["clean", "-q", "page.txt", "-o", "{}"], "The ferry sailed late."),
    "clean --edits": (["clean", "-q", "corpus.jsonl", "-o", "out.jsonl", "--edits", "{}"], '"type": "header"'),
    "clean --stats": (["clean", "-q", "corpus.jsonl", "-o", "out.jsonl", "--stats", "{}"], '"documents"'),
    "clean --rejects": (["clean", "-q", "corpus.jsonl", "-o", "out.jsonl", "--rejects", "{}"], "not valid JSON"),
    "undo -o": (["undo", "cleaned.jsonl", "--edits", "edits.jsonl", "-o", "{}"], "News ID: 41"),
    "variants discover -o": (["variants", "discover", "page.txt", "-o", "{}"], "rules"),
}


def invoke(place, path):
    args, _ = PLACES[place]
    return run(*[str(path) if arg == "{}" else arg for arg in args])


@pytest.mark.parametrize("place", PLACES)
def test_a_symbolic_link_stays_and_its_target_gets_the_text(corpus, place):
    target = corpus / "elsewhere" / "target"
    target.parent.mkdir()
    target.write_text("old\n")
    link = corpus / "link"
    link.symlink_to(target)
    invoke(place, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert PLACES[place][1] in target.read_text()
    assert not list(corpus.rglob(".textclean-*"))


@pytest.mark.parametrize("place", PLACES)
def test_a_fifo_stays_and_its_reader_gets_the_text(corpus, place):
    fifo = corpus / "fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes().decode()), daemon=True)
    reader.start()
    invoke(place, fifo)
    reader.join(30)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and PLACES[place][1] in received[0]
    assert not list(corpus.rglob(".textclean-*"))


@pytest.mark.parametrize("place", PLACES)
def test_a_character_device_stays_a_device(corpus, place):
    device = corpus / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    except PermissionError:
        pytest.skip("making a device node needs root")
    invoke(place, device)
    assert stat.S_ISCHR(os.lstat(device).st_mode) and os.lstat(device).st_rdev == os.makedev(1, 3)
    assert not list(corpus.rglob(".textclean-*"))


def test_fix_follows_a_symbolic_link_and_keeps_it(corpus):
    target = corpus / "notes" / "page.txt"
    target.parent.mkdir()
    target.write_text(TEXT + "Gulbuddin Hikmatyar spoke.\n")
    link = corpus / "link.txt"
    link.symlink_to(target)
    assert run("fix", "--no-config", link).exit_code == 1
    assert link.is_symlink() and "Gulbuddin Hekmatyar" in target.read_text() and "ferry" in target.read_text()


@pytest.mark.parametrize("how", ["a pipe", "a file opened to append"])
def test_dev_stdout_as_output_writes_to_standard_output(corpus, how):
    command = [sys.executable, str(ROOT / "cli.py"), "clean", "-q", "page.txt", "-o", "/dev/stdout"]
    if how == "a pipe":
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout.startswith("The ferry sailed late."), done.stderr
    else:
        Path("log.txt").write_text("before\n")
        with open("log.txt", "a") as log:
            assert subprocess.run(command, stdout=log).returncode == 0
        assert Path("log.txt").read_text().startswith("before\nThe ferry sailed late.")


def test_parquet_output_goes_through_a_fifo(corpus):
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    fifo = corpus / "fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert run("clean", "-q", "corpus.jsonl", "--format", "parquet", "-o", fifo).exit_code == 1  # the reject
    reader.join(30)
    Path("got.parquet").write_bytes(received[0])
    assert pq.read_table("got.parquet").column("id").to_pylist() == [1, 2]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="file locks of another process")
def test_resume_leaves_the_temporary_file_of_a_run_that_still_writes(corpus):
    import fcntl
    Path("shards").mkdir()
    Path("shards/a.jsonl").write_text(CORPUS)
    Path("shards/b.jsonl").write_text(CORPUS)
    Path("out").mkdir()
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone = int(ended.stdout)  # the pid of a process that has ended: only the lock says this file is live
    live = Path(f"out/.textclean-b.jsonl.{gone}-0123456789ab.tmp")
    stale = Path(f"out/.textclean-a.jsonl.{gone}-ba9876543210.tmp")
    live.write_text("half a shard\n")
    stale.write_text("half a shard\n")
    with open(live) as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        run("clean", "-q", "shards", "-o", "out/", "--resume")
    assert live.read_text() == "half a shard\n"
    assert not stale.exists()
