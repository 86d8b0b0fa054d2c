"""Extraction round 6, each behaviour on a short text written for the test (shipped
ontology): signal words and placeholder nouns fold into their sentence's finding."""

from __future__ import annotations

from conftest import extract_text as run
from conftest import shipped_tools as _tools

from kg.model import Assertion
from kg.namespaces import KG


def classes(x) -> list[str]:
    return [f.concept.iri.removeprefix(KG) for f in x.findings]


def test_descriptor_classes_exist_in_the_ontology() -> None:
    from kg.extract.descriptors import check_classes

    assert check_classes(_tools()[0]) == []


def test_enhancement_describing_a_lesion_is_its_evidence_not_a_finding() -> None:
    x = run("There is a lesion with marked enhancement.")
    assert classes(x) == ["Lesion"]
    assert [s.text for s in x.findings[0].evidence] == ["lesion", "marked enhancement"]


def test_enhancement_alone_in_its_sentence_stays_a_finding() -> None:
    x = run("There is marked enhancement after gadolinium.")
    assert classes(x) == ["Enhancement"]


def test_negated_signal_word_next_to_a_present_finding_stays() -> None:
    x = run("There is a cyst without enhancement.")
    got = {(f.concept.iri.removeprefix(KG), f.assertion) for f in x.findings}
    assert got == {("Cyst", Assertion.PRESENT), ("Enhancement", Assertion.ABSENT)}


def test_hyperintense_describes_the_abscess_of_its_sentence() -> None:
    x = run("MRI shows a T2 hyperintense abscess.")
    assert classes(x) == ["Abscess"]


def test_mass_consistent_with_a_specific_tumour_is_one_finding() -> None:
    x = run("A 3 cm mass consistent with schwannoma is seen.")
    assert classes(x) == ["Schwannoma"]


def test_mass_alone_stays_a_finding() -> None:
    x = run("A 3 cm mass is seen in the thigh.")
    assert classes(x) == ["Mass"]


def test_mass_next_to_an_unrelated_finding_stays() -> None:
    x = run("A mass is seen with a pleural effusion.")
    assert "Mass" in classes(x)
