"""The spine map: a drawn vertebral column, C1 to the coccyx, coloured by what happened where.

``draw_spine(graph, out, case_id)`` draws one case: each vertebra (and disc) is
filled in the colour of the most telling kind of item the graph puts there
(complication > procedure > finding > ruled-out finding), with the items listed
beside it.  ``draw_spine(graph, out)`` draws the corpus: the same column with a
heat map of counts per level and kind (findings, complications, procedures,
absent findings) to its right.

An item's levels are ``?item kg:site/kg:partOf*/kg:levelCode ?code`` over the
graph plus the shipped ontology (``kg/assets/spine-items.rq``); an item whose
site has no level but lies in a spine region (the lumbar spine …) is listed
against that region.  A site with two neighbouring codes (a disc, a facet joint)
is drawn on the disc between them.  Procedure steps (``kg:stepOf``) are left out:
their procedure stands for them.

The picture is 1600×1000 px at the default size; matplotlib loads lazily.
"""

from __future__ import annotations

import logging
import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.namespaces import KG

if TYPE_CHECKING:
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

QUERY_FILE = Path(__file__).resolve().parent / "assets" / "spine-items.rq"

# The levels drawn, top to bottom, with (relative height, relative width) of each body.
_SIZES = {
    "C1": (0.6, 2.3), "C2": (0.95, 2.3), "C3": (0.75, 2.3), "C4": (0.75, 2.4), "C5": (0.75, 2.5),
    "C6": (0.75, 2.6), "C7": (0.8, 2.7), **{f"T{i}": (0.82 + 0.02 * i, 2.8 + 0.08 * i)
                                             for i in range(1, 13)},
    "L1": (1.15, 3.9), "L2": (1.2, 4.0), "L3": (1.25, 4.1), "L4": (1.25, 4.2), "L5": (1.2, 4.3),
    "S1": (0.95, 4.2), "S2": (0.8, 3.5), "S3": (0.65, 2.8), "S4": (0.5, 2.1), "S5": (0.42, 1.6),
    "Co": (0.55, 1.1),
}
LEVELS: tuple[str, ...] = tuple(_SIZES)
REGIONS: tuple[tuple[str, str, str, str], ...] = (  # (name, first, last, region class)
    ("cervical", "C1", "C7", KG + "CervicalSpine"),
    ("thoracic", "T1", "T12", KG + "ThoracicSpine"),
    ("lumbar", "L1", "L5", KG + "LumbarSpine"),
    ("sacral", "S1", "S5", KG + "Sacrum"),
    ("coccyx", "Co", "Co", KG + "Coccyx"),
)
REGION_LABEL = {iri: f"{name} spine" if name in ("cervical", "thoracic", "lumbar") else
                ("sacrum" if name == "sacral" else name) for name, _, _, iri in REGIONS}

KINDS: tuple[str, ...] = ("finding", "complication", "procedure", "absent")  # heat-map columns
KIND_TITLE = {"finding": "findings", "complication": "complications",
              "procedure": "procedures", "absent": "absent findings"}
PRIORITY = ("complication", "procedure", "finding", "absent")  # which kind colours a level
BONE = ("#F4EFE4", "#A8987A")  # face, edge of a vertebra nothing happened at
DISC = ("#DCE5EC", "#9AAAB8")
LATERALITY_SHORT = {"Left": "L", "Right": "R", "Bilateral": "bilat."}
WIDTH_PX, HEIGHT_PX = 1600.0, 1000.0


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class SpineItem:
    """One finding or procedure of a case, with where on the spine the graph puts it."""

    case_id: str
    iri: str
    kind: str  # finding | complication | procedure | absent
    levels: tuple[str, ...] = ()  # level codes in spine order ("L4", "L5")
    discs: tuple[str, ...] = ()  # "L4-L5": sites spanning two neighbouring levels
    regions: tuple[str, ...] = ()  # region IRIs, for items with no level


