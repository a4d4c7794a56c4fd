"""Files cleaned in place: ``fix``, ``check``, ``diff``, ``explain``, as pre-commit-hooks tests its hooks.

Each test calls a command on temporary files and checks the exit code and what the file holds afterwards.
"""
import errno
import json
import os
import re
import stat

import pytest
from click.testing import CliRunner
from conftest import ROOT

from textclean import Cleaner, RuleSet
from textclean.cli import main
from textclean.io.outputs import OutputError
from textclean.kinds import registry
from textclean.runs.files import FileCleaner
from textclean.runs.report import marked_pieces, render_marked

PAGE = "News ID: 501\nGulbuddin Hikmatyar spoke in Qalat-i-Naw.  \n\nLeave a Reply\n"
CLEAN = "News ID: 501\nGulbuddin Hekmatyar spoke in Qala-e-Naw.\n"  # header lines stay: a file cannot keep metadata


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def write(name, data, mode=None):
    with open(name, "wb") as file:
        file.write(data.encode("utf-8") if isinstance(data, str) else data)
    if mode is not None:
        os.chmod(name, mode)
    os.utime(name, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))  # an old mtime, to see a rewrite
    return name


def untouched(name):
    return os.stat(name).st_mtime_ns == 1_000_000_000_000_000_000


def read(name):
    with open(name, "rb") as file:
        return file.read().decode("utf-8")


def test_fix_changes_a_file_says_so_and_exits_1():
    write("page.txt", PAGE)
    result = run("fix", "page.txt")
    assert result.exit_code == 1 and result.stdout == "Fixing page.txt\n"
    assert read("page.txt") == CLEAN


def test_fix_leaves_a_clean_file_alone_and_exits_0():
    write("page.txt", CLEAN)
    result = run("fix", "page.txt")
    assert result.exit_code == 0 and result.stdout == ""
    assert untouched("page.txt")


