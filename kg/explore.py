"""The offline explorer: one self-contained HTML file to search cases and read them as graphs.

``write_explorer(graph, out_html)`` reads every case with :mod:`kg.draw_model`
(the same reading the case picture uses), lays each case out as a small
node-link story (findings before, each procedure, findings after; sites in a
column on the right), cuts the case text into plain and highlighted segments at
the evidence mentions' ``oa:start``/``oa:end``, and writes it all as JSON into a
``<script type="application/json">`` element of ``kg/assets/explorer.html``, with
the page's CSS and JavaScript (plain DOM + SVG, written for this project, no
library) inlined.  The file needs no network.

The JSON is made safe for the page by escaping ``<``, ``>``, ``&`` and the two
JavaScript line separators as ``\\uXXXX``, so ``</script>`` in a case text stays text.
Segments are cut in Python, so offsets (code points) never meet JavaScript's UTF-16.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.namespaces import KG, OA, RDF

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parent / "assets"
BOX_W, BOX_H, ROW, COLS, COL_W = 158.0, 24.0, 30.0, 3, 166.0
SITE_X, SITE_W, CAPTION_H, PAD = 10.0 + COLS * COL_W + 40.0, 190.0, 18.0, 10.0
SHORT = 24  # characters of a label shown inside a box


@dataclass(frozen=True)
class Mention:
    """One evidence span: its IRI, text and offsets into the case text."""

    iri: str
    exact: str
    start: int
    end: int
    section: str | None


# ---------------------------------------------------------------- reading


def _short(label: str) -> str:
    return label if len(label) <= SHORT else label[:SHORT - 1].rstrip() + "…"


def _mentions(g: Any, iri: str) -> list[Mention]:
    import rdflib

    out = []
    for m in sorted(g.objects(rdflib.URIRef(iri), rdflib.URIRef(KG + "evidence")), key=str):
        exact = g.value(m, rdflib.URIRef(OA + "exact"))
        start = g.value(m, rdflib.URIRef(OA + "start"))
        end = g.value(m, rdflib.URIRef(OA + "end"))
        if exact is None or start is None or end is None:
            continue
        try:  # a graph from elsewhere may hold any literal here
            span = int(start), int(end)
        except (ValueError, TypeError, OverflowError):
            log.warning("%s: offsets %r..%r are not integers; not highlighted", m, start, end)
            continue
        section = g.value(m, rdflib.URIRef(KG + "section"))
        out.append(Mention(str(m), str(exact), *span,
                           str(section) if section is not None else None))
    return out


def _class_of(g: Any, iri: str) -> str | None:
    """The node's most specific kg: class as ``kg:Name`` (what the picture labels it by)."""
    import rdflib

    from kg.draw_model import GENERIC_TYPES

    types = sorted(str(t) for t in g.objects(rdflib.URIRef(iri), rdflib.URIRef(RDF + "type"))
                   if str(t) not in GENERIC_TYPES)
    kg_types = [t for t in types if t.startswith(KG)]
    chosen = (kg_types or types or [None])[0]
    return ("kg:" + chosen[len(KG):]) if chosen and chosen.startswith(KG) else chosen


def _node_record(g: Any, node: Any) -> dict[str, Any]:
    kind = "absent" if node.assertion == "Absent" and node.kind in ("finding", "complication") \
        else node.kind
    return {"id": node.iri, "kind": kind, "label": node.label, "short": _short(node.label),
            "cls": _class_of(g, node.iri),
            "assertion": node.assertion.lower() if node.kind not in ("procedure", "step")
            else None,
            "laterality": (node.laterality or "").lower() or None,
            "severity": (node.severity or "").lower() or None,
            "sites": list(node.sites), "modalities": list(node.modalities),
            "sequence": node.sequence, "note": node.note, "mentions": []}


# ---------------------------------------------------------------- layout


