"""Extraction round 3, each behaviour on a short sentence written for the test (shipped
ontology): sides carried by anatomy words, levels, absent findings, complications and
which finding a procedure treats."""

from __future__ import annotations

from conftest import extract_text as run

from kg.model import Assertion, Laterality
from kg.namespaces import KG


def finding(x, cls: str):
    return next(f for f in x.findings if f.concept.iri == KG + cls)


# ---------------------------------------------------------------- laterality


def test_lobe_abbreviation_gives_its_side():
    assert finding(run("RUL mass."), "Mass").laterality is Laterality.RIGHT


def test_side_inside_the_anatomy_name_passes_to_the_finding():
    x = run("A small mass in the left lower lobe.")
    assert finding(x, "Mass").laterality is Laterality.LEFT


def test_side_in_a_postmodifying_phrase_with_an_unknown_anatomy_word():
    x = run("Enhancement in the left side of the brain.")
    assert finding(x, "Enhancement").laterality is Laterality.LEFT


def test_adjective_head_shares_its_side_with_the_noun_head():
    x = run("Mostly left-sided traumatic subarachnoid hemorrhage.")
    assert finding(x, "SubarachnoidHemorrhage").laterality is Laterality.LEFT


def test_side_of_a_later_finding_is_not_taken():
    x = run("Pleural effusion with left rib fracture.")
    assert finding(x, "PleuralEffusion").laterality is None


# ---------------------------------------------------------------- normal statements


def test_neurologically_intact_rules_out_a_neurological_deficit():
    x = run("On exam she was neurologically intact.")
    assert finding(x, "NeurologicalDeficit").assertion is Assertion.ABSENT


def test_non_focal_neuro_exam_rules_out_a_neurological_deficit():
    x = run("Neuro exam non-focal.")
    assert finding(x, "NeurologicalDeficit").assertion is Assertion.ABSENT


def test_no_c_c_e_rules_out_edema():
    x = run("Extremities: no c/c/e.")
    assert finding(x, "Edema").assertion is Assertion.ABSENT


def test_blanket_normal_statement_gives_no_finding():
    assert run("The lungs are clear. Labs within normal limits.").findings == ()
