"""Unsafe queries: syntax errors are one line with a position, queries only read,
a timeout bounds a query, and a bound parameter can never change the query."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import QueryError
from kg.sparql import load_store, run_query, run_update, to_term, update_keyword

GRAPH = """\
@prefix kg: <https://w3id.org/casekg/onto#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@base <https://w3id.org/casekg/case/> .
<k1> a kg:Case ; dcterms:identifier "k1" ; kg:hasFinding <k1/finding/1> .
<k1/finding/1> a kg:NeurologicalDeficit ; kg:assertion kg:Absent .
<s1> a kg:Case ; dcterms:identifier "s1" .
"""
INJECTION = '"} ; DROP ALL ; {"'
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture
def graph(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(GRAPH, encoding="utf-8")
    return path


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


# ---------------------------------------------------------------- syntax errors


def test_syntax_error_names_line_and_column_exit_2(graph):
    result = invoke("query", "SELECT ?c\nWHERE { ?c a }", "-g", str(graph), "--no-ontology")
    assert result.exit_code == 2
    assert "SPARQL syntax error at line 2, column" in result.output
    assert result.output.count("\n") == 1  # one line


# ---------------------------------------------------------------- read only


@pytest.mark.parametrize("text", [
    "DELETE WHERE { ?s ?p ?o }",
    "drop all",
    "# a comment\nCLEAR DEFAULT",
    "PREFIX x: <http://example.org/a#b>\nINSERT DATA { <http://a> <http://b> <http://c> }",
    "LOAD <file:///etc/passwd>",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "ASK {} INSERT DATA { <http://a> <http://b> <http://c> }",
])
def test_update_never_changes_the_graph(graph, text):
    store = load_store([graph], with_ontology=False)
    before = len(store)
    with pytest.raises(QueryError):
        run_query(text, store)
    assert len(store) == before


@pytest.mark.parametrize("text", ["PREFIX x: <http://e.org/a#b>\nINSERT DATA {}",
                                  "# hi\n  delete where {?s ?p ?o}"])
def test_update_is_recognised_behind_prefixes_and_comments(text):
    assert update_keyword(text) in ("INSERT", "DELETE")


def test_cli_refuses_update_and_leaves_the_file(graph):
    before = graph.read_bytes()
    result = invoke("query", "DROP ALL", "-g", str(graph))
    assert result.exit_code == 2
    assert "refused" in result.output and "--allow-update" in result.output
    assert graph.read_bytes() == before


def test_allow_update_rewrites_the_file_on_purpose(graph):
    result = invoke("query", "INSERT DATA { <https://w3id.org/casekg/case/n1> a kg:Case }",
                    "-g", str(graph), "--allow-update")
    assert result.exit_code == 0, result.output
    assert "7 -> 8 triples" in result.output
    ids = run_query("SELECT ?c WHERE { ?c a kg:Case }", graph, with_ontology=False).records()
    assert len(ids) == 3


def test_allow_update_does_not_write_the_ontology_into_the_file(graph):
    run_update("DELETE WHERE { ?s a kg:NeurologicalDeficit }", graph)
    assert len(load_store([graph], with_ontology=False)) == 6  # 7 less the one deleted


def test_failing_update_leaves_the_file_as_it_was(graph):
    before = graph.read_bytes()
    with pytest.raises(QueryError, match="line 1"):
        run_update("INSERT DATA { <a> }", graph)
    assert graph.read_bytes() == before


def test_allow_update_with_a_store_is_refused(tmp_path):
    result = invoke("query", "DROP ALL", "--store", str(tmp_path / "s"), "--allow-update")
    assert result.exit_code == 2


# ---------------------------------------------------------------- timeout


def test_timeout_stops_a_slow_query(graph):
    start = time.perf_counter()
    with pytest.raises(QueryError, match=r"timed out after 0\.5 s"):
        run_query(SLOW, graph, with_ontology=True, timeout=0.5)
    assert time.perf_counter() - start < 5


def test_timeout_keeps_fast_answers_identical(graph):
    plain = run_query("SELECT ?c WHERE { ?c a kg:Case } ORDER BY ?c", graph)
    timed = run_query("SELECT ?c WHERE { ?c a kg:Case } ORDER BY ?c", graph, timeout=30)
    assert timed.records() == plain.records()


def test_timeout_passes_query_errors_through(graph):
    with pytest.raises(QueryError, match="syntax error at line 1"):
        run_query("SELECT ?c WHERE { ?c }", graph, timeout=30)


def test_cli_timeout_one_line_exit_2(graph):
    result = invoke("query", SLOW, "-g", str(graph), "--timeout", "0.5")
    assert result.exit_code == 2
    assert "timed out after 0.5 s" in result.output and result.output.count("\n") == 1


def test_cli_timeout_must_be_positive(graph):
    assert invoke("query", "cq1", "-g", str(graph), "--timeout", "0").exit_code == 2


# ---------------------------------------------------------------- bound parameters


def test_injected_sparql_in_a_bound_value_is_just_a_string(graph):
    store = load_store([graph], with_ontology=False)
    before = len(store)
    found = run_query("cq4", store, bindings={"caseId": INJECTION}).records()
    assert found == []  # no case has that identifier; the query was not changed
    assert len(store) == before
    assert run_query("cq4", store, bindings={"caseId": "k1"}).records()[0]["caseId"] == "k1"


@pytest.mark.parametrize("value", [INJECTION, "k1\" } UNION { ?x ?y ?z", "?caseId", "k1 . }",
                                   "http://x/> } DROP ALL { <y"])
def test_bound_value_is_a_literal_with_exactly_that_text(value):
    term = to_term(value)
    assert isinstance(term, ox.Literal) and term.value == value


def test_cli_bind_injection_finds_nothing(graph):
    result = invoke("query", "cq4", "-g", str(graph), "--bind", f"caseId={INJECTION}",
                    "--format", "csv")
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[1:] == []


@pytest.mark.parametrize("value", ["kg:} ; DROP ALL ; {", "http://x/>}DROP{<y"])
def test_bound_iri_with_sparql_in_it_is_a_one_line_error(graph, value):
    result = invoke("query", "cq4", "-g", str(graph), "--bind", f"finding={value}")
    assert result.exit_code == 2 and "not a valid IRI" in result.output


def test_federated_service_is_refused_but_the_word_in_a_string_is_not(tmp_path):
    from kg.errors import QueryError
    from kg.sparql import refuse_service

    with pytest.raises(QueryError, match="SERVICE"):
        refuse_service("SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }")
    refuse_service('SELECT * WHERE { ?s ?p "customer service" } # SERVICE in a comment')
    refuse_service("SELECT * WHERE { ?s <http://x.example/SERVICE> ?o }")
