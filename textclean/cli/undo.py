"""``textclean undo``: restore cleaned documents from the edit log of the run that cleaned them."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..inputs import DEFAULT_INCLUDE, ReadOptions, expand, input_format, read_documents
from ..outputs import Output
from ..restore import EditLog, restore
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
    """
    read = ReadOptions(text_field, id_field, DEFAULT_INCLUDE)
    files = expand(paths, read)
    folder = bool(output) and (Path(output).is_dir() or output.endswith("/") or any(Path(p).is_dir() for p in paths))
    one_text = len(files) == 1 and input_format(files[0][0], read) == "text"
    sink = Output(output, "text" if folder or one_text else "jsonl", text_field, id_field, folder,
                  {Path(f) for f, _ in files if f != "-"})
    problems = []
    ok = False
    try:
        for item, result in restore(read_documents(paths, read), EditLog(edits_path)):
            if result is None:
                problems.append(str(item))
                continue
            sink.write(item, result)
        ok = True
    finally:
        sink.close(ok)
    for problem in problems:
        click.echo(f"textclean: {problem}", err=True)
    if problems:
        sys.exit(EXIT_FINDINGS)
