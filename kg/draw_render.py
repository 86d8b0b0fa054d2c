"""One case as a picture: ``draw_case(graph, case_id, out)`` writes a PNG or SVG.

Three small steps, one module each:

1. :mod:`kg.draw_model` reads the case out of the RDF graph into a typed view;
2. :mod:`kg.draw_layout` places it on a pixel grid (a story, left to right);
3. this module paints the placed items with matplotlib (Agg) and saves atomically.

matplotlib is imported inside the functions, so importing :mod:`kg.draw` is cheap.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from kg.draw_layout import Drawing

log = logging.getLogger(__name__)

FORMATS = {".png": "png", ".svg": "svg"}
FONT = "DejaVu Sans"  # ships with matplotlib, so sizes are the same everywhere


def _figure(size: tuple[float, float], dpi: float) -> Figure:
    """A blank figure whose data coordinates are its pixels (origin bottom left)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=dpi, facecolor="white")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, size[0] * dpi)
    ax.set_ylim(0, size[1] * dpi)
    ax.set_axis_off()
    return fig


def _measurer(fig: Figure):
    """measure(text, pt, bold) -> (w, h) in pixels, exactly as the renderer will draw it."""
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    cache: dict[tuple[str, float, bool], tuple[float, float]] = {}

    def measure(text: str, size: float, bold: bool) -> tuple[float, float]:
        key = (text, size, bold)
        if key not in cache:
            t = ax.text(0, 0, text or " ", fontsize=size, fontweight="bold" if bold else "normal",
                        family=FONT, parse_math=False)
            ext = t.get_window_extent(renderer)
            t.remove()
            cache[key] = (ext.width, ext.height)
        return cache[key]

    return measure


def _paint(fig: Figure, d: Drawing) -> None:
    """Draw the placed boxes, lines and texts onto the figure's single axes."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path as MPath

    from kg.draw_layout import KIND_STYLE

    ax = fig.axes[0]
    for ln in d.lines:
        style = "-|>" if ln.arrow else "-"
        ls = (0, (4, 3)) if ln.dashed else "solid"
        if len(ln.points) == 2:
            patch = FancyArrowPatch(ln.points[0], ln.points[1], arrowstyle=style,
                                    connectionstyle=f"arc3,rad={ln.rad}", mutation_scale=9,
                                    color=ln.color, lw=ln.width, linestyle=ls,
                                    shrinkA=0, shrinkB=0, zorder=1)
        else:
            codes = [MPath.MOVETO] + [MPath.LINETO] * (len(ln.points) - 1)
            patch = FancyArrowPatch(path=MPath(ln.points, codes), arrowstyle=style,
                                    mutation_scale=9, color=ln.color, lw=ln.width,
                                    linestyle=ls, zorder=1)
        ax.add_patch(patch)
    for b in d.boxes:
        face, edge, _ = KIND_STYLE[b.kind]
        x0, y0, x1, y1 = b.rect
        patch = FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=4",
                               fc=face, ec=edge, lw=1.6 if b.kind == "complication" else 1.1,
                               linestyle=(0, (3, 2)) if b.dashed else "solid", zorder=2)
        if b.gid:
            patch.set_gid(b.gid)
        ax.add_patch(patch)
    for t in d.texts:
        text = ax.text(t.x, t.y, t.text, fontsize=t.size, color=t.color, ha=t.ha, va=t.va,
                       fontweight="bold" if t.bold else "normal",
                       fontstyle="italic" if t.italic else "normal", family=FONT,
                       parse_math=False, zorder=4 if t.backdrop else 3)
        if t.backdrop:
            text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.9})
        if t.gid:
            text.set_gid(t.gid)


def render_case(graph: Any, case_id: str, *, ontology: Path | None = None,
                size: tuple[float, float] = (16, 10), dpi: float = 100) -> Figure:
    """The case picture as a matplotlib Figure (not saved); see :func:`draw_case`."""
    from kg.draw_layout import layout_case
    from kg.draw_model import as_graph, load_ontology_graph, read_case_view

    g = as_graph(graph)
    view = read_case_view(g, case_id, load_ontology_graph(ontology))
    fig = _figure(size, dpi)
    drawing = layout_case(view, size[0] * dpi, size[1] * dpi, dpi, _measurer(fig))
    _paint(fig, drawing)
    if drawing.hidden:
        log.info("case %s: %d findings collapsed into '+N more' boxes", case_id,
                 sum(drawing.hidden.values()))
    return fig


def draw_case(graph: Any, case_id: str, out: Path, *, ontology: Path | None = None,
              size: tuple[float, float] = (16, 10), dpi: float = 100) -> Path:
    """Draw case ``case_id`` of ``graph`` (a path or an ``rdflib.Graph``) to ``out``.

    The format follows the suffix (``.png`` or ``.svg``); the file is written to a
    temporary name beside ``out`` and renamed, so a reader never sees half a picture.
    Raises :class:`~kg.errors.InputError` for an unknown case id or format.
    """
    out = Path(out)
    if FORMATS.get(out.suffix.lower()) is None:
        raise InputError(f"cannot draw to {out.name}: use a .png or .svg file name")
    save_figure(render_case(graph, case_id, ontology=ontology, size=size, dpi=dpi), out, dpi)
    log.info("drew case %s to %s", case_id, out)
    return out


def save_figure(fig: Any, out: Path, dpi: float = 100) -> Path:
    """Save ``fig`` as PNG or SVG (by suffix) through a temporary file and a rename,
    with fixed metadata and SVG ids so the same figure gives the same bytes."""
    import matplotlib

    out = Path(out)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot draw to {out.name}: use a .png or .svg file name")
    from kg.rdfio import make_folder, temp_beside

    make_folder(out.parent, out)
    fd, tmp = temp_beside(out, suffix=out.suffix)
    os.close(fd)
    try:
        with matplotlib.rc_context({"svg.hashsalt": "casekg", "svg.fonttype": "path"}):
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_metadata(fmt))
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out


def _metadata(fmt: str) -> dict[str, Any]:
    """Fixed metadata, so the same graph gives the same bytes (no dates)."""
    if fmt == "svg":
        return {"Date": None, "Creator": "CaseKG"}
    return {"Software": "CaseKG"}
