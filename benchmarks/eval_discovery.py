"""Precision and recall of variant discovery on a planted corpus, and its result on the seeds.

The planted corpus is generated here: short wire-style sentences naming people
and places, where some names appear in several romanizations (the true groups)
and others are different names that look alike (Mahmud / Muhammad, Rahman /
Rahmon, Karim / Karam, Hasan / Husain). Pair precision: of the pairs of spellings
put in one group, how many are truly one name; pair recall: of the true pairs,
how many were grouped.

    python benchmarks/eval_discovery.py
"""
from __future__ import annotations

import random
import sys
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEEDS = ROOT / ".." / "shared" / "seeds"

from textclean.authoring.variant_discovery import discover  # noqa: E402
from textclean.io.inputs import InputDoc, read_documents  # noqa: E402

GROUPS = [
    ["Qala-e-Naw", "Qalat-i-Naw", "Kalat-e-Nav", "Qala-i-Nau"], ["Mohammad", "Muhammad", "Mohammed", "Mohamed"],
    ["Stanikzai", "Stanekzai", "Stanakzai"], ["Husamuddin", "Hasamuddin", "Husamoddin"], ["Nezami", "Nizami"],
    ["Mohammadi", "Muhammadi", "Mohammedi"], ["Qanooni", "Qanuni", "Qanouni"], ["Hussein", "Husein", "Hossein"],
    ["Mazar-i-Sharif", "Mazar-e-Sharif", "Mazar-e-Sherif"], ["Badakhshan", "Badakshan"], ["Panjshir", "Panjsher"],
    ["Sheberghan", "Shiberghan", "Shibirghan"], ["Ahmad", "Ahmed"], ["Abdul", "Abdel", "Abdol"],
    ["Rasool", "Rasul"], ["Naseri", "Nasiri"], ["Dushanbe", "Dushanbeh"], ["Khujand", "Khojand"],
]
LOOKALIKES = ["Mahmud", "Rahman", "Rahmon", "Karim", "Karam", "Hasan", "Hamid", "Hamza", "Kabul", "Kunar",
              "Karimi", "Rahimi", "Nazari", "Ghani", "Ghazni", "Herat", "Hilmand", "Zarif", "Zahir", "Mahmudi"]
FRAMES = [
    "Officials said {} arrived on Tuesday after the talks.", "The council met in {} for the second time.",
    "According to the ministry, {} was not harmed.", "Reporters waited outside while {} spoke to elders.",
    "A statement from {} was read aloud at the meeting.", "Traders said the road past {} was open again.",
]


def planted_corpus(seed: int = 7) -> tuple[list[InputDoc], list[list[str]]]:
    rng = random.Random(seed)
    names = [name for group in GROUPS for name in group] + LOOKALIKES
    docs = []
    for n in range(60):
        lines = [rng.choice(FRAMES).format(rng.choice(names)) for _ in range(8)]
        docs.append(InputDoc(id=str(n), text="\n".join(lines) + "\n", source=f"planted/{n}.txt", relpath=str(n)))
    return docs, GROUPS


def pairs(groups) -> set[frozenset[str]]:
    return {frozenset(pair) for group in groups for pair in combinations(group, 2)}


def main() -> int:
    docs, truth = planted_corpus()
    found = [[name.text for name in cluster.names] for cluster in discover(docs, max_words=1)]
    seen = {name for doc in docs for name in [*{n for g in truth for n in g}, *LOOKALIKES] if name in doc.text}
    truth = [[n for n in group if n in seen] for group in truth]
    true_pairs, found_pairs = pairs(truth), pairs(found)
    right = len(true_pairs & found_pairs)
    exact = sum(1 for group in found if sorted(group) in [sorted(g) for g in truth])
    print(f"planted corpus: {len(docs)} documents, {len(truth)} true groups, {len(LOOKALIKES)} look-alike names")
    print(f"groups found: {len(found)}, exactly right: {exact}")
    print(f"pair precision: {right / max(1, len(found_pairs)):.3f} ({right}/{len(found_pairs)}), "
          f"pair recall: {right / max(1, len(true_pairs)):.3f} ({right}/{len(true_pairs)})")
    wrong = [sorted(p) for p in found_pairs - true_pairs]
    missed = [sorted(p) for p in true_pairs - found_pairs]
    print(f"false merges: {wrong or 'none'}")
    print(f"missed pairs: {missed or 'none'}")
    if SEEDS.is_dir():
        clusters = discover(read_documents([str(SEEDS)]))
        print(f"seeds: {len(clusters)} groups: " + "; ".join(" / ".join(n.text for n in c.names) for c in clusters))
    else:
        print(f"seeds: skipped, {SEEDS} is absent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
