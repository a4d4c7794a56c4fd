"""``textclean clean``: read documents, clean them, write them, report."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..engine import Cleaner
from ..inputs import DEFAULT_INCLUDE, InputError, ReadOptions, expand, is_jsonl, read_documents
from ..kinds.variants import MODES
from ..outputs import AtomicWriter, Output
from ..report import RunSummary, render_edits
from .common import EXIT_FINDINGS, handles_errors, load_selected_rules, main, rule_options


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(), help="Output file, or folder (mirrors the input tree).")
@click.option("--format", "fmt", type=click.Choice(["auto", "text", "jsonl"]), default="auto", show_default=True,
              help="Output format. auto: text for one text file or a folder output, JSONL otherwise.")
@click.option("--input-format", type=click.Choice(["auto", "text", "jsonl"]), default="auto", show_default=True,
              help="How to read inputs. auto: JSONL for .jsonl/.jsonl.gz/.ndjson files, text otherwise.")
@click.option("--text-field", default="text", show_default=True, help="JSONL field holding the text.")
@click.option("--id-field", default="id", show_default=True, help="JSONL field holding the document id.")
@click.option("--include", multiple=True, metavar="GLOB",
              help=f"Files to take from folders (repeatable). Default: {' '.join(DEFAULT_INCLUDE)}.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Files to skip in folders (repeatable).")
@click.option("--explain", is_flag=True, help="Show every edit: rule id, line, before and after.")
@click.option("--edits", "edits_path", type=click.Path(), help="Write the edit log as JSONL, for audit and undo.")
@click.option("--no-unicode", is_flag=True, help="Skip the unicode repair stage (ftfy).")
@click.option("--no-tidy", is_flag=True, help="Skip the whitespace tidy stage.")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
@click.option("--variants-mode", type=click.Choice(MODES),
              help="Run every variants rule in this mode, over its own: rewrite the spelling, annotate "
                   "(list names in metadata) or check (report documents that mix spellings).")
@rule_options
@handles_errors
def clean(paths, output, fmt, input_format, text_field, id_field, include, exclude, explain: bool, edits_path,
          no_unicode, no_tidy, quiet, variants_mode, **rule_args) -> None:
    """Clean files, folders, JSONL or stdin ('-').

    \b
    textclean clean page.txt                 # to stdout
    textclean clean corpus.jsonl -o out.jsonl
    textclean clean examples/ -o cleaned/    # mirrors the tree
    textclean clean --explain page.txt       # shows every edit
    """
    ruleset = load_selected_rules(**rule_args)
    if variants_mode:
        ruleset = ruleset.with_setting("variants", "mode", variants_mode)
    cleaner = Cleaner(ruleset, unicode=not no_unicode, tidy=not no_tidy)
    options = ReadOptions(text_field, id_field, include or DEFAULT_INCLUDE, exclude, input_format)
    files = expand(paths, options)
    if not files:
        raise InputError(" ".join(paths), None, "no input files (see --include and --exclude)")
    folder = bool(output) and (Path(output).is_dir() or output.endswith("/") or any(Path(p).is_dir() for p in paths))
    if fmt == "auto":
        one_text_file = len(paths) == 1 and not Path(paths[0]).is_dir() and not is_jsonl(files[0][0], options)
        fmt = "text" if folder or one_text_file else "jsonl"
    inputs = {Path(f) for f, _ in files if f != "-"}
    sink = Output(None if explain and not output else output, fmt, text_field, id_field, folder, inputs)
    edits_log = AtomicWriter(Path(edits_path)) if edits_path else None
    summary = RunSummary()
    color = sys.stdout.isatty()
    ok = False
    try:
        for doc in read_documents(paths, options):
            result = cleaner.clean(doc.text, doc.metadata)
            summary.add(doc.id, result)
            if explain:
                shown = render_edits(doc.id, result, color)
                if shown:
                    click.echo(shown)
            if not explain or output:
                sink.write(doc, result)
            if edits_log and result.edits:
                record = {"id": doc.id, "source": doc.source, "edits": [e.to_dict() for e in result.edits]}
                edits_log.write(json.dumps(record, ensure_ascii=False) + "\n")
        ok = True
    except KeyboardInterrupt:
        click.echo("textclean: interrupted; no partial output was kept", err=True)
        sys.exit(130)
    finally:
        sink.close(ok)
        if edits_log:
            edits_log.commit() if ok else edits_log.abort()
    if not quiet:
        click.echo(summary.render(), err=True)
    if summary.errors:
        sys.exit(EXIT_FINDINGS)
