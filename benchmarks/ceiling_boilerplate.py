"""How far line-level evidence can go: the boilerplate a learned line classifier finds beside the shipped rules.

A measurement behind issue 16's goals, not part of textclean; it needs scikit-learn and numpy
(`pip install scikit-learn`) and the labelled corpus (../shared/corpus, or the folder TEXTCLEAN_CORPUS
names; read at run time, skipped where absent). The shipped rules run once over each rendering
(`textclean clean --only boilerplate`, the site pass included). Then a gradient-boosted classifier
learns, from every scored line, whether it is boilerplate, given what any line-level cleaner can see:
the line's length, words, stop words, digits, links, capitals, list marks and end, the same of two
lines on either side, which of them the rules removed, how far the nearest paragraph-like line is,
and where the line stands on the page. A line goes where the rules removed it or the classifier's
probability reaches a threshold. Two protocols:

- leave one source out: trained on two sources, the threshold chosen there (the most recall where each
  training source keeps at least the precision goal -- or the rules' own, less 0.005, where they fall
  short of it -- and loses at most 0.5% of main characters, or the rules' own), scored on the third;
- in distribution (optimistic): five folds over all pages, grouped by page, and the precision/recall
  frontier as the threshold moves. No line-level cleaner is likely to do better on this corpus.

    python benchmarks/ceiling_boilerplate.py [--form fullpage|extracted]
"""
from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import regex  # noqa: E402
from eval_boilerplate import (BOILERPLATE_LABELS, CORPUS, FORMS, GOALS, SCORED_LABELS, SITE_RULE,  # noqa: E402
                              clean_corpus, read_form)

from textclean import load_rules  # noqa: E402
from textclean.kinds.page_evidence import _WORD, PageEvidence, Thresholds  # noqa: E402

TOLERANCE = 0.005
_SENTENCE_END = regex.compile(r'[.!?:;]["”’)]?$')
_LIST_MARKS = "|»·•›"
NEIGHBOURS = (-2, -1, 1, 2)


def own_features(line: str, shape) -> list[float]:
    words = _WORD.findall(line)
    return [math.log1p(shape.length), math.log1p(shape.words), shape.stopwords, shape.digits, shape.links,
            float(bool(_SENTENCE_END.search(line))),
            sum(word[:1].isupper() for word in words) / max(len(words), 1),
            float(any(mark in line for mark in _LIST_MARKS))]


