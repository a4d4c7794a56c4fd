"""stdout that goes away: a reader that stops (``| head``) ends the run quietly with status 0, as Unix tools
do; stdout that cannot be written (a full device, a closed descriptor) is one line on stderr and status 1."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS_LINES = 20_000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("stdout") / "corpus.jsonl"
    path.write_text("".join(json.dumps({"id": n, "text": f"Hikmatyar arrived on day {n}.\n"}) + "\n"
                            for n in range(CORPUS_LINES)))
    return path


def textclean(*args, **popen):
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args], stderr=subprocess.PIPE, **popen)


def test_a_reader_that_stops_early_ends_the_run_quietly_with_status_0(corpus):
    run = textclean("clean", "-j", "1", str(corpus), stdout=subprocess.PIPE)
    first = run.stdout.readline()
    run.stdout.close()  # what head does after its lines
    assert run.wait(timeout=120) == 0
    assert json.loads(first)["text"] == "Hekmatyar arrived on day 0.\n"
    assert run.stderr.read() == b""


@pytest.mark.parametrize("command", [["clean", "-j", "1"], ["rules", "list"]])
def test_a_full_stdout_is_one_line_and_status_1(corpus, command):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        run = textclean(*command, *([str(corpus)] if command[0] == "clean" else []), stdout=full)
        _, err = run.communicate(timeout=120)
    assert run.returncode == 1
    assert err.decode() == "textclean: error: cannot write to stdout: No space left on device\n"


def test_a_closed_stdout_is_one_line_and_status_1(corpus):
    run = subprocess.run(f'"{sys.executable}" "{ROOT / "cli.py"}" clean -j 1 "{corpus}" >&-', shell=True,
                         capture_output=True, timeout=120)
    assert run.returncode == 1
    assert run.stderr.decode() == "textclean: error: cannot write to stdout: it is closed\n"


def test_a_closed_stdout_does_not_matter_to_a_run_that_writes_files(corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    run = subprocess.run(f'"{sys.executable}" "{ROOT / "cli.py"}" clean -q -j 1 "{corpus}" -o "{out}" >&-',
                         shell=True, capture_output=True, timeout=120)
    assert (run.returncode, run.stderr) == (0, b"")
    assert len(out.read_text().splitlines()) == CORPUS_LINES
