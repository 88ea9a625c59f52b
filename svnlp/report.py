"""Report: the audit as one self-contained HTML page, or as Markdown, CSV or JSON.

The HTML has no external requests: its CSS, its small script and its charts (a
heatmap table and an SVG bar chart) are inline. Every piece of document text is
escaped, so a PDF containing "<script>" shows it as text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from markupsafe import Markup, escape

from .audit import LEVEL_NAMES, Audit, EvidenceItem, OrganisationAudit
from .labels import LABEL_IDS, LABELS_BY_ID

FORMATS = ("html", "md", "csv", "json")


def render(result: Audit, format: str = "html") -> str:
    """The audit in one of FORMATS."""
    if format == "html":
        return render_html(result)
    if format == "md":
        return render_markdown(result)
    if format == "csv":
        return render_csv(result)
    if format == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown report format {format!r}; choose from {', '.join(FORMATS)}")


def write_report(result: Audit, out: Path | str, format: str | None = None) -> Path:
    """Write the report; the format follows the file's suffix unless given."""
    out = Path(out)
    format = format or {".md": "md", ".csv": "csv", ".json": "json"}.get(out.suffix.lower(), "html")
    text = render(result, format)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(out)  # never a half-written report
    return out


def ranking(result: Audit) -> list[OrganisationAudit]:
    """Organisations from most to least aware: overall level, then the sum of the seven."""
    return sorted(
        result.organisations,
        key=lambda org: (-org.overall, -sum(level.level for level in org.levels), org.organisation),
    )


def highlight(text: str, cues: tuple[str, ...] | list[str]) -> Markup:
    """Escape `text` and wrap each cue word in <mark>."""
    if not cues:
        return escape(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True)) + r")\b", re.I)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(Markup("<mark>") + escape(match.group(0)) + Markup("</mark>"))
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _where(item: EvidenceItem) -> str:
    return f"{item.document}, p. {item.page}"


def render_html(result: Audit) -> str:
    import jinja2

    environment = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["slug"] = _slug
    template = environment.from_string(_HTML)
    ranked = ranking(result)
    bar_width = 320
    return template.render(
        audit=result,
        organisations=sorted(result.organisations, key=lambda org: org.organisation),
        ranked=ranked,
        labels=[LABELS_BY_ID[label] for label in LABEL_IDS],
        level_names=LEVEL_NAMES,
        highlight=highlight,
        where=_where,
        bar_width=bar_width,
        max_total=max([sum(level.level for level in org.levels) for org in ranked] + [1]),
    )