@dataclass
class _Acc:
    case_id: str
    role: str
    assertion: str | None
    complication: bool
    site_codes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    regions: set[str] = field(default_factory=set)


def level_key(code: str) -> int:
    """Position of a level code from the top (C1 = 0 … Co = 29); unknown codes last."""
    return LEVELS.index(code) if code in LEVELS else len(LEVELS)


def open_store(graph: Any) -> Any:
    """A pyoxigraph Store holding ``graph`` (a path or an rdflib Graph) and the ontology."""
    import pyoxigraph as ox

    from kg.sparql import load_store

    if isinstance(graph, ox.Store):
        return graph
    if isinstance(graph, str | Path):
        path = Path(graph)
        if not path.is_file():
            raise InputError(f"graph file not found: {path}")
        return load_store([path])
    from kg.rdfio import to_ntriples

    store = load_store([])
    store.load(to_ntriples(list(graph)), format=ox.RdfFormat.N_TRIPLES)
    return store


def _kind(acc: _Acc) -> str:
    if acc.role == "procedure":
        return "procedure"
    if acc.assertion == KG + "Absent":
        return "absent"
    return "complication" if acc.complication else "finding"


def _place(acc: _Acc) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(levels, discs) of an item from its sites' codes."""
    levels: set[str] = set()
    discs: set[str] = set()
    for codes in acc.site_codes.values():
        known = sorted((c for c in codes if c in LEVELS), key=level_key)
        if len(known) == 2 and level_key(known[1]) - level_key(known[0]) == 1:
            discs.add(f"{known[0]}-{known[1]}")
        else:
            levels.update(known)
        if set(codes) - set(LEVELS):
            log.debug("level codes not drawn on the column: %s", sorted(set(codes) - set(LEVELS)))
    return (tuple(sorted(levels, key=level_key)),
            tuple(sorted(discs, key=lambda d: level_key(d.split("-")[0]))))


def spine_items(graph: Any, case_id: str | None = None) -> list[SpineItem]:
    """Every sited finding/procedure (of one case, or all) with its levels, discs or regions."""
    from kg.sparql import run_query

    result = run_query(str(QUERY_FILE), open_store(graph))
    accs: dict[str, _Acc] = {}
    for rec in result.records():
        if case_id is not None and rec["caseId"] != case_id:
            continue
        acc = accs.get(rec["item"])
        if acc is None:
            acc = accs[rec["item"]] = _Acc(rec["caseId"], rec["role"], rec["assertion"],
                                           bool(rec["complication"]))
        acc.site_codes[rec["site"]]  # noqa: B018 - a site with no code still counts as a site
        if rec["code"]:
            acc.site_codes[rec["site"]].add(rec["code"])
        if rec["region"]:
            acc.regions.add(rec["region"])
    items = []
    for iri in sorted(accs):
        acc = accs[iri]
        levels, discs = _place(acc)
        regions = () if levels or discs else tuple(sorted(acc.regions))
        items.append(SpineItem(acc.case_id, iri, _kind(acc), levels, discs, regions))
    return items


# ---------------------------------------------------------------- geometry


@dataclass(frozen=True)
class Body:
    """A drawn vertebral body (or a disc between two): centre, size, in pixels."""

    code: str
    cx: float
    cy: float
    w: float
    h: float

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return (self.cx - self.w / 2, self.cy - self.h / 2, self.cx + self.w / 2,
                self.cy + self.h / 2)


def _gap(upper: str, lower: str) -> float:
    """Relative height of the disc (or joint) between two neighbouring levels."""
    if upper[0] == "S" and lower[0] == "S":
        return 0.04  # fused: a line, not a disc
    if lower == "Co":
        return 0.18
    return {"C": 0.26, "T": 0.3, "L": 0.42}.get(upper[0], 0.3)


