"""A corpus run killed midway leaves only complete shards, and --resume finishes it identically."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PARAGRAPH = ("Gulbuddin Hikmatyar told reporters in Qalat-i-Naw that the river had risen by a metre overnight "
             "and that the old bridge was closed to trucks until further notice. ")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    base = tmp_path_factory.mktemp("corpus")
    shards = base / "shards"
    shards.mkdir()
    for s in range(24):
        with open(shards / f"part-{s:03d}.jsonl", "w") as stream:
            for d in range(120):
                text = f"News ID: {s}{d}\n\n" + PARAGRAPH * 12 + "\n\n0 comment\n"
                stream.write(json.dumps({"id": f"{s}-{d}", "text": text}) + "\n")
    reference = base / "reference"
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "clean", "-q", "-j", "1", str(shards), "-o",
                    str(reference)], check=True, cwd=ROOT)
    return shards, reference


def start(shards, out, *extra):
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "clean", "-q", "-j", "1", str(shards), "-o",
                             str(out), *extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for_first_shard(out, process, limit=60.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if out.is_dir() and any(p.suffix == ".jsonl" for p in out.iterdir()):
            return
        time.sleep(0.02)
    pytest.fail("no shard was completed before the run ended or the time ran out")


def finals(out):
    return sorted(p for p in out.iterdir() if p.suffix == ".jsonl")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_interrupted_run_keeps_only_complete_shards_and_resumes_identically(corpus, tmp_path, how):
    shards, reference = corpus
    out = tmp_path / "out"
    process = start(shards, out)
    wait_for_first_shard(out, process)
    process.send_signal(how)
    process.wait(timeout=60)
    done = finals(out)
    assert 0 < len(done) < 24, "the run should have been stopped midway"
    for path in done:
        assert path.read_bytes() == (reference / path.name).read_bytes(), path.name
    if how == signal.SIGTERM:
        assert process.returncode == 130 and b"no partial output was kept" in process.stderr.read()
        assert not list(out.glob(".textclean-*.tmp"))
    resumed = start(shards, out, "--resume")
    resumed.wait(timeout=300)
    assert resumed.returncode == 0, resumed.stderr.read()
    assert [p.name for p in finals(out)] == [p.name for p in finals(reference)]
    for path in finals(reference):
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name
    assert not list(out.glob(".textclean-*.tmp"))


def test_ctrl_c_stops_a_parallel_run_and_its_workers(corpus, tmp_path):
    shards, reference = corpus
    out = tmp_path / "out"
    # A process group of its own, as a shell gives a foreground job, and SIGINT not inherited as ignored.
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "clean", "-q", "-j", "2", str(shards), "-o",
                                str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    wait_for_first_shard(out, process)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: every process of the group gets it
    process.wait(timeout=60)
    stderr = process.stderr.read().decode()
    assert process.returncode == 130 and "no partial output was kept" in stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert 0 < len(finals(out)) < 24
    for path in finals(out):
        assert path.read_bytes() == (reference / path.name).read_bytes(), path.name
    assert not list(out.glob(".textclean-*.tmp"))
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # no worker is left running


def test_undo_after_an_interrupted_and_resumed_run_restores_every_shard(corpus, tmp_path):
    shards, _ = corpus
    out, edits = tmp_path / "out", tmp_path / "edits.jsonl"
    process = start(shards, out, "--edits", str(edits))
    wait_for_first_shard(out, process)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    assert process.returncode == 130 and 0 < len(finals(out)) < 24
    kept = [json.loads(line)["output"] for line in edits.read_text().splitlines()[1:]]
    assert sorted(set(kept)) == [p.name for p in finals(out)]
    resumed = start(shards, out, "--resume", "--edits", str(edits))
    resumed.wait(timeout=300)
    assert resumed.returncode == 0, resumed.stderr.read()
    undone = subprocess.run([sys.executable, str(ROOT / "cli.py"), "undo", str(out), "--edits", str(edits), "-o",
                             str(tmp_path / "back")], cwd=ROOT, capture_output=True, text=True)
    assert undone.returncode == 0, undone.stderr
    for path in sorted(shards.iterdir()):
        assert (tmp_path / "back" / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("shards_done", [1, 4, 9])
def test_undo_after_sigkill_and_resume_restores_the_corpus_byte_for_byte(corpus, tmp_path, shards_done):
    shards, _ = corpus
    out, edits, rejects = tmp_path / "out", tmp_path / "edits.jsonl", tmp_path / "rejects.jsonl"
    logs = ("-j", "2", "--edits", str(edits), "--rejects", str(rejects))
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "clean", "-q", str(shards), "-o", str(out),
                                *logs], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while len(finals(out) if out.is_dir() else []) < shards_done and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)  # the run and its workers, at once
    process.wait(timeout=60)
    assert shards_done <= len(finals(out)) < 24, "the run should have been killed midway"
    assert not edits.exists()
    resumed = start(shards, out, "--resume", *logs)
    resumed.wait(timeout=300)
    assert resumed.returncode == 0, resumed.stderr.read()
    assert rejects.read_text() == "" and not list(tmp_path.glob(".textclean-*"))
    undone = subprocess.run([sys.executable, str(ROOT / "cli.py"), "undo", str(out), "--edits", str(edits), "-o",
                             str(tmp_path / "back")], cwd=ROOT, capture_output=True, text=True)
    assert undone.returncode == 0, undone.stderr
    assert sorted(p.name for p in (tmp_path / "back").iterdir()) == sorted(p.name for p in shards.iterdir())
    for path in sorted(shards.iterdir()):
        assert (tmp_path / "back" / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_stop_signal_swallowed_where_it_was_raised_still_stops_the_run():
    """Python ignores an exception raised in a ``__del__``: the signal is remembered, and the next document stops."""
    from textclean.runs.run import Interrupted, _StopSignals
    before = signal.getsignal(signal.SIGINT)  # SIG_IGN where the test runs in a shell's background job
    stops = _StopSignals()
    try:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
        except Interrupted:
            pass  # swallowed, as in a __del__
        with pytest.raises(Interrupted, match="SIGINT"):
            stops.check()
    finally:
        stops.restore()
    assert signal.getsignal(signal.SIGINT) is before


@pytest.mark.parametrize("ending", ["raise KeyboardInterrupt", "raise SystemExit(130)"])
def test_a_writer_a_stop_left_behind_leaves_no_temporary_at_exit(tmp_path, ending):
    """A stop signal that comes as a writer is made reaches the caller before the writer does, so that nobody
    can abort it; the process still removes its temporary when it exits."""
    code = ("import sys; from pathlib import Path; from textclean.io.outputs import AtomicWriter; "
            f"AtomicWriter(Path(sys.argv[1]) / 'out.jsonl').write('half'); {ending}")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("point", [0.0, 0.5, 1.5])
def test_ctrl_c_at_any_point_of_a_parallel_run_stops_it_and_resume_then_undo_restore_every_input(corpus, tmp_path,
                                                                                                  point):
    shards, reference = corpus
    out, edits = tmp_path / "out", tmp_path / "edits.jsonl"
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "clean", "-q", "-j", "2", str(shards), "-o",
                                str(out), "--edits", str(edits)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    wait_for_first_shard(out, process)
    time.sleep(point)
    os.killpg(process.pid, signal.SIGINT)
    stopped = time.monotonic()
    process.wait(timeout=60)
    assert time.monotonic() - stopped < 10, "Ctrl-C took more than 10 s to stop the run"
    stderr = process.stderr.read().decode()
    assert process.returncode in (0, 130) and "Traceback" not in stderr, stderr  # 0: it had just finished
    assert not list(out.glob(".textclean-*.tmp"))
    for path in finals(out):
        assert path.read_bytes() == (reference / path.name).read_bytes(), path.name
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)
    resumed = start(shards, out, "--resume", "--edits", str(edits))
    resumed.wait(timeout=300)
    assert resumed.returncode == 0, resumed.stderr.read()
    undone = subprocess.run([sys.executable, str(ROOT / "cli.py"), "undo", str(out), "--edits", str(edits), "-o",
                             str(tmp_path / "back")], cwd=ROOT, capture_output=True, text=True)
    assert undone.returncode == 0, undone.stderr
    for path in sorted(shards.iterdir()):
        assert (tmp_path / "back" / path.name).read_bytes() == path.read_bytes(), path.name
