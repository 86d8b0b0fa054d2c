"""Writing RDF: deterministic Turtle, round trips, atomic writes."""

from __future__ import annotations

import random

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg import rdfio
from kg.errors import InputError
from kg.namespaces import CASE, KG, RDF, XSD
from kg.rdfio import write_graph

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")

A = URIRef(CASE + "c1")
TYPE = URIRef(RDF + "type")


def sample() -> list[tuple]:
    """Triples with the awkward bits: numbers in IRIs, quotes, newlines, escapes."""
    t = [(A, TYPE, URIRef(KG + "Case")),
         (A, URIRef(KG + "text"), Literal('Line "one"\nline \\two\\ """x"""\ttab\r')),
         (A, URIRef(KG + "patientAge"), Literal(76, datatype=URIRef(XSD + "integer"))),
         (A, URIRef(KG + "historical"), Literal(True)),
         (A, URIRef(KG + "size"), Literal("2.5", datatype=URIRef(XSD + "decimal"))),
         (A, URIRef(KG + "keyword"), Literal("douleur", lang="fr")),
         (URIRef(CASE + "a%20b%2Fc"), TYPE, URIRef(KG + "Case")),
         (URIRef(CASE + ".."), TYPE, URIRef(KG + "Case")),
         (URIRef("http://example.org/caf\u00e9"), URIRef(KG + "odd"), Literal("ü"))]
    t += [(A, URIRef(KG + "hasFinding"), URIRef(f"{A}/finding/{n}")) for n in range(1, 12)]
    return t


@pytest.mark.parametrize("suffix,fmt", [(".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld")])
def test_round_trip_is_isomorphic(tmp_path, suffix, fmt):
    path = tmp_path / f"g{suffix}"
    write_graph(sample(), path)
    expected = Graph()
    for t in sample():
        expected.add(t)
    assert isomorphic(Graph().parse(path, format=fmt), expected)


def test_turtle_loads_in_pyoxigraph(tmp_path):
    import pyoxigraph as ox

    path = tmp_path / "g.ttl"
    write_graph(sample(), path)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(set(sample()))


def test_two_writes_same_bytes_whatever_the_input_order(tmp_path):
    shuffled = sample()
    random.Random(7).shuffle(shuffled)
    write_graph(sample(), tmp_path / "a.ttl")
    write_graph(shuffled, tmp_path / "b.ttl")
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()


def test_ntriples_deterministic(tmp_path):
    write_graph(sample(), tmp_path / "a.nt")
    write_graph(list(reversed(sample())), tmp_path / "b.nt")
    assert (tmp_path / "a.nt").read_bytes() == (tmp_path / "b.nt").read_bytes()


def test_numbers_inside_iris_sort_as_numbers(tmp_path):
    write_graph(sample(), tmp_path / "g.ttl")
    text = (tmp_path / "g.ttl").read_text()
    assert text.index("<c1/finding/2>") < text.index("<c1/finding/10>")


def test_turtle_uses_fixed_prefixes_and_case_base(tmp_path):
    write_graph(sample(), tmp_path / "g.ttl")
    text = (tmp_path / "g.ttl").read_text()
    assert text.startswith("@prefix kg: <https://w3id.org/casekg/onto#> .\n")
    assert "@base <https://w3id.org/casekg/case/> ." in text
    assert "<c1> a kg:Case" in text
    assert "kg:patientAge 76" in text and "kg:historical true" in text


def test_dot_segment_ids_are_written_in_full(tmp_path):
    write_graph(sample(), tmp_path / "g.ttl")
    assert "<https://w3id.org/casekg/case/..>" in (tmp_path / "g.ttl").read_text()


def test_blank_nodes_are_written(tmp_path):
    path = tmp_path / "g.ttl"
    write_graph([(A, URIRef(KG + "x"), BNode("n1"))], path)
    assert len(Graph().parse(path)) == 1


def test_atomic_write_keeps_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "g.ttl"
    path.write_text("old", encoding="utf-8")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rdfio.os, "replace", boom)
    with pytest.raises(RuntimeError):
        write_graph(sample(), path)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["g.ttl"]  # no temp file left


def test_unknown_suffix_is_input_error(tmp_path):
    with pytest.raises(InputError, match="unknown RDF format"):
        write_graph(sample(), tmp_path / "g.xyz")


def test_rdflib_graph_accepted(tmp_path):
    g = Graph()
    for t in sample():
        g.add(t)
    assert write_graph(g, tmp_path / "g.ttl") == len(g)


def test_outputs_get_normal_file_permissions_not_mkstemps_private_ones(tmp_path):
    import os

    from kg.rdfio import atomic_write, temp_beside

    mask = os.umask(0)
    os.umask(mask)
    out = tmp_path / "g.ttl"
    atomic_write(out, "x")
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    fd, tmp = temp_beside(tmp_path / "p.png", suffix=".png")
    os.close(fd)
    assert os.stat(tmp).st_mode & 0o777 == 0o666 & ~mask
