"""Extraction round 7, each behaviour on a short text written for the test (shipped
ontology): findings merge by time across sections, clause scope at commas,
coordinated premodifiers, short capital headings, topic templates."""

from __future__ import annotations

from conftest import extract_text as run

from kg.model import Assertion
from kg.namespaces import KG


def classes(x) -> list[str]:
    return [f.concept.iri.removeprefix(KG) for f in x.findings]


def test_finding_repeated_in_treatment_section_is_one_finding() -> None:
    x = run("Findings: There is a large pleural effusion.\n"
            "Treatment & Follow Up: The pleural effusion was drained by the team.", fields=True)
    assert classes(x).count("PleuralEffusion") == 1


def test_finding_after_a_procedure_in_a_later_section_is_a_new_finding() -> None:
    x = run("Findings: Severe spinal stenosis.\n"
            "Treatment & Follow Up: A laminectomy was performed. Mild spinal stenosis remains.",
            fields=True)
    assert classes(x).count("SpinalStenosis") == 2


def test_finding_with_a_later_cue_in_a_later_section_is_a_new_finding() -> None:
    x = run("Findings: There is a pleural effusion.\n"
            "Treatment & Follow Up: Imaging two months later showed a pleural effusion.",
            fields=True)
    assert classes(x).count("PleuralEffusion") == 2


def test_short_capital_heading_is_not_a_finding() -> None:
    x = run("History: chest pain.\nPE: heart sounds normal.")
    assert "PulmonaryEmbolism" not in classes(x)


def test_capital_abbreviation_inside_a_sentence_stays_a_finding() -> None:
    x = run("CT angiography showed a PE in the right lower lobe.")
    assert "PulmonaryEmbolism" in classes(x)


def test_topic_template_in_findings_is_textbook_not_findings() -> None:
    x = run("Findings: Neoplasm Name: Ependymoma\nCell of Origin: Ependymal cells\n"
            "Common Locations: spinal cord, with syringomyelia\n"
            "Histology: perivascular pseudorosettes\n"
            "Case Diagnosis: Ependymoma", fields=True)
    assert "Syringomyelia" not in classes(x)
    assert classes(x) == ["Ependymoma"]


def test_findings_with_one_labelled_line_are_still_findings() -> None:
    x = run("Findings: Radiology: there is syringomyelia in the cervical cord.", fields=True)
    assert "Syringomyelia" in classes(x)


def test_coordinated_premodifier_makes_both_findings() -> None:
    x = run("The patient had cardiac and respiratory arrest.")
    assert sorted(classes(x)) == ["CardiacArrest", "RespiratoryArrest"]


def test_coordinated_word_that_makes_no_term_adds_nothing() -> None:
    x = run("She reported fever and back pain.")
    assert sorted(classes(x)) == ["BackPain", "Fever"]


def _assertions(text: str) -> dict[str, Assertion]:
    return {f.concept.iri.removeprefix(KG): f.assertion for f in run(text).findings}


def test_negated_list_after_a_comma_stays_negated() -> None:
    got = _assertions("There is no fracture, dislocation or subluxation.")
    assert got == {"Fracture": Assertion.ABSENT, "Dislocation": Assertion.ABSENT,
                   "Subluxation": Assertion.ABSENT}


def test_negation_stops_at_a_comma_opening_a_new_clause() -> None:
    got = _assertions("No fracture, the pleural effusion is large.")
    assert got["Fracture"] is Assertion.ABSENT
    assert got["PleuralEffusion"] is Assertion.PRESENT


def test_hedge_stops_at_a_comma_opening_a_new_clause() -> None:
    got = _assertions("Possible pneumonia, there is a pleural effusion.")
    assert got["Pneumonia"] is Assertion.POSSIBLE
    assert got["PleuralEffusion"] is Assertion.PRESENT
