"""Every output format stores a messy case text exactly: CRLF, lone CR, U+2028, tabs,
replaced bytes and quotes survive writing and parsing back, so offsets still slice it."""

from __future__ import annotations

import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import cli
from kg.namespaces import KG, OA

RAW = ("Texto: T\r\nKyphoplasty at L5.\r\nCement leakage\rinto the right pedicle.\u2028"
       "\t\"quoted\" \\ \u0085 ² \x01 caf\udce9.\r\n  indented line\r\nKeywords:\r\n- leak\r\n")
FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld",
           "rdf": "xml"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    (root / "in").mkdir()
    (root / "in" / "c.txt").write_bytes(RAW.encode("utf-8", errors="surrogateescape"))
    for suffix in FORMATS:
        result = CliRunner().invoke(cli, ["build", str(root / "in"), "-o",
                                          str(root / "out" / f"g.{suffix}")])
        assert result.exit_code == 0, result.output
    return root / "out"


def texts_and_mentions(path, fmt):
    graph = rdflib.Dataset() if fmt in ("nquads", "trig") else rdflib.Graph()
    graph.parse(path, format=fmt)
    triples = list(graph.quads()) if fmt in ("nquads", "trig") else list(graph)
    value = {(str(t[0]), str(t[1])): t[2] for t in triples}
    text = next(str(t[2]) for t in triples if str(t[1]) == KG + "text")
    mentions = [(int(value[(str(t[0]), OA + "start")]), int(value[(str(t[0]), OA + "end")]),
                 str(t[2])) for t in triples if str(t[1]) == OA + "exact"]
    return text, mentions


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_case_text_is_stored_exactly_and_sliced_by_mentions(outputs, suffix):
    text, mentions = texts_and_mentions(outputs / f"g.{suffix}", FORMATS[suffix])
    expected, _ = texts_and_mentions(outputs / "g.nt", "nt")
    assert text == expected
    assert "\r\n  indented line\r\n" in text and "leakage\rinto" in text
    assert mentions and all(text[s:e] == exact for s, e, exact in mentions)


def test_a_store_keeps_the_text_exactly(outputs, tmp_path):
    from kg.sparql import run_query
    from kg.store import open_store

    result = CliRunner().invoke(cli, ["build", str(outputs.parent / "in"),
                                      "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    store = open_store(tmp_path / "store", read_only=True)
    try:
        rows = run_query("SELECT ?t WHERE { ?c kg:text ?t }", store).records()
    finally:
        store.close()
    expected, _ = texts_and_mentions(outputs / "g.nt", "nt")
    assert [r["t"] for r in rows] == [expected]
