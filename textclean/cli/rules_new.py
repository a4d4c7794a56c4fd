"""``textclean rules new KIND``: a commented rule-file skeleton to fill in."""
from __future__ import annotations

from pathlib import Path

import click

from ..authoring.skeletons import skeleton
from ..kinds import registry
from .common import EXIT_USAGE, fail
from .rules import rules


@rules.command("new")
@click.argument("kind", type=click.Choice(list(registry())))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the skeleton to this file (never over an existing one) instead of stdout.")
def rules_new(kind, output) -> None:
    """Print a commented rule file of one kind, with working examples to fill in.

    \b
    textclean rules new boilerplate -o mine.yaml
    textclean rules test mine.yaml
    """
    try:
        text = skeleton(kind)
    except KeyError:
        fail(f"no skeleton for the kind {kind!r} yet", EXIT_USAGE)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with Path(output).open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        fail(f"{output}: already exists; choose another name", EXIT_USAGE)
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror or exc}", EXIT_USAGE)
    click.echo(f"wrote {output}; check it with: textclean rules test {output}", err=True)
