"""SPARQL competency questions on a small hand-written graph (ontology triples included)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kg.errors import InputError, QueryError
from kg.sparql import format_result, named_queries, resolve_query, run_query

GRAPH = """\
@prefix kg: <https://w3id.org/casekg/onto#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@base <https://w3id.org/casekg/case/> .

# --- the minimal ontology the questions walk through
kg:CementLeakage rdfs:subClassOf kg:ProcedureComplication ; rdfs:label "cement leakage" .
kg:IntrathecalCementLeakage rdfs:subClassOf kg:CementLeakage ;
    rdfs:label "intrathecal cement leakage" .
kg:PedicleCementLeakage rdfs:subClassOf kg:CementLeakage ; rdfs:label "pedicle cement leakage" .
kg:ProcedureComplication rdfs:subClassOf kg:Finding .
kg:VertebralAugmentation rdfs:subClassOf kg:Procedure .
kg:Kyphoplasty rdfs:subClassOf kg:VertebralAugmentation ; rdfs:label "kyphoplasty" .
kg:Vertebroplasty rdfs:subClassOf kg:VertebralAugmentation ; rdfs:label "vertebroplasty" .
kg:Hemilaminectomy rdfs:subClassOf kg:Procedure ; rdfs:label "hemilaminectomy" .
kg:NeurologicalDeficit rdfs:label "neurological deficit" .
kg:Sciatica rdfs:label "sciatica" .
kg:SchmorlNode rdfs:label "Schmorl's node" .
kg:ShoulderPain rdfs:label "shoulder pain" .
kg:L5Vertebra kg:partOf kg:LumbarSpine ; kg:levelCode "L5" .
kg:L4Vertebra kg:partOf kg:LumbarSpine ; kg:levelCode "L4" .
kg:L5Pedicle kg:partOf kg:L5Vertebra ; kg:levelCode "L5" ; rdfs:label "L5 pedicle" .
kg:L5IntrathecalSpace kg:partOf kg:L5Vertebra ; rdfs:label "L5 intrathecal space" .
kg:Female rdfs:label "female" .

# --- a kyphoplasty case
<k1> a kg:Case ; dcterms:identifier "k1" ; dcterms:title "Leak" ;
    kg:patientAge 76 ; kg:patientSex kg:Female ;
    kg:hasProcedure <k1/procedure/1> , <k1/procedure/2> ;
    kg:hasFinding <k1/finding/1> , <k1/finding/2> , <k1/finding/3> , <k1/finding/4> ,
        <k1/finding/5> .
<k1/procedure/1> a kg:Kyphoplasty ; kg:sequence 1 ; kg:site kg:L5Vertebra .
<k1/procedure/2> a kg:Hemilaminectomy ; kg:sequence 2 ; kg:treats <k1/finding/1> .
<k1/finding/1> a kg:IntrathecalCementLeakage ; kg:assertion kg:Present ;
    kg:site kg:L5IntrathecalSpace ; kg:laterality kg:Left ;
    kg:complicationOf <k1/procedure/1> .
<k1/finding/2> a kg:PedicleCementLeakage ; kg:assertion kg:Present ; kg:site kg:L5Pedicle ;
    kg:laterality kg:Right ; kg:complicationOf <k1/procedure/1> .
<k1/finding/3> a kg:NeurologicalDeficit ; kg:assertion kg:Absent ; kg:evidence <k1/mention/1> .
<k1/mention/1> oa:exact "neurological deficit" .
<k1/finding/4> a kg:Sciatica ; kg:assertion kg:Present ; kg:resolvedBy <k1/procedure/2> .
<k1/finding/5> a kg:SchmorlNode ; kg:assertion kg:Present ; kg:site kg:L4Vertebra .

