"""``textclean boilerplate discover``: what the first pass of the site_lines rules learns, as a rule file to review.

Two reads of the corpus: the first counts each site's lines as ``textclean clean`` would
(:class:`~textclean.kinds.boilerplate_site.SiteLineCounts`); the second takes, for each line
that qualifies, its text as first written and the page it was first seen on. A later run uses
the file with ``--rules`` and needs no first pass.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import regex
import yaml

from ..io.inputs import InputDoc
from ..kinds.boilerplate_site import SiteLines
from ..model.evidence import SiteLineEvidence, line_key
from ..model.kind import Rule
from ..pipeline.rulefile import RuleSet
from .rule_examples import EXAMPLE_SITE

#: The article line of each generated example: what stays when the site's line goes.
EXAMPLE_LINE = "A sentence of the article itself stays where it is."
_NOT_IN_ID = regex.compile(r"[^a-z0-9._-]+")


@dataclass
class _SiteFound:
    pages: int
    lines: dict[str, dict] = field(default_factory=dict)  # line -> {line, pages, example}


def learned_rules(ruleset: RuleSet) -> list[Rule]:
    """The site_lines rules that learn from a first pass, whose thresholds discovery applies."""
    return [rule for rule in ruleset.rules if rule.kind == "boilerplate"
            and rule.spec.get("shape") == "site_lines" and "site" not in rule.spec]


def discover_site_lines(read: Callable[[], Iterable[InputDoc]], site: Callable[[InputDoc], str], ruleset: RuleSet
                        ) -> dict[str, _SiteFound]:
    """Site -> the lines the learned rules of ``ruleset`` would remove there; ``read`` gives the corpus anew."""
    rules = SiteLines(learned_rules(ruleset), ruleset.settings.get("boilerplate", {}))
    counts = rules.collector()
    if counts is None:
        return {}
    for doc in read():
        counts.observe(site(doc), doc.text)
    evidence: SiteLineEvidence = counts.freeze()
    found: dict[str, _SiteFound] = {}
    for doc in read():
        where = site(doc)
        if where not in evidence.lines:
            continue
        lines = [line.strip() for line in doc.text.split("\n")]
        hits = rules.find(lines, (n for n, line in enumerate(lines) if line), where, evidence)
        entry = found.setdefault(where, _SiteFound(evidence.pages[where]))
        for number in hits:
            line = lines[number]
            if line not in entry.lines:
                example = doc.record.get("url") if doc.record and isinstance(doc.record.get("url"), str) else doc.id
                entry.lines[line] = {"line": line, "pages": evidence.lines[where][line_key(line)],
                                     "example": example}
    return {where: entry for where, entry in sorted(found.items()) if entry.lines}


def site_lines_file(found: dict[str, _SiteFound], described: str) -> str:
    """The rule file: one rule per site, its lines most frequent first, with an example that removes one and a
    keep case on another site."""
    rules, ids = [], set()
    for where, entry in found.items():
        rule_id = "site." + _NOT_IN_ID.sub("-", where.casefold()).strip("-._")
        while rule_id in ids:
            rule_id += "-"
        ids.add(rule_id)
        lines = sorted(entry.lines.values(), key=lambda item: (-item["pages"], item["line"]))
        first = lines[0]["line"]
        rules.append({
            "id": rule_id,
            "kind": "boilerplate",
            "shape": "site_lines",
            "description": f"Lines that stand on many of the {entry.pages} pages of {where} read.",
            "site": where,
            "site_pages": entry.pages,
            "lines": lines,
            "examples": [
                {"site": where, "input": f"{first}\n{EXAMPLE_LINE}\n", "output": f"{EXAMPLE_LINE}\n"},
                {"site": EXAMPLE_SITE if where != EXAMPLE_SITE else "example.net", "keep": f"{first}\n"},
            ],
        })
    header = (f"# Found by textclean boilerplate discover: {described}.\n"
              "# Review each site's lines, delete any that are content, then use this file with --rules\n"
              "# (or --no-site-pass to use it alone); check it with textclean rules lint and rules test.\n")
    document = {"pack": "site-lines", "description": f"Lines that repeat on many pages of one site ({described}).",
                "rules": rules}
    return header + yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)


class _Dumper(yaml.SafeDumper):
    """Writes a string of several lines in double quotes, its newlines as \\n, as the rule files are written."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style='"' if "\n" in text else None))
