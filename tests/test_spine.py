"""Tests of the spine map (kg/spine.py) on two small hand-written cases.

Levels come from the shipped ontology (kg:L5Pedicle partOf kg:L5Vertebra, levelCode "L5").
"""

from __future__ import annotations

import struct

import pytest

rdflib = pytest.importorskip("rdflib")

from kg.errors import InputError  # noqa: E402
from kg.spine import (  # noqa: E402
    LEVELS,
    draw_spine,
    level_counts,
    render_spine,
    spine_items,
)

C = "https://w3id.org/casekg/case/"
TTL = f"""\
@prefix kg: <https://w3id.org/casekg/onto#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{C}a> a kg:Case ; dcterms:identifier "a" ; dcterms:title "Leak after kyphoplasty" ;
    kg:patientAge 70 ; kg:patientSex kg:Female ;
    kg:hasProcedure <{C}a/procedure/1>, <{C}a/procedure/2> ;
    kg:hasFinding <{C}a/finding/1>, <{C}a/finding/2>, <{C}a/finding/3>, <{C}a/finding/4>,
        <{C}a/finding/5> .
<{C}a/procedure/1> a kg:Kyphoplasty ; kg:sequence 1 ; kg:site kg:L5Vertebra .
<{C}a/procedure/2> a kg:BalloonInflation ; kg:stepOf <{C}a/procedure/1> ;
    kg:site kg:L5Vertebra .
<{C}a/finding/1> a kg:PedicleCementLeakage ; kg:assertion kg:Present ; kg:site kg:L5Pedicle ;
    kg:laterality kg:Left ; kg:complicationOf <{C}a/procedure/1> .
<{C}a/finding/2> a kg:DiscBulge ; kg:assertion kg:Present ;
    kg:site kg:L4L5IntervertebralDisc .
<{C}a/finding/3> a kg:NeurologicalDeficit ; kg:assertion kg:Absent ; kg:site kg:T12Vertebra .
<{C}a/finding/4> a kg:Scoliosis ; kg:assertion kg:Present ; kg:site kg:LumbarSpine .
<{C}a/finding/5> a kg:SchmorlNode ; kg:assertion kg:Present ; kg:site kg:L5Vertebra ;
    kg:severity kg:Mild .
<{C}b> a kg:Case ; dcterms:identifier "b" ; kg:hasFinding <{C}b/finding/1> .
<{C}b/finding/1> a kg:SchmorlNode ; kg:assertion kg:Present ; kg:site kg:L5Vertebra .
"""


@pytest.fixture(scope="module")
def graph():
    return rdflib.Graph().parse(data=TTL, format="turtle")


@pytest.fixture(scope="module")
def case_fig(graph):
    fig = render_spine(graph, "a")
    fig.canvas.draw()
    return fig


@pytest.fixture(scope="module")
def corpus_fig(graph):
    fig = render_spine(graph)
    fig.canvas.draw()
    return fig


def _texts(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _overlaps(fig) -> list[tuple[str, str]]:
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(fig)]
    clashes = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            if min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5:
                clashes.append((ta, tb))
    return clashes


def _patch(fig, gid):
    from matplotlib.patches import FancyBboxPatch

    found = [p for p in fig.findobj(FancyBboxPatch) if p.get_gid() == gid]
    assert len(found) == 1, gid
    return found[0]


def test_items_get_levels_through_site_part_of_level_code(graph):
    items = {i.iri.removeprefix(C): i for i in spine_items(graph, "a")}
    assert items["a/finding/1"].levels == ("L5",) and items["a/finding/1"].kind == "complication"
    assert items["a/finding/2"].discs == ("L4-L5",) and items["a/finding/2"].levels == ()
    assert items["a/finding/3"].kind == "absent" and items["a/finding/3"].levels == ("T12",)
    assert items["a/finding/4"].regions == ("https://w3id.org/casekg/onto#LumbarSpine",)
    assert items["a/procedure/1"].kind == "procedure"
    assert "a/procedure/2" not in items  # a step is represented by its procedure


