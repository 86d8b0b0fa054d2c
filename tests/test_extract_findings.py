"""Which words become findings, on a short text written for each test (shipped ontology):
a coordinated premodifier makes one finding per term, a hyphen prefix makes another word,
short capital headings and scale names are no findings, nor is a risk or something to
prevent; keywords that link to nothing are reported as unlinked, and every evidence span
slices the text exactly."""

from __future__ import annotations

import pytest
from conftest import extract_text as run
from extract_helpers import classes, findings, procedure

from kg.model import Assertion


def test_coordinated_premodifier_makes_both_findings() -> None:
    x = run("The patient had cardiac and respiratory arrest.")
    assert sorted(classes(x)) == ["CardiacArrest", "RespiratoryArrest"]


def test_two_word_member_shares_the_last_word_of_the_phrase() -> None:
    x = run("There was no soft tissue or bone marrow edema.")
    assert sorted(classes(x)) == ["BoneMarrowEdema", "SoftTissueEdema"]
    assert {f.assertion for f in x.findings} == {Assertion.ABSENT}


def test_anatomy_member_shares_the_finding_word() -> None:
    x = run("No vena cava and hepatic vein distention.")
    assert sorted(classes(x)) == ["CavalDistension", "HepaticVeinDistension"]


def test_chain_of_members_each_shares_the_finding_word() -> None:
    x = run("Without signs of hematogenic, lymphatic, or perineural permeation.")
    assert sorted(classes(x)) == ["LymphaticInvasion", "PerineuralInvasion", "VascularInvasion"]


def test_member_after_the_phrase_shares_its_first_words() -> None:
    x = run("There is no right heart enlargement or failure.")
    assert sorted(classes(x)) == ["RightHeartEnlargement", "RightHeartFailure"]
    assert {f.assertion for f in x.findings} == {Assertion.ABSENT}


def test_member_after_the_phrase_that_is_its_own_finding_is_read_once() -> None:
    x = run("There is no disc bulge or stenosis.")
    assert sorted(classes(x)) == ["DiscBulge", "SpinalStenosis"]


def test_coordinated_word_that_makes_no_term_adds_nothing() -> None:
    x = run("She reported fever and back pain.")
    assert sorted(classes(x)) == ["BackPain", "Fever"]


def test_a_hyphen_prefix_makes_the_word_another_one():
    x = run("An anti-inflammatory drug was given.")
    assert findings(x, "Inflammation") == []


def test_the_same_word_without_the_prefix_is_still_read():
    x = run("There are inflammatory changes.")
    assert len(findings(x, "Inflammation")) == 1


def test_short_capital_heading_is_not_a_finding() -> None:
    x = run("History: chest pain.\nPE: heart sounds normal.")
    assert "PulmonaryEmbolism" not in classes(x)


def test_capital_abbreviation_inside_a_sentence_stays_a_finding() -> None:
    x = run("CT angiography showed a PE in the right lower lobe.")
    assert "PulmonaryEmbolism" in classes(x)


def test_scale_name_is_not_a_finding() -> None:
    assert "Stroke" not in classes(run("On admission his NIH Stroke Scale score was 4."))
    assert classes(run("On admission he had a stroke.")) == ["Stroke"]


def test_an_imaging_protocol_name_is_not_a_finding() -> None:
    assert "Stroke" not in classes(run("A CT stroke protocol was performed on arrival."))


def test_a_risk_of_a_complication_is_not_a_finding():
    x = run("The risk of wound infection argued against a laminectomy.")
    assert findings(x, "SurgicalSiteInfection") == []
    assert all(p.planned for p in x.procedures)


def test_something_to_prevent_is_not_a_finding():
    x = run("Some advocate radiation therapy to help prevent a recurrence.")
    assert findings(x, "DiseaseRecurrence") == []
    assert procedure(x, "RadiationTherapy").planned


def test_unlinked_keywords():
    x = run("Back pain.", keywords=["back pain", "zzz qqq"])
    assert x.unlinked == ("zzz qqq",)


@pytest.mark.parametrize("text", ["Back pain. Spinal stenosis at L4-5 on the left."])
def test_every_span_slices_the_text(text):
    x = run(text)
    for item in (*x.findings, *x.procedures):
        for span in item.evidence:
            assert text[span.start:span.end] == span.text


def test_bleeds_in_two_compartments_are_two_findings() -> None:
    x = run("Head CT showed multiple intraparenchymal bleeds and a small subarachnoid bleed.")
    assert classes(x) == ["IntraparenchymalHemorrhage", "SubarachnoidHemorrhage"]


def test_rotated_cord_is_a_finding() -> None:
    assert "SpinalCordRotation" in classes(run("Cord rotated with a fibrous band at L2-3."))


@pytest.mark.parametrize("text, cls", [
    ("Neurologic exam shows up-going toes.", "BabinskiSign"),
    ("Pt is TTP along the spine.", "Tenderness"),
    ("Found him comatose.", "Coma"),
    ("He was in a coma for two days.", "Coma"),
    ("Left facial nerve paresis.", "FacialNervePalsy"),
    ("Increased dyspnea on exertion.", "ExertionalDyspnea"),
    ("A history of gait problems.", "GaitDisturbance"),
    ("His speech was delayed.", "SpeechDelay"),
    ("He was more irritable.", "Irritability"),
    ("Histopathology revealed NCC.", "Neurocysticercosis"),
])
def test_clinical_phrasings_name_their_finding(text: str, cls: str) -> None:
    assert cls in classes(run(text))


def test_nodular_before_another_finding_is_its_shape_not_a_nodule() -> None:
    x = run("There are nodular metastases to the left ribs.")
    assert classes(x) == ["Metastasis"]
    assert "nodular" in [s.text.split()[0] for s in x.findings[0].evidence]


def test_a_nodular_placeholder_lesion_stays_a_nodule() -> None:
    x = run("A nodular lesion in the left lung.")
    assert "PulmonaryNodule" in classes(x)