def page_features(text: str, labels: list, gone: dict[int, str], evidence: PageEvidence):
    """(features, is boilerplate, characters, removed by the rules) of each scored line of one page."""
    raw = text.split("\n")
    numbers = [n for n, line in enumerate(raw) if line.strip()]
    lines = [raw[n].strip() for n in numbers]
    shapes = evidence.shapes(lines)
    own = [own_features(line, shape) + [float(number in gone)]
           for line, shape, number in zip(lines, shapes, numbers)]
    paragraph = [evidence.own_class(shape) == "good" for shape in shapes]
    anchors = [at for at, good in enumerate(paragraph) if good]
    size = len(numbers)
    rows = []
    for at, number in enumerate(numbers):
        if labels[number] not in SCORED_LABELS:
            continue
        row = list(own[at])
        for step in NEIGHBOURS:
            row += own[at + step] if 0 <= at + step < size else [0.0] * (len(own[at]) - 1) + [1.0]
        above = [a for a in anchors if a < at]
        below = [a for a in anchors if a > at]
        near = range(max(0, at - 3), min(size, at + 4))
        row += [sum(own[n][-1] for n in near) / len(near),
                math.log1p(at - above[-1]) if above else 5.0, math.log1p(below[0] - at) if below else 5.0,
                float(not above and not paragraph[at]), float(not below and not paragraph[at]),
                at / size, math.log1p(size), math.log1p(len(anchors)),
                float(number > 0 and not raw[number - 1].strip()),
                float(number + 1 < len(raw) and not raw[number + 1].strip())]
        rows.append((row, labels[number] in BOILERPLATE_LABELS, len(lines[at]), number in gone))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--form", choices=FORMS, action="append", help="Only this rendering (repeatable).")
    args = parser.parse_args(argv)
    try:
        import numpy as np
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.model_selection import GroupKFold
    except ImportError:
        print("skipped: needs scikit-learn and numpy (pip install scikit-learn)")
        return 0
    if not CORPUS.is_dir():
        print(f"skipped: the labelled corpus is not at {CORPUS} (it lives outside the repository)")
        return 0
    rules = load_rules([]).select(only=["boilerplate"])
    site = rules.by_id(SITE_RULE).spec
    spec = rules.by_id("page.evidence").spec
    evidence = PageEvidence(Thresholds(), {language: frozenset(words)
                                           for language, words in spec["stopwords"].items()})
    for form in args.form or FORMS:
        pages = read_form(form)
        with tempfile.TemporaryDirectory() as folder:
            removed = clean_corpus(form, pages, [], (site["min_pages"], site.get("min_share", 0.0),
                                                     site.get("max_length", 200)), Path(folder))
        rows, sources, page_ids = [], [], []
        for page in pages:
            found = page_features(page.text, page.labels, removed.get(page.id, {}), evidence)
            rows += found
            sources += [page.source] * len(found)
            page_ids += [page.id] * len(found)
        features = np.array([row[0] for row in rows])
        boilerplate = np.array([row[1] for row in rows])
        chars = np.array([row[2] for row in rows])
        by_rules = np.array([row[3] for row in rows])
        sources = np.array(sources)
        names = sorted(set(sources))
        precision_goal, loss_goal = GOALS[form]

        def score(where, gone) -> tuple[float, float, float]:
            bad, out, size = boilerplate[where], gone[where], chars[where]
            caught, wrong = (out & bad).sum(), (out & ~bad).sum()
            return (caught / max(bad.sum(), 1), caught / max(caught + wrong, 1),
                    size[out & ~bad].sum() / max(size[~bad].sum(), 1))

        def qualifies(gone, training: list[str]) -> bool:
            for source in training:
                where = sources == source
                _, precision, loss = score(where, gone)
                _, own_precision, own_loss = score(where, by_rules)
                if precision < min(precision_goal, own_precision) - TOLERANCE or loss > max(loss_goal, own_loss):
                    return False
            return True

        print(f"\n=== {form}: {len(rows)} scored lines, {boilerplate.sum()} boilerplate; "
              f"goals precision >= {precision_goal}, main characters lost <= {loss_goal:.1%}")
        print("  leave one source out (threshold chosen on the two training sources):")
        print(f"    {'held out':<18}{'threshold':>10}   rules alone (recall / precision / lost)   "
              "rules + classifier")
        pooled = np.zeros(len(rows), dtype=bool)
        for held in names:
            training = [name for name in names if name != held]
            fit = np.isin(sources, training)
            model = HistGradientBoostingClassifier(random_state=0).fit(features[fit], boilerplate[fit])
            probability = model.predict_proba(features)[:, 1]
            thresholds = [t for t in np.linspace(0.5, 0.995, 100) if qualifies(by_rules | (probability >= t), training)]
            chosen = max(thresholds, key=lambda t: score(fit, by_rules | (probability >= t))[0], default=None)
            gone = by_rules | (probability >= chosen) if chosen is not None else by_rules
            pooled[sources == held] = gone[sources == held]
            print(f"    {held:<18}{'none' if chosen is None else f'{chosen:.3f}':>10}   "
                  "{:.3f} / {:.4f} / {:.2%}".format(*score(sources == held, by_rules)) + "           "
                  "{:.3f} / {:.4f} / {:.2%}".format(*score(sources == held, gone)))
        everything = np.ones(len(rows), dtype=bool)
        print(f"    {'pooled':<18}{'':>10}   " + "{:.3f} / {:.4f} / {:.2%}".format(*score(everything, by_rules))
              + "           " + "{:.3f} / {:.4f} / {:.2%}".format(*score(everything, pooled)))
        probability = np.zeros(len(rows))
        for fit, test in GroupKFold(5).split(features, boilerplate, np.array(page_ids)):
            model = HistGradientBoostingClassifier(random_state=0).fit(features[fit], boilerplate[fit])
            probability[test] = model.predict_proba(features[test])[:, 1]
        print("  in distribution (5 folds grouped by page), the frontier: threshold, then recall / precision / lost")
        print("    rules alone: " + "{:.3f} / {:.4f} / {:.2%}".format(*score(everything, by_rules)))
        for threshold in (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99):
            gone = by_rules | (probability >= threshold)
            print(f"    {threshold:<5} all " + "{:.3f} / {:.4f} / {:.2%}".format(*score(everything, gone)) + "   "
                  + "   ".join(f"{name} " + "{:.3f} / {:.4f}".format(*score(sources == name, gone)[:2])
                               for name in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