def test_second_run_finds_nothing():
    write("page.txt", PAGE)
    run("fix", "page.txt")
    os.utime("page.txt", ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    assert run("fix", "page.txt").exit_code == 0 and untouched("page.txt")


def test_only_changed_files_are_named():
    write("a.txt", PAGE)
    write("b.txt", CLEAN)
    result = run("fix", "a.txt", "b.txt")
    assert result.stdout == "Fixing a.txt\n" and untouched("b.txt")


def test_backup_keeps_the_original():
    write("page.txt", PAGE)
    run("fix", "--backup", "page.txt")
    assert read("page.txt.orig") == PAGE and read("page.txt") == CLEAN


def test_a_backup_is_never_overwritten():
    write("page.txt", PAGE)
    write("page.txt.orig", "the first original\n")
    result = run("fix", "--backup", "page.txt")
    assert result.exit_code == 1 and "its backup page.txt.orig exists already" in result.stderr
    assert read("page.txt.orig") == "the first original\n" and read("page.txt") == PAGE


def test_crlf_stays_crlf():
    write("page.txt", PAGE.replace("\n", "\r\n"))
    assert run("fix", "page.txt").exit_code == 1
    assert read("page.txt") == CLEAN.replace("\n", "\r\n")


def test_clean_crlf_file_is_not_touched():
    # ftfy's fix_line_breaks would turn every CRLF into LF; textclean cleans LF text and writes CRLF back
    write("page.txt", "First line.\r\nSecond line.\r\n")
    assert run("fix", "page.txt").exit_code == 0 and untouched("page.txt")


def test_crlf_file_with_mojibake_is_repaired_and_stays_crlf():
    write("page.txt", "The caf\u00c3\u00a9 reopened.\r\nIt was busy.\r\n")
    assert run("fix", "page.txt").exit_code == 1
    assert read("page.txt") == "The caf\u00e9 reopened.\r\nIt was busy.\r\n"


def test_each_line_keeps_its_own_ending_in_a_file_of_mixed_endings():
    write("page.txt", "The mayor opened the bridge.\r\nShare\r\nFacebook\r\nGulbuddin Hikmatyar spoke.\n"
                      "Traffic was light.\r\nCyclists welcome.\n")
    diff = run("diff", "page.txt").stdout_bytes.decode("utf-8")  # .stdout would turn CRLF into LF
    assert [line for line in diff.splitlines(keepends=True) if line[0] in "+-" and line[:3] not in ("---", "+++")] == [
        "-Share\r\n", "-Facebook\r\n", "-Gulbuddin Hikmatyar spoke.\n", "+Gulbuddin Hekmatyar spoke.\n"]
    assert run("fix", "page.txt").exit_code == 1
    assert read("page.txt") == ("The mayor opened the bridge.\r\nGulbuddin Hekmatyar spoke.\n"
                                "Traffic was light.\r\nCyclists welcome.\n")


def test_normalize_line_endings_writes_lf():
    write("page.txt", "First line.\r\nSecond line.\r\n")
    result = run("fix", "--normalize-line-endings", "page.txt")
    assert result.exit_code == 1 and read("page.txt") == "First line.\nSecond line.\n"
    write("lf.txt", "First line.\n")
    assert run("fix", "--normalize-line-endings", "lf.txt").exit_code == 0 and untouched("lf.txt")


def test_mixed_line_endings_are_kept_when_nothing_else_changes():
    write("page.txt", "One.\r\nTwo.\nThree.\r\n")
    assert run("fix", "page.txt").exit_code == 0 and untouched("page.txt")


@pytest.mark.parametrize(("before", "after"), [
    ("Hikmatyar left.", "Hekmatyar left."),
    ("Hikmatyar left.\n", "Hekmatyar left.\n"),
    ("Hikmatyar left.\nLeave a Reply", "Hekmatyar left."),
    ("\ufeffHikmatyar left.\n", "\ufeffHekmatyar left.\n"),
])
def test_final_newline_and_byte_order_mark_stay_as_they_were(before, after):
    write("page.txt", before)
    run("fix", "page.txt")
    assert read("page.txt") == after


@pytest.mark.parametrize("mode", [0o755, 0o600, 0o664])
def test_file_mode_is_kept(mode):
    write("page.txt", PAGE, mode)
    run("fix", "page.txt")
    assert stat.S_IMODE(os.stat("page.txt").st_mode) == mode


def test_a_symbolic_link_is_followed_and_kept(tmp_path):
    write("real.txt", PAGE)
    os.symlink("real.txt", "link.txt")
    run("fix", "link.txt")
    assert os.path.islink("link.txt") and read("real.txt") == CLEAN


def test_binary_files_are_skipped_and_named():
    write("image.txt", b"GIF89a\x00\x01Hikmatyar")
    result = run("fix", "image.txt")
    assert result.exit_code == 0 and "image.txt: skipped: binary file" in result.stderr
    assert untouched("image.txt")


def test_utf16_is_an_error_naming_it_not_a_skipped_binary_file():
    write("wide.txt", "Hikmatyar left.\n".encode("utf-16"))
    result = run("fix", "wide.txt")
    assert result.exit_code == 1 and "wide.txt: UTF-16 text (byte-order mark)" in result.stderr
    assert "binary" not in result.stderr and untouched("wide.txt")


def test_invalid_utf8_is_an_error_naming_file_and_line_and_the_rest_is_fixed():
    write("latin1.txt", "first\nHikmatyar caf\xe9\n".encode("latin-1"))
    write("page.txt", PAGE)
    result = run("fix", "latin1.txt", "page.txt")
    assert result.exit_code == 1 and "latin1.txt:2: not valid UTF-8" in result.stderr
    assert untouched("latin1.txt") and read("page.txt") == CLEAN


def test_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    write("page.txt", PAGE)
    plan = FileCleaner(RuleSet()).plan(tmp_path / "page.txt")

    def crash(*args):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OutputError, match="page.txt: cannot write: disk full"):
        plan.write()
    assert read("page.txt") == PAGE and os.listdir(tmp_path) == ["page.txt"]


