"""``textclean report``: the HTML page of a run, from its edit log and stats."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..io.editlog import linked_stats
from ..io.inputs import InputError
from ..runs.html_report import write_page
from ..runs.run_report import RunReport
from .common import handles_errors, main


@main.command()
@click.argument("edits_path", metavar="RUN_EDITS", type=click.Path())
@click.option("--stats", "stats_path", type=click.Path(), help="The run's --stats file: sizes, times, site pass, "
              "rule files, findings, and the counts of the page, which spare counting the log again. Default: the "
              "one the log names, when it holds the log's run id.")
@click.option("--no-stats", is_flag=True, help="Make the page from the log alone, without the stats file it names.")
@click.option("-o", "--output", required=True, type=click.Path(), help="The HTML file to write.")
@click.option("--samples", type=click.IntRange(min=0, max=100), default=5, show_default=True,
              help="Edits shown for each rule, drawn with a fixed seed.")
@click.option("--top", type=click.IntRange(min=0, max=1000), default=20, show_default=True,
              help="Documents shown among those that lost the most bytes.")
@handles_errors
def report(edits_path, stats_path, no_stats, output, samples, top) -> None:
    """Write one self-contained HTML page about a run from its edit log (clean --edits).

    \b
    textclean clean corpus.jsonl -o out.jsonl --edits edits.jsonl --stats stats.json
    textclean report edits.jsonl -o report.html

    The page shows per rule the lines and bytes it removed or changed and on how many
    documents, a seeded sample of its edits, the documents that lost the most, plots of
    removals per rule and of bytes removed per document, the metadata fields extracted,
    and the findings. The log is read once, in memory that does not grow with it.
    A --stats file written beside the log (clean --edits --stats) holds the run's
    counts: the log is then read for the samples only, by the rules' names, several
    times faster, and the page says so; where the log does not hold, rule by rule,
    the edits those counts count, it is counted whole instead. clean --report writes
    the same page at the end of a run, with the lines around each sampled edit,
    which the log does not hold. The log of a run with --stats names that file and
    the run, so report takes it without --stats; a stats file of another run is
    never taken (given with --stats, it is an error).
    """
    if stats_path and no_stats:
        raise click.UsageError("--stats and --no-stats do not go together")
    linked = None if no_stats else linked_stats(edits_path)
    for given in (edits_path, stats_path, linked and linked[0]):
        if given and Path(output).resolve() == Path(given).resolve():
            raise click.UsageError(f"-o {output} is the file the report is made from; name another")
    stats = read_stats(stats_path) if stats_path else None
    log_run = linked[1] if linked else None
    if stats is not None and stats.get("run") != log_run:  # neither has one: older, or the log's run had no --stats
        raise InputError(stats_path, None, f"the --stats file of another run than the one that wrote {edits_path} "
                         f"(run {stats.get('run')!r}, the log's {log_run!r}); give that run's, or none", usage=True)
    if stats is None and linked:
        stats = _stats_of_run(*linked)
    run = RunReport.from_edit_log(edits_path, (stats or {}).get("report"), samples_per_rule=samples,
                                  top_documents=top)
    write_page(output, run, stats, source=edits_path)


def _stats_of_run(path: Path, run: str) -> dict[str, Any] | None:
    """The stats file the edit log names, when it is there and holds the log's run id; else None, with the reason
    on stderr."""
    try:
        stats = read_stats(str(path))
    except InputError as exc:
        click.echo(f"textclean report: not using the run's stats: {exc}; the page is made from the log alone",
                   err=True)
        return None
    if stats.get("run") != run:
        click.echo(f"textclean report: not using {path}, which the log names: it is the stats of another run; "
                   "the page is made from the log alone", err=True)
        return None
    click.echo(f"textclean report: the run's stats: {path}", err=True)
    return stats


def read_stats(path: str) -> dict[str, Any]:
    """The JSON object a --stats file holds; an InputError when it cannot be read or is not one."""
    try:
        with open(path, encoding="utf-8") as stream:
            stats = json.load(stream)
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror}", usage=True) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(path, getattr(exc, "lineno", None), f"not a --stats file (JSON): {exc}", usage=True) \
            from None
    if not isinstance(stats, dict):
        raise InputError(path, None, "not a --stats file: it holds no JSON object", usage=True)
    return stats