def _layout(view: Any, records: dict[str, dict[str, Any]],
            sites: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], float, float]:
    """Place nodes in rows (findings by time band, each procedure with its steps); sites right.

    Returns (captions, width, height); positions are written into the records.
    """
    captions: list[dict[str, Any]] = []
    y = PAD
    bands: dict[int, list[Any]] = {}
    for f in view.findings:
        bands.setdefault(f.band, []).append(f)

    def grid(nodes: list[Any], caption: str) -> None:
        nonlocal y
        if not nodes:
            return
        captions.append({"x": PAD, "y": y + 12, "text": caption})
        y += CAPTION_H
        for i, n in enumerate(nodes):
            rec = records[n.iri]
            rec.update(x=PAD + (i % COLS) * COL_W, y=y + (i // COLS) * ROW, w=BOX_W, h=BOX_H)
        y += ((len(nodes) + COLS - 1) // COLS) * ROW + 6

    first = view.procedures[0].label if view.procedures else None
    grid(bands.get(0, []), f"before {first}" if first else "findings")
    for k, proc in enumerate(view.procedures, start=1):
        grid([proc, *view.steps.get(proc.iri, ())], f"procedure {k}")
        grid(bands.get(k, []), f"after {proc.label}")
    height = y
    if sites:
        captions.append({"x": SITE_X, "y": PAD + 12, "text": "sites"})
    for i, site in enumerate(sites):
        site.update(x=SITE_X, y=PAD + CAPTION_H + i * ROW, w=SITE_W, h=BOX_H)
        height = max(height, site["y"] + ROW)
    width = SITE_X + SITE_W + PAD if sites else PAD + COLS * COL_W
    return captions, width, height + PAD


# ---------------------------------------------------------------- text


def segments(text: str, mentions: list[Mention]) -> list[tuple[str, list[int]]]:
    """Cut ``text`` at every mention boundary: (piece, indexes of the mentions covering it)."""
    cuts = {0, len(text)}
    good = [i for i, m in enumerate(mentions) if 0 <= m.start < m.end <= len(text)]
    for i in good:
        cuts.update((mentions[i].start, mentions[i].end))
    points = sorted(cuts)
    out: list[tuple[str, list[int]]] = []
    for a, b in zip(points, points[1:], strict=False):
        cover = [i for i in good if mentions[i].start <= a and b <= mentions[i].end]
        if out and not cover and not out[-1][1]:
            out[-1] = (out[-1][0] + text[a:b], [])
        else:
            out.append((text[a:b], cover))
    return [s for s in out if s[0]]


def case_record(g: Any, case_id: str, ontology: Any) -> dict[str, Any]:
    """Everything the explorer shows of one case, as plain JSON-ready data."""
    import rdflib

    from kg.draw_model import Labeller, read_case_view

    view = read_case_view(g, case_id, ontology)
    lab = Labeller(g, ontology)
    nodes = [*view.procedures, *(s for p in view.procedures for s in view.steps.get(p.iri, ())),
             *view.findings]
    records = {n.iri: _node_record(g, n) for n in nodes}
    edges = [{"s": e.source, "t": e.target, "rel": e.relation} for e in view.edges
             if e.source in records and e.target in records]
    site_iris: dict[str, None] = {}
    for n in nodes:
        for s in sorted(g.objects(rdflib.URIRef(n.iri), rdflib.URIRef(KG + "site")), key=str):
            site_iris.setdefault(str(s))
            edges.append({"s": n.iri, "t": str(s), "rel": "site"})
    sites = [{"id": s, "kind": "anatomy", "label": lab.label(s), "short": _short(lab.label(s)),
              "cls": "kg:" + s[len(KG):] if s.startswith(KG) else s, "mentions": []}
             for s in site_iris]
    captions, width, height = _layout(view, records, sites)
    mentions: list[Mention] = []
    owners: list[list[str]] = []
    index: dict[str, int] = {}
    for n in nodes:
        for m in _mentions(g, n.iri):
            if m.iri not in index:
                index[m.iri] = len(mentions)
                mentions.append(m)
                owners.append([])
            owners[index[m.iri]].append(n.iri)
            records[n.iri]["mentions"].append(index[m.iri])
    text = str(g.value(rdflib.URIRef(view.iri), rdflib.URIRef(KG + "text")) or "")
    bad = [m for m in mentions if text[m.start:m.end] != m.exact]
    if bad:
        log.warning("case %s: %d mentions whose offsets do not match their text", case_id,
                    len(bad))
    all_nodes = [*records.values(), *sites]
    search = " ".join([view.case_id, view.title or "", *(n["label"] for n in all_nodes)])
    return {
        "id": view.case_id, "title": view.title, "age": view.age,
        "sex": (view.sex or "").lower() or None, "q": search.lower(),
        "nodes": all_nodes, "edges": edges, "captions": captions,
        "width": width, "height": height,
        "mentions": [{"id": m.iri, "exact": m.exact, "section": m.section, "nodes": o}
                     for m, o in zip(mentions, owners, strict=True)],
        "segments": [[s, c] for s, c in segments(text, mentions)],
    }


# ---------------------------------------------------------------- the page


def script_json(data: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: no ``<``, ``>``, ``&``, U+2028/9."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def explorer_data(graph: Any) -> dict[str, Any]:
    """The explorer's data for every case of ``graph`` (a path or an rdflib Graph)."""
    from kg.draw_layout import EDGE_COLOUR, KIND_STYLE
    from kg.draw_model import _Reader, as_graph, case_ids, load_ontology_graph

    g = as_graph(graph)
    ontology = load_ontology_graph(None)
    ids = sorted(case_ids(_Reader(g)))
    if not ids:
        raise InputError("the graph holds no kg:Case: nothing to explore")
    return {"cases": [case_record(g, cid, ontology) for cid in ids],
            "style": {k: list(v) for k, v in KIND_STYLE.items()},
            "edgeColour": dict(EDGE_COLOUR)}


def render_explorer(data: dict[str, Any], title: str = "CaseKG explorer") -> str:
    """The page: template with CSS, JS and the data put in (one pass, so data is never re-read)."""
    parts = {
        "TITLE": html.escape(title),
        "CSS": (ASSETS / "explorer.css").read_text(encoding="utf-8"),
        "JS": (ASSETS / "explorer.js").read_text(encoding="utf-8"),
        "DATA": script_json(data),
    }
    template = (ASSETS / "explorer.html").read_text(encoding="utf-8")
    return re.sub(r"\{\{(TITLE|CSS|JS|DATA)\}\}", lambda m: parts[m.group(1)], template)


def write_explorer(graph: Any, out_html: Path, title: str = "CaseKG explorer") -> Path:
    """Write the self-contained explorer of ``graph`` to ``out_html`` (atomically)."""
    from kg.rdfio import atomic_write

    out_html = Path(out_html)
    if out_html.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"cannot write the explorer to {out_html.name}: use a .html file name")
    data = explorer_data(graph)
    atomic_write(out_html, render_explorer(data, title))
    log.info("wrote the explorer of %d cases to %s", len(data["cases"]), out_html)
    return out_html