def column_geometry(top: float, bottom: float, cx: float,
                    unit_w: float = 26.0) -> tuple[dict[str, Body], dict[str, Body]]:
    """Bodies and discs of the whole column fitted between ``top`` and ``bottom`` (px)."""
    gaps = [_gap(a, b) for a, b in zip(LEVELS, LEVELS[1:], strict=False)]
    total = sum(h for h, _ in _SIZES.values()) + sum(gaps)
    unit = (top - bottom) / total
    bodies: dict[str, Body] = {}
    discs: dict[str, Body] = {}
    y = top
    for i, code in enumerate(LEVELS):
        h, w = _SIZES[code]
        bodies[code] = Body(code, cx, y - h * unit / 2, w * unit_w, h * unit)
        y -= h * unit
        if i < len(gaps):
            g = gaps[i] * unit
            nxt = LEVELS[i + 1]
            if g > 0.1 * unit:
                dw = min(w, _SIZES[nxt][1]) * unit_w * 0.92
                discs[f"{code}-{nxt}"] = Body(f"{code}-{nxt}", cx, y - g / 2, dw, g * 0.72)
            y -= g
    return bodies, discs


# ---------------------------------------------------------------- one case


@dataclass(frozen=True)
class Entry:
    """What one level (or disc, or region) lists: kind -> item descriptions."""

    key: str  # "L5", "L4-L5" or a region IRI
    header: str
    lines: tuple[tuple[str, str], ...]  # (kind, "kyphoplasty; hemilaminectomy")
    kinds: frozenset[str]
    sides: frozenset[str]  # "Left"/"Right"/"Bilateral" of lateralised items at this level


def _describe(nodes: list[Any]) -> str:
    """``2× pedicle cement leakage (R, L); intrathecal cement leakage (L, moderate)``."""
    groups: dict[str, list[Any]] = {}
    for node in nodes:
        groups.setdefault(node.label, []).append(node)
    parts = []
    for label, same in groups.items():
        quals: list[str] = []
        for node in same:
            q = [LATERALITY_SHORT.get(node.laterality or "", "")] + [
                (node.severity or "").lower()]
            q = [x for x in q if x]
            if q:
                quals.append(", ".join(q))
        count = f"{len(same)}× " if len(same) > 1 else ""
        quals = list(dict.fromkeys(quals))
        detail = f" ({'; '.join(quals) if len(same) == 1 else ', '.join(quals)})" if quals else ""
        parts.append(f"{count}{label}{detail}")
    return "; ".join(parts)


def case_entries(items: list[SpineItem], view: Any) -> list[Entry]:
    """Group the case's items by level, disc and region, described with the view's labels."""
    nodes = {n.iri: n for n in (*view.procedures, *view.findings)}
    where: dict[str, list[SpineItem]] = defaultdict(list)
    for item in items:
        if item.iri not in nodes:
            continue
        for key in (*item.levels, *item.discs, *item.regions):
            where[key].append(item)
    entries = []
    for key, its in where.items():
        lines = []
        for kind in PRIORITY:
            chosen = [nodes[i.iri] for i in its if i.kind == kind]
            if chosen:
                lines.append((kind, _describe(sorted(chosen, key=lambda n: n.order))))
        sides = frozenset(nodes[i.iri].laterality for i in its
                          if nodes[i.iri].laterality and i.kind != "procedure")
        header = REGION_LABEL.get(key, key)
        entries.append(Entry(key, header, tuple(lines), frozenset(i.kind for i in its), sides))
    return sorted(entries, key=_entry_order)


def _entry_order(e: Entry) -> tuple[float, str]:
    if e.key in LEVELS:
        return (level_key(e.key), e.key)
    if "-" in e.key:
        return (level_key(e.key.split("-")[0]) + 0.5, e.key)
    first = next((f for _, f, _, iri in REGIONS if iri == e.key), "Co")
    return (level_key(first) - 0.25, e.key)


# ---------------------------------------------------------------- drawing


def _figure(dpi: float) -> Figure:
    from kg.draw_render import _figure as blank

    return blank((WIDTH_PX / dpi, HEIGHT_PX / dpi), dpi)


