"""The network report as one self-contained HTML page: inline CSS, inline SVG charts and a
few lines of inline script (sortable tables); nothing is fetched, so it opens offline, from
a mail attachment or an object store."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from poslink.network.report import BINS, NetworkReport, StoreResult

# What the page may load: nothing from elsewhere (its own inline style and script only).
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
_BAR_HEIGHT = 16
_LABEL_WIDTH = 220
_CHART_WIDTH = 640
# Categories shown, most records first.
TOP_CATEGORIES = 30

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#1d2330}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin:14px 0}
.figure{border:1px solid #d6dae3;border-radius:6px;padding:8px 14px;min-width:120px}
.figure b{display:block;font-size:20px}
.chart{max-height:520px;overflow-y:auto;border:1px solid #eceef3;border-radius:6px;padding:6px}
svg text{font-size:12px;fill:#1d2330}.bar{fill:#3b7dd8}.blank{fill:#c9ced8}.fail{fill:#d8553b}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #eceef3;padding:4px 8px;text-align:right}
th{cursor:pointer;background:#f5f6f9;position:sticky;top:0}
th:first-child,td:first-child,td.text{text-align:left}
tr.failed td{color:#a3321b}.note{color:#5b6373}
"""

_SCRIPT = """
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0], rows = Array.from(body.rows);
      var down = th.dataset.order !== 'asc';
      th.dataset.order = down ? 'asc' : 'desc';
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.value || a.cells[col].textContent;
        var y = b.cells[col].dataset.value || b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return down ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""


def render_page(report: NetworkReport, title: str = "poslink: network sync") -> str:
    """The whole page."""
    totals = report.totals
    rate = f"{totals.match_rate:.1%}"
    speed = f"{totals.records / report.seconds:,.0f}" if report.seconds else "-"
    figures = [
        ("stores", f"{len(report.stores):,}"),
        ("failed", f"{len(report.failed):,}"),
        ("records", f"{totals.records:,}"),
        ("matched", f"{totals.matched:,}"),
        ("match rate", rate),
        ("records/s", speed),
    ]
    stores = sorted(report.stores, key=lambda s: (s.status == "ok", s.match_rate, s.store))
    # A category of rejected records only has no rate to chart (none of them was usable).
    cats = sorted(
        ((k, v) for k, v in report.categories.items() if v.records > v.rejected),
        key=lambda kv: (-kv[1].records, kv[0]),
    )
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="note">catalog {escape(report.catalog_version or "-")};'
        f" records sent to the matcher: {report.decisions:,}; {report.seconds:.1f} s</p>",
        '<div class="figures">',
        *(f'<div class="figure" data-figure="{k}">{k}<b>{v}</b></div>' for k, v in figures),
        "</div>",
        "<h2>Match rate per store</h2>",
        '<p class="note">Ids given over usable records, lowest first; failed stores in red.</p>',
        '<div class="chart" id="per-store">',
        _bars([(s.store, s.match_rate, s.status != "ok") for s in stores]),
        "</div>",
        "<h2>Match rate per source system</h2>",
        '<div class="chart" id="per-source">',
        _bars([(k, v.rate, False) for k, v in sorted(report.systems.items())]),
        "</div>",
        f"<h2>Match rate per category</h2><p class='note'>The {TOP_CATEGORIES} categories with"
        " the most records, ids given over usable records (a record rejected before its"
        " category was read counts under (none)).</p>",
        '<div class="chart" id="per-category">',
        _bars([(k, v.rate, False) for k, v in cats[:TOP_CATEGORIES]]),
        "</div>",
        "<h2>match_score</h2>",
        '<p class="note">match_score of the records given an id (blue) and of those left'
        " blank (grey), per tenth.</p>",
        '<div class="chart" id="histogram">',
        _histogram(report.histogram["given"], report.histogram["blank"]),
        "</div>",
        "<h2>Most carried products without an id</h2>",
        _unmatched_table(report),
        "<h2>Stores</h2>",
        _store_table(stores),
        f"<script>{_SCRIPT}</script></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _bars(items: Sequence[tuple[str, float, bool]]) -> str:
    """Horizontal bars, one a row: label, share 0-1, whether it failed."""
    height = max(1, len(items)) * (_BAR_HEIGHT + 4) + 4
    width = _LABEL_WIDTH + _CHART_WIDTH + 60
    out = [f'<svg width="{width}" height="{height}" role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, share, failed) in enumerate(items):
        y = 4 + i * (_BAR_HEIGHT + 4)
        # A failed store gets a stub bar: its place in the list, no rate.
        length = 4.0 if failed else max(0.0, min(1.0, share)) * _CHART_WIDTH
        kind = "fail" if failed else "bar"
        text = "failed" if failed else f"{share:.1%}"
        out.append(
            f'<g data-label="{escape(label)}" data-value="{share:.4f}">'
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 12}" text-anchor="end">'
            f"{escape(label[:32])}</text>"
            f'<rect class="{kind}" x="{_LABEL_WIDTH}" y="{y}" width="{length:.1f}"'
            f' height="{_BAR_HEIGHT}"></rect>'
            f'<text x="{_LABEL_WIDTH + length + 6:.1f}" y="{y + 12}">'
            f"{text}</text></g>"
        )
    out.append("</svg>")
    return "".join(out)


def _histogram(given: Sequence[int], blank: Sequence[int]) -> str:
    """Stacked vertical bars per tenth of match_score."""
    top = max([g + b for g, b in zip(given, blank, strict=True)] + [1])
    column, height = 56, 220
    out = [
        f'<svg width="{BINS * column + 40}" height="{height + 40}" role="img"'
        ' xmlns="http://www.w3.org/2000/svg">'
    ]
    for i in range(BINS):
        x = 20 + i * column
        g_h = given[i] / top * height
        b_h = blank[i] / top * height
        out.append(
            f'<g data-bin="{i}" data-given="{given[i]}" data-blank="{blank[i]}">'
            f'<rect class="blank" x="{x}" y="{height - g_h - b_h + 10:.1f}" width="{column - 8}"'
            f' height="{b_h:.1f}"></rect>'
            f'<rect class="bar" x="{x}" y="{height - g_h + 10:.1f}" width="{column - 8}"'
            f' height="{g_h:.1f}"></rect>'
            f'<text x="{x + (column - 8) / 2}" y="{height + 26}" text-anchor="middle">'
            f"{i / BINS:.1f}</text></g>"
        )
    out.append("</svg>")
    return "".join(out)


def _unmatched_table(report: NetworkReport) -> str:
    if not report.unmatched:
        return '<p class="note">Every usable record was given an id.</p>'
    rows = "".join(
        f'<tr><td class="text">{escape(u.name)}</td>{_num(u.stores)}{_num(u.records)}</tr>'
        for u in report.unmatched
    )
    return (
        '<table class="sortable" id="unmatched"><thead><tr><th>name (as stores write it)</th>'
        f"<th>stores</th><th>records</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _store_table(stores: Sequence[StoreResult]) -> str:
    head = (
        "<tr><th>store</th><th>source</th><th>records</th><th>matched</th><th>no match</th>"
        "<th>ambiguous</th><th>rejected</th><th>match rate</th><th>seconds</th>"
        "<th>status</th></tr>"
    )
    rows = []
    for s in stores:
        failed = s.status != "ok"
        status = f"failed: {s.error}" if failed else "ok"
        rows.append(
            f'<tr{" class=failed" if failed else ""} data-store="{escape(s.store)}">'
            f'<td class="text">{escape(s.store)}</td><td class="text">{escape(s.source)}</td>'
            f"{_num(s.records)}{_num(s.matched)}{_num(s.no_match)}"
            f"{_num(s.ambiguous)}{_num(s.rejected)}"
            f'<td data-value="{s.match_rate:.4f}">{s.match_rate:.1%}</td>'
            f'<td>{s.seconds:.2f}</td><td class="text">{escape(status)}</td></tr>'
        )
    return (
        f'<table class="sortable" id="stores"><thead>{head}</thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _num(n: int) -> str:
    """A count cell, sorted by its value (the text has thousands separators)."""
    return f'<td data-value="{n}">{n:,}</td>'
