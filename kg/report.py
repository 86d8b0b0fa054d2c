"""The corpus report: one self-contained HTML page with the competency answers and four charts.

``write_report(graph, out_dir)`` writes ``out_dir/index.html`` with

* each competency question (``kg/queries/cq*.rq``, run on pyoxigraph with the
  ontology) as a table whose concepts are named by label (the IRI as a tooltip);
* charts: complications by procedure, findings by vertebral level, the assertion
  mix (present / absent / possible), and a concept co-occurrence network (the
  most frequent concepts; an edge joins two concepts found in the same case, its
  width the number of such cases).

Each chart is also saved as ``<name>.png`` and ``<name>.svg`` in ``out_dir``; the
page embeds the PNGs as base64, so the page alone is enough.  Every string taken
from the graph is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import logging
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.namespaces import KG, PREFIXES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

MAX_ROWS = 200  # rows shown per competency table
TOP_CONCEPTS = 22  # nodes of the co-occurrence network
MAX_EDGES = 60  # its strongest edges drawn
CHART_SIZE = (12.0, 6.0)  # inches at 100 dpi

_PREFIX_LINES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

LABELS_QUERY = _PREFIX_LINES + """
SELECT ?s ?label WHERE { ?s rdfs:label ?label . }
"""
INSTANCE_QUERY = _PREFIX_LINES + """
SELECT ?s ?class WHERE {
  { ?case kg:hasFinding ?s } UNION { ?case kg:hasProcedure ?s }
  ?s a ?class .
  FILTER (?class NOT IN (kg:Finding, kg:Procedure, kg:ProcedureComplication, kg:Mention))
}
"""
ITEMS_QUERY = _PREFIX_LINES + """
SELECT ?caseId ?item ?role ?class ?assertion ?cause ?causeClass WHERE {
  ?case a kg:Case ; dcterms:identifier ?caseId .
  { ?case kg:hasFinding ?item . BIND("finding" AS ?role) }
  UNION { ?case kg:hasProcedure ?item . BIND("procedure" AS ?role) }
  ?item a ?class .
  FILTER (?class NOT IN (kg:Finding, kg:Procedure, kg:ProcedureComplication, kg:Mention))
  OPTIONAL { ?item kg:assertion ?assertion . }
  OPTIONAL { ?item kg:complicationOf ?cause . ?cause a ?causeClass .
             FILTER (?causeClass NOT IN (kg:Procedure)) }
}
"""


@dataclass(frozen=True)
class Chart:
    """One saved chart: its file stem, title and the PNG bytes to embed."""

    name: str
    title: str
    png: bytes


# ---------------------------------------------------------------- data


class Labels:
    """Labels of classes (from graph + ontology) and of instances (their class's label)."""

    def __init__(self, store: Any):
        from kg.sparql import run_query

        self.of: dict[str, str] = {}
        for rec in run_query(LABELS_QUERY, store).records():
            self.of.setdefault(rec["s"], rec["label"])
            if rec["label"] < self.of[rec["s"]]:
                self.of[rec["s"]] = rec["label"]
        classes: dict[str, list[str]] = {}
        for rec in run_query(INSTANCE_QUERY, store).records():
            classes.setdefault(rec["s"], []).append(rec["class"])
        for iri, cls in classes.items():
            self.of.setdefault(iri, self.label(min(cls, key=self._specificity)))

    def _specificity(self, iri: str) -> tuple[int, str]:
        return (0 if iri.startswith(KG) else 1, iri)

    def label(self, iri: str) -> str:
        """The label of ``iri``, else its local name with the known prefix."""
        if iri in self.of:
            return self.of[iri]
        from kg.sparql import compact

        return compact(iri)


def _items(store: Any, labels: Labels) -> list[dict[str, Any]]:
    """Findings and procedures of every case: class label, assertion, causing procedure."""
    from kg.draw_model import local_name
    from kg.sparql import run_query

    by_item: dict[str, dict[str, Any]] = {}
    for rec in run_query(ITEMS_QUERY, store).records():
        item = by_item.setdefault(rec["item"], {
            "case": rec["caseId"], "role": rec["role"], "classes": set(),
            "assertion": local_name(rec["assertion"]) if rec["assertion"] else "Present",
            "cause": None})
        item["classes"].add(rec["class"])
        if rec["causeClass"]:
            item["cause"] = labels.label(rec["causeClass"])
    for item in by_item.values():
        cls = min(item.pop("classes"), key=lambda c: (not c.startswith(KG), c))
        item["label"] = labels.label(cls)
    return [by_item[k] for k in sorted(by_item)]


# ---------------------------------------------------------------- charts


def _figure() -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=CHART_SIZE, dpi=100, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _empty(ax: Any, what: str) -> None:
    ax.text(0.5, 0.5, f"no {what} in this graph", ha="center", va="center", color="#6B7280",
            fontsize=12, transform=ax.transAxes)
    ax.set_axis_off()


def chart_complications(items: list[dict[str, Any]]) -> Figure:
    """Horizontal stacked bars: causing procedure -> complications by type."""
    from kg.draw_layout import KIND_STYLE

    fig = _figure()
    ax = fig.add_axes((0.22, 0.12, 0.55, 0.78))
    comps = [i for i in items if i["cause"] and i["assertion"] != "Absent"]
    ax.set_title("Complications by procedure", loc="left", fontsize=13, fontweight="bold")
    if not comps:
        _empty(ax, "complications linked to a procedure (kg:complicationOf)")
        return fig
    procs = [p for p, _ in Counter(i["cause"] for i in comps).most_common(12)][::-1]
    kinds = [k for k, _ in Counter(i["label"] for i in comps).most_common(8)]
    reds = ["#7F1D1D", "#B91C1C", "#DC2626", "#EF4444", "#F87171", "#FCA5A5", "#FECACA",
            "#FEE2E2"]
    left = [0] * len(procs)
    for kind, colour in zip(kinds, reds, strict=False):
        vals = [sum(1 for i in comps if i["cause"] == p and i["label"] == kind) for p in procs]
        ax.barh(procs, vals, left=left, color=colour, edgecolor=KIND_STYLE["complication"][1],
                linewidth=0.6, label=kind)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    for y, total in enumerate(left):
        ax.text(total, y, f" {total}", va="center", fontsize=9)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("complications (findings with kg:complicationOf that procedure)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def chart_levels(graph: Any) -> Figure:
    """Stacked bars over C1..Co: findings, complications and absent findings per level."""
    from kg.draw_layout import KIND_STYLE
    from kg.spine import LEVELS, level_counts, spine_items

    counts = level_counts(spine_items(graph))
    fig = _figure()
    ax = fig.add_axes((0.07, 0.12, 0.9, 0.78))
    ax.set_title("Findings by vertebral level (kg:site/kg:partOf*/kg:levelCode)", loc="left",
                 fontsize=13, fontweight="bold")
    if not any(counts[k] for k in ("finding", "complication", "absent")):
        _empty(ax, "findings at a vertebral level")
        return fig
    bottom = [0] * len(LEVELS)
    for kind, name in (("finding", "findings"), ("complication", "complications"),
                       ("absent", "absent findings")):
        vals = [counts[kind][c] for c in LEVELS]
        face, edge, _ = KIND_STYLE[kind]
        ax.bar(LEVELS, vals, bottom=bottom, color=edge if kind != "absent" else "#D1D5DB",
               edgecolor="white", linewidth=0.5, label=name)
        bottom = [a + b for a, b in zip(bottom, vals, strict=True)]
    for x, total in enumerate(bottom):
        if total:
            ax.text(x, total, str(total), ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("findings at that level")
    ax.legend(frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=8)
    return fig


def chart_assertions(items: list[dict[str, Any]]) -> Figure:
    """Bars: findings by assertion (present / absent / possible), counts and shares."""
    fig = _figure()
    ax = fig.add_axes((0.12, 0.15, 0.8, 0.72))
    ax.set_title("Assertion mix of findings", loc="left", fontsize=13, fontweight="bold")
    counts = Counter(i["assertion"] for i in items if i["role"] == "finding")
    if not counts:
        _empty(ax, "findings")
        return fig
    names = ["Present", "Possible", "Absent"] + sorted(set(counts) - {"Present", "Possible",
                                                                       "Absent"})
    vals = [counts[n] for n in names]
    colours = ["#0F766E", "#D97706", "#9CA3AF"] + ["#6B7280"] * (len(names) - 3)
    ax.barh([n.lower() for n in names][::-1], vals[::-1], color=colours[::-1])
    total = sum(vals)
    for y, v in enumerate(vals[::-1]):
        ax.text(v, y, f" {v} ({100 * v / total:.0f}%)", va="center", fontsize=10)
    ax.set_xlabel(f"findings ({total} in all)")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, max(vals) * 1.2)
    return fig


def cooccurrence(items: list[dict[str, Any]], top: int = TOP_CONCEPTS) -> Any:
    """networkx Graph: the ``top`` concepts by number of cases, edges weighted by shared cases."""
    import networkx as nx

    per_case: dict[str, set[str]] = {}
    for i in items:
        if i["assertion"] != "Absent":
            per_case.setdefault(i["case"], set()).add(i["label"])
    freq = Counter(c for concepts in per_case.values() for c in concepts)
    keep = {c for c, _ in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:top]}
    g = nx.Graph()
    for c in sorted(keep):
        g.add_node(c, cases=freq[c])
    for concepts in per_case.values():
        for a, b in combinations(sorted(concepts & keep), 2):
            w = g.edges[a, b]["weight"] + 1 if g.has_edge(a, b) else 1
            g.add_edge(a, b, weight=w)
    return g


def chart_network(items: list[dict[str, Any]]) -> Figure:
    """The co-occurrence network on a circle, labels outside, edge width by shared cases."""
    import math

    fig = _figure()
    fig.set_size_inches(12, 9)
    ax = fig.add_axes((0.0, 0.0, 1.0, 0.93))
    fig.text(0.01, 0.97, f"Concept co-occurrence (top {TOP_CONCEPTS} concepts by cases; edge "
             "width = cases with both; the 60 strongest)", fontsize=13, fontweight="bold", va="top")
    g = cooccurrence(items)
    ax.set_axis_off()
    if not g.number_of_nodes():
        _empty(ax, "concepts")
        return fig
    nodes = sorted(g.nodes, key=lambda n: (-g.nodes[n]["cases"], n))
    pos = {n: (math.cos(2 * math.pi * k / len(nodes) + math.pi / 2),
               math.sin(2 * math.pi * k / len(nodes) + math.pi / 2)) for k, n in enumerate(nodes)}
    edges = sorted(g.edges(data=True), key=lambda e: (-e[2]["weight"], e[0], e[1]))[:MAX_EDGES]
    peak_w = max((d["weight"] for *_, d in edges), default=1)
    for a, b, d in edges[::-1]:
        share = d["weight"] / peak_w
        ax.plot([pos[a][0], pos[b][0]], [pos[a][1], pos[b][1]], color="#0F766E",
                alpha=0.15 + 0.6 * share, lw=0.5 + 6 * share, zorder=1)
    peak_n = max(g.nodes[n]["cases"] for n in nodes)
    for n in nodes:
        x, y = pos[n]
        ax.scatter([x], [y], s=60 + 600 * g.nodes[n]["cases"] / peak_n, color="#DFF3F0",
                   edgecolors="#0F766E", zorder=2)
        angle = math.degrees(math.atan2(y, x))
        flip = x < -1e-9
        ax.text(1.13 * x, 1.13 * y, f"{n} ({g.nodes[n]['cases']})", fontsize=9,
                ha="right" if flip else "left", va="center", parse_math=False,
                rotation=angle + 180 if flip else angle, rotation_mode="anchor", zorder=3)
    ax.set_xlim(-2.1, 2.1)
    ax.set_ylim(-1.7, 1.62)
    ax.set_aspect("equal")
    return fig


def _save(fig: Figure, out_dir: Path, name: str, title: str) -> Chart:
    """Save ``name``.png and .svg (atomically); the PNG bytes for the page."""
    from kg.draw_render import save_figure

    save_figure(fig, out_dir / f"{name}.svg")
    png = save_figure(fig, out_dir / f"{name}.png").read_bytes()
    return Chart(name, title, png)


# ---------------------------------------------------------------- the page


def _cell(value: Any, labels: Labels) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith(("http://", "https://")):
        return (f'<span title="{html.escape(text, quote=True)}">'
                f"{html.escape(labels.label(text))}</span>")
    return html.escape(text)


def _table(result: Any, labels: Labels) -> str:
    rows = result.records()
    head = "".join(f"<th>{html.escape(v)}</th>" for v in result.variables)
    body = "".join("<tr>" + "".join(f"<td>{_cell(r[v], labels)}</td>" for v in result.variables)
                   + "</tr>" for r in rows[:MAX_ROWS])
    more = (f'<p class="muted">… and {len(rows) - MAX_ROWS} more rows (kg query gives all)</p>'
            if len(rows) > MAX_ROWS else "")
    if not rows:
        return '<p class="muted">No answers in this graph.</p>'
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            f"</table></div>{more}")