def render_markdown(result: Audit) -> str:
    lines = [
        "# svnlp awareness report",
        "",
        f"Created {result.created}; scope: {result.scope}; model {', '.join(result.model_ids) or 'unknown'}.",
        "",
        "## Levels",
        "",
        "| organisation | " + " | ".join(LABEL_IDS) + " | overall |",
        "|---|" + "---|" * (len(LABEL_IDS) + 1),
    ]
    for org in sorted(result.organisations, key=lambda o: o.organisation):
        cells = [str(level.level) for level in org.levels]
        lines.append(f"| {_md(org.organisation)} | " + " | ".join(cells) + f" | {org.overall} |")
    lines += ["", "Levels: 0 absent, 1 mentioned, 2 committed, 3 embedded.", "", "## Ranking", ""]
    for position, org in enumerate(ranking(result), start=1):
        lines.append(f"{position}. {_md(org.organisation)} — overall {org.overall} ({LEVEL_NAMES[org.overall]})")
    for org in sorted(result.organisations, key=lambda o: o.organisation):
        lines += ["", f"## {_md(org.organisation)}", ""]
        if org.predecessors:
            lines.append(f"Replaced: {', '.join(org.predecessors)}.")
        if org.successor:
            lines.append(f"Replaced by: {org.successor}.")
        lines.append("Documents: " + "; ".join(f"{_md(d.title or d.path)} ({d.year})" for d in org.documents) + ".")
        lines.append("")
        for level in org.levels:
            lines.append(
                f"- **{LABELS_BY_ID[level.label].name}** (`{level.label}`): {level.level} {level.level_name} — "
                f"{level.passages} passages, {level.commitments} commitments, {level.measures} measures"
            )
            for item in level.evidence[:3]:
                lines.append(f"  - “{_md(item.text)}” ({_md(_where(item))}, score {item.score:.2f}, {item.depth})")
        if org.gaps:
            lines.append("")
            lines.append("Gaps: no passage on " + "; ".join(LABELS_BY_ID[g].name.lower() for g in org.gaps) + ".")
        if org.history:
            lines += ["", "| year | " + " | ".join(LABEL_IDS) + " |", "|---|" + "---|" * len(LABEL_IDS)]
            for year, levels in sorted(org.history.items()):
                lines.append(f"| {year} | " + " | ".join(str(levels[label]) for label in LABEL_IDS) + " |")
    if result.failed:
        lines += ["", "## Documents that failed", ""]
        lines += [f"- {_md(doc.path)}: {_md(doc.error or '')}" for doc in result.failed]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_csv(result: Audit) -> str:
    buffer = io.StringIO()
    rows = result.rows()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["organisation"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>svnlp awareness report</title>
<style>
:root { --l0: #f1f3f5; --l1: #ffe8a3; --l2: #8fd19e; --l3: #1f7a4d; --ink: #1d2733; --muted: #5b6672; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #fafbfc; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 12px; border-bottom: 2px solid #dde3ea; padding-bottom: 6px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.meta { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; }
.heatmap th, .heatmap td { border: 1px solid #fff; padding: 6px 8px; text-align: center; font-size: 13px; }
.heatmap th.org, .heatmap td.org { text-align: left; max-width: 330px; }
.heatmap thead th { background: #e9edf2; vertical-align: bottom; }
.level { font-weight: 600; min-width: 44px; }
.l0 { background: var(--l0); color: #8a949e; } .l1 { background: var(--l1); } .l2 { background: var(--l2); } .l3 { background: var(--l3); color: #fff; }
.legend span { display: inline-block; padding: 2px 10px; margin-right: 6px; border-radius: 3px; font-size: 12px; }
.org { background: #fff; border: 1px solid #e1e6ec; border-radius: 6px; padding: 4px 20px 16px; margin: 18px 0; }
.levels td, .levels th, .docs td, .docs th, .history td, .history th { border-bottom: 1px solid #eef1f4; padding: 6px 8px; vertical-align: top; text-align: left; font-size: 14px; }
.quote { margin: 4px 0 8px; padding-left: 10px; border-left: 3px solid #c9d3dd; }
.quote .where { color: var(--muted); font-size: 12px; }
mark { background: #fff1a8; padding: 0 1px; }
.gaps { color: #9b2c2c; }
.bars text { font-size: 12px; fill: var(--ink); }
#filter { padding: 6px 10px; width: 320px; border: 1px solid #c9d3dd; border-radius: 4px; }
.failed td { font-size: 13px; padding: 4px 8px; border-bottom: 1px solid #eef1f4; }
footer { color: var(--muted); font-size: 12px; padding: 30px 24px; text-align: center; }
</style>
</head>
<body>
<header>
<h1>Social value and the Marmot objectives: awareness report</h1>
<p class="meta">Created {{ audit.created }} &middot; scope: {{ audit.scope }} &middot; model {{ audit.model_ids|join(", ") or "unknown" }} &middot; {{ organisations|length }} organisations</p>
<p class="legend">{% for n, name in level_names.items() %}<span class="l{{ n }}">{{ n }} {{ name }}</span>{% endfor %}</p>
</header>
<main>
<h2 id="heatmap-title">Levels by organisation and objective</h2>
<p><input id="filter" type="search" placeholder="Filter organisations" aria-label="Filter organisations"></p>
<table class="heatmap" id="heatmap">
<thead><tr><th class="org">Organisation</th>{% for label in labels %}<th title="{{ label.description }}">{{ label.name }}</th>{% endfor %}<th>Overall</th></tr></thead>
<tbody>
{% for org in organisations %}
<tr data-org="{{ org.organisation|lower }}"><td class="org"><a href="#{{ org.organisation|slug }}">{{ org.organisation }}</a></td>
{% for level in org.levels %}<td class="level l{{ level.level }}" title="{{ level.level_name }}: {{ level.passages }} passages">{{ level.level }}</td>{% endfor %}
<td class="level l{{ org.overall }}">{{ org.overall }}</td></tr>
{% endfor %}
</tbody>
</table>

<h2>Ranking</h2>
<svg class="bars" width="{{ bar_width + 420 }}" height="{{ ranked|length * 24 + 10 }}" role="img" aria-label="Organisations ranked by the sum of their levels">
{% for org in ranked %}
{% set total = org.levels|sum(attribute="level") %}
<text x="0" y="{{ loop.index0 * 24 + 17 }}">{{ loop.index }}. {{ org.organisation[:44] }}</text>
<rect x="340" y="{{ loop.index0 * 24 + 4 }}" width="{{ (bar_width * total / max_total)|round(1) }}" height="16" class="l{{ org.overall }}" fill="{{ ['#d5dbe1', '#f2c94c', '#6fbf73', '#1f7a4d'][org.overall] }}"></rect>
<text x="{{ 346 + (bar_width * total / max_total)|round(1) }}" y="{{ loop.index0 * 24 + 17 }}">{{ total }} / 21</text>
{% endfor %}
</svg>

<h2>Organisations</h2>
{% for org in organisations %}
<section class="org" id="{{ org.organisation|slug }}" data-org="{{ org.organisation|lower }}">
<h3>{{ org.organisation }} <span class="level l{{ org.overall }}" style="padding:2px 8px;border-radius:3px">overall {{ org.overall }} {{ level_names[org.overall] }}</span></h3>
{% if org.predecessors %}<p class="meta">Replaced {{ org.predecessors|join(", ") }}.</p>{% endif %}
{% if org.successor %}<p class="meta">Replaced by {{ org.successor }}.</p>{% endif %}
<table class="docs"><tr><th>Document</th><th>Year</th><th>Type</th></tr>
{% for doc in org.documents %}<tr><td>{{ doc.title or doc.path }}</td><td>{{ doc.year or "" }}</td><td>{{ doc.doc_type or "" }}</td></tr>{% endfor %}
</table>
<table class="levels">
<tr><th>Objective</th><th>Level</th><th>Evidence</th></tr>
{% for level in org.levels %}
<tr><td>{{ labels[loop.index0].name }}</td><td class="level l{{ level.level }}">{{ level.level }} {{ level.level_name }}</td>
<td>{% if level.evidence %}<span class="meta">{{ level.passages }} passages on {{ level.pages }} pages: {{ level.commitments }} commitments, {{ level.measures }} with measures</span>
{% for item in level.evidence[:3] %}<div class="quote">“{{ highlight(item.text, item.cues) }}” <span class="where">{{ where(item) }} &middot; score {{ "%.2f"|format(item.score) }} &middot; {{ item.depth }}</span></div>{% endfor %}
{% else %}<span class="gaps">No passage on {{ labels[loop.index0].name|lower }}.</span>{% endif %}</td></tr>
{% endfor %}
</table>
{% if org.history %}
<h3>Change over time</h3>
<table class="history"><tr><th>Year</th>{% for label in labels %}<th>{{ label.name }}</th>{% endfor %}</tr>
{% for year, levels in org.history|dictsort %}<tr><td>{{ year }}</td>{% for label in labels %}<td class="level l{{ levels[label.id] }}">{{ levels[label.id] }}</td>{% endfor %}</tr>{% endfor %}
</table>
{% endif %}
</section>
{% endfor %}

<h2>Documents that failed</h2>
{% if audit.failed %}
<table class="failed">{% for doc in audit.failed %}<tr><td>{{ doc.path }}</td><td>{{ doc.error }}</td></tr>{% endfor %}</table>
{% else %}<p class="meta">None.</p>{% endif %}
</main>
<footer>Made by svnlp. Levels: 0 absent, 1 mentioned, 2 committed (priorities, policies or actions), 3 embedded (targets, weightings, indicators, budgets or reported results). Quotes are the passages the classifier tagged; cue words are highlighted.</footer>
<script>
document.getElementById("filter").addEventListener("input", function (event) {
  var wanted = event.target.value.toLowerCase();
  document.querySelectorAll("[data-org]").forEach(function (element) {
    element.style.display = element.getAttribute("data-org").indexOf(wanted) === -1 ? "none" : "";
  });
});
</script>
</body>
</html>
"""
