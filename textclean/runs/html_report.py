"""The run report as one self-contained HTML page: inline CSS, inline SVG plots, no script, nothing fetched.

Every piece of text on the page (document ids, edited text, rule ids, file names) goes through :func:`_e`,
so a document holding ``<script>`` shows it as text. The page of a marks run (``clean --marks``) is the same
page in other words (:data:`MARKED`): its counts are of the marks, which the report counts as the removals
they stand for.
"""
from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..io.outputs import AtomicWriter
from .report import counted
from .run_report import DocumentLoss, RuleTally, RunReport, Sample

#: Rules shown in the bar chart of removals, the most first.
CHART_RULES = 30
#: Rules whose samples are shown open when the page loads (the others open with a click).
OPEN_SAMPLES = 3


@dataclass(frozen=True)
class Words:
    """What the page calls what the rules did: removed, or in a marks run, marked with the text left whole."""

    edit: str  # one of what a rule did
    edits: str
    verb: str  # what a rule did
    removed: str  # what it did to the text it took
    lines: str  # the line breaks of what took whole lines
    others: str  # what took or changed text within a line
    bytes_changed: str  # the bytes of those
    element: str  # the element of a stretch of text taken, and the CSS class of a sampled line taken
    row: str
    chart: str  # the title of the chart per rule
    per_document: str  # how the histogram counts a document's bytes
    rules: str  # what the columns of the rule table count
    samples: str  # what a sample shows, where the run's text is known
    samples_from_log: str  # and where it is not
    top: str  # the title of the top documents, and what it says when there are none
    no_top: str


REMOVED = Words(
    "edit", "edits", "edited", "removed", "lines removed", "other edits", "bytes changed", "del", "removed",
    "Removals per rule", "the run took out of each",
    "Lines removed: the line breaks of the edits that leave nothing. Other edits change text within a line (bytes "
    "changed: the text they replaced). Bytes removed: what the rule took out, less what it put in.",
    "Each shows the line it starts on, the lines around it as the pass that made it found them (grey), and what "
    "went (red, − for a line removed) or came (green).",
    "An edit log holds no text, so each shows what went (red, − for a line removed) or came (green) without the "
    "lines around it; <code>textclean clean --report</code> shows them.",
    "Documents that lost the most", "No document lost any bytes.")
MARKED = Words(
    "mark", "marks", "marked", "marked", "lines marked", "marks within a line", "bytes marked within a line", "mark",
    "marked", "Marks per rule", "its marks span",
    "Lines marked: the line breaks of the marks (what a normal run would remove); marks within a line take part "
    "of one. Bytes marked: the bytes the marks span, which the text keeps.",
    "Each shows the line it starts on, the lines around it (grey) and the text it spans (yellow, − for a whole "
    "line marked), which the text keeps.",
    "An edit log holds the text a mark spans and its line, not the lines around it: each shows its line and what "
    "it spans (yellow, − for a whole line marked); <code>textclean clean --report</code> shows the lines around.",
    "Documents with the most bytes marked", "No document has any bytes marked.")


def _e(value: Any) -> str:
    """``value`` as HTML text: escaped, quotes too, and lone surrogates (which UTF-8 cannot hold) as U+FFFD."""
    text = str(value)
    if not text.isascii():
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return html.escape(text, quote=True)


def _size(count: int) -> str:
    """A byte count for a person: '512 B', '2.4 KB', '1.3 GB' (powers of 1024)."""
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if abs(size) < 1024 or unit == "GB":
            return f"{count:,} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _num(count: int) -> str:
    return f'<td class="n">{count:,}</td>'


def _bytes_cell(count: int) -> str:
    return f'<td class="n" title="{count:,} bytes">{_size(count)}</td>'


def _percent(part: int, whole: int | None) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


