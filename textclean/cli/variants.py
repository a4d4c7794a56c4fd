"""``textclean variants``: find candidate variant groups in a corpus and draft rules for them."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..authoring.variant_discovery import draft_rules, find_groups, spelled_apart
from ..io.inputs import DEFAULT_INCLUDE, InputError, ReadOptions, Reject, expand, read_documents
from ..io.outputs import AtomicWriter, PathClaims
from .common import EXIT_FINDINGS, handles_errors, input_options, load_selected_rules, main, rule_options


@main.group()
def variants() -> None:
    """Find spelling variants of names in a corpus."""


@variants.command("discover")
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(), help="Write the draft rule file here (default: stdout).")
@click.option("--max-words", type=click.IntRange(1, 5), default=3, show_default=True,
              help="Longest run of capitalised words taken as one name.")
@input_options
@rule_options
@handles_errors
def variants_discover(paths, output, max_words, input_format, text_field, include, exclude, **rule_args) -> None:
    """Find candidate variant groups in files, folders or JSONL, and write a draft rule file.

    Spellings that the loaded rules already cover are left out of the draft. Full
    names of one person spelled more than one way (given names of one loaded group,
    as Muhammad Karimi and Mohammad Karimi), within a document or across documents,
    are proposed as rules naming that person, with the documents of each spelling.
    Review it, then add it with --rules. Input that cannot be used is named on
    stderr and skipped; the draft is still written, and the exit status is 1.

    \b
    textclean variants discover corpus/ -o draft.yaml
    textclean rules lint draft.yaml
    """
    known = load_selected_rules(**rule_args)
    options = ReadOptions(text_field=text_field, include=include or DEFAULT_INCLUDE, exclude=exclude,
                          input_format=input_format)
    files = expand(paths, options)
    if not files:
        raise InputError(" ".join(paths), None, "no input files (see --include and --exclude)", usage=True)
    if output:
        PathClaims(Path(file) for file, _ in files if file != "-").claim(Path(output), "the draft")
    documents = 0
    rejects: list[Reject] = []

    def counted():
        nonlocal documents
        for item in read_documents(paths, options):
            if isinstance(item, Reject):
                rejects.append(item)
                continue
            documents += 1
            yield item

    clusters, people = find_groups(counted(), known, max_words)
    draft, proposed = draft_rules(clusters, known, documents, people)
    if output:
        writer = AtomicWriter(Path(output))
        writer.write(draft)
        writer.commit()
    else:
        click.echo(draft, nl=False)
    across = sum(spelled_apart(cluster)[0] for cluster in people)
    click.echo(f"textclean: {len(clusters)} candidate groups in {documents} documents and {len(people)} persons "
               f"spelled more than one way ({across} across documents), {proposed} not covered by loaded rules and "
               "proposed in the draft" + (f", {len(rejects):,} rejected" if rejects else ""), err=True)
    for reject in rejects:
        click.echo(f"  rejected: {reject}", err=True)
    if rejects:
        sys.exit(EXIT_FINDINGS)
