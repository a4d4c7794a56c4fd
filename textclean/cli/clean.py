"""``textclean clean``: read documents, clean them, write them, report."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click
from click.core import ParameterSource

from ..io.extras import has_extra, install_hint, needs_extra
from ..io.inputs import DEFAULT_INCLUDE, DEFAULT_MAX_DOCUMENT_BYTES, ENCODING_POLICIES, ReadOptions
from ..io.outputs import AtomicWriter
from ..runs.parallel import CleanerSpec, WorkerDied
from ..runs.report import RunSummary
from ..runs.run import Interrupted, RunOptions, run
from .common import (
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    fail,
    handles_errors,
    input_options,
    load_selected_rules,
    main,
    rule_options,
)


class ByteSize(click.ParamType):
    """A size in bytes, or in KB, MB or GB (powers of 1024): 64MB, 0.5GB, 1000000."""

    name = "size"
    _FORM = re.compile(r"\s*(\d+(?:\.\d*)?)\s*([KMG]?)B?\s*", re.IGNORECASE)
    _UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        form = self._FORM.fullmatch(value)
        size = int(float(form[1]) * self._UNITS[form[2].upper()]) if form else 0
        if size < 1:
            self.fail(f"{value!r} is not a size of at least one byte, such as 64MB, 512KB or 1000000", param, ctx)
        return size


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(), help="Output file, or folder (mirrors the input shards).")
@click.option("--format", "fmt", type=click.Choice(["auto", "text", "jsonl", "parquet"]), default="auto",
              show_default=True, help="Output format. auto: the -o file's suffix, else text for one text file or a "
              "folder output (where JSONL and Parquet shards keep their format), else JSONL. A format the -o "
              "file's suffix contradicts is an error.")
@input_options
@click.option("--id-field", default="id", show_default=True, help="JSONL field or Parquet column holding the id.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes; 0 means all cores (one for input under 2 MB). Output keeps the input order.")
@click.option("--explain", is_flag=True, help="Show every edit: rule id, line, before and after.")
@click.option("--edits", "edits_path", type=click.Path(), help="Write the edit log as JSONL, for audit and undo.")
@click.option("--stats", "stats_path", type=click.Path(),
              help="Write a JSON run summary: documents, edits and bytes per rule, fields, seconds per stage; "
              "with --edits, the counts 'textclean report' takes from it.")
@click.option("--report", "report_path", type=click.Path(),
              help="Write an HTML page of the run: edits per rule, a seeded sample of each rule's edits in context, "
              "the documents that lost the most, plots, metadata fields, findings (see 'textclean report').")
@click.option("--rejects", "rejects_path", type=click.Path(),
              help="Write input that could not be used (file, line, reason) as JSONL.")
@click.option("--drop-empty", is_flag=True,
              help="Leave out of JSONL and Parquet output the documents whose cleaned text is empty or white "
              "space, counted as dropped in the summary. Not with --edits: undo could not bring them back.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first input that cannot be used.")
@click.option("--encoding-errors", type=click.Choice(ENCODING_POLICIES), default="skip", show_default=True,
              help="Bytes that are neither UTF-8 nor an encoding that can be told: reject the document, naming "
              "the line and byte (strict), decode with U+FFFD (replace) or reject the document (skip).")
@click.option("--max-document-size", "max_document_bytes", type=ByteSize(), default=DEFAULT_MAX_DOCUMENT_BYTES,
              show_default="64MB", help="The largest document: a text file, JSONL line or Parquet text. A larger "
              "one is rejected with its size, and the run goes on; memory grows with this (about 25 times it).")
@click.option("--resume", is_flag=True, help="Skip input shards whose output already exists in the -o folder.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: this machine's cores. ray: a Ray cluster (JSONL in, a folder of JSONL out, the same "
              f"lines rejected; needs the ray extra: {install_hint('ray')}).")
@click.option("--address", metavar="ADDR", help="With --engine ray: the cluster to join (default: RAY_ADDRESS, "
              "else a local Ray instance).")
@click.option("--no-site-pass", is_flag=True,
              help="Skip the first pass over a corpus (more than one document, not stdin) that the site_lines "
              "rules learn each site's repeated lines from; without it they remove nothing.")
@click.option("--url-field", default="url", show_default=True,
              help="The field (top-level or in metadata) whose host is a document's site; documents without one "
              "are grouped by input shard, text files by folder.")
@click.option("--marks", is_flag=True,
              help="Leave every text whole, byte for byte: what the rules that remove text (boilerplate, "
              "date_header) would remove is kept as spans of the input, with rule ids, in each document's metadata "
              "field 'marks' (JSONL or Parquet output); no unicode repair, whitespace tidy or rewriting. "
              "'textclean marks apply' removes them later.")
@click.option("--no-unicode", is_flag=True, help="Skip the unicode repair stage (ftfy).")
@click.option("--no-tidy", is_flag=True, help="Skip the whitespace tidy stage.")
@click.option("-q", "--quiet", is_flag=True,
              help="No summary on stderr; rejected input and rule errors are still named.")
@rule_options
@handles_errors
def clean(paths, output, fmt, input_format, text_field, id_field, include, exclude, jobs, explain, edits_path,
          stats_path, report_path, rejects_path, drop_empty, fail_fast, encoding_errors, max_document_bytes, resume,
          progress, engine, address, no_site_pass, url_field, marks, no_unicode, no_tidy, quiet, **rule_args) -> None:
    """Clean files, folders, JSONL, Parquet or stdin ('-').

    \b
    textclean clean page.txt                  # to stdout
    textclean clean corpus.jsonl -o out.jsonl
    textclean clean shards/ -o cleaned/       # mirrors the shards, all cores
    textclean clean --explain page.txt        # shows every edit
    textclean clean corpus.jsonl --marks -o marked.jsonl   # text whole, removals as marks

    Exit status: 0 done; 1 input was rejected or a rule timed out (the rest is
    written); 2 usage or rule-file errors; 130 interrupted (nothing partial kept).
    """
    try:  # a stop while the rules load, too
        ruleset = load_selected_rules(**rule_args)
        if engine == "ray":
            _clean_on_ray(paths, output, ruleset, text_field, max_document_bytes, rejects_path, address, quiet,
                          not no_site_pass, url_field)
            return
        spec = CleanerSpec(ruleset, (("unicode", not no_unicode), ("tidy", not no_tidy), ("marks", marks)))
        read = ReadOptions(text_field, id_field, include or DEFAULT_INCLUDE, exclude, input_format, encoding_errors,
                           max_document_bytes)
        options = RunOptions(output, fmt, explain, edits_path, rejects_path, stats_path, fail_fast, resume,
                             jobs, progress, drop_empty, not no_site_pass, url_field, report_path, marks)
        summary = run(paths, read, spec, options)
    except (KeyboardInterrupt, Interrupted):
        click.echo("textclean: interrupted; no partial output was kept", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except WorkerDied as exc:
        fail(f"{exc}; no partial output was kept", EXIT_FINDINGS)
    _report(summary, quiet)


def _report(summary: RunSummary, quiet: bool) -> None:
    """The summary on stderr (with -q only the rejects and rule errors); exit 1 when there are any."""
    if not quiet:
        click.echo(summary.render(), err=True)
    elif summary.problems():
        click.echo("\n".join(line.strip() for line in summary.problems()), err=True)
    if summary.errors or summary.rejects:
        sys.exit(EXIT_FINDINGS)


#: Options the Ray engine has no use for: given with --engine ray, they are refused rather than ignored.
NOT_ON_RAY = ("fmt", "input_format", "id_field", "include", "exclude", "jobs", "explain", "edits_path", "stats_path",
              "report_path", "drop_empty", "fail_fast", "encoding_errors", "resume", "progress", "marks", "no_unicode",
              "no_tidy")


def _clean_on_ray(paths, output, ruleset, text_field, max_document_bytes, rejects_path, address, quiet, site_pass,
                  url_field) -> None:
    context = click.get_current_context()
    given = [max(param.opts, key=len) for param in context.command.params if param.name in NOT_ON_RAY
             and context.get_parameter_source(param.name) is not ParameterSource.DEFAULT]
    if given or not output:
        raise click.UsageError(f"--engine ray needs -o FOLDER and does not take {', '.join(given)}"
                               if given else "--engine ray needs -o FOLDER")
    if not has_extra("ray"):
        fail(needs_extra("--engine ray", "ray"), EXIT_USAGE)
    from ..ray import clean_jsonl_with_ray
    summary, rejects = clean_jsonl_with_ray(paths, output, rules=ruleset, text_column=text_field,
                                            max_document_bytes=max_document_bytes, address=address,
                                            site_pass=site_pass, url_field=url_field)
    if rejects_path:
        log = AtomicWriter(Path(rejects_path))
        log.write("".join(json.dumps(reject.to_dict(), ensure_ascii=False) + "\n" for reject in rejects))
        log.commit()
    for reject in rejects:
        click.echo(f"  rejected: {reject}", err=True)
    _report(summary, quiet)
    if rejects:
        sys.exit(EXIT_FINDINGS)
