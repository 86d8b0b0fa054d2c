"""Tests of the corpus report (kg/report.py) on two small hand-written cases."""

from __future__ import annotations

import re

import pytest

rdflib = pytest.importorskip("rdflib")

from kg.errors import InputError  # noqa: E402
from kg.report import cooccurrence, write_report  # noqa: E402

C = "https://w3id.org/casekg/case/"
TTL = f"""\
@prefix kg: <https://w3id.org/casekg/onto#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{C}a> a kg:Case ; dcterms:identifier "a" ; dcterms:title "<script>alert(1)</script> & co" ;
    kg:patientAge 70 ; kg:patientSex kg:Female ;
    kg:hasProcedure <{C}a/procedure/1> ;
    kg:hasFinding <{C}a/finding/1>, <{C}a/finding/2>, <{C}a/finding/3> .
<{C}a/procedure/1> a kg:Kyphoplasty ; kg:sequence 1 ; kg:site kg:L5Vertebra .
<{C}a/finding/1> a kg:IntrathecalCementLeakage ; kg:assertion kg:Present ;
    kg:site kg:L5IntrathecalSpace ; kg:complicationOf <{C}a/procedure/1> .
<{C}a/finding/2> a kg:SchmorlNode ; kg:assertion kg:Present ; kg:site kg:L4Vertebra .
<{C}a/finding/3> a kg:NeurologicalDeficit ; kg:assertion kg:Absent .
<{C}b> a kg:Case ; dcterms:identifier "b" ; dcterms:title "Second case" ;
    kg:hasFinding <{C}b/finding/1>, <{C}b/finding/2> .
<{C}b/finding/1> a kg:SchmorlNode ; kg:assertion kg:Possible ; kg:site kg:L4Vertebra .
<{C}b/finding/2> a kg:BackPain ; kg:assertion kg:Present .
"""
CHARTS = ("complications-by-procedure", "findings-by-level", "assertion-mix", "cooccurrence")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    graph = rdflib.Graph().parse(data=TTL, format="turtle")
    out = tmp_path_factory.mktemp("report")
    page = write_report(graph, out)
    return out, page.read_text(encoding="utf-8")


def test_writes_index_and_each_chart_as_png_and_svg(report):
    out, _ = report
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["index.html"] + [f"{c}.{s}" for c in CHARTS for s in ("png", "svg")])
    assert (out / "cooccurrence.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_page_is_self_contained(report):
    _, page = report
    assert page.count('src="data:image/png;base64,') == len(CHARTS)
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_strings_from_the_graph_are_escaped(report):
    _, page = report
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page  # cq6 lists case titles


def test_every_competency_question_has_a_table_named_by_label(report):
    _, page = report
    for n in range(1, 8):
        assert f'id="cq{n}"' in page
    cq1 = page.split('id="cq1"')[1].split("</section>")[0]
    assert "<td>kyphoplasty</td>" in cq1 or ">kyphoplasty</span>" in cq1
    assert ">kg:Kyphoplasty<" not in cq1  # the class is shown by its label …
    assert 'title="https://w3id.org/casekg/onto#Kyphoplasty"' in cq1  # … the IRI as tooltip


def test_stats_count_cases_findings_and_ruled_out(report):
    _, page = report
    stats = dict((k, int(n)) for n, k in re.findall(r"<span><b>(\d+)</b> ([a-z ]+)</span>", page))
    assert stats == {"cases": 2, "findings": 5, "procedures": 1, "complications": 1,
                     "ruled out": 1}


def test_cooccurrence_joins_concepts_of_the_same_case():
    items = [
        {"case": "a", "label": "x", "assertion": "Present"},
        {"case": "a", "label": "y", "assertion": "Present"},
        {"case": "b", "label": "x", "assertion": "Present"},
        {"case": "b", "label": "y", "assertion": "Possible"},
        {"case": "b", "label": "z", "assertion": "Absent"},  # ruled out: not a co-occurrence
    ]
    g = cooccurrence(items)
    assert sorted(g.nodes) == ["x", "y"] and g.nodes["x"]["cases"] == 2
    assert g.edges["x", "y"]["weight"] == 2


def test_a_file_as_out_dir_raises(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(InputError, match="directory"):
        write_report(rdflib.Graph().parse(data=TTL, format="turtle"), target)
