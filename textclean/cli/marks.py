"""``textclean marks apply``: remove what a marks run (``textclean clean --marks``) marked."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from ..io.inputs import DEFAULT_INCLUDE, InputError, ReadOptions, Reject, expand, read_shard
from ..io.inputs import input_format as format_of
from ..io.outputs import Output, auto_format, is_folder_output
from ..model.document import Result
from ..model.marks import MARKS_FIELD, apply_marks
from ..runs.report import counted
from .common import EXIT_FINDINGS, handles_errors, input_options, main


@main.group()
def marks() -> None:
    """Apply the marks a 'textclean clean --marks' run kept in metadata."""


@marks.command("apply")
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(), help="Output file, or folder (mirrors the input shards).")
@input_options
@click.option("--id-field", default="id", show_default=True, help="JSONL field or Parquet column holding the id.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Remove only the marks of this rule kind (repeatable); the others are dropped with the field.")
@click.option("--rule", "rule_ids", multiple=True, metavar="ID",
              help="Remove only the marks of this rule id (repeatable); the others are dropped with the field.")
@click.option("--drop-empty", is_flag=True,
              help="Leave out the documents whose text the marks leave empty or white space.")
@handles_errors
def apply(paths, output, input_format, text_field, include, exclude, id_field, kinds, rule_ids, drop_empty) -> None:
    """Remove the spans each document's metadata field 'marks' names, and the field (and metadata, when
    nothing else is in it).

    \b
    textclean clean corpus.jsonl --marks -o marked.jsonl
    textclean marks apply marked.jsonl -o cleaned.jsonl
    textclean marks apply marked.jsonl --kind boilerplate -o without-boilerplate.jsonl

    The text is what 'textclean clean' with the same rules of the kinds that remove text gives, without
    unicode repair and whitespace tidy (--only boilerplate --only date_header --no-unicode --no-tidy).
    A document whose marks do not fit its text (outside it, overlapping, not a list of marks) is named
    with its file and line and left out, and the exit status is 1.
    """
    read = ReadOptions(text_field, id_field, include or DEFAULT_INCLUDE, exclude, input_format,
                       max_document_bytes=None)  # what clean wrote, whole
    folder = is_folder_output(output, paths)
    files = expand(paths, read, Path(output) if folder else None)
    if not files:
        raise InputError(" ".join(paths), None, "no input files (see --include and --exclude)", usage=True)
    sink = Output(output, auto_format(output, paths, files, folder, read), text_field, id_field, folder,
                  {Path(f) for f, _ in files if f != "-"})
    sink.claim_shards((source, rel, format_of(source, read)) for source, rel in files)
    documents = applied = dropped = removed = 0
    problems: list[str] = []
    ok = False
    try:
        for source, rel in files:
            for item in read_shard(source, rel, read):
                if isinstance(item, Reject):
                    problems.append(str(item))
                    continue
                documents += 1
                marks = item.metadata.get(MARKS_FIELD, [])
                chosen = [mark for mark in marks if _chosen(mark, kinds, rule_ids)] \
                    if isinstance(marks, list) else marks
                try:
                    if not isinstance(chosen, list):
                        raise ValueError(f"metadata field {MARKS_FIELD!r} is {type(marks).__name__}, not a list")
                    text = apply_marks(item.text, chosen)
                except ValueError as exc:
                    problems.append(str(Reject(item.source, item.line, f"marks do not fit the text: {exc}")))
                    continue
                applied += bool(chosen)
                removed += len(item.text.encode("utf-8", "surrogatepass")) - len(text.encode("utf-8", "surrogatepass"))
                if drop_empty and item.text.strip() and not text.strip():
                    dropped += 1
                    continue
                metadata = {key: value for key, value in item.metadata.items() if key != MARKS_FIELD}
                if not metadata and item.record is not None:  # it held the marks alone: a marks run made it
                    item = replace(item, record={k: v for k, v in item.record.items() if k != "metadata"})
                sink.write(item, Result(item.text, text, metadata))
            sink.finish_shard(rel)
        ok = True
    finally:
        sink.close(ok)
    click.echo(f"textclean: {counted(documents, 'document')} read, marks applied to {applied:,}, "
               f"{counted(removed, 'byte')} removed" + (f", {dropped:,} dropped (empty)" if dropped else ""), err=True)
    for problem in problems:
        click.echo(f"  rejected: {problem}", err=True)
    if problems:
        sys.exit(EXIT_FINDINGS)


def _chosen(mark: object, kinds: tuple[str, ...], rule_ids: tuple[str, ...]) -> bool:
    """Whether ``--kind`` and ``--rule`` take ``mark`` (every mark when neither is given)."""
    if not isinstance(mark, dict):
        return True  # apply_marks names what is wrong with it
    return (not kinds or mark.get("kind") in kinds) and (not rule_ids or mark.get("rule") in rule_ids)