STYLE = """
:root { --ink: #1d2330; --muted: #5c6475; --line: #dde1e8; --bg: #f6f7f9; --accent: #2f6fbf;
        --removed: #fbe4e4; --removed-ink: #8f1d1d; --added: #e2f4e4; --added-ink: #1d6a2b;
        --marked: #fcf3d3; --marked-ink: #6b4e00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       color: var(--ink); background: var(--bg); }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 26px; margin: 8px 0 2px; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
.sub { color: var(--muted); margin: 0 0 18px; }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr)); gap: 10px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .v { font-size: 21px; font-weight: 600; }
.card .k { color: var(--muted); font-size: 13px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
.plots { display: grid; grid-template-columns: 1fr; gap: 14px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 14px; }
td code { overflow-wrap: anywhere; }
.nowrap { white-space: nowrap; }
.finding { margin-bottom: 4px; overflow-wrap: anywhere; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; position: sticky; top: 0; }
tbody tr:nth-child(even) { background: #fafbfc; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
              font-size: 13px; }
a { color: var(--accent); }
details.rule { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; }
details.rule > summary { cursor: pointer; padding: 8px 14px; font-weight: 600; }
details.rule > summary .meta { font-weight: 400; color: var(--muted); margin-left: 8px; }
.sample { border-top: 1px solid var(--line); padding: 8px 14px 10px; }
.where { color: var(--muted); font-size: 13px; margin-bottom: 4px; overflow-wrap: anywhere; }
.text { background: var(--bg); border-radius: 6px; padding: 4px 0; margin: 0; }
.row { display: flex; white-space: pre-wrap; overflow-wrap: anywhere; padding: 0 10px 0 0; }
.row .gutter { flex: none; width: 22px; text-align: center; color: var(--muted); user-select: none; }
.row.ctx { color: var(--muted); }
.row.removed { background: var(--removed); color: var(--removed-ink); }
.row.removed .gutter { color: var(--removed-ink); }
del { background: #f6caca; color: var(--removed-ink); text-decoration: none; border-radius: 2px; }
.row.marked { background: var(--marked); color: var(--marked-ink); }
.row.marked .gutter { color: var(--marked-ink); }
mark { background: #f7e3a1; color: var(--marked-ink); border-radius: 2px; }
ins { background: #c4ebc9; color: var(--added-ink); text-decoration: none; border-radius: 2px; }
.eol { color: #a0a6b3; }
.note { color: var(--muted); font-size: 13px; font-style: italic; }
.cp { color: var(--muted); font-size: 12px; margin-left: 6px; }
.empty { color: var(--muted); font-style: italic; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
.caption { color: var(--muted); font-size: 13px; margin: 4px 0 0; }
svg .bar { fill: #4f86c6; } svg .bar2 { fill: #d9822b; } svg .axis { stroke: #9aa3b2; }
"""


def render_page(report: RunReport, stats: dict[str, Any] | None = None, source: str = "") -> str:
    """The whole page, from the counts and samples of ``report`` and the run's ``--stats`` (None when not given);
    ``source`` names what it was made from."""
    total = _total_documents(report, stats)
    words = MARKED if report.marks_run or (stats or {}).get("marks_run") is True else REMOVED
    sections = [
        _summary(report, stats, total, words),
        _plots(report, total, words),
        _rule_table(report, words),
        _samples(report, words),
        _top_documents(report, words),
        _metadata(report, total),
        _findings(report, stats),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>textclean run report</title><style>{STYLE}</style></head>\n<body><main>\n"
        "<h1>textclean run report</h1>\n"
        + (f'<p class="sub">from <code>{_e(source)}</code></p>\n' if source else "")
        + '<nav><a href="#summary">Summary</a><a href="#plots">Plots</a><a href="#rules">Rules</a>'
        '<a href="#samples">Samples</a><a href="#documents">Documents</a><a href="#metadata">Metadata</a>'
        '<a href="#findings">Findings</a></nav>\n'
        + "\n".join(sections) + "\n</main></body></html>\n"
    )


def write_page(path: str | Path, report: RunReport, stats: dict[str, Any] | None = None, source: str = "") -> None:
    """Write :func:`render_page` to ``path``, whole or not at all."""
    page = AtomicWriter(Path(path))
    try:
        page.write(render_page(report, stats, source))
    except BaseException:
        page.abort()
        raise
    page.commit()


def _total_documents(report: RunReport, stats: dict[str, Any] | None) -> int | None:
    """Documents in the run: the stats' count, else the edit log's shard records, else not known."""
    if stats and isinstance(stats.get("documents"), int):
        return stats["documents"]
    return report.documents_in_shards if report.shards else None


def _number(values: dict[str, Any], key: str) -> int | float:
    """The number ``values`` holds at ``key``, 0 for anything else (a stats file is read as given)."""
    value = values.get(key)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _card(value: str, label: str, title: str = "") -> str:
    attribute = f' title="{_e(title)}"' if title else ""
    return f'<div class="card"{attribute}><div class="v">{value}</div><div class="k">{_e(label)}</div></div>'


