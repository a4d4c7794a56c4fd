"""How many Afghan provinces spelled more than one way in the gazetteers are brought to one spelling.

Reads benchmarks/data/afghan_province_spellings.tsv (each province's name as GeoNames,
ISO 3166-2 today and earlier, and the AGCHO boundaries write it; diacritics dropped,
ISO's bracketed alternatives split off). For every province with more than one
spelling, each spelling is cleaned by the shipped rules in three sentences: running
text, an ALL-CAPS dateline, and running text that gives the context an ambiguous
spelling needs ("... province, Afghanistan"). A province is unified in a frame when
all its spellings come out the same; two provinces merged are two whose spellings
come out the same (Paktia / Paktika, Kunar / Kunduz must stay apart).

    python benchmarks/eval_places.py
"""
from __future__ import annotations

import csv
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "benchmarks" / "data" / "afghan_province_spellings.tsv"

from textclean import Cleaner  # noqa: E402

FRAMES = {
    "running text": ("Fighting was reported in {} on Tuesday.", str),
    "ALL-CAPS dateline": ("{} -- Fighting was reported on Tuesday.", str.upper),
    "with context": ("Fighting was reported in {} province, Afghanistan.", str),
}


def ascii_name(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def spellings() -> dict[str, list[str]]:
    """ISO code -> the distinct spellings of the province, first seen first."""
    found: dict[str, list[str]] = {}
    with DATA.open(encoding="utf-8") as lines:
        rows = csv.DictReader((line for line in lines if not line.startswith("#")), delimiter="\t")
        for row in rows:
            for name in re.split(r"\s*[\[\]]\s*", row["name"]):
                name = ascii_name(name).strip()
                known = found.setdefault(row["code"], [])
                if name and all(_key(name) != _key(other) for other in known):
                    known.append(name)
    return found


def _key(name: str) -> str:
    """Spellings that differ only in case and separators are one spelling."""
    return re.sub(r"[-\s'’]+", "", name).casefold()


def main() -> int:
    cleaner = Cleaner()
    places = spellings()
    multi = {code: names for code, names in places.items() if len(names) > 1}
    print(f"{len(places)} provinces, {len(multi)} spelled more than one way: "
          + ", ".join("/".join(names) for names in multi.values()))
    for frame, (template, case) in FRAMES.items():
        outputs = {code: {cleaner.clean(template.format(case(name))).text for name in names}
                   for code, names in places.items()}
        unified = [code for code in multi if len(outputs[code]) == 1]
        left = {code: sorted(outputs[code]) for code in multi if code not in unified}
        merged = [(a, b) for a in places for b in places if a < b and outputs[a] & outputs[b]]
        print(f"{frame}: {len(unified)} of {len(multi)} unified; provinces merged: {merged or 'none'}")
        for code, texts in left.items():
            print(f"  not unified: {code}: " + " | ".join(texts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
