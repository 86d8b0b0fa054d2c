"""Blanket negative statements (GUIDELINES rule 3) make no absent items
(kg/rules/blanket.json); each behaviour on a short text written for the test."""

from __future__ import annotations

from conftest import extract_text as run

from kg.model import Assertion
from kg.namespaces import KG


def _absent(text: str) -> set[str]:
    return {f.concept.iri for f in run(text).findings if f.assertion is Assertion.ABSENT}


def test_no_acute_cardiopulmonary_disease_makes_no_absent_item():
    assert _absent("Impression: No acute cardiopulmonary disease.") == set()


def test_a_named_finding_beside_the_blanket_stays_absent():
    absent = _absent("No acute cardiopulmonary abnormality. No pneumothorax.")
    assert KG + "CardiopulmonaryAbnormality" not in absent
    assert KG + "Pneumothorax" in absent


def test_a_present_cardiopulmonary_abnormality_is_kept():
    found = {f.concept.iri for f in run("Chronic cardiopulmonary disease is noted.").findings}
    assert KG + "CardiopulmonaryAbnormality" in found


def test_no_recent_bony_injury_makes_no_absent_item():
    for text in ("Hips negative for recent bony injury.", "No acute bony injury."):
        assert run(text).findings == ()


def test_an_absent_trauma_history_is_not_blanket():
    assert KG + "Trauma" in _absent("There was no history of trauma.")