CSS = """
body { font: 14px/1.5 "DejaVu Sans", system-ui, sans-serif; color: #111827; margin: 0;
       background: #F9FAFB; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 60px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 6px; }
.muted { color: #6B7280; font-size: 12.5px; }
section { background: #fff; border: 1px solid #E5E7EB; border-radius: 10px; padding: 12px 16px;
          margin: 14px 0; }
img { max-width: 100%; height: auto; }
.scroll { max-height: 420px; overflow: auto; }
table { border-collapse: collapse; font-size: 12.5px; width: 100%; }
th, td { border-bottom: 1px solid #E5E7EB; padding: 4px 8px; text-align: left;
         vertical-align: top; }
th { position: sticky; top: 0; background: #F3F4F6; }
.stats span { display: inline-block; margin-right: 22px; font-size: 15px; }
.stats b { font-size: 20px; }
nav a { margin-right: 12px; }
"""


def _page(title: str, stats: dict[str, int], charts: list[Chart],
          tables: list[tuple[str, str, str]]) -> str:
    esc = html.escape
    stat_html = "".join(f"<span><b>{n}</b> {esc(k)}</span>" for k, n in stats.items())
    nav = "".join(f'<a href="#{c.name}">{esc(c.title)}</a>' for c in charts)
    nav += "".join(f'<a href="#{esc(name)}">{esc(name)}</a>' for name, _, _ in tables)
    chart_html = "".join(
        f'<section id="{c.name}"><h2>{esc(c.title)}</h2><img alt="{esc(c.title)}" '
        f'src="data:image/png;base64,{base64.b64encode(c.png).decode()}">'
        f'<p class="muted">Also as {c.name}.png and {c.name}.svg beside this page.</p></section>'
        for c in charts)
    table_html = "".join(
        f'<section id="{esc(name)}"><h2>{esc(name)}: {esc(desc)}</h2>{body}</section>'
        for name, desc, body in tables)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
            f"<h1>{esc(title)}</h1><p class=\"stats\">{stat_html}</p><nav>{nav}</nav>"
            f"<h2>Charts</h2>{chart_html}<h2>Competency questions</h2>{table_html}"
            f"</main></body></html>\n")