def test_a_file_that_cannot_be_written_is_named_and_the_rest_is_fixed(monkeypatch):
    os.makedirs("full")
    write("full/page.txt", PAGE)
    write("page.txt", PAGE)
    open_file = os.open

    def no_space_in_full(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and os.path.basename(os.path.dirname(path)) == "full":
            raise OSError(errno.ENOSPC, "No space left on device")
        return open_file(path, flags, *args, **kwargs)
    monkeypatch.setattr(os, "open", no_space_in_full)
    result = run("fix", "full/page.txt", "page.txt")
    assert result.exit_code == 1 and "full/page.txt: cannot write: No space left on device" in result.stderr
    assert read("full/page.txt") == PAGE and read("page.txt") == CLEAN


def test_folders_are_searched_for_included_files(tmp_path):
    os.makedirs("notes/deep")
    write("notes/deep/page.txt", PAGE)
    write("notes/script.py", "x = 1  \n")
    assert run("fix", "notes").stdout == "Fixing notes/deep/page.txt\n"
    assert untouched("notes/script.py")


def test_check_prints_path_line_col_rule_message_and_changes_nothing():
    write("page.txt", PAGE)
    result = run("check", "page.txt")
    assert result.exit_code == 1 and untouched("page.txt")
    lines = result.stdout.splitlines()
    assert not any("date." in line for line in lines)
    assert "page.txt:2:11: person.hekmatyar: 'Hikmatyar' -> 'Hekmatyar'" in lines
    assert "page.txt:2:30: place.qala-e-naw: 'Qalat-i-Naw' -> 'Qala-e-Naw'" in lines
    assert "page.txt:4:1: comments.wordpress-form: removes 'Leave a Reply\\n'" in lines
    assert [line.split(":")[1:3] for line in lines] == sorted(
        (line.split(":")[1:3] for line in lines), key=lambda pos: (int(pos[0]), int(pos[1])))


def test_check_reports_findings_the_engine_cannot_fix():
    write(".textclean.yaml", "header_lines: remove\n")
    write("page.txt", "Publish Date : 31 February 2021\nThe text.\n")
    result = run("check", "page.txt")
    assert result.exit_code == 1
    assert result.stdout.startswith("page.txt:1:1: date.published-en: 'Publish Date : 31 February 2021' left in place")
    assert run("fix", "page.txt").exit_code == 0


def test_check_passes_clean_files():
    write("page.txt", CLEAN)
    result = run("check", "page.txt")
    assert result.exit_code == 0 and result.stdout == ""


def test_check_reports_line_endings_only_when_asked_to_normalise():
    write("page.txt", "First line.\r\n")
    assert run("check", "page.txt").exit_code == 0
    result = run("check", "--normalize-line-endings", "page.txt")
    assert result.stdout == "page.txt:1:1: file.line-endings: CRLF line endings become LF\n"


def test_check_json_is_machine_readable():
    write("page.txt", PAGE)
    result = run("check", "--format", "json", "page.txt")
    problems = json.loads(result.stdout)
    assert result.exit_code == 1
    assert problems[0] == {"path": "page.txt", "line": 2, "column": 11, "rule": "person.hekmatyar",
                           "message": "'Hikmatyar' -> 'Hekmatyar'", "level": "warning", "fixable": True}
    write("clean.txt", CLEAN)
    assert json.loads(run("check", "--format", "json", "clean.txt").stdout) == []


ZARIF_MIX = ("a.txt, b.txt: name.mohammad: Muhammad Javad Zarif: one person spelled more than one way across "
             "files: 'Muhammad Javad Zarif' (2× in a.txt), 'Mohammad Javad Zarif' (1× in b.txt)")


def test_check_reports_a_person_the_files_spell_differently():
    write("a.txt", "Foreign Minister Muhammad Javad Zarif arrived.\nMuhammad Javad Zarif spoke.\n")
    write("b.txt", "Mohammad Javad Zarif left.\n")
    result = run("check", "a.txt", "b.txt")
    assert result.exit_code == 1 and result.stdout == ZARIF_MIX + "\n"
    assert untouched("a.txt") and untouched("b.txt")
    assert run("fix", "a.txt", "b.txt").exit_code == 0, "each file alone has one spelling: nothing to fix"
    [problem] = json.loads(run("check", "--format", "json", "b.txt", "a.txt").stdout)
    assert problem == {"files": ["b.txt", "a.txt"], "rule": "name.mohammad", "level": "warning", "fixable": False,
                       "message": "Muhammad Javad Zarif: one person spelled more than one way across files: "
                                  "'Mohammad Javad Zarif' (1× in b.txt), 'Muhammad Javad Zarif' (2× in a.txt)"}
    assert run("check", "--select", "name", "a.txt", "b.txt").stdout == ZARIF_MIX + "\n"
    assert run("check", "--select", "place", "a.txt", "b.txt").exit_code == 0


def test_check_compares_files_as_fix_leaves_them_after_the_edits_of_each():
    write("a.txt", "Muhammad Javad Zarif came. Muhammad Javad Zarif spoke. Mohammad Javad Zarif left.  \n")
    write("b.txt", "Muhammad Javad Zarif came.\n")
    alone = run("check", "a.txt").stdout
    result = run("check", "a.txt", "b.txt")
    assert result.stdout == alone and "'Mohammad' -> 'Muhammad'" in alone and result.exit_code == 1


@pytest.mark.parametrize("files", [
    {"a.txt": "Muhammad Javad Zarif arrived.\n", "b.txt": "Muhammad Javad Zarif left.\n"},  # one spelling
    {"a.txt": "Muhammad Javad Zarif arrived.\n", "b.txt": "Mohamed Salah scored.\n"},  # different persons
    {"a.txt": "Muhammad Javad Zarif arrived.\n",
     "b.txt": "<!-- textclean: disable-next-line name -->\nMohammad Javad Zarif, as the record spells it.\n"},
])
def test_check_reports_nothing_across_files_that_agree(files):
    for name, text in files.items():
        write(name, text)
    result = run("check", *files)
    assert result.exit_code == 0 and result.stdout == ""


def test_check_of_one_file_reports_no_mix_across_files():
    write("a.txt", "Muhammad Javad Zarif arrived.\n")
    write("b.txt", "Mohammad Javad Zarif left.\n")
    assert run("check", "a.txt").exit_code == 0 and run("check", "b.txt").exit_code == 0


def test_check_in_site_scope_compares_the_files_of_one_folder():
    os.mkdir("x")
    write("x/a.txt", "Muhammad Javad Zarif arrived.\n")
    os.mkdir("y")
    write("y/b.txt", "Mohammad Javad Zarif left.\n")
    assert run("check", "--set", "variants.scope=site", "x", "y").exit_code == 0
    write("x/b.txt", "Mohammad Javad Zarif left.\n")
    result = run("check", "--set", "variants.scope=site", "x", "y")
    assert result.exit_code == 1 and "across the files of folder:x:" in result.stdout
    assert result.stdout.startswith("x/a.txt, x/b.txt: name.mohammad:")


def test_diff_previews_and_writes_nothing():
    write("page.txt", "Hikmatyar left.")
    result = run("diff", "page.txt")
    assert result.exit_code == 1 and untouched("page.txt")
    assert result.stdout == ("--- page.txt\n+++ page.txt\n@@ -1 +1 @@\n-Hikmatyar left.\n"
                             "\\ No newline at end of file\n+Hekmatyar left.\n\\ No newline at end of file\n")
    assert run("fix", "--diff", "page.txt").stdout == result.stdout and untouched("page.txt")
    write("clean.txt", CLEAN)
    assert run("diff", "clean.txt").exit_code == 0


def test_explain_marks_each_edit_with_its_rule():
    write("page.txt", PAGE)
    result = run("explain", "page.txt")
    assert result.exit_code == 0 and untouched("page.txt")
    assert result.stdout.splitlines()[:2] == [
        "News ID: 501",
        "Gulbuddin [-Hikmatyar-]{+Hekmatyar+}⟨person.hekmatyar⟩ spoke in [-Qalat-i-Naw-]{+Qala-e-Naw+}⟨place.qala-e-naw⟩."
        "[-  -]⟨whitespace.trailing-space⟩",
    ]
    assert "metadata" not in result.stdout


HEADERS = "News ID: 92199\nPublish Date : 07 July 2021 - 21:49\n\nThe talks in the capital began on Wednesday.\n"


def test_fix_keeps_header_lines_whose_values_a_file_cannot_store():
    write("page.txt", HEADERS)
    assert run("fix", "page.txt").exit_code == 0 and untouched("page.txt")
    assert run("check", "page.txt").stdout == ""


def test_header_lines_remove_lets_a_project_drop_them():
    write(".textclean.yaml", "header_lines: remove\n")
    write("page.txt", HEADERS)
    assert run("fix", "page.txt").exit_code == 1
    assert read("page.txt") == "The talks in the capital began on Wednesday.\n"


def test_header_lines_takes_keep_or_remove_only():
    write(".textclean.yaml", "header_lines: drop\n")
    write("page.txt", HEADERS)
    result = CliRunner().invoke(main, ["fix", "page.txt"])
    assert result.exit_code == 2 and "'header_lines' must be one of keep, remove, not 'drop'" in result.output


def test_explain_in_colour_on_a_terminal():
    result = Cleaner().clean(PAGE)
    shown = render_marked("page.txt", result, color=True)
    assert "\x1b[31m\x1b[9mHikmatyar\x1b[0m\x1b[32m\x1b[4mHekmatyar\x1b[0m" in shown and "⟨person.hekmatyar⟩" in shown


def test_marked_pieces_hold_the_input_and_the_output():
    result = Cleaner().clean(PAGE + "\n\n\nHikmatyar Hikmatyar\n")
    pieces = marked_pieces(result)
    assert "".join(p.text for p in pieces if p.state != "added") == result.original
    assert "".join(p.text for p in pieces if p.state != "removed") == result.text


def test_rule_file_errors_exit_2_with_the_message():
    write("broken.yaml", "rules:\n  - id: b.x\n    kind: boilerplate\n    description: d\n    pattern: '('\n"
                         "    examples: [{keep: x}]\n")
    write("page.txt", PAGE)
    for command in ("fix", "check", "diff", "explain"):
        result = run(command, "--rules", "broken.yaml", "page.txt")
        assert result.exit_code == 2 and "broken.yaml:5: rule 'b.x': pattern does not compile" in result.stderr
    assert untouched("page.txt")


def test_usage_errors_exit_2():
    write("page.txt", PAGE)
    assert run("fix").exit_code == 2
    assert run("fix", "--backup", "--diff", "page.txt").exit_code == 2
    assert run("check", "--format", "xml", "page.txt").exit_code == 2


def test_only_and_custom_rules():
    write("mine.yaml", "rules:\n  - id: mine.spoke\n    kind: variants\n    description: d\n"
                       "    canonical: talked\n    variants: [spoke]\n    examples: [{keep: x}]\n")
    write("page.txt", PAGE)
    run("fix", "--only", "variants", "--no-shipped", "--rules", "mine.yaml", "page.txt")
    assert read("page.txt") == PAGE.replace("spoke", "talked").replace("  \n", "\n")  # the whitespace stage runs too


def test_config_includes_excludes_and_kinds_per_file_type():
    os.makedirs("drafts")
    write(".textclean.yaml", "include: ['*.md', '*.txt']\nexclude: ['drafts/*']\n"
                             "per_file_kinds:\n  '*.md': [variants]\n")
    write("notes.md", PAGE)
    write("page.txt", PAGE)
    write("drafts/wip.txt", PAGE)
    write("script.py", PAGE)
    result = run("fix", "--only-included", "notes.md", "page.txt", "drafts/wip.txt", "script.py")
    assert result.stdout == "Fixing notes.md\nFixing page.txt\n"
    assert read("notes.md") == PAGE.replace("Hikmatyar", "Hekmatyar").replace("Qalat-i-Naw", "Qala-e-Naw")
    assert read("page.txt") == CLEAN
    assert untouched("drafts/wip.txt") and untouched("script.py")


@pytest.mark.parametrize("command", ["fix", "check"])
def test_a_file_named_is_taken_whatever_its_name_and_globs_filter_folders(command):
    os.makedirs("notes")
    write(".textclean.yaml", "exclude: ['drafts/*']\n")
    write("note.md", PAGE)
    os.makedirs("drafts")
    write("drafts/wip.txt", PAGE)
    write("notes/other.md", PAGE)  # found in a folder: the include globs (*.txt *.text) leave it out
    result = run(command, "note.md", "drafts/wip.txt", "notes")
    assert result.exit_code == 1
    if command == "fix":
        assert result.stdout == "Fixing note.md\nFixing drafts/wip.txt\n"
        assert read("note.md") == CLEAN and read("drafts/wip.txt") == CLEAN
    else:
        assert {line.split(":")[0] for line in result.stdout.splitlines()} == {"note.md", "drafts/wip.txt"}
    assert untouched("notes/other.md")


def test_a_config_that_is_not_yaml_is_named_with_its_line():
    write(".textclean.yaml", "include: ['*.txt'\nexclude: b\n")
    write("page.txt", PAGE)
    result = run("fix", "page.txt")
    assert result.exit_code == 2 and untouched("page.txt")
    assert re.search(r"\.textclean\.yaml:2: not valid YAML: expected ',' or ']'", result.stderr.splitlines()[-1])


def test_nothing_selected_says_so():
    write("script.py", PAGE)
    result = run("fix", "--only-included", "script.py")
    assert result.exit_code == 0 and "no file to clean" in result.stderr and untouched("script.py")


def test_pyproject_config_and_its_errors_name_the_file():
    write("pyproject.toml", "[tool.textclean]\ninclude = ['*.md']\n")
    write("notes.md", PAGE)
    assert run("fix", "notes.md").exit_code == 1
    write("pyproject.toml", "[tool.textclean.per_file_kinds]\n'*.md' = ['variant']\n")
    result = run("fix", "notes.md")
    assert result.exit_code == 2
    assert "pyproject.toml: per_file_kinds '*.md': unknown kind variant" in result.stderr
    write("pyproject.toml", "[tool.textclean]\nexclude = 'drafts'\n")
    assert "pyproject.toml: 'exclude' must be a list of strings" in run("check", "notes.md").stderr


@pytest.mark.parametrize("kind", list(registry()))
def test_rules_new_writes_a_skeleton_that_lints_and_tests(kind):
    result = run("rules", "new", kind, "-o", "mine.yaml")
    assert result.exit_code == 0
    text = read("mine.yaml")
    assert text.startswith("#") and f"kind: {kind}" in text
    assert run("rules", "lint", "mine.yaml").exit_code == 0
    tested = run("rules", "test", "mine.yaml")
    assert tested.exit_code == 0 and " 0 failed" in tested.stdout
    assert run("rules", "new", kind).stdout == text


def test_rules_new_never_overwrites():
    write("mine.yaml", "rules: []\n")
    result = run("rules", "new", "variants", "-o", "mine.yaml")
    assert result.exit_code == 2 and "mine.yaml: already exists" in result.stderr


def test_shell_completion_comes_from_click():
    env = {"_TEXTCLEAN_COMPLETE": "bash_complete", "COMP_WORDS": "textclean fix --norm", "COMP_CWORD": "2"}
    result = CliRunner().invoke(main, [], env=env, prog_name="textclean")
    assert "--normalize-line-endings" in result.stdout
    script = CliRunner().invoke(main, [], env={"_TEXTCLEAN_COMPLETE": "zsh_source"}, prog_name="textclean")
    assert "#compdef textclean" in script.stdout


def test_readme_quick_rule_example_does_what_it_shows():
    readme = (ROOT / "README.md").read_text("utf-8")
    rules = re.search(r"cat > dams.yaml <<'EOF'\n(.*?)\nEOF\n", readme, re.DOTALL).group(1)
    write("dams.yaml", rules + "\n")
    assert "2 passed, 0 failed" in run("rules", "test", "dams.yaml").stdout
    write("dam.txt", "Water rose behind the Bandi Sabz dam.\n")
    result = run("fix", "--only", "variants", "--rules", "dams.yaml", "dam.txt")
    assert result.stdout + read("dam.txt") in readme