# --- a case with nothing lumbar
<s1> a kg:Case ; dcterms:identifier "s1" ; kg:hasFinding <s1/finding/1> .
<s1/finding/1> a kg:ShoulderPain ; kg:assertion kg:Present .
"""


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    path = tmp_path_factory.mktemp("q") / "g.ttl"
    path.write_text(GRAPH, encoding="utf-8")
    return path


def rows(name: str, graph, **kw) -> list[dict]:
    return run_query(name, graph, with_ontology=False, **kw).records()


def test_seven_named_queries_with_alias_and_description():
    queries = named_queries()
    assert [q.name for q in queries] == [f"cq{n}" for n in range(1, 8)]
    assert all(q.alias and q.description for q in queries)
    assert len({q.alias for q in queries}) == 7


def test_cq1_kyphoplasty_led_to_intrathecal_leak(graph):
    (row,) = rows("cq1", graph)
    assert row["procedure"] == "kyphoplasty"
    assert row["procedureClass"].endswith("#Kyphoplasty")
    assert row["cases"] == 1


def test_alias_runs_the_same_query(graph):
    assert rows("intrathecal-leak-procedures", graph) == rows("cq1", graph)


def test_cq2_lists_each_complication_with_level_and_laterality(graph):
    found = {(r["complicationLabel"], r["levels"], r["laterality"], r["causingProcedure"])
             for r in rows("cq2", graph)}
    assert found == {("intrathecal cement leakage", "L5", "Left", "kyphoplasty"),
                     ("pedicle cement leakage", "L5", "Right", "kyphoplasty")}


def test_cq3_treatment_and_resolution(graph):
    (row,) = rows("cq3", graph)
    assert row["procedureLabel"] == "hemilaminectomy"
    assert row["complicationLabel"] == "intrathecal cement leakage"
    assert (row["resolved"], row["resolvedFindings"]) == ("yes", "sciatica")


def test_cq4_absent_finding(graph):
    (row,) = rows("cq4", graph)
    assert (row["caseId"], row["findingLabel"]) == ("k1", "neurological deficit")
    assert row["evidence"] == "neurological deficit"


def test_cq5_levels_per_case(graph):
    assert [(r["caseId"], r["level"]) for r in rows("cq5", graph)] == [("k1", "L4"), ("k1", "L5")]


def test_cq6_lumbar_cases_via_part_of(graph):
    result = rows("cq6", graph)
    assert [r["caseId"] for r in result] == ["k1"]  # s1 has no lumbar finding
    assert result[0]["findings"] == 3  # two leaks (via partOf*) and the Schmorl node


def test_cq7_demographics_via_subclass(graph):
    (row,) = rows("cq7", graph)
    assert (row["caseId"], row["age"], row["sex"]) == ("k1", 76, "female")
    assert row["procedures"] == "kyphoplasty"


def test_query_file(graph, tmp_path):
    rq = tmp_path / "mine.rq"
    rq.write_text("SELECT ?id WHERE { ?c dcterms:identifier ?id } ORDER BY ?id")
    assert [r["id"] for r in rows(str(rq), graph)] == ["k1", "s1"]


def test_inline_query_with_default_prefixes(graph):
    assert len(rows("SELECT ?c WHERE { ?c a kg:Case }", graph)) == 2


def test_ask_query(graph):
    assert rows("ASK { ?c kg:patientAge 76 }", graph) == [{"answer": True}]


def test_bound_variable(graph):
    result = rows("SELECT ?id ?c WHERE { ?c dcterms:identifier ?id }", graph,
                  bindings={"id": "s1"})
    assert [r["c"] for r in result] == ["https://w3id.org/casekg/case/s1"]


def test_syntax_error_one_line_with_position(graph):
    with pytest.raises(QueryError) as err:
        run_query("SELECT ?x WHERE {\n  ?x ?y\n}", graph, with_ontology=False)
    message = str(err.value)
    assert "line 3, column" in message and "\n" not in message


def test_update_refused(graph):
    with pytest.raises(QueryError, match="UPDATE"):
        run_query("PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }", graph, with_ontology=False)


def test_unknown_query_name(graph):
    with pytest.raises(QueryError, match="unknown query 'cq99'"):
        resolve_query("cq99")


def test_missing_graph_file(tmp_path):
    with pytest.raises(InputError, match="no such graph file"):
        run_query("cq1", tmp_path / "none.ttl", with_ontology=False)


def test_formats(graph):
    result = run_query("cq1", graph, with_ontology=False)
    table = format_result(result, "table")
    assert "kg:Kyphoplasty" in table and "(1 row)" in table
    (row,) = list(csv.DictReader(io.StringIO(format_result(result, "csv"))))
    assert row["procedureClass"] == "https://w3id.org/casekg/onto#Kyphoplasty"
    assert json.loads(format_result(result, "json"))[0]["cases"] == 1
    assert format_result(result, "markdown").startswith("| procedureClass |")
    assert format_result(result, "tsv").split("\n")[0].count("\t") == 3


def test_shipped_ontology_is_loaded(graph):
    # without the fixture's own ontology triples the subclass walk needs the shipped ontology
    result = run_query("ASK { kg:Kyphoplasty rdfs:subClassOf* kg:VertebralAugmentation }",
                       graph, with_ontology=True)
    assert result.boolean is True
