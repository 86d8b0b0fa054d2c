"""Assembly: hand-made CaseExtraction records -> triples per MODEL.md."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from kg.assemble import AssemblyError, case_iri, case_triples
from kg.model import (
    Assertion,
    CaseExtraction,
    CaseText,
    Concept,
    Finding,
    Kind,
    Laterality,
    Procedure,
    Relation,
    Severity,
    Sex,
    Site,
    Span,
)
from kg.namespaces import CASE, DCTERMS, KG, OA, RDF, XSD

TEXT = ("Kyphoplasty at L5. Moderate cement leakage intrathecally on the left, 2 cm.\n"
        "No neurological deficit.")
ROOT = URIRef(CASE + "c1")
RDF_TYPE = URIRef(RDF + "type")
XSD_INTEGER = URIRef(XSD + "integer")


def kg(local: str) -> URIRef:
    return URIRef(KG + local)


def span(phrase: str, section: str | None = "Findings") -> Span:
    start = TEXT.index(phrase)
    return Span(start, start + len(phrase), phrase, section=section, rule="lexicon")


def concept(local: str, kind: Kind = Kind.FINDING) -> Concept:
    return Concept(KG + local, local.lower(), kind)


def extraction(**changes) -> CaseExtraction:
    case = CaseText(id="c1", text=TEXT, source="c1.txt", title="Leak",
                    keywords=("cement leak", "l5"))
    leak = Finding("finding/1", concept("IntrathecalCementLeakage", Kind.COMPLICATION),
                   (span("cement leakage intrathecally"),),
                   sites=(Site(KG + "L5IntrathecalSpace", "L5"),), laterality=Laterality.LEFT,
                   severity=Severity.MODERATE, size="2 cm", modality=KG + "ComputedTomography")
    deficit = Finding("finding/2", concept("NeurologicalDeficit"),
                      (span("neurological deficit"),), assertion=Assertion.ABSENT)
    kypho = Procedure("procedure/1", concept("Kyphoplasty", Kind.PROCEDURE),
                      (span("Kyphoplasty", section=None),), sequence=1,
                      sites=(Site(KG + "L5Vertebra", "L5"),))
    fields = dict(case=case, findings=(leak, deficit), procedures=(kypho,),
                  relations=(Relation("finding/1", "complicationOf", "procedure/1"),),
                  age=76, sex=Sex.FEMALE, unlinked=("odd phrase",),
                  differential=(concept("Fracture"),))
    fields.update(changes)
    return CaseExtraction(**fields)


@pytest.fixture(scope="module")
def triples() -> set:
    return set(case_triples(extraction()))


def objects(triples, s, p) -> set:
    return {o for (s2, p2, o) in triples if s2 == s and p2 == p}


def test_case_iri_percent_encodes_unsafe_characters():
    assert case_iri("a b/c:d~e.f-g_h") == URIRef(CASE + "a%20b%2Fc%3Ad~e.f-g_h")


def test_case_node(triples):
    assert (ROOT, RDF_TYPE, kg("Case")) in triples
    assert (ROOT, URIRef(DCTERMS + "identifier"), Literal("c1")) in triples
    assert (ROOT, URIRef(DCTERMS + "title"), Literal("Leak")) in triples
    assert (ROOT, kg("text"), Literal(TEXT)) in triples
    assert objects(triples, ROOT, kg("keyword")) == {Literal("cement leak"), Literal("l5")}


def test_demographics(triples):
    assert objects(triples, ROOT, kg("patientAge")) == {Literal(76, datatype=XSD_INTEGER)}
    assert objects(triples, ROOT, kg("patientSex")) == {kg("Female")}


def test_case_links_findings_procedures_unlinked_and_differential(triples):
    assert objects(triples, ROOT, kg("hasFinding")) == {URIRef(f"{ROOT}/finding/1"),
                                                        URIRef(f"{ROOT}/finding/2")}
    assert objects(triples, ROOT, kg("hasProcedure")) == {URIRef(f"{ROOT}/procedure/1")}
    assert objects(triples, ROOT, kg("unlinkedPhrase")) == {Literal("odd phrase")}
    assert objects(triples, ROOT, kg("differentialDiagnosis")) == {kg("Fracture")}


def test_finding_properties(triples):
    f1 = URIRef(f"{ROOT}/finding/1")
    assert (f1, RDF_TYPE, kg("IntrathecalCementLeakage")) in triples
    assert objects(triples, f1, kg("assertion")) == {kg("Present")}
    assert objects(triples, f1, kg("site")) == {kg("L5IntrathecalSpace")}
    assert objects(triples, f1, kg("laterality")) == {kg("Left")}
    assert objects(triples, f1, kg("severity")) == {kg("Moderate")}
    assert objects(triples, f1, kg("size")) == {Literal("2 cm")}
    assert objects(triples, f1, kg("observedWith")) == {kg("ComputedTomography")}


def test_assertion_always_stated(triples):
    for n in (1, 2):
        assert len(objects(triples, URIRef(f"{ROOT}/finding/{n}"), kg("assertion"))) == 1
    assert objects(triples, URIRef(f"{ROOT}/finding/2"), kg("assertion")) == {kg("Absent")}


def test_procedure_properties(triples):
    p1 = URIRef(f"{ROOT}/procedure/1")
    assert (p1, RDF_TYPE, kg("Kyphoplasty")) in triples
    assert objects(triples, p1, kg("sequence")) == {Literal(1, datatype=XSD_INTEGER)}
    assert objects(triples, p1, kg("site")) == {kg("L5Vertebra")}


def test_relation_between_minted_iris(triples):
    assert (URIRef(f"{ROOT}/finding/1"), kg("complicationOf"),
            URIRef(f"{ROOT}/procedure/1")) in triples


def test_mentions_numbered_in_text_order(triples):
    # "Kyphoplasty" (0) < "cement leakage..." < "neurological deficit"
    assert objects(triples, URIRef(f"{ROOT}/procedure/1"), kg("evidence")) == {
        URIRef(f"{ROOT}/mention/1")}
    assert objects(triples, URIRef(f"{ROOT}/finding/1"), kg("evidence")) == {
        URIRef(f"{ROOT}/mention/2")}
    assert objects(triples, URIRef(f"{ROOT}/finding/2"), kg("evidence")) == {
        URIRef(f"{ROOT}/mention/3")}


def test_mention_selectors_slice_the_text(triples):
    for n in (1, 2, 3):
        m = URIRef(f"{ROOT}/mention/{n}")
        assert objects(triples, m, RDF_TYPE) == {kg("Mention"), URIRef(OA + "TextQuoteSelector"),
                                                 URIRef(OA + "TextPositionSelector")}
        (start,) = objects(triples, m, URIRef(OA + "start"))
        (end,) = objects(triples, m, URIRef(OA + "end"))
        (exact,) = objects(triples, m, URIRef(OA + "exact"))
        assert start.datatype == XSD_INTEGER and end.datatype == XSD_INTEGER
        assert TEXT[start.toPython():end.toPython()] == str(exact)


def test_mention_section_and_rule(triples):
    m2 = URIRef(f"{ROOT}/mention/2")
    assert objects(triples, m2, kg("section")) == {Literal("Findings")}
    assert objects(triples, m2, kg("rule")) == {Literal("lexicon")}
    assert objects(triples, URIRef(f"{ROOT}/mention/1"), kg("section")) == set()


def test_shared_span_is_one_mention():
    ex = extraction()
    same = ex.findings[1]
    twin = Finding("finding/3", concept("Paresis"), same.evidence)
    t = set(case_triples(extraction(findings=(*ex.findings, twin))))
    mentions = {s for (s, p, o) in t if p == RDF_TYPE and o == kg("Mention")}
    assert len(mentions) == 3


def test_span_not_slicing_text_is_an_error():
    bad = Finding("finding/1", concept("BackPain"), (Span(0, 5, "Wrong"),))
    with pytest.raises(AssemblyError, match="does not slice"):
        case_triples(extraction(findings=(bad,), relations=()))


def test_relation_to_unknown_key_is_an_error():
    with pytest.raises(AssemblyError, match="unknown item"):
        case_triples(extraction(relations=(Relation("finding/1", "treats", "finding/9"),)))


def test_case_age_used_when_extraction_has_none():
    ex = extraction(age=None, sex=None)
    case = CaseText(id="c1", text=TEXT, source="x", age=40, sex=Sex.MALE)
    t = set(case_triples(extraction(case=case, age=None, sex=None)))
    assert (ROOT, kg("patientAge"), Literal(40, datatype=XSD_INTEGER)) in t
    assert (ROOT, kg("patientSex"), kg("Male")) in t
    assert ex.age is None


def test_other_base():
    t = case_triples(extraction(), base="https://example.org/c/")
    assert (URIRef("https://example.org/c/c1"), RDF_TYPE, kg("Case")) in t
