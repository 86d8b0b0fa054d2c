"""The SHACL shapes accept a small conforming graph and name what is wrong in a broken one."""

from __future__ import annotations

from functools import lru_cache

import pytest

from kg import ontogen

pyshacl = pytest.importorskip("pyshacl")
rdflib = pytest.importorskip("rdflib")

SHAPES = ontogen.ONTO_DIR / "shapes.ttl"
ONTOLOGY = ontogen.ONTO_DIR / "casekg.ttl"

PREFIXES = """
@prefix kg: <https://w3id.org/casekg/onto#> .
@prefix case: <https://w3id.org/casekg/case/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
"""

GOOD = PREFIXES + """
case:t1 a kg:Case ; dcterms:identifier "t1" ; kg:text "Cement leak at L5 after kyphoplasty." ;
    kg:patientAge 70 ; kg:patientSex kg:Male ;
    kg:hasFinding <https://w3id.org/casekg/case/t1/finding/1> ;
    kg:hasProcedure <https://w3id.org/casekg/case/t1/procedure/1> .
<https://w3id.org/casekg/case/t1/finding/1> a kg:CementLeakage ;
    kg:assertion kg:Present ; kg:laterality kg:Left ; kg:severity kg:Mild ;
    kg:site kg:L5Vertebra ; kg:evidence <https://w3id.org/casekg/case/t1/mention/1> .
<https://w3id.org/casekg/case/t1/procedure/1> a kg:Kyphoplasty ; kg:sequence 1 ;
    kg:evidence <https://w3id.org/casekg/case/t1/mention/2> .
<https://w3id.org/casekg/case/t1/mention/1> a kg:Mention ;
    oa:exact "Cement leak" ; oa:start 0 ; oa:end 11 .
<https://w3id.org/casekg/case/t1/mention/2> a kg:Mention ;
    oa:exact "kyphoplasty" ; oa:start 24 ; oa:end 35 .
"""


@lru_cache(maxsize=1)
def _graphs():
    """The shapes and the ontology, parsed once."""
    return rdflib.Graph().parse(SHAPES), rdflib.Graph().parse(ONTOLOGY)


def _validate(data: str, with_ontology: bool = True) -> tuple[bool, set[str]]:
    """Validate a Turtle string; return (conforms, the result paths' local names)."""
    g = rdflib.Graph().parse(data=data, format="turtle")
    shapes, ontology = _graphs()
    ont = ontology if with_ontology else None
    conforms, results, _text = pyshacl.validate(g, shacl_graph=shapes, ont_graph=ont,
                                                inference="none")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    paths = {str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
             for p in results.objects(None, sh.resultPath)}
    return conforms, paths


def test_conforming_graph_passes():
    assert _validate(GOOD) == (True, set())


def test_conforming_graph_passes_without_the_ontology():
    assert _validate(GOOD, with_ontology=False)[0] is True


def test_finding_without_assertion_fails():
    broken = GOOD.replace("kg:assertion kg:Present ;", "")
    assert _validate(broken) == (False, {"assertion"})


def test_finding_with_two_assertions_fails():
    broken = GOOD.replace("kg:assertion kg:Present ;", "kg:assertion kg:Present , kg:Absent ;")
    assert _validate(broken) == (False, {"assertion"})


def test_finding_typed_by_subclass_only_is_still_checked_through_the_ontology():
    broken = GOOD.replace("kg:hasFinding <https://w3id.org/casekg/case/t1/finding/1> ;", "")
    broken = broken.replace("kg:assertion kg:Present ;", "")
    assert _validate(broken) == (False, {"assertion"})


def test_bad_laterality_and_severity_fail():
    broken = GOOD.replace("kg:laterality kg:Left", "kg:laterality kg:Moderate")
    broken = broken.replace("kg:severity kg:Mild", "kg:severity kg:Left")
    assert _validate(broken) == (False, {"laterality", "severity"})


def test_age_out_of_range_fails():
    too_old = GOOD.replace("kg:patientAge 70", "kg:patientAge 200")
    assert _validate(too_old) == (False, {"patientAge"})
    as_string = GOOD.replace("kg:patientAge 70", 'kg:patientAge "70"')
    assert _validate(as_string)[1] == {"patientAge"}


def test_case_without_text_fails():
    broken = GOOD.replace('kg:text "Cement leak at L5 after kyphoplasty." ;', "")
    assert _validate(broken) == (False, {"text"})


def test_procedure_without_evidence_fails():
    evidence = "kg:sequence 1 ;\n    kg:evidence <https://w3id.org/casekg/case/t1/mention/2> ."
    broken = GOOD.replace(evidence, "kg:sequence 1 .")
    assert _validate(broken) == (False, {"evidence"})


def test_mention_with_string_offsets_or_no_end_fails():
    string_start = GOOD.replace("oa:start 0 ;", 'oa:start "0" ;')
    assert _validate(string_start)[1] == {"start"}
    no_end = GOOD.replace("oa:start 0 ; oa:end 11 .", "oa:start 0 .")
    assert _validate(no_end)[1] == {"end"}
    backwards = GOOD.replace("oa:start 0 ; oa:end 11", "oa:start 12 ; oa:end 11")
    assert _validate(backwards)[1] == {"start"}
