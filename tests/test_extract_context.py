"""Assertion, history, plans, laterality, severity and size on one sentence each."""

import pytest

from kg.extract.context import (
    context_for,
    find_laterality,
    find_severity,
    find_sizes,
    find_triggers,
)
from kg.extract.sentences import split_clauses
from kg.model import Assertion


def ctx(text: str, target: str):
    start = text.index(target)
    clause = next(c for c in split_clauses(text, 0, len(text)) if c[0] <= start < c[1])
    return context_for(start, start + len(target), clause, find_triggers(text))


@pytest.mark.parametrize("text, target", [
    ("No fracture.", "fracture"),
    ("Healed without deformity.", "deformity"),
    ("Negative for malignancy.", "malignancy"),
    ("She denies numbness.", "numbness"),
    ("Free of infection.", "infection"),
    ("There is no evidence of neurological deficit.", "neurological deficit"),
    ("Fracture was ruled out.", "Fracture"),
    ("The lumbar spine is unremarkable.", "lumbar spine"),
])
def test_negation(text, target):
    assert ctx(text, target).assertion is Assertion.ABSENT


@pytest.mark.parametrize("target", ["fracture", "dislocation", "subluxation"])
def test_negated_list(target):
    assert ctx("No fracture, dislocation or subluxation.", target).assertion is Assertion.ABSENT


def test_negation_stops_at_but():
    assert ctx("No fracture but marked edema.", "edema").assertion is Assertion.PRESENT


def test_negation_stops_at_however():
    assert ctx("No fracture; however edema persists.", "edema").assertion is Assertion.PRESENT


@pytest.mark.parametrize("text, target", [
    ("Possible hematoma.", "hematoma"),
    ("Probable metastasis.", "metastasis"),
    ("Likely infection.", "infection"),
    ("Suspicious for tumor.", "tumor"),
    ("Concerning for abscess.", "abscess"),
    ("This may represent a cyst.", "cyst"),
    ("Infection cannot be excluded.", "Infection"),
    ("Questionable fracture.", "fracture"),
])
def test_uncertainty(text, target):
    assert ctx(text, target).assertion is Assertion.POSSIBLE


def test_consistent_with_is_present():
    assert ctx("Findings consistent with infarct.", "infarct").assertion is Assertion.PRESENT


def test_pseudo_trigger_no_change_does_not_negate():
    assert ctx("No change in the stenosis.", "stenosis").assertion is Assertion.PRESENT


@pytest.mark.parametrize("text", ["History of stenosis.", "Status post laminectomy.",
                                  "S/p laminectomy.", "Prior laminectomy."])
def test_historical(text):
    target = "stenosis" if "stenosis" in text else "laminectomy"
    assert ctx(text, target).historical


@pytest.mark.parametrize("text", ["Recommend MRI.", "She will undergo MRI.",
                                  "Scheduled for MRI."])
def test_planned(text):
    assert ctx(text, "MRI").planned


def test_family_history_is_not_the_patient():
    assert ctx("Family history of scoliosis.", "scoliosis").family


def test_laterality_words():
    values = [m.value for m in find_laterality("left-sided pain and right pedicle, bilateral")]
    assert values == ["Left", "Right", "Bilateral"]


def test_postmodifier_laterality():
    mods = find_laterality("leakage on the left")
    assert [(m.value, m.post) for m in mods] == [("Left", True)]


def test_single_letter_side_needs_capitals():
    assert [m.value for m in find_laterality("R occipital condyle")] == ["Right"]
    assert find_laterality("2 L of fluid") == []


@pytest.mark.parametrize("text, value", [
    ("minimal", "Minimal"), ("mild", "Mild"), ("slight", "Mild"), ("moderate", "Moderate"),
    ("moderate to severe", "Severe"), ("severe", "Severe"), ("marked", "Severe"),
])
def test_severity_words(text, value):
    assert [m.value for m in find_severity(text + " stenosis")] == [value]


def test_prominent_is_not_a_severity():
    assert find_severity("prominent node") == []


def test_sizes():
    assert [m.value for m in find_sizes("a 2.3 cm mass and a 15 mm cyst")] == ["2.3 cm", "15 mm"]
