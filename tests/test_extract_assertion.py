"""Assertion of a finding on a short text written for each test (shipped ontology):
negation and how far it reaches (lists, "neither … nor", "ruled out", commas opening a new
clause), uncertainty ("question of", hedges), normal statements that rule out a named
finding ("neurologically intact", "afebrile", "negative margins"), and blanket negative
statements (GUIDELINES rule 3, kg/rules/blanket.json) that make no absent item at all."""

from __future__ import annotations

from conftest import extract_text as run
from extract_helpers import classes, finding, findings

from kg.model import Assertion
from kg.namespaces import KG


def assertion_of(x, cls: str) -> Assertion:
    return next(f.assertion for f in x.findings if f.concept.iri == KG + cls)


def assertion_values(x, cls: str):
    return [f.assertion.value for f in findings(x, cls)]


def assertions_by_class(text: str) -> dict[str, Assertion]:
    return {f.concept.iri.removeprefix(KG): f.assertion for f in run(text).findings}


def absent(x) -> list[str]:
    return [f.concept.iri.removeprefix(KG) for f in x.findings
            if f.assertion is Assertion.ABSENT]


def absent_iris(text: str) -> set[str]:
    return {f.concept.iri for f in run(text).findings if f.assertion is Assertion.ABSENT}


def test_clear_of_negates_a_list():
    x = run("The lungs are clear of consolidation, pneumothorax, or pleural effusion.")
    assert {f.assertion for f in x.findings} == {Assertion.ABSENT}
    assert len(x.findings) == 3


def test_negated_list_after_a_comma_stays_negated() -> None:
    got = assertions_by_class("There is no fracture, dislocation or subluxation.")
    assert got == {"Fracture": Assertion.ABSENT, "Dislocation": Assertion.ABSENT,
                   "Subluxation": Assertion.ABSENT}


def test_neither_nor_negates_both():
    x = run("The fall caused neither a rib fracture nor a pneumothorax.")
    assert assertion_of(x, "RibFracture") is Assertion.ABSENT
    assert assertion_of(x, "Pneumothorax") is Assertion.ABSENT


def test_no_evidence_for_negates():
    assert assertion_of(run("No evidence for pneumothorax."), "Pneumothorax") is Assertion.ABSENT


def test_negated_finding_is_absent():
    x = run("There is no evidence of neurological deficit.")
    assert x.findings[0].assertion is Assertion.ABSENT


def test_never_reported_negates_the_finding_before_it():
    assert assertion_values(run("A fever was never reported."), "Fever") == ["Absent"]


def test_ruled_out_the_possibility_of_negates_forward():
    x = run("The MRI ruled out the possibility of an infection.")
    assert assertion_values(x, "Infection") == ["Absent"]


def test_ruled_out_still_negates_backward():
    assert assertion_values(run("An infection was ruled out."), "Infection") == ["Absent"]


def test_active_ruled_out_negates_the_finding_after_it() -> None:
    x = run("An MRI ruled out a fracture.")
    assert absent(x) == ["Fracture"]


def test_exclusion_of_negates_the_causes_after_it():
    x = run("After exclusion of other causes (neoplastic, vascular), the diagnosis was made.")
    assert assertion_values(x, "Neoplasm") == ["Absent"]


def test_negation_stops_at_a_comma_opening_a_new_clause() -> None:
    got = assertions_by_class("No fracture, the pleural effusion is large.")
    assert got["Fracture"] is Assertion.ABSENT
    assert got["PleuralEffusion"] is Assertion.PRESENT


def test_question_of_is_possible():
    assert assertion_of(run("Question of a rib fracture."), "RibFracture") is Assertion.POSSIBLE


def test_hedge_stops_at_a_comma_opening_a_new_clause() -> None:
    got = assertions_by_class("Possible pneumonia, there is a pleural effusion.")
    assert got["Pneumonia"] is Assertion.POSSIBLE
    assert got["PleuralEffusion"] is Assertion.PRESENT


