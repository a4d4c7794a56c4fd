"""``textclean undo``: restore cleaned documents from the edit log of the run that cleaned them."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..io.editlog import EditLog
from ..io.inputs import DEFAULT_INCLUDE, InputError, ReadOptions, expand, input_format
from ..io.outputs import Output, auto_format, is_folder_output
from ..runs.report import counted
from ..runs.restore import restore
from .common import EXIT_FINDINGS, handles_errors, main


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--edits", "edits_path", type=click.Path(exists=True, dir_okay=False), required=True,
              help="The edit log written by 'textclean clean --edits'.")
@click.option("-o", "--output", type=click.Path(), help="Output file, or folder (mirrors the input shards).")
@click.option("--text-field", default="text", show_default=True, help="JSONL field or Parquet column holding the text.")
@click.option("--id-field", default="id", show_default=True, help="JSONL field or Parquet column holding the id.")
@handles_errors
def undo(paths, edits_path, output, text_field, id_field) -> None:
    """Restore cleaned files, folders or JSONL to what they were before cleaning.

    \b
    textclean clean page.txt -o clean.txt --edits edits.jsonl
    textclean undo clean.txt --edits edits.jsonl      # the original page, to stdout
    textclean clean shards/ -o cleaned/ --edits edits.jsonl
    textclean undo cleaned/ --edits edits.jsonl -o restored/

    Everything is checked against the log before anything is written: the log
    must hold every line the run wrote to it; each file as many records as the
    run wrote to it, each one whole (every field, by SHA-256) and in its place;
    and each restored record must be the one the run read. A document that
    fails, a file the log does not cover, or a log line that is missing,
    changed or malformed is named with its line, and then nothing is written
    (exit 1). A path that does not exist, or an output that would overwrite an
    input or the log, is a usage error (exit 2).
    """
    read = ReadOptions(text_field, id_field, DEFAULT_INCLUDE, max_document_bytes=None)  # what clean wrote, whole
    folder = is_folder_output(output, paths)
    files = expand(paths, read, Path(output) if folder else None)
    if not files:
        raise InputError(" ".join(paths), None, "no input files", usage=True)
    if any(source == "-" for source, _ in files):
        raise click.UsageError("undo reads its input twice, to check it all before writing: give files, not '-'")
    log = EditLog(edits_path)
    sink = Output(output, auto_format(output, paths, files, folder, read), text_field, id_field, folder,
                  {Path(f) for f, _ in files} | {Path(edits_path)}, metadata_column=False)
    sink.claim_shards((source, rel, input_format(source, read)) for source, rel in files)
    problems = [str(item) for item, result in restore(files, read, log) if result is None]
    if problems:
        for problem in problems:
            click.echo(f"textclean: {problem}", err=True)
        click.echo(f"textclean: nothing restored: {counted(len(problems), 'problem')} above", err=True)
        sys.exit(EXIT_FINDINGS)
    ok = False
    try:
        for item, result in restore(files, read, log):
            if result is None:
                raise InputError(item.source, item.line, f"{item.reason} (the file changed while undo ran)")
            sink.write(item, result)
        for _, rel in files:
            sink.finish_shard(rel)
        ok = True
    finally:
        sink.close(ok)