def _text(ax: Any, x: float, y: float, s: str, size: float, **kw: Any) -> Any:
    from kg.draw_render import FONT

    kw.setdefault("color", "#111827")
    return ax.text(x, y, s, fontsize=size, family=FONT, parse_math=False, **kw)


def _paint_column(ax: Any, bodies: dict[str, Body], discs: dict[str, Body],
                  fills: dict[str, tuple[str, str, bool]]) -> None:
    """Vertebral bodies, discs and pedicle ovals; ``fills`` maps a code to (face, edge, dashed)."""
    from matplotlib.patches import Ellipse, FancyBboxPatch

    for code, b in (*bodies.items(), *discs.items()):
        is_disc = "-" in code
        face, edge, dashed = fills.get(code, (*(DISC if is_disc else BONE), False))
        x0, y0, x1, y1 = b.rect
        rounding = min(b.h, b.w) * (0.45 if is_disc else 0.28)
        patch = FancyBboxPatch((x0, y0), x1 - x0, y1 - y0,
                               boxstyle=f"round,pad=0,rounding_size={rounding:.1f}",
                               fc=face, ec=edge, lw=1.6 if code in fills else 0.9,
                               linestyle=(0, (3, 2)) if dashed else "solid", zorder=2)
        patch.set_gid(f"{'disc' if is_disc else 'level'}:{code}")
        ax.add_patch(patch)
        if not is_disc and code[0] in "CTL" and code not in ("C1", "C2", "Co"):
            for side in (-1, 1):  # pedicles, as on a frontal radiograph
                ax.add_patch(Ellipse((b.cx + side * b.w * 0.3, b.cy + b.h * 0.12), b.w * 0.13,
                                     b.h * 0.42, fc="none", ec=BONE[1], lw=0.6, zorder=3))


def _paint_regions(ax: Any, bodies: dict[str, Body], x: float) -> None:
    """Brackets with the region names to the left of the column."""
    for name, first, last, _ in REGIONS:
        top, bottom = bodies[first].rect[3], bodies[last].rect[1]
        ax.plot([x + 6, x, x, x + 6], [top, top, bottom, bottom], color="#6B7280", lw=0.9)
        _text(ax, x - 6, (top + bottom) / 2, name, 9.5, ha="right", va="center",
              color="#374151", rotation=90 if top - bottom > 60 else 0)


def _paint_codes(ax: Any, bodies: dict[str, Body], x: float) -> None:
    for code, b in bodies.items():
        _text(ax, x, b.cy, code, 7.5, ha="right", va="center", color="#4B5563")


def _wrap_lines(entry: Entry, chars: int) -> list[tuple[str, str, bool]]:
    """The entry as (text, colour, bold) lines, wrapped at ``chars`` characters."""
    from kg.draw_layout import KIND_STYLE

    out = [(entry.header, "#111827", True)]
    for kind, text in entry.lines:
        prefix = {"absent": "ruled out: "}.get(kind, "")
        for i, part in enumerate(textwrap.wrap(prefix + text, chars, break_on_hyphens=False)):
            out.append(("   " * (i > 0) + part, KIND_STYLE[kind][2], False))
    return out


def _stack(anchors: list[float], heights: list[float], top: float, bottom: float,
           gap: float) -> list[float]:
    """Top y of each block: near its anchor, in order, none overlapping, inside the page."""
    tops: list[float] = []
    for a, h in zip(anchors, heights, strict=True):
        t = a + h / 2
        if tops:
            t = min(t, tops[-1] - heights[len(tops) - 1] - gap)
        tops.append(min(t, top))
    floor = bottom
    for i in range(len(tops) - 1, -1, -1):  # push up whatever fell off the bottom
        if tops[i] - heights[i] < floor:
            tops[i] = floor + heights[i]
        floor = tops[i] + gap
    return tops