def _summary(report: RunReport, stats: dict[str, Any] | None, total: int | None, words: Words) -> str:
    stats = stats or {}
    marks_run = words is MARKED
    cards = [_card(f"{total:,}" if total is not None else "–", "documents"),
             _card(f"{report.marked:,}", "documents marked", "with a mark; every text is left whole") if marks_run
             else _card(f"{report.documents:,}", "documents changed", "changed, or given metadata"),
             _card(f"{report.edits:,}", words.edits),
             _card(f"{len(report.rules):,}", f"rules that {words.verb}")]
    bytes_in = stats.get("bytes_in")
    if isinstance(bytes_in, int):
        bytes_out = bytes_in if marks_run else bytes_in - report.bytes_removed
        cards += [_card(_size(bytes_in), "bytes in", f"{bytes_in:,} bytes"),
                  _card(_size(bytes_out), "bytes out", f"{bytes_out:,} bytes")]
    cards.append(_card(_size(report.bytes_removed), f"{words.removed} ({_percent(report.bytes_removed, bytes_in)})"
                       if isinstance(bytes_in, int) else words.removed, f"{report.bytes_removed:,} bytes"))
    for key, label in (("emptied", "documents emptied"), ("dropped", "dropped (empty)"), ("rejected", "rejected")):
        if _number(stats, key):
            cards.append(_card(f"{_number(stats, key):,}", label))
    if _number(stats, "seconds"):
        cards.append(_card(f"{_number(stats, 'seconds'):,.1f} s", "cleaning time"))
    lines = []
    if marks_run:
        lines.append('<p id="marks-run">A marks run (<code>clean --marks</code>): every text was left whole, byte for '
                     "byte, and what the rules would remove was kept as marks in each document's metadata field "
                     "<code>marks</code>. The page counts and shows each mark as the removal it stands for.</p>")
    site_pass = stats.get("site_pass")
    if isinstance(site_pass, dict):
        lines.append(f"<p>Site pass: {_e(counted(int(_number(site_pass, 'pages')), 'page'))} of "
                     f"{_e(counted(int(_number(site_pass, 'sites')), 'site'))} read first, for the rules that learn "
                     f"a site's repeated lines ({_number(site_pass, 'seconds'):.1f} s).</p>")
    elif stats:
        lines.append("<p>Site pass: none (one document, no rule that learns from the corpus, or "
                     "--no-site-pass).</p>")
    files = stats.get("rule_files")
    if isinstance(files, list) and files:
        items = "".join(f"<li><code>{_e(name)}</code></li>" for name in files)
        lines.append(f"<details><summary>{_e(counted(len(files), 'rule file'))}</summary><ul>{items}</ul></details>")
    if not stats:
        lines.append('<p class="empty">No --stats file given: the sizes, times and findings of the run are not '
                     "shown.</p>")
    if report.shards:
        lines.append(f"<p>{_e(counted(report.shards, 'output file'))} in the edit log.</p>")
    if report.counted_by_run:
        lines.append('<p id="counted-by-run">The counts are those the run made, from its --stats file, whose edit '
                     "log holds, rule by rule, the edits they count; the samples are drawn from the edit log.</p>")
    return (f'<h2 id="summary">Summary</h2>\n<div class="cards">{"".join(cards)}</div>\n'
            + "\n".join(lines))


def _plots(report: RunReport, total: int | None, words: Words) -> str:
    return ('<h2 id="plots">Plots</h2>\n<div class="plots">'
            f'<div class="panel"><b>{words.chart}</b> ({words.lines}, and {words.others}; the {CHART_RULES} rules '
            f"that {words.verb} most){_rule_chart(report, words)}</div>"
            f'<div class="panel"><b>Bytes {words.removed} per document</b> (documents of the run, by bytes '
            f"{words.per_document}){_histogram(report, total, words)}</div></div>")


