"""Property-based tests (hypothesis) over arbitrary texts and ids, through the real
pipeline: read (a JSON Lines file, so any text and id can be written) -> extract ->
assemble (``kg.pipeline.build_triples``) -> write Turtle (``kg.rdfio``) -> parse back.

For every generated case: no exception escapes and no case fails; every evidence span
slices the stored text exactly; the written Turtle parses back isomorphic to the
graph; and (fewer examples, it is slower) the graph conforms to the SHACL shapes.
"""

from __future__ import annotations

import json
import tempfile
from functools import cache
from pathlib import Path

import pytest
import rdflib
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from kg.namespaces import KG, OA
from kg.pipeline import Pipeline, build_triples
from kg.rdfio import to_rdflib_graph, write_graph

# Words the extractor knows, so generated texts make findings, procedures and relations.
WORDS = [
    "kyphoplasty", "vertebroplasty", "cement", "leakage", "leak", "into", "the", "right",
    "left", "bilateral", "pedicle", "L5", "L4-L5", "T12", "C1", "disc", "bulge", "herniation",
    "stenosis", "fracture", "compression", "no", "without", "possible", "history of",
    "after", "before", "CT", "MRI", "radiograph", "moderate", "severe", "mild", "sciatica",
    "hemilaminectomy", "Schmorl's node", "osteopenia", "76", "year-old", "woman", "man",
    "Findings:", "History:", "Impression:", "Keywords:", "Texto:", "- ", "2.3 cm",
]
ODD = ["\n", "\r\n", "\r", "\t", "  ", ".", ",", ";", ":", "(", ")", "\x00", "\x07", "\x0c",
       "\ud800", "\u2028", "\u0085", "\ufeff", "\ufffd", "é", "症", "🦴", '"', "\\", "<", ">",
       "{", "}", "`", "%", "#", "'''", '"""', "²", "٣", "①", "Ⅻ", "\U0001d7d9"]

clinical = st.lists(st.sampled_from(WORDS * 4 + ODD), min_size=3, max_size=40).map(" ".join)
texts = st.one_of(clinical, clinical, clinical, st.text(max_size=200),
                  st.lists(st.sampled_from(ODD), max_size=30).map("".join))
ids = st.one_of(st.text(min_size=1, max_size=24),
                st.sampled_from(["..", ".", "../../x", '<>"{}|^\\`', "a b", "%2F", "x/y"]))

OA_START, OA_END, OA_EXACT = (rdflib.URIRef(OA + n) for n in ("start", "end", "exact"))
KG_TEXT = rdflib.URIRef(KG + "text")
SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@cache
def pipeline() -> Pipeline:
    return Pipeline.load()


def build(text: str, case_id: str) -> tuple[list, object, rdflib.Graph]:
    """Build one case through the real pipeline; (triples, report, Turtle parsed back)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "case.jsonl"
        src.write_text(json.dumps({"id": case_id, "text": text}) + "\n", encoding="utf-8")
        try:
            triples, report = build_triples([src], pipeline=pipeline())
        except Exception as exc:  # an InputError is fine only for a text with nothing in it
            assert not text.strip() or _only_junk(text), f"{type(exc).__name__}: {exc}"
            return [], None, rdflib.Graph()
        out = Path(tmp) / "g.ttl"
        write_graph(triples, out)
        back = rdflib.Graph().parse(out, format="turtle")
    return triples, report, back


def _only_junk(text: str) -> bool:
    """Whitespace only once the reader's replacements are made (U+FFFD is not blank)."""
    return not text.replace("\\n", "\n").strip()


@SETTINGS
@given(text=texts, case_id=ids)
def test_any_text_and_id_builds_without_failure(text, case_id):
    triples, report, _ = build(text, case_id)
    if report is None:
        event("nothing to read")
        return
    assert report.failures == []  # no case raised in extraction or assembly
    assert report.cases == 1
    event(f"findings+procedures: {min(report.findings + report.procedures, 3)}+")


def test_the_generated_words_do_make_findings():
    """The properties are not vacuous: the word list yields findings, procedures, mentions."""
    text = "76 year-old woman. kyphoplasty at L5. CT: cement leakage into the right pedicle."
    triples, report, back = build(text, "w")
    assert report.findings >= 1 and report.procedures >= 1
    assert len(set(back.subjects(OA_EXACT, None))) >= 2


@SETTINGS
@given(text=texts, case_id=ids)
def test_every_evidence_span_slices_the_stored_text(text, case_id):
    _, report, back = build(text, case_id)
    if report is None:
        return
    case_text = {s: str(o) for s, o in back.subject_objects(KG_TEXT)}
    assert len(case_text) == 1
    (root, stored), = case_text.items()
    for mention, exact in back.subject_objects(OA_EXACT):
        assert str(mention).startswith(str(root) + "/mention/")
        start, end = int(back.value(mention, OA_START)), int(back.value(mention, OA_END))
        assert stored[start:end] == str(exact)


@SETTINGS
@given(text=texts, case_id=ids)
def test_written_turtle_parses_back_isomorphic(text, case_id):
    triples, report, back = build(text, case_id)
    if report is None:
        return
    assert isomorphic(back, to_rdflib_graph(triples))


@cache
def shapes_and_ontology() -> tuple[rdflib.Graph, rdflib.Graph]:
    from kg.api import shapes_file
    from kg.sparql import ontology_file

    onto = ontology_file()
    assert onto is not None
    return rdflib.Graph().parse(shapes_file()), rdflib.Graph().parse(onto)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=clinical, case_id=ids)
def test_built_graph_conforms_to_the_shapes(text, case_id):
    from pyshacl import validate

    _, report, back = build(text, case_id)
    if report is None:
        return
    shapes, onto = shapes_and_ontology()
    conforms, _, message = validate(back, shacl_graph=shapes, ont_graph=onto, inference="none")
    assert conforms, message


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, case_id=ids)
def test_many_more_examples(text, case_id):
    """The three cheap properties on many more examples (``pytest -m slow``)."""
    triples, report, back = build(text, case_id)
    if report is None:
        return
    assert report.failures == []
    assert isomorphic(back, to_rdflib_graph(triples))