def _anchor(entry: Entry, bodies: dict[str, Body], discs: dict[str, Body]) -> tuple[float, float]:
    """(x, y) of the point of the column an entry's leader starts from."""
    if entry.key in bodies:
        b = bodies[entry.key]
    elif entry.key in discs:
        b = discs[entry.key]
    else:
        first, last = next((f, la) for _, f, la, iri in REGIONS if iri == entry.key)
        top, bottom = bodies[first].rect[3], bodies[last].rect[1]
        return _region_x(bodies, first, last), (top + bottom) / 2
    return b.cx + b.w / 2, b.cy


def _region_x(bodies: dict[str, Body], first: str, last: str) -> float:
    """x of the bracket drawn right of a region for the items sited on the region only."""
    codes = LEVELS[level_key(first):level_key(last) + 1]
    return max(bodies[c].rect[2] for c in codes) + 12


def _paint_region_brackets(ax: Any, entries: list[Entry], bodies: dict[str, Body]) -> None:
    for e in entries:
        region = next(((f, la) for _, f, la, iri in REGIONS if iri == e.key), None)
        if region is None:
            continue
        x = _region_x(bodies, *region)
        top, bottom = bodies[region[0]].rect[3], bodies[region[1]].rect[1]
        ax.plot([x - 5, x, x, x - 5], [top, top, bottom, bottom], color=_entry_colour(e)[1],
                lw=1.1, zorder=3)


def _paint_entries(ax: Any, entries: list[Entry], bodies: dict[str, Body],
                   discs: dict[str, Body], x: float, top: float, bottom: float) -> None:
    """The lists beside the column, with leader lines; shrinks the font until they fit."""
    for size in (10.0, 9.0, 8.0, 7.0, 6.5):
        line_h = size * 1.55
        chars = int((WIDTH_PX - x - 24) / (size * 0.56))
        blocks = [_wrap_lines(e, chars) for e in entries]
        heights = [len(b) * line_h for b in blocks]
        if sum(heights) + 6 * len(blocks) <= top - bottom:
            break
    anchors = [_anchor(e, bodies, discs) for e in entries]
    tops = _stack([a[1] for a in anchors], heights, top, bottom, 6)
    elbow = x - 40
    for entry, block, (ax0, ay), t in zip(entries, blocks, anchors, tops, strict=True):
        ty = t - line_h / 2
        colour = _entry_colour(entry)[1]
        ax.plot([ax0 + 2, elbow, x - 6], [ay, ay, ty], color=colour,
                lw=0.9, zorder=1)
        ax.plot([ax0 + 2], [ay], marker="o", ms=3, color=colour, zorder=4)
        for i, (s, colour_t, bold) in enumerate(block):
            _text(ax, x, t - i * line_h, s, size, va="top", color=colour_t,
                  fontweight="bold" if bold else "normal").set_gid(f"entry:{entry.key}")


def _entry_colour(entry: Entry) -> tuple[str, str, bool]:
    from kg.draw_layout import KIND_STYLE

    kind = next(k for k in PRIORITY if k in entry.kinds)
    face, edge, _ = KIND_STYLE[kind]
    return face, edge, kind == "absent"


def _paint_sides(ax: Any, entries: list[Entry], bodies: dict[str, Body]) -> None:
    """Fill the pedicle ovals on the side a lateralised item is on (patient's right = left)."""
    from matplotlib.patches import Ellipse

    for e in entries:
        b = bodies.get(e.key)
        if b is None or e.key in ("C1", "C2") or e.key[0] == "S" or e.key == "Co":
            continue
        colour = _entry_colour(e)[1]
        for side, sign in (("Right", -1), ("Left", 1)):
            if side in e.sides or "Bilateral" in e.sides:
                ax.add_patch(Ellipse((b.cx + sign * b.w * 0.3, b.cy + b.h * 0.12), b.w * 0.13,
                                     b.h * 0.42, fc=colour, ec=colour, lw=0.6, zorder=4))


