"""Place a :class:`~kg.draw_model.CaseView` on a fixed pixel grid, as a story.

Columns, left to right: the case, then a band of findings before the first
procedure, the first procedure, the findings after it, the second procedure …
Each procedure is a box at the top with a dashed "event line" down the page; a
finding's relation to a neighbouring procedure is a horizontal arrow from the
finding to that line, so arrows never cross other findings.  Each finding is a
card: its box, and under it a chip with its anatomical sites (and modality).

Everything is computed here, in pixels (origin bottom left), from text sizes
measured by the renderer: no force layout, no randomness, so the same graph gives
the same picture.  Edge labels are placed at the first free spot along their
edge.  Bands with more cards than fit are collapsed into a "+N more" box.

The layout knows nothing about matplotlib: it gets a ``measure`` callback.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.draw_model import CaseView, Edge, Node

# measure(text, size_pt, bold) -> (width_px, height_px) of the (possibly multi-line) text
Measure = Callable[[str, float, bool], tuple[float, float]]
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1

# Font sizes in points.
TITLE_PT, SUBTITLE_PT, NODE_PT, CHIP_PT, EDGE_PT, HEADER_PT, LEGEND_PT = 15, 10, 8.5, 7.5, 7, 9.5, 8

# Colours: (face, edge, text) per node kind; warning colours for complications.
KIND_STYLE: dict[str, tuple[str, str, str]] = {
    "case": ("#E5E7EB", "#374151", "#111827"),
    "procedure": ("#DBEAFE", "#1D4ED8", "#1E3A8A"),
    "step": ("#EFF6FF", "#60A5FA", "#1E3A8A"),
    "finding": ("#DFF3F0", "#0F766E", "#134E4A"),
    "complication": ("#FEE2E2", "#DC2626", "#7F1D1D"),
    "anatomy": ("#F6EFDD", "#A16207", "#713F12"),
    "modality": ("#EDE9FE", "#6D28D9", "#4C1D95"),
    "absent": ("#FFFFFF", "#9CA3AF", "#6B7280"),
    "more": ("#F9FAFB", "#9CA3AF", "#374151"),
}
EDGE_COLOUR = {
    "hasProcedure": "#374151",
    "complicationOf": "#DC2626",
    "treats": "#1D4ED8",
    "resolvedBy": "#15803D",
    "causedBy": "#57534E",
    "site": "#A16207",
    "stepOf": "#60A5FA",
}
CHIP_INDENT = 40.0  # site chip's offset from its finding box's left edge, px
MAX_BAND = 420.0
MIN_BAND = 230.0  # widest band of findings, px: wider boxes only waste space
LATERALITY_SHORT = {"Left": "L", "Right": "R", "Bilateral": "bilat."}


@dataclass
class TextItem:
    x: float
    y: float
    text: str
    size: float
    color: str = "#111827"
    ha: str = "left"
    va: str = "top"
    bold: bool = False
    italic: bool = False
    gid: str | None = None
    backdrop: bool = False  # white box behind (edge labels over lines)


@dataclass
class BoxItem:
    rect: Rect
    kind: str
    dashed: bool = False
    gid: str | None = None


@dataclass
class LineItem:
    points: list[tuple[float, float]]
    color: str
    arrow: bool = True  # arrow head at the last point
    dashed: bool = False
    rad: float = 0.0  # a two-point curved edge (matplotlib arc3)
    width: float = 1.2


@dataclass
class Drawing:
    """The placed picture: what the renderer draws, in pixels."""

    width: float
    height: float
    boxes: list[BoxItem] = field(default_factory=list)
    texts: list[TextItem] = field(default_factory=list)
    lines: list[LineItem] = field(default_factory=list)
    hidden: dict[int, int] = field(default_factory=dict)  # band -> findings collapsed


# ---------------------------------------------------------------- text helpers


def wrap(text: str, max_w: float, size: float, bold: bool, measure: Measure,
         max_lines: int = 4) -> list[str]:
    """Greedy word wrap to ``max_w`` pixels; long words are cut; extra lines end in '…'."""
    lines: list[str] = []
    for word in _words(text, max_w, size, bold, measure):
        while measure(word, size, bold)[0] > max_w and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and measure(word[:cut] + "-", size, bold)[0] > max_w:
                cut -= 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        joined = lines[-1] + word if lines and lines[-1].endswith("-") else \
            f"{lines[-1]} {word}" if lines else word
        if lines and measure(joined, size, bold)[0] <= max_w:
            lines[-1] = joined
        else:
            lines.append(word)
    lines = lines or [""]
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and measure(last + " …", size, bold)[0] > max_w:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines = lines[: max_lines - 1] + [last + " …"]
    return lines


def _words(text: str, max_w: float, size: float, bold: bool, measure: Measure) -> list[str]:
    """Words of ``text``; a word too wide for ``max_w`` is split after its hyphens."""
    words: list[str] = []
    for word in text.split():
        if "-" in word.strip("-") and measure(word, size, bold)[0] > max_w:
            parts = word.split("-")
            words += [p + "-" for p in parts[:-1]] + [parts[-1]]
        else:
            words.append(word)
    return [w for w in words if w]


def finding_text(node: Node) -> str:
    """'cement leakage — L, moderate', with ' ?' for possible and '(absent)' for absent."""
    details = [LATERALITY_SHORT.get(node.laterality or "", node.laterality or "")]
    details.append((node.severity or "").lower())
    details = [d for d in details if d]
    text = node.label + (" — " + ", ".join(details) if details else "")
    if node.assertion == "Possible":
        text += " ?"
    if node.note:
        text += f" ({node.note})"
    if node.assertion == "Absent":
        text += " (absent)"
    return text


SHORT_RELATION = {"complicationOf": "compl.", "resolvedBy": "resolved", "causedBy": "cause",
                  "treats": "treats"}


def short_label(text: str) -> str:
    """'complicationOf #1' -> '#1'; 'complicationOf' -> 'compl.' (for narrow gutters)."""
    rel, _, ref = text.partition(" ")
    return ref or SHORT_RELATION.get(rel, rel)


def overlaps(a: Rect, b: Rect, tol: float = 0.5) -> bool:
    """True when two rectangles share more than a hair."""
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


# ---------------------------------------------------------------- the layout


@dataclass
class _Card:
    node: Node
    lines: list[str]
    box_h: float
    chip_lines: list[str]
    modality: str
    height: float
    compact: bool


class Layout:
    """Computes a :class:`Drawing` for one case view; see the module docstring."""

    def __init__(self, view: CaseView, width: float, height: float, dpi: float,
                 measure: Measure):
        self.v, self.W, self.H, self.dpi, self.m = view, width, height, dpi, measure
        self.d = Drawing(width, height)
        self.occupied: list[Rect] = []
        self.node_rect: dict[str, Rect] = {}
        self.pad = 5.0
        self.gap = 9.0
        self.margin = 14.0
        self.bottom = 18.0

    # -- small helpers ------------------------------------------------------

    def size(self, text: str, pt: float, bold: bool = False) -> tuple[float, float]:
        return self.m(text, pt, bold)

    def add_text(self, item: TextItem) -> Rect:
        w, h = self.size(item.text, item.size, item.bold)
        x0 = {"left": item.x, "center": item.x - w / 2, "right": item.x - w}[item.ha]
        y0 = {"top": item.y - h, "center": item.y - h / 2, "bottom": item.y,
              "baseline": item.y - h * 0.2}[item.va]
        rect = (x0, y0, x0 + w, y0 + h)
        self.d.texts.append(item)
        self.occupied.append(rect)
        return rect

    def add_box(self, rect: Rect, kind: str, dashed: bool = False, gid: str | None = None) -> None:
        self.d.boxes.append(BoxItem(rect, kind, dashed, gid))
        self.occupied.append(rect)

    def boxed_text(self, x0: float, y_top: float, w: float, lines: list[str], kind: str,
                   pt: float, *, bold: bool = False, dashed: bool = False, gid: str | None = None,
                   color: str | None = None, center: bool = False) -> Rect:
        """A box of width ``w`` whose top is ``y_top``, holding ``lines``; returns its rect."""
        text = "\n".join(lines)
        _, th = self.size(text, pt, bold)
        rect = (x0, y_top - th - 2 * self.pad, x0 + w, y_top)
        self.add_box(rect, kind, dashed, gid)
        self.d.texts.append(TextItem(
            x0 + (w / 2 if center else self.pad + 1), y_top - self.pad, text, pt,
            color or KIND_STYLE[kind][2], ha="center" if center else "left", va="top",
            bold=bold, gid=gid))
        return rect

    # -- columns -------------------------------------------------------------

    def columns(self) -> None:
        """x ranges: the case column, then bands and procedure columns alternating.

        Bands with findings share the width (at most ``MAX_BAND`` each); empty bands
        are a narrow gap; spare width widens the procedure columns (room for edge
        labels) and is then split evenly around the story.
        """
        n_p = len(self.v.procedures)
        self.case_w = max(150.0, 0.095 * self.W)
        counts = [0] * self.v.n_bands
        for f in self.v.findings:
            counts[f.band] += 1
        usable = self.W - 2 * self.margin - self.case_w
        empty_w = 40.0
        filled = sum(1 for c in counts if c)
        proc_w = 0.0
        if n_p:  # as wide as 190 px, narrower (to 100) so bands keep MIN_BAND when they can
            spare = usable - filled * MIN_BAND - empty_w * (len(counts) - filled)
            proc_w = min(190.0, max(100.0, spare / n_p))
        rest = usable - n_p * proc_w - empty_w * (len(counts) - filled)
        band_w = min(MAX_BAND if n_p else usable, rest / max(filled, 1))
        slack = rest - band_w * filled
        if n_p:
            extra = min(slack / n_p, 240.0 - proc_w)
            proc_w += extra
            slack -= extra * n_p
        self.proc_w = proc_w
        x = self.margin + self.case_w + slack / 2
        self.band_x: list[tuple[float, float]] = []
        self.proc_x: list[tuple[float, float]] = []
        for i, c in enumerate(counts):
            bw = band_w if c else empty_w
            self.band_x.append((x, x + bw))
            x += bw
            if i < n_p:
                self.proc_x.append((x, x + proc_w))
                x += proc_w

    # -- top row -------------------------------------------------------------

    def title(self) -> None:
        v = self.v
        who = ", ".join(p for p in (f"{v.age} y" if v.age is not None else None,
                                    v.sex.lower() if v.sex else None) if p)
        head = f"Case {v.case_id}" + (f" — {who}" if who else "")
        self.add_text(TextItem(self.margin, self.H - 10, head, TITLE_PT, bold=True))
        n_abs = sum(1 for f in v.findings if f.assertion == "Absent")
        sub = [v.title or "", f"{len(v.procedures)} procedure(s)",
               f"{len(v.findings)} finding(s)" + (f", {n_abs} ruled out" if n_abs else "")]
        self.add_text(TextItem(self.margin, self.H - 36, "  ·  ".join(s for s in sub if s),
                               SUBTITLE_PT, color="#4B5563"))

    def top_row(self) -> float:
        """Case box, procedure cards, the hasProcedure bus; returns the lowest y used."""
        self.row_top = self.H - 92
        v = self.v
        lines = [v.case_id] + [s for s in (
            f"{v.age}-year-old" if v.age is not None else "", (v.sex or "").lower()) if s]
        w = self.case_w - 24
        lines = [ln for t in lines for ln in wrap(t, w - 2 * self.pad, NODE_PT, True, self.m)]
        rect = self.boxed_text(self.margin, self.row_top, w, lines, "case", NODE_PT, bold=True,
                               gid=f"node:{v.iri}", center=True)
        self.node_rect[v.iri] = rect
        low = rect[1]
        for i, p in enumerate(v.procedures):
            low = min(low, self.procedure_card(i, p))
        if v.procedures:
            self.bus(rect)
        return low

    def procedure_card(self, i: int, p: Node) -> float:
        x0, x1 = self.proc_x[i]
        inset = 8.0
        w = x1 - x0 - 2 * inset
        head = f"{p.sequence if p.sequence is not None else i + 1} · {p.label}"
        if p.note:
            head += f" ({p.note})"
        lines = wrap(head, w - 2 * self.pad - 2, NODE_PT, True, self.m)
        rect = self.boxed_text(x0 + inset, self.row_top, w, lines, "procedure", NODE_PT,
                               bold=True, gid=f"node:{p.iri}")
        self.node_rect[p.iri] = rect
        low = rect[1]
        if p.sites:
            low = self.chip_row(rect, ", ".join(p.sites), "")
        for s in self.v.steps.get(p.iri, ()):
            low = self.step_box(x0 + inset, w, low, s, p)
        return low

    def step_box(self, x0: float, w: float, above: float, s: Node, p: Node) -> float:
        indent = 46.0
        lines = wrap(s.label, w - indent - 2 * self.pad - 2, CHIP_PT, False, self.m, 2)
        top = above - 14
        rect = self.boxed_text(x0 + indent, top, w - indent, lines, "step", CHIP_PT,
                               gid=f"node:{s.iri}")
        self.node_rect[s.iri] = rect
        xl = x0 + 12
        ymid = (rect[1] + rect[3]) / 2
        self.d.lines.append(LineItem([(x0 + indent, ymid), (xl, ymid), (xl, above)],
                                     EDGE_COLOUR["stepOf"]))
        self.add_text(TextItem(xl + 3, ymid + 1, "stepOf", EDGE_PT - 0.5, EDGE_COLOUR["stepOf"],
                               va="bottom", italic=True))
        return rect[1]

    def chip_row(self, box: Rect, sites: str, modality: str,
                 chip_lines: list[str] | None = None) -> float:
        """Site chip, then modality chip, under ``box``, joined to it by a 'site' connector."""
        x = box[0] + CHIP_INDENT
        top = box[1] - 5
        low = box[1]
        if sites:
            lines = chip_lines or wrap(sites, box[2] - x - 8, CHIP_PT, False, self.m, 2)
            rect = self.chip(x, top, "\n".join(lines), "anatomy")
            xl, ymid = box[0] + 10, top - 3 - self.size("L", CHIP_PT)[1] / 2
            self.d.lines.append(LineItem([(xl, box[1]), (xl, ymid), (x, ymid)],
                                         EDGE_COLOUR["site"], width=0.9))
            self.add_text(TextItem(xl + 4, ymid + 1.5, "site", EDGE_PT - 0.5, EDGE_COLOUR["site"],
                                   va="bottom", italic=True))
            x, low = rect[2] + 6, min(low, rect[1])
        if modality:
            low = min(low, self.chip(x, top, modality, "modality")[1])
        return low

    def chip(self, x0: float, top: float, text: str, kind: str) -> Rect:
        """A small rounded label (anatomy or modality) whose top-left corner is (x0, top)."""
        tw, th = self.size(text, CHIP_PT)
        rect = (x0, top - th - 6, x0 + tw + 8, top)
        self.add_box(rect, kind)
        self.d.texts.append(TextItem(x0 + 4, top - 3, text, CHIP_PT, KIND_STYLE[kind][2]))
        return rect

    def bus(self, case_rect: Rect) -> None:
        """The hasProcedure 'bus': from the case box along the top, a drop into each procedure."""
        y = self.row_top + 12
        xc = (case_rect[0] + case_rect[2]) / 2
        xs = [(self.node_rect[p.iri][0] + self.node_rect[p.iri][2]) / 2 for p in self.v.procedures]
        colour = EDGE_COLOUR["hasProcedure"]
        self.d.lines.append(LineItem([(xc, self.row_top), (xc, y), (xs[-1], y),
                                      (xs[-1], self.row_top)],
                                     colour))
        for x in xs[:-1]:
            self.d.lines.append(LineItem([(x, y), (x, self.row_top)], colour))
        self.add_text(TextItem(xc + 6, y + 2, "hasProcedure", EDGE_PT, colour, va="bottom",
                               italic=True))

    # -- findings ------------------------------------------------------------

    def band_header(self, b: int) -> float:
        x0, x1 = self.band_x[b]
        procs = self.v.procedures
        if not procs:
            text = "Findings"
        elif b == 0:
            text = f"Before {procs[0].label}"
        else:
            text = f"After {procs[b - 1].label}"
        if procs and any(not f.timed for f in self.v.findings if f.band == b):
            text += " (or undated)"
        lines = wrap(text, x1 - x0 - 16, HEADER_PT, True, self.m, 2)
        rect = self.add_text(TextItem(x0 + 8, self.row_top - 2, "\n".join(lines), HEADER_PT,
                                      "#374151", bold=True))
        return rect[1]

    def card(self, node: Node, box_w: float, compact: bool) -> _Card:
        """Size one finding card; ``compact`` puts the chips inside the box, on one row."""
        modality = ", ".join(node.modalities)
        sites = ", ".join(node.sites)
        text_w = box_w - 2 * self.pad - 2
        chip_lines: list[str] = []
        if compact:
            mod_w = self.size(modality, CHIP_PT)[0] + 14 if modality else 0.0
            if sites:
                chip_lines = wrap(sites, 0.42 * box_w - mod_w, CHIP_PT, False, self.m, 1)
            chips_w = mod_w + (self.size(chip_lines[0], CHIP_PT)[0] + 14 if chip_lines else 0)
            lines = wrap(finding_text(node), text_w - chips_w, NODE_PT, False, self.m, 2)
            th = max(self.size("\n".join(lines), NODE_PT)[1],
                     self.size("L", CHIP_PT)[1] + 6 if chips_w else 0)
            return _Card(node, lines, th + 2 * self.pad, chip_lines, modality,
                         th + 2 * self.pad, True)
        lines = wrap(finding_text(node), text_w, NODE_PT, False, self.m, 3)
        box_h = self.size("\n".join(lines), NODE_PT)[1] + 2 * self.pad
        height = box_h
        if sites or modality:
            mod_w = self.size(modality, CHIP_PT)[0] + 14 if modality else 0.0
            if sites:
                chip_lines = wrap(sites, box_w - CHIP_INDENT - mod_w - 8, CHIP_PT, False,
                                  self.m, 2)
            height += 5 + self.size("\n".join(chip_lines or ["L"]), CHIP_PT)[1] + 6
        return _Card(node, lines, box_h, chip_lines, modality, height, False)

    def band_inner(self, b: int) -> tuple[float, float]:
        """Left and right x of the finding boxes in band ``b`` (room for arcs on the right)."""
        x0, x1 = self.band_x[b]
        return x0 + 10, x1 - (60 if b == len(self.band_x) - 1 else 10)

    def band_cards(self, b: int, compact: bool, width: float | None = None) -> list[_Card]:
        inner_l, inner_r = self.band_inner(b)
        w = width or inner_r - inner_l
        return [self.card(n, w, compact) for n in self.v.findings if n.band == b]

    def needs_compact(self, top: float) -> bool:
        """True when some band's cards do not fit in full form (then all bands go compact)."""
        return any(self.stack_height(self.band_cards(b, False)) > top - self.bottom
                   for b in range(self.v.n_bands))

    def place_band(self, b: int, top: float, compact: bool) -> None:
        """Stack the band's finding cards under ``top``; collapse the rest when crowded."""
        cards = self.band_cards(b, compact)
        if not cards:
            return
        inner_l, inner_r = self.band_inner(b)
        avail_h = top - self.bottom
        n_sub = self.sub_columns(inner_r - inner_l, cards, avail_h)
        col_w = (inner_r - inner_l - 20 * (n_sub - 1)) / n_sub
        if n_sub > 1:
            cards = self.band_cards(b, compact, col_w)
        shown, hidden = self.choose_visible(cards, avail_h * n_sub - self.gap * (n_sub - 1))
        y, x = top, inner_l
        for c in shown:
            if y - c.height < self.bottom and x + col_w < inner_r - 1:
                y, x = top, x + col_w + 20
            self.draw_card(c, x, y, col_w)
            y -= c.height + self.gap
        if hidden:
            self.more_box(hidden, x, y, col_w)
            self.d.hidden[b] = len(hidden)

    def sub_columns(self, width: float, cards: list[_Card], avail_h: float) -> int:
        """Columns of cards in a band: one, unless there are no procedures (then no edges
        cross the band) and the band is wide enough to hold more."""
        if self.v.procedures:
            return 1
        most = max(1, int(width // (MAX_BAND * 0.8)))
        return max(1, min(most, math.ceil(self.stack_height(cards) / max(avail_h, 1))))

    def stack_height(self, cards: list[_Card]) -> float:
        return sum(c.height + self.gap for c in cards)

    def choose_visible(self, cards: list[_Card], avail_h: float) -> tuple[list[_Card], list[_Card]]:
        """All cards if they fit; else the most telling ones (complications, linked
        findings, then the rest, each in text order) and the cards left over."""
        if self.stack_height(cards) <= avail_h:
            return cards, []
        linked = {e.source for e in self.v.edges} | {e.target for e in self.v.edges}

        def rank(c: _Card) -> tuple[int, tuple[int, str]]:
            n = c.node
            r = 0 if n.kind == "complication" else 1 if n.iri in linked else 2
            return (r, n.order)

        reserve = 4 * self.size("L", NODE_PT)[1] + 2 * self.pad + 14
        chosen: list[_Card] = []
        for c in sorted(cards, key=rank):
            if self.stack_height(chosen + [c]) + reserve <= avail_h:
                chosen.append(c)
        chosen.sort(key=lambda k: k.node.order)
        return chosen, [c for c in cards if c not in chosen]

    def draw_card(self, c: _Card, x0: float, top: float, w: float) -> None:
        n = c.node
        kind = "absent" if n.assertion == "Absent" else n.kind
        dashed = n.assertion in ("Absent", "Possible")
        if not c.compact:
            rect = self.boxed_text(x0, top, w, c.lines, kind, NODE_PT, dashed=dashed,
                                   gid=f"node:{n.iri}")
            if n.sites or c.modality:
                self.chip_row(rect, ", ".join(n.sites), c.modality, c.chip_lines)
        else:
            rect = self.boxed_text(x0, top, w, c.lines, kind, NODE_PT, dashed=dashed,
                                   gid=f"node:{n.iri}")
            chip_h = self.size("L", CHIP_PT)[1] + 6
            ctop = (rect[1] + rect[3]) / 2 + chip_h / 2
            x = rect[2] - 4
            for text, k in ((c.modality, "modality"), ("\n".join(c.chip_lines), "anatomy")):
                if text:
                    x -= self.size(text, CHIP_PT)[0] + 8
                    self.chip(x, ctop, text, k)
                    x -= 6
        self.node_rect[n.iri] = rect

    def more_box(self, hidden: list[_Card], x0: float, top: float, w: float) -> None:
        names = sorted({c.node.label for c in hidden})
        text = f"+{len(hidden)} more finding{'s' if len(hidden) > 1 else ''}: " + ", ".join(names)
        lines = wrap(text, w - 2 * self.pad - 2, NODE_PT, False, self.m, 4)
        self.boxed_text(x0, top, w, lines, "more", NODE_PT, dashed=True, gid="more")

    # -- edges ---------------------------------------------------------------

    def event_lines(self, top: float) -> None:
        for i in range(len(self.v.procedures)):
            x = sum(self.proc_x[i]) / 2
            self.d.lines.append(LineItem([(x, top), (x, self.bottom - 6)],
                                         KIND_STYLE["procedure"][1], arrow=False, dashed=True,
                                         width=1.0))
        self.event_top = top

    def proc_column(self, iri: str) -> int | None:
        for i, p in enumerate(self.v.procedures):
            if p.iri == iri:
                return i
        return None

    def band_of(self, iri: str) -> int | None:
        for f in self.v.findings:
            if f.iri == iri:
                return f.band
        return None

    def edges(self) -> None:
        for e in self.v.edges:
            if e.relation == "stepOf" or e.source not in self.node_rect \
                    or e.target not in self.node_rect:
                continue
            if e.relation == "causedBy":
                self.cause_edge(e)
            else:
                self.procedure_edge(e)

    def procedure_edge(self, e: Edge) -> None:
        """Finding <-> procedure: a horizontal arrow to the procedure's event line.

        When the procedure is not a neighbour of the finding's band, a long line would
        cross other findings; the arrow then stops short of the nearest event line and
        its label names the procedure ("complicationOf #1").
        """
        to_proc = e.relation != "treats"
        f_iri, p_iri = (e.source, e.target) if to_proc else (e.target, e.source)
        i, band = self.proc_column(p_iri), self.band_of(f_iri)
        if i is None or band is None:
            return
        fr = self.node_rect[f_iri]
        y = (fr[1] + fr[3]) / 2
        label = e.relation
        if band in (i, i + 1):
            xf = fr[0] if band == i + 1 else fr[2]
            x_end = sum(self.proc_x[i]) / 2
        else:
            near = band - 1 if i < band else band
            if not 0 <= near < len(self.proc_x):
                return
            xf = fr[0] if i < band else fr[2]
            x_end = sum(self.proc_x[near]) / 2 + (14 if i < band else -14)
            p = self.v.procedures[i]
            label = f"{e.relation} #{p.sequence if p.sequence is not None else i + 1}"
        pts = [(xf, y), (x_end, y)]
        if not to_proc:
            pts.reverse()
        colour = EDGE_COLOUR[e.relation]
        self.d.lines.append(LineItem(pts, colour))
        self.edge_label(pts[0], pts[-1], label, colour)

    def cause_edge(self, e: Edge) -> None:
        """Finding -> its cause: an arc on the right of the two boxes (same column)."""
        a, b = self.node_rect[e.source], self.node_rect[e.target]
        colour = EDGE_COLOUR["causedBy"]
        if abs(a[2] - b[2]) < 1:
            pa, pb = (a[2], (a[1] + a[3]) / 2), (b[2], (b[1] + b[3]) / 2)
            span = abs(pa[1] - pb[1])
            bulge = min(46.0, 14 + span * 0.12)
            rad = (1 if pb[1] > pa[1] else -1) * 2 * bulge / max(span, 1)
            self.d.lines.append(LineItem([pa, pb], colour, rad=rad))
            apex = (pa[0] + bulge, (pa[1] + pb[1]) / 2)
            self.edge_label(apex, apex, "causedBy", colour, ha="left")
        else:
            pa = (a[0] if a[0] > b[2] else a[2], (a[1] + a[3]) / 2)
            pb = (b[2] if a[0] > b[2] else b[0], (b[1] + b[3]) / 2)
            self.d.lines.append(LineItem([pa, pb], colour))
            self.edge_label(pa, pb, "causedBy", colour)

    def edge_label(self, p0: tuple[float, float], p1: tuple[float, float], text: str, colour: str,
                   ha: str = "center") -> None:
        """Put ``text`` at the first free spot along p0->p1 (just above or below it); where
        nothing is free, try its short form (the edge colour still says the relation)."""
        best: tuple[int, Rect, str] | None = None
        for label in (text, short_label(text)):
            w, h = self.size(label, EDGE_PT)
            for t in (0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9):
                x = p0[0] + t * (p1[0] - p0[0])
                y = p0[1] + t * (p1[1] - p0[1])
                for dy in (1.5, -h - 1.5, h + 3, -2 * h - 3):
                    x0 = x + 3 if ha == "left" else x - w / 2
                    rect = (x0, y + dy, x0 + w, y + dy + h)
                    hits = sum(1 for r in self.occupied if overlaps(rect, r)) + \
                        (0 if 0 <= rect[0] and rect[2] <= self.W else 99)
                    if best is None or hits < best[0]:
                        best = (hits, rect, label)
                    if hits == 0:
                        break
                if best and best[0] == 0:
                    break
            if best and best[0] == 0:
                break
        assert best is not None
        _, rect, label = best
        self.d.texts.append(TextItem(rect[0], rect[1], label, EDGE_PT, colour, ha="left",
                                     va="bottom", italic=True, backdrop=True))
        self.occupied.append(rect)

    # -- legend ---------------------------------------------------------------

    def legend(self, top: float) -> None:
        """Node kinds and edge colours, in the case column under the case box."""
        x = self.margin
        y = top
        self.add_text(TextItem(x, y, "Legend", LEGEND_PT, "#374151", bold=True))
        y -= 18
        entries = [("case", "case", False), ("procedure", "procedure", False),
                   ("step", "procedure step", False), ("finding", "finding", False),
                   ("complication", "complication", False), ("absent", "ruled out (absent)", True),
                   ("finding", "possible: label ends '?'", True),
                   ("anatomy", "anatomical site", False), ("modality", "imaging modality", False)]
        for kind, text, dashed in entries:
            self.add_box((x, y - 11, x + 20, y), kind, dashed)
            self.add_text(TextItem(x + 26, y + 0.5, text, LEGEND_PT - 0.5,
                                   KIND_STYLE["absent" if kind == "absent" else "case"][2]))
            y -= 17
        y -= 6
        for rel, colour in EDGE_COLOUR.items():
            self.d.lines.append(LineItem([(x, y - 6), (x + 20, y - 6)], colour, width=1.4))
            self.add_text(TextItem(x + 26, y + 0.5, rel, LEGEND_PT - 0.5, colour, italic=True))
            y -= 16
        y -= 6
        self.add_text(TextItem(x, y, "dashed blue line:\nwhen a procedure\nhappened",
                               LEGEND_PT - 1, "#4B5563"))

    # -- all -------------------------------------------------------------------

    def run(self) -> Drawing:
        self.columns()
        self.title()
        low = self.top_row()
        header_low = min((self.band_header(b) for b in range(self.v.n_bands)
                          if any(f.band == b for f in self.v.findings)), default=self.row_top)
        top = min(low - 16, header_low - 10)
        self.event_lines(low - 4)
        compact = self.needs_compact(top)
        for b in range(self.v.n_bands):
            self.place_band(b, top, compact)
        self.edges()
        self.legend(self.node_rect[self.v.iri][1] - 24)
        return self.d


def layout_case(view: CaseView, width: float, height: float, dpi: float,
                measure: Measure) -> Drawing:
    """Place ``view`` on a ``width`` x ``height`` pixel canvas; see :class:`Layout`."""
    return Layout(view, width, height, dpi, measure).run()

