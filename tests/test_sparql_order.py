"""A final ORDER BY of plain variables is applied to the answered rows, not by the store:
the same order, without pyoxigraph reading strings back from disk at every comparison."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from conftest import SEED

from kg.namespaces import PREFIXES
from kg.pipeline import run_build
from kg.sparql import _collect, named_queries, run_query, split_order
from kg.store import open_store

TEXTS = [
    SEED.read_text(encoding="utf-8"),
    "Title: Back pain\nHistory: A 61-year-old woman.\nFindings: MRI shows a compression "
    "fracture of L2 and disc herniation at L4-L5. There is no spinal stenosis.\n",
    "Title: Neck\nFindings: CT shows a C5 vertebral fracture. No cord compression.\n",
]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("order")
    corpus = tmp / "cases.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"ord-{i:02d}", "text": TEXTS[i % 3]}) + "\n"
                              for i in range(9)), encoding="utf-8")
    run_build([corpus], store=str(tmp / "store"))
    return str(tmp / "store")


def test_final_order_by_is_split_off():
    text, keys, extra = split_order("SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY DESC(?b) ?a")
    assert keys == [("b", True), ("a", False)] and extra == []
    assert "ORDER" not in text


def test_an_inner_or_limited_order_by_stays_with_the_store():
    inner = "SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?a } }"
    limited = "SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?a LIMIT 3"
    construct = "CONSTRUCT { ?a ?p ?o } WHERE { ?a ?p ?o } ORDER BY ?a"
    for query in (inner, limited, construct):
        assert split_order(query) == (query, [], [])


def test_a_sort_variable_not_projected_is_added_then_dropped(store_dir):
    query = ("SELECT ?id WHERE { ?c dcterms:identifier ?id ; kg:text ?t "
             "BIND(STRLEN(?t) AS ?n) } ORDER BY DESC(?n) ?id")
    _, keys, extra = split_order(query)
    assert extra == ["n"]
    store = open_store(store_dir, read_only=True)
    result = run_query(query, store)
    assert result.variables == ["id"]
    expected = _collect(store.store.query(query, prefixes=dict(PREFIXES),
                                          use_default_graph_as_union=True))
    assert [r[0].value for r in result.rows] == [r[0].value for r in expected.rows]


@pytest.mark.parametrize("cq", [q.name for q in named_queries()])
def test_each_competency_question_keeps_the_store_order(cq, store_dir):
    store = open_store(store_dir, read_only=True)
    query = next(q for q in named_queries() if q.name == cq).text
    ours = run_query(cq, store)
    theirs = _collect(store.store.query(query, prefixes=dict(PREFIXES),
                                        use_default_graph_as_union=True))
    assert ours.variables == theirs.variables
    assert [[str(t) for t in row] for row in ours.rows] == \
        [[str(t) for t in row] for row in theirs.rows]


def test_numbers_sort_by_value_and_unbound_first():
    store = ox.Store()
    store.load(input=b'<http://x/a> <http://x/n> 10 . <http://x/b> <http://x/n> 9 . '
                     b'<http://x/c> <http://x/q> 1 .', format=ox.RdfFormat.TURTLE)
    result = run_query("SELECT ?s ?n WHERE { ?s ?p ?o OPTIONAL { ?s <http://x/n> ?n } } "
                       "ORDER BY ?n", store)
    assert [r[0].value.rsplit("/", 1)[1] for r in result.rows] == ["c", "b", "a"]


def test_the_order_fixture_has_rows_to_order(store_dir):
    """Not vacuous: most questions answer several rows here."""
    store = open_store(store_dir, read_only=True)
    several = [q.name for q in named_queries() if len(run_query(q.name, store)) >= 2]
    assert len(several) >= 4, several