def write_report(graph: Any, out_dir: Path, title: str = "CaseKG corpus report") -> Path:
    """Write ``out_dir/index.html`` and the charts (PNG + SVG) for ``graph``; the page's path."""
    from kg.rdfio import atomic_write, make_folder
    from kg.sparql import named_queries, run_query
    from kg.spine import open_store

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} is a file: give a directory for the report")
    make_folder(out_dir)  # before the work: a folder that cannot be made fails at once
    store = open_store(graph)
    labels = Labels(store)
    items = _items(store, labels)
    cases = {i["case"] for i in items}
    if not items:
        log.warning("the graph has no findings or procedures: the report will be empty")
    charts = [
        _save(chart_complications(items), out_dir, "complications-by-procedure",
              "Complications by procedure"),
        _save(chart_levels(store), out_dir, "findings-by-level", "Findings by vertebral level"),
        _save(chart_assertions(items), out_dir, "assertion-mix", "Assertion mix"),
        _save(chart_network(items), out_dir, "cooccurrence", "Concept co-occurrence"),
    ]
    tables = [(q.name, q.description, _table(run_query(q.name, store), labels))
              for q in named_queries()]
    stats = {
        "cases": len(cases),
        "findings": sum(i["role"] == "finding" for i in items),
        "procedures": sum(i["role"] == "procedure" for i in items),
        "complications": sum(bool(i["cause"]) for i in items),
        "ruled out": sum(i["assertion"] == "Absent" for i in items),
    }
    page = out_dir / "index.html"
    atomic_write(page, _page(title, stats, charts, tables))
    log.info("wrote the report of %d cases to %s", len(cases), page)
    return page
