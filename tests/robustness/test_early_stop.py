"""A parallel run that stops early (an output error, Ctrl-C, SIGTERM, a worker killed) ends within seconds, with
its exit status, only complete shards under final names, and no worker left; and workers die with their parent.

The documents are cleaned by no rule, so the workers spend their time sending results back: a stop then often
comes while a result is half sent, where ProcessPoolExecutor's shutdown waited for ever (1 run in about 10).
TEXTCLEAN_EARLY_STOP_REPEATS sets how often each case runs (default 10).
"""
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPEATS = int(os.environ.get("TEXTCLEAN_EARLY_STOP_REPEATS", "10"))
NO_RULES = ("--no-shipped", "--no-unicode", "--no-tidy", "--no-config")
SENTENCE = "The ferry to the northern islands sailed two hours late because of fog over the harbour. "
#: Seconds a stopped run may take to end: a hang is what this looks for, not a slow machine.
STOP_LIMIT = 15


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Shards in two folders, ``a`` and ``b``, of documents large enough to fill whole chunks."""
    base = tmp_path_factory.mktemp("early-stop")
    for folder in ("a", "b"):
        (base / "shards" / folder).mkdir(parents=True)
        for s in range(3):
            with open(base / "shards" / folder / f"part-{s}.jsonl", "w") as stream:
                for d in range(160):
                    stream.write(json.dumps({"id": f"{folder}{s}-{d}", "text": SENTENCE * 400}) + "\n")
    reference = base / "reference"
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "clean", "-q", "-j", "1", *NO_RULES, str(base / "shards"),
                    "-o", str(reference)], check=True, cwd=ROOT)
    return base / "shards", reference


def start(shards, out):
    # A process group of its own, as a shell gives a foreground job, and SIGINT not inherited as ignored.
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "clean", "-q", "-j", "2", *NO_RULES, str(shards),
                             "-o", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def workers(pid):
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def wait_until_writing(out, process, limit=60.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if out.is_dir() and any(out.rglob("*")):
            return
        time.sleep(0.01)
    pytest.fail("the run wrote nothing before it ended or the time ran out")


def ends_within_limit(process):
    started = time.monotonic()
    try:
        process.wait(timeout=STOP_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail(f"the stopped run had not ended {STOP_LIMIT} s later")
    return time.monotonic() - started


def check_what_is_left(out, reference, process):
    assert not [p for p in out.rglob(".textclean-*")], "a temporary file was left"
    for path in out.rglob("*.jsonl"):
        assert path.read_bytes() == (reference / path.relative_to(out)).read_bytes(), path
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # no worker is left running


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the workers' pids from /proc")
@pytest.mark.parametrize("stop", ["output error", "SIGINT", "SIGTERM", "worker killed"])
def test_a_parallel_run_stopped_early_ends_within_seconds(corpus, tmp_path, stop):
    shards, reference = corpus
    for repeat in range(REPEATS):
        out = tmp_path / f"out{repeat}"
        if stop == "output error":
            out.mkdir()
            (out / "b").write_text("a file where the run needs a folder\n")
        process = start(shards, out)
        wait_until_writing(out, process)
        time.sleep(random.uniform(0, 0.3))
        if stop == "SIGINT":
            os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: every process of the group gets it
        elif stop == "SIGTERM":
            process.send_signal(signal.SIGTERM)
        elif stop == "worker killed":
            os.kill(workers(process.pid)[0], signal.SIGKILL)
        ends_within_limit(process)
        stderr = process.stderr.read().decode()
        assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
        if stop == "output error":
            assert process.returncode == 1 and f"{out / 'b'}" in stderr, stderr
        elif stop == "worker killed":
            assert process.returncode == 1 and "worker process" in stderr and "killed by SIGKILL" in stderr, stderr
        else:
            assert process.returncode == 130 and "no partial output was kept" in stderr, stderr
        check_what_is_left(out, reference, process)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the workers' pids from /proc")
@pytest.mark.parametrize("death_signal", [True, False], ids=["prctl", "watching the parent"])
def test_workers_end_soon_after_their_parent_is_killed(corpus, tmp_path, death_signal):
    shards, _ = corpus
    code = ("import sys, runpy, textclean.runs.parallel as p\n"
            + ("" if death_signal else "p._set_parent_death_signal = lambda: False\n")
            + "sys.argv = sys.argv[1:]\nrunpy.run_path(sys.argv[0], run_name='__main__')\n")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-c", code, str(ROOT / "cli.py"), "clean", "-q", "-j", "2", *NO_RULES,
                                str(shards), "-o", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    wait_until_writing(out, process)
    children = workers(process.pid)
    assert len(children) == 2
    process.kill()
    process.wait()
    deadline = time.monotonic() + 5
    while any(map(running, children)):
        assert time.monotonic() < deadline, "a worker outlived its parent by 5 s"
        time.sleep(0.05)


def running(pid):
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()  # a zombie has ended
    except FileNotFoundError:
        return False
