"""The hooks in .pre-commit-hooks.yaml, installed by the real pre-commit from this checkout's HEAD.

pre-commit builds a virtual environment and pip-installs textclean into it, which needs
PyPI and takes a while: this is the one test that does it (``-m "not network"`` leaves it out).
"""
import os
import re
import shutil
import subprocess

import pytest
import yaml
from conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
ARTICLE = ("Publish Date : 03 March 2020 - 08:15\n"
           "Gulbuddin Hikmatyar spoke in Qalat-i-Naw.\n\nLeave a Reply\nCancel reply\n")
CLEANED = "Publish Date : 03 March 2020 - 08:15\nGulbuddin Hekmatyar spoke in Qala-e-Naw.\n"  # a file keeps its header


def readme_hook_config() -> dict:
    """The .pre-commit-config.yaml snippet the README tells people to use."""
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", README, re.DOTALL) if b.startswith("repos:"))
    return yaml.safe_load(block)


def test_readme_snippet_names_the_shipped_hooks():
    shipped = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert [hook["id"] for hook in readme_hook_config()["repos"][0]["hooks"]] == [hook["id"] for hook in shipped]
    for hook in shipped:
        assert hook["language"] == "python" and hook["require_serial"] is True
        assert hook["types"] == ["text"] and hook["stages"] == ["pre-commit", "pre-push", "manual"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_readme_rev_is_a_branch_or_tag_of_this_repository():
    rev = readme_hook_config()["repos"][0]["rev"]
    if _head() is None:
        pytest.skip(f"{ROOT} is not a git checkout")
    refs = [f"refs/heads/{rev}", f"refs/tags/{rev}", f"refs/remotes/origin/{rev}"]
    found = [ref for ref in refs
             if subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", ref],
                               capture_output=True).returncode == 0]
    assert found, f"the README's pre-commit rev {rev!r} is no branch or tag of this repository"


def _head() -> str | None:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


@pytest.mark.network
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed (pip install pre-commit)")
def test_hooks_stop_the_commit_fix_the_files_and_then_pass(tmp_path):
    head = _head()
    if head is None:
        pytest.skip(f"{ROOT} is not a git checkout, so pre-commit cannot install its hooks from it")
    (tmp_path / "gitconfig").write_text("[user]\n\tname = Test\n\temail = test@example.com\n"
                                        "[init]\n\tdefaultBranch = main\n")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    project = tmp_path / "project"
    project.mkdir()

    def run(*command):
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)

    config = readme_hook_config()
    config["repos"][0].update(repo=str(ROOT), rev=head)
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    (project / "article.txt").write_text(ARTICLE)
    (project / "crlf.txt").write_bytes(ARTICLE.replace("\n", "\r\n").encode())
    (project / "script.py").write_text("x = 1  \n")  # text, but not included: left alone
    assert run("git", "init", "-q").returncode == 0
    assert run("pre-commit", "install").returncode == 0
    run("git", "add", "-A")

    first = run("git", "commit", "-q", "-m", "articles")
    output = first.stdout + first.stderr
    assert first.returncode == 1, output
    assert "Fixing article.txt" in output and "Fixing crlf.txt" in output
    assert (project / "article.txt").read_text() == CLEANED
    assert (project / "crlf.txt").read_bytes() == CLEANED.replace("\n", "\r\n").encode()
    assert (project / "script.py").read_text() == "x = 1  \n"
    assert run("git", "rev-parse", "HEAD").returncode != 0, "the first commit must not be made"

    run("git", "add", "-A")
    second = run("git", "commit", "-q", "-m", "articles")
    assert second.returncode == 0, second.stdout + second.stderr
    committed = run("git", "show", "HEAD:article.txt").stdout
    assert committed == CLEANED