def test_case_picture_is_1600_by_1000_png(graph, tmp_path):
    out = draw_spine(graph, tmp_path / "spine.png", "a")
    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (1600, 1000)


def test_svg_by_suffix(graph, tmp_path):
    out = draw_spine(graph, tmp_path / "spine.svg", "a")
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert [p.name for p in tmp_path.iterdir()] == ["spine.svg"]  # no temporary left behind


def test_no_label_overlaps_and_all_inside(case_fig, corpus_fig):
    for fig in (case_fig, corpus_fig):
        assert _overlaps(fig) == []
        renderer = fig.canvas.get_renderer()
        for t in _texts(fig):
            box = t.get_window_extent(renderer)
            assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= 1600 and box.y1 <= 1000, t.get_text()


def test_complication_level_is_in_the_warning_colour(case_fig):
    l5 = _patch(case_fig, "level:L5").get_edgecolor()
    l1 = _patch(case_fig, "level:L1").get_edgecolor()
    assert l5[0] > 0.8 and l5[1] < 0.3  # red, as kg/draw.py's complications
    assert l1 != l5


def test_disc_item_colours_the_disc_and_absent_is_dashed(case_fig):
    disc = _patch(case_fig, "disc:L4-L5")
    plain = _patch(case_fig, "disc:L3-L4")
    assert disc.get_facecolor() != plain.get_facecolor()
    assert _patch(case_fig, "level:T12").get_linestyle() not in ("-", "solid")


def test_side_labels_list_what_is_at_each_level(case_fig):
    by_level: dict[str, list[str]] = {}
    for t in _texts(case_fig):
        if (t.get_gid() or "").startswith("entry:"):
            by_level.setdefault(t.get_gid()[6:], []).append(t.get_text())
    l5 = " ".join(by_level["L5"])
    assert "kyphoplasty" in l5 and "pedicle cement leakage (L)" in l5
    assert "balloon" not in l5
    assert "Schmorl" in l5 and "(mild)" in l5
    assert "disc bulge" in " ".join(by_level["L4-L5"])
    assert "ruled out: neurological deficit" in " ".join(by_level["T12"])
    assert "scoliosis" in " ".join(by_level["https://w3id.org/casekg/onto#LumbarSpine"])


def test_corpus_heat_map_counts_per_level_and_kind(graph, corpus_fig):
    counts = level_counts(spine_items(graph))
    assert counts["finding"]["L5"] == 3  # a Schmorl's node in each case, and the disc bulge
    assert counts["finding"]["L4"] == 1  # the disc counts at both its levels
    assert counts["complication"]["L5"] == 1 and counts["absent"]["T12"] == 1
    cells = {t.get_gid(): t.get_text() for t in _texts(corpus_fig) if t.get_gid()}
    assert cells["cell:L5:finding"] == "3" and cells["cell:L5:procedure"] == "1"
    assert "cell:L1:finding" not in cells  # empty cells carry no number


def test_every_level_is_drawn(corpus_fig):
    from matplotlib.patches import FancyBboxPatch

    gids = {p.get_gid() for p in corpus_fig.findobj(FancyBboxPatch)}
    assert {f"level:{c}" for c in LEVELS} <= gids and len(LEVELS) == 30


def test_unknown_case_and_format_raise(graph, tmp_path):
    with pytest.raises(InputError, match="nope"):
        draw_spine(graph, tmp_path / "x.png", "nope")
    with pytest.raises(InputError, match="png or .svg"):
        draw_spine(graph, tmp_path / "x.gif", "a")
    assert not list(tmp_path.iterdir())


def test_cli_command_writes_the_picture(graph, tmp_path):
    from click.testing import CliRunner

    from kg.cli_pictures import spine

    ttl = tmp_path / "g.ttl"
    graph.serialize(ttl, format="turtle")
    out = tmp_path / "s.svg"
    result = CliRunner().invoke(spine, ["a", "--graph", str(ttl), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and result.output.strip() == str(out)
    result = CliRunner().invoke(spine, ["--graph", str(tmp_path / "none.ttl"), "-o", str(out)])
    assert isinstance(result.exception, InputError)
