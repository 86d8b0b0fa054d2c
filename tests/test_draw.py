"""Tests of the case picture (kg/draw_render.py, kg/draw_model.py, kg/draw_layout.py).

The fixture is the seed case's facts (../shared/MODEL.md "The seed case") written
by hand as Turtle, plus a generated case with 45 findings for the crowded layout.
"""

from __future__ import annotations

import struct

import pytest

rdflib = pytest.importorskip("rdflib")

from kg.draw_model import read_case_view, split_camel  # noqa: E402
from kg.draw_render import draw_case, render_case  # noqa: E402
from kg.errors import InputError  # noqa: E402

PREFIXES = """\
@prefix kg: <https://w3id.org/casekg/onto#> .
@prefix case: <https://w3id.org/casekg/case/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

# (n, class, extra predicate-object list) for each seed finding, in text order.
SEED_FINDINGS = [
    (1, "BackPain", ""),
    (2, "OsteoporoticCompressionFracture", "kg:site kg:L5Vertebra"),
    (3, "Osteopenia", "kg:observedBefore P1 ; kg:observedWith kg:Radiography"),
    (4, "FacetArthropathy", "kg:site kg:LumbarSpine ; kg:severity kg:Severe ; "
        "kg:observedBefore P1 ; kg:observedWith kg:Radiography"),
    (5, "DiscDegeneration", "kg:site kg:LumbarSpine ; kg:observedBefore P1 ; "
        "kg:observedWith kg:Radiography"),
    (6, "LumbosacralTransitionalVertebra", "kg:site kg:LumbosacralJunction ; "
        "kg:observedBefore P1 ; kg:observedWith kg:Radiography"),
    (7, "CompressionDeformity", "kg:site kg:L5Vertebra ; kg:observedBefore P1 ; "
        "kg:observedWith kg:Radiography"),
    (8, "Retropulsion", "kg:site kg:L5VertebralEndplate ; kg:severity kg:Mild ; "
        "kg:observedBefore P1 ; kg:observedWith kg:Radiography"),
    (9, "SurgicalClip", "kg:observedBefore P1 ; kg:observedWith kg:Radiography"),
    (10, "SchmorlNode", "kg:site kg:L4Vertebra ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (11, "Scoliosis", "kg:site kg:LumbarSpine ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (12, "SpinalStenosis", "kg:site kg:LumbarSpinalCanal ; kg:severity kg:Moderate ; "
         "kg:causedBy F13, F14, F15 ; kg:observedAfter P1 ; kg:observedWith kg:ComputedTomography"),
    (13, "FacetHypertrophy", "kg:site kg:LumbarFacetJoint ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (14, "LigamentumFlavumBuckling", "kg:site kg:LumbarLigamentumFlavum ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (15, "DiscBulge", "kg:site kg:LumbarIntervertebralDisc ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (16, "PedicleCementLeakage", "kg:site kg:L5Pedicle ; kg:laterality kg:Right ; "
         "kg:complicationOf P1 ; kg:observedAfter P1 ; kg:observedWith kg:ComputedTomography"),
    (17, "PedicleCementLeakage", "kg:site kg:L5Pedicle ; kg:laterality kg:Left ; "
         "kg:complicationOf P1 ; kg:observedAfter P1 ; kg:observedWith kg:ComputedTomography"),
    (18, "IntrathecalCementLeakage", "kg:site kg:L5IntrathecalSpace ; kg:laterality kg:Left ; "
         "kg:severity kg:Moderate ; kg:complicationOf P1 ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (19, "SpinalStenosis", "kg:site kg:L5SpinalCanal ; kg:causedBy F18 ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (20, "NeurologicalDeficit", "kg:assertion kg:Absent ; kg:observedAfter P1"),
    (21, "Sciatica", "kg:laterality kg:Left ; kg:resolvedBy P2"),
]


def _seed_turtle() -> str:
    c = "<https://w3id.org/casekg/case/seed-kyphoplasty"
    out = [PREFIXES, f"""
{c}> a kg:Case ; dcterms:identifier "seed-kyphoplasty" ;
    dcterms:title "Kyphoplasty Cement Leak" ; kg:patientAge 76 ; kg:patientSex kg:Female ;
    kg:hasProcedure {c}/procedure/1>, {c}/procedure/2>, {c}/procedure/3> ;
    kg:hasFinding {", ".join(f"{c}/finding/{n}>" for n, _, _ in SEED_FINDINGS)} .
{c}/procedure/1> a kg:Kyphoplasty ; kg:site kg:L5Vertebra ; kg:sequence 1 ;
    kg:treats {c}/finding/2> .
{c}/procedure/2> a kg:BalloonInflation ; kg:stepOf {c}/procedure/1> .
{c}/procedure/3> a kg:Hemilaminectomy ; kg:site kg:L5Vertebra ; kg:sequence 2 ;
    kg:treats {c}/finding/18> .
{c}/procedure/4> a kg:CementRemoval ; kg:stepOf {c}/procedure/3> .
kg:SchmorlNode rdfs:label "Schmorl's node" .
"""]
    for n, cls, extra in SEED_FINDINGS:
        extra = extra.replace("P1", f"{c}/procedure/1>").replace("P2", f"{c}/procedure/3>")
        for m in (13, 14, 15, 18):
            extra = extra.replace(f"F{m}", f"{c}/finding/{m}>")
        if "kg:assertion" not in extra:
            extra = "kg:assertion kg:Present" + (" ; " + extra if extra else "")
        out.append(f"{c}/finding/{n}> a kg:{cls} ; {extra} .")
    return "\n".join(out)


SEED_TTL = _seed_turtle()

SITES = ["L1Vertebra", "L2Vertebra", "L3Pedicle", "L4L5IntervertebralDisc", "T12Vertebra",
         "SacroiliacJoint", "LumbarSpinalCanal", "L5IntrathecalSpace"]
CLASSES = ["DiscHerniation", "Spondylolisthesis", "EndplateEdema", "FacetArthropathy",
           "NerveRootCompression", "ParaspinalMuscleAtrophy", "VertebralHemangioma",
           "CementLeakage", "AdjacentLevelFracture", "Osteophyte", "SynovialCyst"]


def synthetic_turtle(n_findings: int = 45, case_id: str = "synthetic-45") -> str:
    """A made-up case with many findings spread over three bands, for the crowded layout."""
    c = f"<https://w3id.org/casekg/case/{case_id}"
    out = [PREFIXES, f"""
{c}> a kg:Case ; dcterms:identifier "{case_id}" ; kg:patientAge 58 ; kg:patientSex kg:Male ;
    kg:hasProcedure {c}/procedure/1>, {c}/procedure/2> ;
    kg:hasFinding {", ".join(f"{c}/finding/{n}>" for n in range(1, n_findings + 1))} .
{c}/procedure/1> a kg:Vertebroplasty ; kg:sequence 1 ; kg:site kg:L1Vertebra .
{c}/procedure/2> a kg:PosteriorSpinalFusionWithInstrumentation ; kg:sequence 2 .
"""]
    for n in range(1, n_findings + 1):
        props = [f"kg:site kg:{SITES[n % len(SITES)]}"]
        props.append(["kg:assertion kg:Present", "kg:assertion kg:Absent",
                      "kg:assertion kg:Possible", "kg:assertion kg:Present"][n % 4])
        when = n % 3
        if when == 1:
            props.append(f"kg:observedAfter {c}/procedure/1>")
        elif when == 2:
            props.append(f"kg:observedAfter {c}/procedure/2>")
        else:
            props.append(f"kg:observedBefore {c}/procedure/1>")
        if n % 7 == 0:
            props.append(f"kg:complicationOf {c}/procedure/1> ; kg:laterality kg:Left")
        out.append(f"{c}/finding/{n}> a kg:{CLASSES[n % len(CLASSES)]} ; {' ; '.join(props)} .")
    return "\n".join(out)


def _graph(ttl: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ttl, format="turtle")


@pytest.fixture(scope="module")
def seed_graph() -> rdflib.Graph:
    return _graph(SEED_TTL)


@pytest.fixture(scope="module")
def seed_fig(seed_graph):
    fig = render_case(seed_graph, "seed-kyphoplasty")
    fig.canvas.draw()
    return fig


def _texts(fig):
    """Every visible, non-empty text artist of the figure."""
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _overlapping_labels(fig) -> list[tuple[str, str]]:
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(fig)]
    clashes = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.y1, b.y1) - max(a.y0, b.y0)
            if w > 0.5 and h > 0.5:
                clashes.append((ta, tb))
    return clashes


def _patch(fig, iri: str):
    from matplotlib.patches import FancyBboxPatch

    found = [p for p in fig.findobj(FancyBboxPatch) if p.get_gid() == f"node:{iri}"]
    assert len(found) == 1, iri
    return found[0]


SEED = "https://w3id.org/casekg/case/seed-kyphoplasty"


def test_png_is_1600_by_1000(seed_graph, tmp_path):
    out = draw_case(seed_graph, "seed-kyphoplasty", tmp_path / "seed.png")
    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (1600, 1000)


def test_no_two_labels_overlap_on_the_seed(seed_fig):
    assert len(_texts(seed_fig)) > 40
    assert _overlapping_labels(seed_fig) == []


def test_no_two_labels_overlap_with_45_findings():
    fig = render_case(_graph(synthetic_turtle(45)), "synthetic-45")
    fig.canvas.draw()
    assert _overlapping_labels(fig) == []


def test_every_label_is_inside_the_picture(seed_fig):
    renderer = seed_fig.canvas.get_renderer()
    for t in _texts(seed_fig):
        box = t.get_window_extent(renderer)
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= 1600 and box.y1 <= 1000, t.get_text()


def test_absent_finding_is_dashed_grey_and_says_absent(seed_fig):
    absent = _patch(seed_fig, f"{SEED}/finding/20")
    present = _patch(seed_fig, f"{SEED}/finding/21")
    assert absent.get_linestyle() != present.get_linestyle()
    assert present.get_linestyle() in ("-", "solid")
    assert absent.get_edgecolor() != present.get_edgecolor()
    label = next(t for t in _texts(seed_fig) if t.get_gid() == f"node:{SEED}/finding/20")
    other = next(t for t in _texts(seed_fig) if t.get_gid() == f"node:{SEED}/finding/21")
    assert "(absent)" in label.get_text()
    assert label.get_color() != other.get_color()


def test_complications_use_the_warning_colour(seed_fig):
    leak = _patch(seed_fig, f"{SEED}/finding/18").get_edgecolor()
    plain = _patch(seed_fig, f"{SEED}/finding/10").get_edgecolor()
    assert leak != plain
    assert leak[0] > 0.8 and leak[1] < 0.3  # red


def test_laterality_and_severity_are_in_the_label(seed_fig):
    label = next(t for t in _texts(seed_fig) if t.get_gid() == f"node:{SEED}/finding/18")
    assert label.get_text().replace("\n", " ").endswith("— L, moderate")


def test_sites_are_labels_not_iris(seed_fig):
    texts = [t.get_text() for t in _texts(seed_fig)]
    assert not [t for t in texts if "http" in t or "kg:" in t]
    assert "L5 pedicle" in texts


def test_story_order_left_to_right(seed_fig):
    def x(n: str) -> float:
        return _patch(seed_fig, f"{SEED}/{n}").get_x()

    # fracture before the kyphoplasty, leaks after it, the hemilaminectomy last
    assert x("finding/2") < x("procedure/1") < x("finding/18") < x("procedure/3")
    assert x("finding/16") == x("finding/17") == x("finding/21")


def test_edges_carry_their_relation_names(seed_fig):
    texts = {t.get_text() for t in _texts(seed_fig)}
    for rel in ("hasProcedure", "complicationOf", "treats", "causedBy", "resolvedBy", "site",
                "stepOf"):
        assert rel in texts, rel
    labels = [t.get_text() for t in _texts(seed_fig)]
    assert labels.count("complicationOf") == 3 + 1  # three leaks, and the legend


def test_title_has_case_id_age_and_sex(seed_fig):
    title = _texts(seed_fig)[0].get_text()
    assert "seed-kyphoplasty" in title and "76" in title and "female" in title


def test_unknown_case_id_raises_with_known_ids(seed_graph, tmp_path):
    with pytest.raises(InputError, match="no-such-case.*seed-kyphoplasty"):
        draw_case(seed_graph, "no-such-case", tmp_path / "x.png")
    assert not list(tmp_path.iterdir())


def test_unsupported_format_raises(seed_graph, tmp_path):
    with pytest.raises(InputError, match=r"\.png or \.svg"):
        draw_case(seed_graph, "seed-kyphoplasty", tmp_path / "x.jpg")


def test_same_graph_same_bytes_and_no_temp_files(seed_graph, tmp_path):
    a = draw_case(seed_graph, "seed-kyphoplasty", tmp_path / "a.svg")
    b = draw_case(_graph(SEED_TTL), "seed-kyphoplasty", tmp_path / "b.svg")
    assert a.read_bytes() == b.read_bytes()
    assert a.read_text().lstrip().startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.svg", "b.svg"]


def test_reads_a_turtle_file(tmp_path):
    src = tmp_path / "g.ttl"
    src.write_text(SEED_TTL, encoding="utf-8")
    out = draw_case(src, "seed-kyphoplasty", tmp_path / "seed.png")
    assert out.stat().st_size > 10_000


def test_crowded_bands_collapse_into_a_more_box():
    fig = render_case(_graph(synthetic_turtle(120, "crowded")), "crowded")
    fig.canvas.draw()
    shown = {t.get_gid() for t in _texts(fig) if (t.get_gid() or "").startswith("node:")}
    more = [t.get_text() for t in _texts(fig) if t.get_gid() == "more"]
    hidden = sum(int(m.split()[0].lstrip("+")) for m in more)
    n_findings = len([g for g in shown if "/finding/" in g])
    assert more and n_findings + hidden == 120
    assert _overlapping_labels(fig) == []


def test_view_bands_follow_time_relations(seed_graph):
    view = read_case_view(seed_graph, "seed-kyphoplasty", None)
    band = {f.iri.rsplit("/", 1)[1]: f.band for f in view.findings}
    assert [p.label for p in view.procedures] == ["kyphoplasty", "hemilaminectomy"]
    assert band["2"] == 0  # treated by the kyphoplasty
    assert band["3"] == 0  # observed before it
    assert band["16"] == band["18"] == 1  # complications of it
    assert band["19"] == 1  # caused by the intrathecal leak
    assert band["21"] == 1  # resolved by the hemilaminectomy: before it
    assert not next(f for f in view.findings if f.iri.endswith("/1")).timed


def test_labels_fall_back_to_split_camel_case(seed_graph):
    view = read_case_view(seed_graph, "seed-kyphoplasty", None)
    labels = {f.label for f in view.findings}
    assert "intrathecal cement leakage" in labels
    assert "Schmorl's node" in labels  # rdfs:label in the graph wins


@pytest.mark.parametrize("name,words", [
    ("IntrathecalCementLeakage", "intrathecal cement leakage"),
    ("L5Pedicle", "L5 pedicle"),
    ("L4L5IntervertebralDisc", "L4-L5 intervertebral disc"),
    ("MRIScan", "MRI scan"),
])
def test_split_camel(name, words):
    assert split_camel(name) == words


def test_overlap_check_itself_sees_a_clash(seed_graph):
    fig = render_case(seed_graph, "seed-kyphoplasty")
    fig.axes[0].text(30, 985, "a label written over the title", fontsize=12)
    fig.canvas.draw()
    assert _overlapping_labels(fig)


def _many_procedures_turtle() -> str:
    """Five procedures, each leaving complications, some noted only after a later one."""
    c = "<https://w3id.org/casekg/case/many"
    names = ["Vertebroplasty", "Kyphoplasty", "Laminectomy", "Discectomy", "SpinalFusion"]
    lines = [PREFIXES, f"{c}> a kg:Case ; kg:patientSex kg:Male ; kg:hasProcedure "
             + ", ".join(f"{c}/procedure/{i}>" for i in range(1, 6)) + " ; kg:hasFinding "
             + ", ".join(f"{c}/finding/{i}>" for i in range(1, 13)) + " ."]
    lines += [f"{c}/procedure/{i}> a kg:{names[i - 1]} ; kg:sequence {i} ." for i in range(1, 6)]
    lines += [f"{c}/finding/{i}> a kg:IntrathecalCementLeakage ; kg:assertion kg:Present ; "
              f"kg:site kg:L5IntrathecalSpace ; kg:laterality kg:Bilateral ; "
              f"kg:severity kg:Severe ; kg:complicationOf {c}/procedure/{i % 5 + 1}> ; "
              f"kg:observedAfter {c}/procedure/{min(5, i % 5 + 2)}> ." for i in range(1, 13)]
    return "\n".join(lines)


def test_no_overlaps_with_five_procedures():
    fig = render_case(_graph(_many_procedures_turtle()), "https://w3id.org/casekg/case/many")
    fig.canvas.draw()
    assert _overlapping_labels(fig) == []
    assert any(t.get_text().startswith("#") for t in _texts(fig))  # refers to an earlier one


def test_no_overlaps_without_procedures():
    f = "<https://w3id.org/casekg/case/flat/finding/"
    ttl = "\n".join(
        [PREFIXES, "<https://w3id.org/casekg/case/flat> a kg:Case ; kg:hasFinding "
         + ", ".join(f"{f}{i}>" for i in range(1, 61)) + " ."]
        + [f"{f}{i}> a kg:{CLASSES[i % len(CLASSES)]} ; kg:assertion kg:Present ; "
           f"kg:site kg:{SITES[i % len(SITES)]} ." for i in range(1, 61)])
    fig = render_case(_graph(ttl), "flat")
    fig.canvas.draw()
    assert _overlapping_labels(fig) == []
    assert not [t for t in _texts(fig) if t.get_gid() == "more"]  # sub-columns hold all 60
