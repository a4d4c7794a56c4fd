"""``textclean boilerplate``: learn each site's repeated lines from a corpus, as a rule file to review."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from ..authoring.site_discovery import discover_site_lines, learned_rules, site_lines_file
from ..io.inputs import DEFAULT_INCLUDE, InputDoc, InputError, ReadOptions, Reject, expand, read_documents
from ..io.outputs import AtomicWriter, PathClaims
from ..runs.run import site_of_document
from .common import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    fail,
    handles_errors,
    input_options,
    load_selected_rules,
    main,
    rule_options,
)


@main.group()
def boilerplate() -> None:
    """Find boilerplate in a corpus."""


@boilerplate.command("discover")
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(), help="Write the rule file here (default: stdout).")
@click.option("--url-field", default="url", show_default=True,
              help="The field (top-level or in metadata) whose host is a document's site; documents without one "
              "are grouped by input shard, text files by folder.")
@input_options
@rule_options
@handles_errors
def boilerplate_discover(paths, output, url_field, input_format, text_field, include, exclude, **rule_args) -> None:
    """Write the lines that repeat on many pages of one site as a rule file: per site, each line with its page
    count and one page it stood on.

    The thresholds are those of the loaded site_lines rules (the shipped
    site.repeated-line). A later `textclean clean --rules FILE` uses the file
    with no first pass. Input that cannot be used is named on stderr and skipped.

    \b
    textclean boilerplate discover corpus/ -o site-lines.yaml
    textclean rules lint site-lines.yaml && textclean rules test site-lines.yaml
    """
    ruleset = load_selected_rules(**rule_args)
    if not learned_rules(ruleset):
        fail("no loaded site_lines rule learns from the corpus (min_pages); load one with --rules", EXIT_USAGE)
    read = ReadOptions(text_field=text_field, include=include or DEFAULT_INCLUDE, exclude=exclude,
                       input_format=input_format)
    files = expand(paths, read)
    if not files:
        raise InputError(" ".join(paths), None, "no input files (see --include and --exclude)", usage=True)
    if any(source == "-" for source, _ in files):
        raise InputError("-", None, "discover reads its input twice, so it cannot read stdin", usage=True)
    if output:
        PathClaims(Path(file) for file, _ in files).claim(Path(output), "the rule file")
    rejects: list[Reject] = []

    def documents():
        rejects.clear()
        for item in read_documents(paths, read):
            if isinstance(item, InputDoc):
                yield item
            else:
                rejects.append(item)

    found = discover_site_lines(documents, functools.partial(site_of_document, url_field=url_field), ruleset)
    text = site_lines_file(found, f"{' '.join(paths)}")
    if output:
        writer = AtomicWriter(Path(output))
        writer.write(text)
        writer.commit()
    else:
        click.echo(text, nl=False)
    lines = sum(len(entry.lines) for entry in found.values())
    click.echo(f"textclean: {lines:,} lines of {len(found):,} sites" + (f", {len(rejects):,} rejected"
               if rejects else ""), err=True)
    for reject in rejects:
        click.echo(f"  rejected: {reject}", err=True)
    if rejects:
        sys.exit(EXIT_FINDINGS)