def test_neurologically_intact_rules_out_a_neurological_deficit():
    x = run("On exam she was neurologically intact.")
    assert finding(x, "NeurologicalDeficit").assertion is Assertion.ABSENT


def test_non_focal_neuro_exam_rules_out_a_neurological_deficit():
    x = run("Neuro exam non-focal.")
    assert finding(x, "NeurologicalDeficit").assertion is Assertion.ABSENT


def test_normal_neuromuscular_exam_rules_out_a_neurological_deficit() -> None:
    assert absent(run("Normal neuromuscular examination.")) == ["NeurologicalDeficit"]


def test_no_c_c_e_rules_out_edema():
    x = run("Extremities: no c/c/e.")
    assert finding(x, "Edema").assertion is Assertion.ABSENT


def test_afebrile_rules_out_fever() -> None:
    assert absent(run("On admission the patient was afebrile.")) == ["Fever"]


def test_not_dysmorphic_rules_out_dysmorphic_features() -> None:
    assert absent(run("On examination the boy was not dysmorphic.")) == ["DysmorphicFeatures"]


def test_negative_margins_rule_out_a_positive_margin() -> None:
    assert "PositiveSurgicalMargin" in absent(run("The tumor was resected with negative margins."))


def test_margins_were_clear_rules_out_a_positive_margin() -> None:
    assert "PositiveSurgicalMargin" in absent(run("At surgery the margins were clear."))


def test_positive_margins_stay_present() -> None:
    x = run("Positive surgical margins were found.")
    assert classes(x) == ["PositiveSurgicalMargin"] and absent(x) == []


def test_blanket_normal_statement_gives_no_finding():
    assert run("The lungs are clear. Labs within normal limits.").findings == ()


def test_no_acute_cardiopulmonary_disease_makes_no_absent_item():
    assert absent_iris("Impression: No acute cardiopulmonary disease.") == set()


def test_a_named_finding_beside_the_blanket_stays_absent():
    absent = absent_iris("No acute cardiopulmonary abnormality. No pneumothorax.")
    assert KG + "CardiopulmonaryAbnormality" not in absent
    assert KG + "Pneumothorax" in absent


def test_a_present_cardiopulmonary_abnormality_is_kept():
    found = {f.concept.iri for f in run("Chronic cardiopulmonary disease is noted.").findings}
    assert KG + "CardiopulmonaryAbnormality" in found


def test_no_recent_bony_injury_makes_no_absent_item():
    for text in ("Hips negative for recent bony injury.", "No acute bony injury."):
        assert run(text).findings == ()


def test_an_absent_trauma_history_is_not_blanket():
    assert KG + "Trauma" in absent_iris("There was no history of trauma.")


def test_hedge_under_a_negation_rules_the_finding_out() -> None:
    x = run("No nodes in the mediastinum to suggest metastatic disease to the lymph nodes.")
    assert assertion_of(x, "LymphNodeMetastasis") is Assertion.ABSENT


def test_hedge_without_a_negation_stays_possible() -> None:
    x = run("Small areas of abnormal signal suggest avascular necrosis.")
    assert assertion_of(x, "Osteonecrosis") is Assertion.POSSIBLE


def test_hedge_after_a_negation_in_another_clause_stays_possible() -> None:
    x = run("No fracture; the findings suggest a contusion.")
    assert assertion_of(x, "Contusion") is Assertion.POSSIBLE


def test_normal_exam_including_the_neurologic_exam_rules_out_a_deficit() -> None:
    x = run("Initial exam wnl, including neurologic exam.")
    assert assertion_of(x, "NeurologicalDeficit") is Assertion.ABSENT


def test_ruled_out_before_the_finding_negates_it() -> None:
    assert finding(run("MRI ruled out infection."), "Infection").assertion is Assertion.ABSENT


def test_normal_heart_size_rules_out_cardiomegaly() -> None:
    x = run("Normal heart size and mediastinal contours.")
    assert [(f.concept.iri, f.assertion, f.sites) for f in findings(x, "Cardiomegaly")] == [
        (KG + "Cardiomegaly", Assertion.ABSENT, ())]


