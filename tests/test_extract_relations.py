"""Extraction end to end on short sentences written for the tests (shipped ontology)."""


import pytest
from conftest import extract_text as run

from kg.model import Assertion, Laterality, Section, Severity, Sex
from kg.namespaces import KG


def classes(x) -> list[str]:
    return [f.concept.iri.removeprefix(KG) for f in x.findings]


def rels(x) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in x.relations}


def test_coordinated_sides_make_two_findings():
    x = run("Cement leakage into the right and left pedicles at L3.")
    assert [(f.concept.iri, f.laterality) for f in x.findings] == [
        (KG + "PedicleCementLeakage", Laterality.RIGHT),
        (KG + "PedicleCementLeakage", Laterality.LEFT)]


def test_coordinated_sites_make_one_finding_each():
    x = run("Cement leakage into the pedicles and the epidural space at L1.")
    sites = [s.iri for f in x.findings for s in f.sites]
    assert sites == [KG + "L1Pedicle", KG + "L1EpiduralSpace"]


def test_coordinated_levels_make_one_finding_each():
    x = run("L2, L3 and L4 compression fractures.")
    assert [f.sites[0].level for f in x.findings] == ["L2", "L3", "L4"]


def test_part_without_level_borrows_previous_sentence_level():
    x = run("Kyphoplasty was performed at L5. Cement leakage into the right pedicle.")
    (leak,) = [f for f in x.findings if f.concept.iri == KG + "PedicleCementLeakage"]
    assert leak.sites[0].iri == KG + "L5Pedicle"


def test_escape_of_cement_into_a_site_is_a_leak():
    x = run("Cement placed into the left aspect of L4, with extrusion into the left pedicle.")
    assert classes(x) == ["PedicleCementLeakage"] and x.findings[0].laterality is Laterality.LEFT


def test_negated_finding_is_absent():
    x = run("There is no evidence of neurological deficit.")
    assert x.findings[0].assertion is Assertion.ABSENT


def test_severity_moderate_to_severe_is_severe():
    x = run("Moderate to severe spinal stenosis.")
    assert x.findings[0].severity is Severity.SEVERE


def test_caused_by_list_gives_one_edge_each():
    x = run("Spinal stenosis secondary to facet hypertrophy, disc bulge, and ligamentum flavum "
            "buckling.")
    assert rels(x) == {("finding/1", "causedBy", f"finding/{n}") for n in (2, 3, 4)}


def test_resultant_finding_is_caused_by_the_preceding_one():
    x = run("Cement leakage intrathecally, with resultant focal stenosis.")
    assert ("finding/2", "causedBy", "finding/1") in rels(x)


def test_adverse_finding_following_a_procedure_is_a_complication():
    x = run("Epidural hematoma following laminectomy.")
    assert ("finding/1", "complicationOf", "procedure/1") in rels(x)


def test_procedure_to_treat_a_finding():
    x = run("She underwent vertebroplasty to treat her T12 compression fracture.")
    assert ("procedure/1", "treats", "finding/1") in rels(x)


def test_coordinated_procedures_share_a_sequence_number():
    x = run("She underwent a laminectomy and discectomy. Two weeks later she underwent a fusion.")
    assert [p.sequence for p in x.procedures] == [1, 1, 2]


def test_planned_procedure_has_no_sequence():
    x = run("Recommend vertebroplasty.")
    assert x.procedures[0].planned and x.procedures[0].sequence is None


def test_repeated_procedure_mentions_are_one_procedure():
    x = run("Kyphoplasty was performed. The kyphoplasty went well.")
    assert len(x.procedures) == 1 and len(x.procedures[0].evidence) == 2


def test_step_is_step_of_the_main_procedure():
    x = run("Kyphoplasty with balloon inflation at L1.")
    assert ("procedure/2", "stepOf", "procedure/1") in rels(x)


def test_resolution_refers_back_to_the_earlier_finding():
    x = run("She had left sciatica. She underwent a hemilaminectomy, with resolution of the "
            "sciatic pain.")
    assert classes(x) == ["Sciatica"]
    assert ("finding/1", "resolvedBy", "procedure/1") in rels(x)


def test_heading_timing_gives_observed_after():
    text = "She underwent kyphoplasty.\nCT (post-procedure): Cement leakage into the pedicle."
    sections = [Section("CT (post-procedure)", 27, len(text))]
    x = run(text, sections)
    leak = x.findings[0]
    assert leak.modality == KG + "ComputedTomography"
    assert (leak.key, "observedAfter", "procedure/1") in rels(x)


def test_differential_section_goes_to_differential():
    text = "Findings: Spinal stenosis.\nDifferential Diagnosis: Metastasis"
    sections = [Section("Findings", 0, 26), Section("Differential Diagnosis", 27, len(text))]
    x = run(text, sections)
    assert classes(x) == ["SpinalStenosis"]
    assert [c.iri for c in x.differential] == [KG + "Metastasis"]


def test_discussion_section_gives_nothing():
    text = "Discussion: Spinal stenosis is common."
    x = run(text, [Section("Discussion", 0, len(text))])
    assert x.findings == ()


def test_age_and_sex():
    x = run("22yo M with back pain.")
    assert (x.age, x.sex) == (22, Sex.MALE)


def test_unlinked_keywords():
    x = run("Back pain.", keywords=["back pain", "zzz qqq"])
    assert x.unlinked == ("zzz qqq",)


@pytest.mark.parametrize("text", ["Back pain. Spinal stenosis at L4-5 on the left."])
def test_every_span_slices_the_text(text):
    x = run(text)
    for item in (*x.findings, *x.procedures):
        for span in item.evidence:
            assert text[span.start:span.end] == span.text