def _legend(ax: Any, x: float, y: float, kinds: tuple[str, ...]) -> None:
    from matplotlib.patches import FancyBboxPatch

    from kg.draw_layout import KIND_STYLE

    names = {"complication": "complication", "procedure": "procedure",
             "finding": "finding", "absent": "ruled out (absent)"}
    for kind in kinds:
        face, edge, _ = KIND_STYLE[kind]
        ax.add_patch(FancyBboxPatch((x, y - 5), 16, 10, boxstyle="round,pad=0,rounding_size=3",
                                    fc=face, ec=edge, lw=1.3,
                                    linestyle=(0, (3, 2)) if kind == "absent" else "solid"))
        t = _text(ax, x + 22, y, names[kind], 9, va="center", color="#374151")
        x += 22 + t.get_window_extent(ax.figure.canvas.get_renderer()).width + 18


def render_case_spine(graph: Any, case_id: str, *, dpi: float = 100) -> Figure:
    """The spine map of one case as a (not saved) Figure."""
    from kg.draw_model import as_graph, load_ontology_graph, read_case_view

    g = as_graph(graph)
    view = read_case_view(g, case_id, load_ontology_graph(None))
    entries = case_entries(spine_items(graph, view.case_id), view)
    fig = _figure(dpi)
    ax = fig.axes[0]
    bodies, discs = column_geometry(905, 30, 330)
    fills = {e.key: _entry_colour(e) for e in entries if e.key in bodies or e.key in discs}
    _paint_column(ax, bodies, discs, fills)
    _paint_sides(ax, entries, bodies)
    _paint_region_brackets(ax, entries, bodies)
    _paint_regions(ax, bodies, 200)
    _paint_codes(ax, bodies, min(b.rect[0] for b in bodies.values()) - 8)
    for side, sx in (("R", -1), ("L", 1)):
        _text(ax, 330 + sx * 62, 918, side, 9, ha="center", va="bottom", color="#6B7280",
              fontweight="bold")
    who = ", ".join(p for p in (f"{view.age} y" if view.age is not None else "",
                                (view.sex or "").lower()) if p)
    _text(ax, 24, 985, f"Spine map — {view.case_id}" + (f" ({who})" if who else ""), 15,
          va="top", fontweight="bold")
    sub = view.title or ""
    if not entries:
        sub = (sub + " — " if sub else "") + "no finding or procedure with a spinal site"
    _text(ax, 24, 958, sub, 10, va="top", color="#4B5563")
    _legend(ax, 700, 965, PRIORITY)
    _text(ax, 1576, 965, "front view: patient's right on the left", 8, ha="right",
          va="center", color="#6B7280", fontstyle="italic")
    _paint_entries(ax, entries, bodies, discs, 560, 930, 16)
    return fig


# ---------------------------------------------------------------- the corpus


def level_counts(items: list[SpineItem]) -> dict[str, Counter[str]]:
    """kind -> Counter(level code -> items there); a disc item counts at both its levels."""
    counts: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    for item in items:
        codes = set(item.levels) | {c for d in item.discs for c in d.split("-")}
        counts[item.kind].update(codes)
    return counts


def _cell_colours(kind: str) -> Any:
    from matplotlib.colors import LinearSegmentedColormap

    from kg.draw_layout import KIND_STYLE

    return LinearSegmentedColormap.from_list(kind, ["#FFFFFF", KIND_STYLE[kind][1]])