def _rule_chart(report: RunReport, words: Words) -> str:
    """A horizontal bar per rule: lines removed (or marked), then its other edits (or marks within a line)."""
    ranked = sorted(report.rules.items(), key=lambda item: (-(item[1].lines_removed + item[1].changes), item[0]))
    ranked = ranked[:CHART_RULES]
    if not ranked:
        return f'<p class="empty">No rule {words.verb} anything.</p>'
    label_width, bar_width, row = 250, 560, 20
    most = max(tally.lines_removed + tally.changes for _, tally in ranked) or 1
    height = row * len(ranked) + 30
    parts = [f'<svg class="chart" id="rule-chart" width="100%" viewBox="0 0 {label_width + bar_width + 110} '
             f'{height}" role="img" aria-label="{words.edits} per rule">']
    for index, (rule, tally) in enumerate(ranked):
        y = index * row + 4
        removed_width = bar_width * tally.lines_removed / most
        changed_width = bar_width * tally.changes / most
        shown = rule if len(rule) <= 34 else rule[:33] + "…"
        parts.append(f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end">{_e(shown)}</text>')
        parts.append(f'<rect class="bar" x="{label_width}" y="{y}" width="{removed_width:.1f}" height="{row - 5}">'
                     f"<title>{_e(rule)}: {tally.lines_removed:,} {words.lines}</title></rect>")
        if tally.changes:
            parts.append(f'<rect class="bar2" x="{label_width + removed_width:.1f}" y="{y}" '
                         f'width="{changed_width:.1f}" height="{row - 5}"><title>{_e(rule)}: '
                         f"{tally.changes:,} {words.others}</title></rect>")
        parts.append(f'<text x="{label_width + removed_width + changed_width + 6:.1f}" y="{y + 13}">'
                     f"{tally.lines_removed + tally.changes:,}</text>")
    legend_y = row * len(ranked) + 20
    parts.append(f'<rect class="key" fill="#4f86c6" x="{label_width}" y="{legend_y - 10}" width="12" height="12"/>'
                 f'<text x="{label_width + 18}" y="{legend_y}">{words.lines}</text>'
                 f'<rect class="key" fill="#d9822b" x="{label_width + 130}" y="{legend_y - 10}" width="12" '
                 'height="12"/>'
                 f'<text x="{label_width + 148}" y="{legend_y}">{words.others}</text></svg>')
    return "".join(parts)


def _bin_label(number: int) -> str:
    """The least bytes removed of the documents in bin ``number`` (up to twice that): '0', '512 B', '2 KB'."""
    if number == 0:
        return "0"
    low = 1 << (number - 1)
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if low >= scale:
            return f"{low // scale} {unit}"
    return f"{low} B"


def _bin_range(number: int) -> str:
    return "no bytes" if number == 0 else f"{(1 << (number - 1)):,} to {(1 << number) - 1:,} bytes"


def _histogram(report: RunReport, total: int | None, words: Words) -> str:
    """A bar per bin of bytes removed or marked (powers of two); unchanged documents count in the first."""
    bins = dict(report.loss_bins)
    if total is not None:
        bins[0] = bins.get(0, 0) + max(total - report.documents, 0)
    if not any(bins.values()):
        return '<p class="empty">No documents.</p>'
    first, last = min(bins), max(bins)
    numbers = list(range(first, last + 1))
    most = max(bins.values())
    column, plot_height, top, left = max(36, min(64, 880 // len(numbers))), 170, 28, 20
    width = left + column * len(numbers) + 10
    base = top + plot_height
    parts = [f'<svg class="chart" id="loss-histogram" width="100%" viewBox="0 0 {width} {base + 26}" '
             f'role="img" aria-label="bytes {words.removed} per document">',
             f'<line class="axis" x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}"/>']
    for index, number in enumerate(numbers):
        count = bins.get(number, 0)
        height = plot_height * count / most
        middle = left + index * column + column / 2
        parts.append(f'<rect class="bar" x="{middle - column / 2 + 3:.1f}" y="{base - height:.1f}" '
                     f'width="{column - 6}" height="{height:.1f}"><title>{_e(_bin_range(number))} {words.removed}: '
                     f'{_e(counted(count, "document"))}</title></rect>')
        if count:
            parts.append(f'<text x="{middle:.1f}" y="{base - height - 4:.1f}" text-anchor="middle">{count:,}</text>')
        parts.append(f'<text x="{middle:.1f}" y="{base + 16}" text-anchor="middle">{_e(_bin_label(number))}</text>')
    parts.append("</svg>")
    # under the chart, not in it: text in an SVG is cut at its viewBox, which is as narrow as its few bars
    parts.append(f'<p class="caption">each bar: the documents with from the bytes under it to twice as many '
                 f"{words.removed} (0: nothing, or bytes added)</p>")
    return "".join(parts)


def _table(table_id: str, heads: list[str], rows: list[str], empty: str) -> str:
    """A table of ``rows`` (``<tr>`` elements) under ``heads`` (a head starting '#' is of a number column)."""
    cells = "".join(f'<th class="n">{_e(head[1:])}</th>' if head.startswith("#") else f"<th>{_e(head)}</th>"
                    for head in heads)
    body = "".join(rows) or f'<tr><td colspan="{len(heads)}" class="empty">{_e(empty)}</td></tr>'
    return (f'<div class="scroll"><table id="{table_id}"><thead><tr>{cells}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _rule_anchor(index: int) -> str:
    return f"rule-{index}"


def _ordered_rules(report: RunReport) -> list[tuple[str, RuleTally]]:
    """The rules that edited, the most edits first."""
    return sorted(report.rules.items(), key=lambda item: (-item[1].edits, item[0]))


def _rule_table(report: RunReport, words: Words) -> str:
    rows = []
    for index, (rule, tally) in enumerate(_ordered_rules(report)):
        rows.append(f'<tr><td><a href="#{_rule_anchor(index)}"><code>{_e(rule)}</code></a></td>'
                    f"<td>{_e(tally.kind)}</td>{_num(tally.edits)}{_num(tally.lines_removed)}{_num(tally.changes)}"
                    f"{_bytes_cell(tally.bytes_removed)}{_bytes_cell(tally.bytes_changed)}{_num(tally.documents)}</tr>")
    return (f'<h2 id="rules">Rules</h2>\n<p class="sub">{words.rules}</p>\n'
            + _table("rule-table", ["rule", "kind", f"#{words.edits}", f"#{words.lines}", f"#{words.others}",
                                    f"#bytes {words.removed}", f"#{words.bytes_changed}", "#documents"], rows,
                     f"No rule {words.verb} anything."))


_WHITE_SPACE = str.maketrans({" ": "·", "\t": "→", "\u00a0": "⍽"})


def _visible(text: str) -> str:
    """Edited text as HTML, its line breaks shown as ⏎ and, when it is only white space, its spaces as · and
    tabs as →, so that the edit shows."""
    if not text.strip():
        text = text.translate(_WHITE_SPACE)
    return _e(text).replace("\n", '<span class="eol">⏎</span>')


def _code_points(before: str, after: str) -> str:
    """The code points of a short edit that changes characters one cannot see (a combining mark, a format or
    control character, an unusual space), as ``U+0652 → ∅``; else nothing."""
    if len(before) > 4 or len(after) > 4 or all(unicodedata.category(c)[0] not in "MCZ" or c == " "
                                                 for c in before + after):
        return ""
    def named(text: str) -> str:
        return " ".join(f"U+{ord(c):04X}" for c in text) or "∅"
    return f' <span class="cp">{named(before)} → {named(after)}</span>'


def _row(css: str, mark: str, content: str) -> str:
    return f'<div class="row {css}"><span class="gutter">{mark}</span><span>{content}</span></div>'


def _sample(sample: Sample, words: Words) -> str:
    where = f"<code>{_e(sample.doc_id)}</code> · {_e(sample.where)}"
    if sample.line is not None:
        where += f" · line {sample.line:,}"
    rows = [_row("ctx", "", _e(line)) for line in sample.context_before]
    if not sample.after and sample.before.endswith("\n") and not sample.prefix:  # whole lines removed
        rows += [_row(words.row, "−", _visible(line) or '<span class="eol">⏎</span>')
                 for line in sample.before[:-1].split("\n")]
    else:
        edited = _e(sample.prefix) \
            + (f"<{words.element}>{_visible(sample.before)}</{words.element}>" if sample.before else "") \
            + (f"<ins>{_visible(sample.after)}</ins>" if sample.after else "") + _e(sample.suffix)
        rows.append(_row("changed", "~", edited + _code_points(sample.before, sample.after)))
    rows += [_row("ctx", "", _e(line)) for line in sample.context_after]
    note = f'<div class="note">{_e(sample.note)}</div>' if sample.note else ""
    return (f'<div class="sample"><div class="where">{where}</div><div class="text mono">{"".join(rows)}</div>'
            f"{note}</div>")


def _samples(report: RunReport, words: Words) -> str:
    blocks = []
    for index, (rule, tally) in enumerate(_ordered_rules(report)):
        samples = report.sample(rule)
        meta = f"{tally.kind} · {counted(tally.edits, words.edit)}, {len(samples)} shown"
        is_open = " open" if index < OPEN_SAMPLES else ""
        blocks.append(f'<details class="rule" id="{_rule_anchor(index)}"{is_open}><summary><code>{_e(rule)}</code>'
                      f'<span class="meta">{_e(meta)}</span></summary>{"".join(_sample(s, words) for s in samples)}'
                      "</details>")
    how = words.samples if report.with_text else words.samples_from_log
    return (f'<h2 id="samples">Samples</h2>\n<p class="sub">Up to {report.samples_per_rule} {words.edits} of each '
            f"rule, drawn at random with a fixed seed: the same run gives the same page. {how}</p>\n"
            + "\n".join(blocks))


def _top_documents(report: RunReport, words: Words) -> str:
    return (f'<h2 id="documents">{words.top}</h2>\n'
            + _table("top-documents", ["document", f"#bytes {words.removed}", "#of its size", f"#{words.edits}",
                                       f"rules that {words.removed} most"],
                     [_loss_row(loss) for loss in report.top()], words.no_top))


def _loss_row(loss: DocumentLoss) -> str:
    rules = "".join(f'<div class="nowrap"><code>{_e(rule)}</code> {_size(n)}</div>' for rule, n in loss.top_rules)
    return (f'<tr><td><code>{_e(loss.doc_id)}</code><div class="where">{_e(loss.where)}</div></td>'
            f'{_bytes_cell(loss.bytes_removed)}<td class="n">{_percent(loss.bytes_removed, loss.bytes_in)}</td>'
            f"{_num(loss.edits)}<td>{rules}</td></tr>")


def _metadata(report: RunReport, total: int | None) -> str:
    rows = [f'<tr><td><code>{_e(name)}</code></td>{_num(count)}<td class="n">{_percent(count, total)}</td></tr>'
            for name, count in sorted(report.metadata_fields.items(), key=lambda item: (-item[1], item[0]))]
    return ('<h2 id="metadata">Metadata extracted</h2>\n'
            + _table("metadata-fields", ["field", "#documents", "#of all documents"], rows,
                     "No metadata field was extracted."))


def _findings(report: RunReport, stats: dict[str, Any] | None) -> str:
    head = ('<h2 id="findings">Findings</h2>\n<p class="sub">What the rules noticed and did not change (the '
            "examples are shown where the page is written by the run, which has them: an edit log does not).</p>\n")
    if not stats:
        return head + '<p class="empty">The findings of a run are in its --stats file, which was not given.</p>'
    items = []
    by_rule = stats.get("findings_by_rule")
    if isinstance(by_rule, dict) and by_rule:
        rows = [f'<tr><td><code class="nowrap">{_e(rule)}</code></td>{_num(_count(levels, "error"))}'
                f"{_num(_count(levels, 'warning'))}<td>{_finding_examples(report, rule)}</td></tr>"
                for rule, levels in by_rule.items() if isinstance(levels, dict)]
        items.append(_table("findings-table", ["rule", "#errors", "#warnings", "examples"], rows, ""))
    facts = []
    if isinstance(stats.get("rule_errors"), int):
        facts.append(_e(counted(stats["rule_errors"], "rule error")))
    if isinstance(stats.get("rejected"), int):
        facts.append(_e(f"{counted(stats['rejected'], 'input')} rejected (see --rejects)"))
    decoded = stats.get("decoded_as")
    if isinstance(decoded, dict):
        facts += [f"read as {_e(encoding)}: {_e(counted(int(_number(decoded, encoding)), 'document'))}"
                  for encoding in decoded]
    for key, what in (("not_utf8_documents", "not UTF-8"), ("skipped_shards", "skipped, already complete (--resume)")):
        values = stats.get(key)
        if isinstance(values, list) and values:
            shown = ", ".join(f"<code>{_e(value)}</code>" for value in values[:20])
            more = f" and {len(values) - 20:,} more" if len(values) > 20 else ""
            facts.append(f"{_e(what)}: {shown}{more}")
    if not items:
        facts.insert(0, "no rule made a finding")
    return head + "".join(items) + "<ul>" + "".join(f"<li>{fact}</li>" for fact in facts) + "</ul>"


def _finding_examples(report: RunReport, rule: str) -> str:
    return "".join(f'<div class="finding"><span class="where"><code>{_e(found.doc_id)}</code> line {found.line:,}'
                   f"</span> {_e(found.level)}: {_e(found.message)}</div>" for found in report.finding_samples(rule))


def _count(levels: dict[str, Any], level: str) -> int:
    value = levels.get(level, 0)
    return value if isinstance(value, int) else 0