def test_heart_normal_without_size_is_a_blanket_statement() -> None:
    assert not findings(run("Heart and aorta are normal."), "Cardiomegaly")


def test_no_bladder_bowel_involvement_rules_out_both() -> None:
    x = run("Sensory loss in the right leg, with no bladder bowel involvement.")
    assert [f.assertion for f in findings(x, "BladderDysfunction") + findings(
        x, "BowelDysfunction")] == [Assertion.ABSENT, Assertion.ABSENT]


def test_pleural_air_collections_and_contrast_uptake_are_named_findings() -> None:
    x = run("No pleural air collections. No appreciable contrast uptake.")
    assert {c: finding(x, c).assertion for c in ("Pneumothorax", "Enhancement")} == {
        "Pneumothorax": Assertion.ABSENT, "Enhancement": Assertion.ABSENT}


def test_a_duration_history_is_the_present_illness_not_a_past_one() -> None:
    x = run("He presented with a one-day history of right leg weakness. There was right leg "
            "weakness for two weeks. History of sarcoidosis.")
    assert [(c, finding(x, c).historical) for c in ("LowerLimbWeakness", "Sarcoidosis")] == [
        ("LowerLimbWeakness", False), ("Sarcoidosis", True)]
    assert len(findings(x, "LowerLimbWeakness")) == 1


def test_no_progression_of_a_finding_does_not_rule_it_out() -> None:
    x = run("Follow-up imaging revealed no progression of the dissection.")
    assert finding(x, "ArterialDissection").assertion is Assertion.PRESENT


def test_suspicion_of_makes_the_finding_possible():
    x = run("The clear nasal discharge raised suspicion of a CSF leak.")
    assert assertion_of(x, "CSFLeak") is Assertion.POSSIBLE


def test_an_examination_that_excluded_a_finding_negates_it():
    assert absent_iris("The ultrasound excluded a joint effusion.") == {KG + "JointEffusion"}
    assert absent_iris("Repeat CT excludes an epidural hematoma.") == {KG + "EpiduralHematoma"}
    assert absent_iris("Epidural hematoma is excluded.") == {KG + "EpiduralHematoma"}


def test_excluded_keeps_its_uncertain_forms():
    assert absent_iris("An epidural hematoma cannot be excluded.") == set()


def test_now_ends_the_history_of_the_clause():
    x = run("71M s/p L2 kyphoplasty, now with new bilateral leg weakness.")
    assert not finding(x, "LowerLimbWeakness").historical
    assert x.procedures[0].historical
    y = run("History of trauma, currently with persistent knee pain.")
    assert not finding(y, "Pain").historical and finding(y, "Trauma").historical


def test_a_study_to_assess_for_a_finding_does_not_assert_it():
    x = run("Recommend MRI to assess for marrow edema. CT was done to evaluate for fracture.")
    assert assertion_of(x, "BoneMarrowEdema") is Assertion.POSSIBLE
    assert assertion_of(x, "Fracture") is Assertion.POSSIBLE


def test_a_negative_screen_rules_the_finding_out():
    assert absent_iris("Negative screen for neural tube defects.") == {KG + "NeuralTubeDefect"}


def test_no_interval_change_keeps_the_finding_present():
    x = run("No significant interval change in the compression fracture.")
    assert assertion_of(x, "CompressionFracture") is Assertion.PRESENT


def test_a_finding_in_an_if_clause_is_not_asserted():
    x = run("If the pain persists, vertebroplasty will be considered.")
    assert not findings(x, "Pain")
    assert x.procedures[0].planned


def test_a_finding_stated_absent_after_it_is_ruled_out():
    assert absent_iris("Cement leakage into the disc was absent.") == {
        KG + "IntradiscalCementLeakage"}
    assert absent_iris("A pneumothorax was not evident.") == {KG + "Pneumothorax"}