def render_corpus_spine(graph: Any, *, dpi: float = 100) -> Figure:
    """The corpus heat map: counts per level (rows) and kind (columns) beside the column."""
    from matplotlib.patches import Rectangle

    items = spine_items(graph)
    counts = level_counts(items)
    levelled = [i for i in items if i.levels or i.discs]
    cases = len({i.case_id for i in levelled})
    fig = _figure(dpi)
    ax = fig.axes[0]
    bodies, discs = column_geometry(880, 30, 330)
    _paint_column(ax, bodies, discs, {})
    _paint_regions(ax, bodies, 200)
    _paint_codes(ax, bodies, min(b.rect[0] for b in bodies.values()) - 8)
    _text(ax, 24, 985, "Spine map — corpus: items per vertebral level", 15, va="top",
          fontweight="bold")
    _text(ax, 24, 958, f"{len(levelled)} findings and procedures at a vertebral level, in "
          f"{cases} cases; a disc counts at both its levels; shade is relative to the "
          "column's largest count", 10, va="top", color="#4B5563")
    x0, cw = 520.0, 190.0
    for j, kind in enumerate(KINDS):
        cmap, peak = _cell_colours(kind), max(counts[kind].values(), default=0)
        cx = x0 + j * (cw + 12)
        _text(ax, cx + cw / 2, 900, f"{KIND_TITLE[kind]} ({sum(counts[kind].values())})", 10.5,
              ha="center", va="bottom", fontweight="bold")
        for code, b in bodies.items():
            n = counts[kind][code]
            shade = n / peak if peak else 0.0
            ax.add_patch(Rectangle((cx, b.rect[1]), cw, b.h, fc=cmap(0.08 + 0.92 * shade)
                                   if n else "#FAFAFA", ec="#E5E7EB", lw=0.6))
            if n:
                dark = shade > 0.55 and kind != "absent"
                _text(ax, cx + cw / 2, b.cy, str(n), 8.5, ha="center", va="center",
                      color="white" if dark else "#111827").set_gid(f"cell:{code}:{kind}")
        for b in bodies.values():
            ax.plot([b.rect[2] + 4, x0 - 6], [b.cy, b.cy], color="#E5E7EB", lw=0.5, zorder=0)
    _corpus_notes(ax, items, 1350, 880)
    return fig


def _corpus_notes(ax: Any, items: list[SpineItem], x: float, y: float) -> None:
    """Region-only items and the busiest levels, as a small text panel."""
    regions = Counter(r for i in items for r in i.regions)
    total = Counter(c for i in items for c in (*i.levels, *(x for d in i.discs
                                                            for x in d.split("-"))))
    lines = [("busiest levels", True)] + [(f"{c}: {n}", False) for c, n in total.most_common(6)]
    if regions:
        lines += [("", False), ("sited by region only", True)]
        lines += [(f"{REGION_LABEL[r]}: {n}", False)
                  for r, n in sorted(regions.items(), key=lambda kv: (-kv[1], kv[0]))]
    discs = sum(len(i.discs) > 0 for i in items)
    if discs:
        lines += [("", False), (f"{discs} at a disc or joint", False)]
    for i, (s, bold) in enumerate(lines):
        if s:
            _text(ax, x, y - i * 17, s, 9, va="top", color="#374151",
                  fontweight="bold" if bold else "normal", ha="left")


# ---------------------------------------------------------------- saving


def render_spine(graph: Any, case_id: str | None = None, *, dpi: float = 100) -> Figure:
    """The spine map of ``case_id``, or the corpus heat map when it is None (not saved)."""
    if case_id is None:
        return render_corpus_spine(graph, dpi=dpi)
    return render_case_spine(graph, case_id, dpi=dpi)


def draw_spine(graph: Any, out: Path, case_id: str | None = None, *, dpi: float = 100) -> Path:
    """Draw the spine map of ``case_id`` (or the corpus heat map) of ``graph`` to ``out``.

    ``graph`` is a path or an ``rdflib.Graph``; the format follows the suffix
    (``.png``/``.svg``); InputError for an unknown case or format.
    """
    from kg.draw_render import FORMATS

    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise InputError(f"cannot draw to {out.name}: use a .png or .svg file name")
    fig = render_spine(graph, case_id, dpi=dpi)
    from kg.draw_render import save_figure

    save_figure(fig, out, dpi)
    log.info("drew the spine map of %s to %s", case_id or "the corpus", out)
    return out
