"""Extraction on real-report patterns, each on a short sentence written for the test
(shipped ontology): merging across modalities, which procedures are performed, and
assertion triggers."""

from __future__ import annotations

from conftest import extract_text as run

from kg.model import Assertion, Section
from kg.namespaces import KG


def procs(x) -> list[str]:
    return [p.concept.iri.removeprefix(KG) for p in x.procedures if not p.planned]


def assertion_of(x, cls: str) -> Assertion:
    return next(f.assertion for f in x.findings if f.concept.iri == KG + cls)


# ---------------------------------------------------------------- merging


def test_same_finding_on_ct_and_mri_is_one_finding():
    x = run("CT shows a pleural effusion. MRI again shows the pleural effusion.")
    assert [f.concept.iri for f in x.findings].count(KG + "PleuralEffusion") == 1


def test_same_finding_before_and_after_the_procedure_stays_two():
    text = "Radiograph (pre-procedure): pleural effusion.\nCT (post-procedure): pleural effusion."
    secs = [Section("Radiograph (pre-procedure)", 0, 45),
            Section("CT (post-procedure)", 46, len(text))]
    x = run(text, secs)
    assert [f.concept.iri for f in x.findings].count(KG + "PleuralEffusion") == 2


# ---------------------------------------------------------------- procedures


def test_medication_is_not_a_performed_procedure():
    x = run("She was treated with antibiotics and a laminectomy was performed.")
    assert procs(x) == ["Laminectomy"]


def test_physical_therapy_is_not_a_performed_procedure():
    assert procs(run("He started physical therapy after the fall.")) == []


def test_negated_procedure_is_left_out():
    assert procs(run("No laminectomy was performed.")) == []


def test_hedged_procedure_is_planned():
    x = run("Likely treatment will be radiation therapy.")
    assert procs(x) == []
    assert [p.planned for p in x.procedures] == [True]


def test_procedure_under_discussion_is_planned():
    x = run("There is discussion of performing a laminectomy.")
    assert procs(x) == [] and x.procedures[0].planned


# ---------------------------------------------------------------- assertion


def test_clear_of_negates_a_list():
    x = run("The lungs are clear of consolidation, pneumothorax, or pleural effusion.")
    assert {f.assertion for f in x.findings} == {Assertion.ABSENT}
    assert len(x.findings) == 3


def test_question_of_is_possible():
    assert assertion_of(run("Question of a rib fracture."), "RibFracture") is Assertion.POSSIBLE


def test_neither_nor_negates_both():
    x = run("The fall caused neither a rib fracture nor a pneumothorax.")
    assert assertion_of(x, "RibFracture") is Assertion.ABSENT
    assert assertion_of(x, "Pneumothorax") is Assertion.ABSENT


def test_no_evidence_for_negates():
    assert assertion_of(run("No evidence for pneumothorax."), "Pneumothorax") is Assertion.ABSENT


# ---------------------------------------------------------------- levels


def test_a_fronted_level_sites_the_findings_of_its_sentence():
    x = run("At the level of T7-T8 there is a disc bulge.")
    assert {s.level for f in x.findings for s in f.sites} == {"T7-T8"}


def test_a_level_not_fronted_stays_with_its_own_head():
    x = run("After the T7 biopsy she developed a cough.")
    cough = next(f for f in x.findings if f.concept.iri == KG + "Cough")
    assert not any(s.level for s in cough.sites)
