"""Laterality of a finding on a short text written for each test (shipped ontology): a
side carried by an anatomy word or lobe abbreviation, a side phrase opening the sentence,
"both" before paired parts, sides spread over coordinated parts, and the limits of
binding (a side belonging to a later finding is not taken)."""

from __future__ import annotations

from conftest import extract_text as run
from extract_helpers import finding, findings

from kg.model import Laterality
from kg.namespaces import KG


def _side(x, cls: str):
    return [f.laterality.value if f.laterality else None for f in findings(x, cls)]


def test_coordinated_sides_make_two_findings():
    x = run("Cement leakage into the right and left pedicles at L3.")
    assert [(f.concept.iri, f.laterality) for f in x.findings] == [
        (KG + "PedicleCementLeakage", Laterality.RIGHT),
        (KG + "PedicleCementLeakage", Laterality.LEFT)]


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


def test_both_before_a_plural_paired_part_makes_the_symptom_bilateral():
    assert _side(run("She reports pain in both arms."), "Pain") == ["Bilateral"]


def test_both_before_an_adjective_is_no_side():
    x = run("Both hepatic and renal cysts are seen.")
    assert all(f.laterality is None for f in x.findings)


def test_a_side_that_opens_its_sentence_is_the_side_of_its_findings():
    x = run("On the right, there is a small pleural effusion and a pneumothorax.")
    assert _side(x, "PleuralEffusion") == ["Right"]
    assert _side(x, "Pneumothorax") == ["Right"]


def test_side_fronted_after_a_connective_is_the_side_of_the_sentence() -> None:
    x = run("Also, on the right side, there was sensory loss in the leg.")
    assert [f.laterality.value if f.laterality else None for f in x.findings] == ["Right"]


def test_a_side_phrase_after_a_finding_still_binds_backwards_only():
    x = run("A pneumothorax is present. On the left, there is no effusion.")
    assert _side(x, "Pneumothorax") == [None]


def test_a_verb_of_place_between_finding_and_site_keeps_the_site_and_its_side():
    x = run("A lucency crosses the left 10th rib.")
    assert _side(x, "Lucency") == ["Left"]


def test_a_side_on_the_first_coordinated_part_is_the_side_of_the_next_parts():
    x = run("She has progressive left leg and hip pain.")
    assert sorted(_side(x, "Pain")) == ["Left", "Left"]


def test_coordinated_parts_with_their_own_sides_keep_them():
    x = run("She has left leg and right hip pain.")
    assert sorted(_side(x, "Pain")) == ["Left", "Right"]


def test_side_of_a_part_the_finding_lies_over() -> None:
    x = run("CT shows skin thickening over the right breast.")
    assert set(_side(x, "Thickening")) == {"Right"}


def test_side_after_the_head_is_the_side_of_the_part_before_it() -> None:
    x = run("Skin thickening over the right breast.")
    skin = [f for f in findings(x, "Thickening") if KG + "Skin" in {s.iri for s in f.sites}]
    assert [f.laterality for f in skin] == [Laterality.RIGHT]


def test_side_phrase_before_a_noun_is_no_postmodifier() -> None:
    x = run("Left hip pain radiating to the right buttock.")
    assert _side(x, "Pain") == ["Left"]


def test_side_phrase_ending_the_noun_phrase_is_a_postmodifier() -> None:
    x = run("Soft tissue swelling to the left.")
    assert [f.laterality for f in x.findings] == [Laterality.LEFT]


def test_side_of_a_part_the_finding_lies_adjacent_to() -> None:
    x = run("There is enhancement adjacent to the left lateral ventricle.")
    assert _side(x, "Enhancement") == ["Left"]


def test_side_of_the_part_pain_radiates_from() -> None:
    x = run("Pain radiates from her left buttock to her knee.")
    assert "Left" in _side(x, "Pain")


def test_position_word_between_the_side_and_the_part() -> None:
    x = run("Possible metastases to the left mid ribs.")
    assert _side(x, "Metastasis") == ["Left"]


def test_upper_and_lower_parts_bind_neither_alone() -> None:
    x = run("Weakness of the right upper and lower extremities.")
    assert not findings(x, "UpperLimbWeakness") and not findings(x, "LowerLimbWeakness")


def test_folded_placeholder_gives_its_place_to_the_finding_it_names() -> None:
    x = run("CT showed a spiculated mass in the right lower lobe that was the primary tumor.")
    tumour = finding(x, "Neoplasm")
    assert tumour.laterality is Laterality.RIGHT
    assert KG + "RightLowerLobe" in {s.iri for s in tumour.sites}


def test_ordinal_between_the_finding_and_its_sided_part() -> None:
    x = run("Lucency crosses the 10th left posterior rib.")
    assert _side(x, "Lucency") == ["Left"]


def test_sided_limb_abbreviation_gives_its_side() -> None:
    x = run("Sustained clonus on the RLE.")
    assert _side(x, "Clonus") == ["Right"]


def test_pain_is_at_the_part_it_radiates_from_not_the_one_it_radiates_to() -> None:
    x = run("Pain radiates from her left buttock to her knee.")
    pain = finding(x, "Pain")
    assert len(findings(x, "Pain")) == 1 and pain.laterality is Laterality.LEFT
    assert [s.iri for s in pain.sites] == [KG + "Buttock"]


def test_finding_adjacent_to_a_sided_finding_is_on_its_side() -> None:
    x = run("Right upper lobe mass with adjacent air space disease.")
    assert _side(x, "Consolidation") == ["Right"]


def test_finding_adjacent_with_its_own_part_keeps_its_own_side() -> None:
    x = run("Left kidney cyst with adjacent fat stranding in the right flank.")
    assert _side(x, "FatStranding") == ["Right"]


def test_direction_something_else_is_displaced_is_not_the_side() -> None:
    x = run("An enhancing mass that displaces the spinal cord to the right.")
    assert _side(x, "Mass") == [None]


def test_deviation_to_a_side_keeps_its_side() -> None:
    x = run("Tracheal deviation to the right.")
    assert _side(x, "TrachealDeviation") == ["Right"]


def test_adjective_finding_before_a_symptom_shares_its_place() -> None:
    x = run("Intermittent shooting and tingling pains in both arms.")
    assert _side(x, "Paresthesia") == ["Bilateral"]


def test_noun_finding_before_a_verb_finding_keeps_its_own_place() -> None:
    x = run("The mass erodes into the left rib.")
    assert _side(x, "Mass") == [None]


def test_function_words_do_not_count_toward_the_gap_to_a_sided_part() -> None:
    x = run("Soft tissue calcification is seen adjacent to the lateral aspect of the mid "
            "right femur.")
    assert _side(x, "Calcification") == ["Right"]


def test_a_place_after_a_comma_still_sites_the_finding_before_it() -> None:
    x = run("There is a nodule, in the right upper lobe.")
    assert findings(x, "PulmonaryNodule")[0].laterality is Laterality.RIGHT


def test_a_phrase_after_a_comma_without_a_place_preposition_gives_no_side() -> None:
    x = run("There is a pulmonary nodule, and the left hip is painful.")
    assert _side(x, "PulmonaryNodule") == [None]


def test_a_side_a_movement_goes_to_is_not_the_findings_side() -> None:
    x = run("Mild gait disturbance noted with deviation to the left.")
    assert _side(x, "GaitDisturbance") == [None]


def test_a_narrowing_word_after_the_comma_still_sites_the_finding() -> None:
    x = run("MRI demonstrated acute infarction, specifically within the right thalamus.")
    assert _side(x, "Infarction") == ["Right"]


def test_a_with_phrase_on_the_outline_may_stand_before_the_site() -> None:
    x = run("Exam demonstrates a firm mass with poorly defined margins at the medial right thigh.")
    assert _side(x, "Mass") == ["Right"]


def test_a_with_phrase_naming_other_anatomy_does_not_site_the_finding() -> None:
    x = run("There was a fever with chest pain on the right.")
    assert _side(x, "Fever") == [None]


def test_a_side_where_the_finding_is_worse_makes_it_bilateral() -> None:
    x = run("CTA confirmed hypoplasia of the vertebral arteries, especially on the left side.")
    assert _side(x, "VertebralArteryHypoplasia") == ["Bilateral"]


def test_a_side_without_a_word_of_predominance_stays_one_side() -> None:
    x = run("CTA confirmed hypoplasia of the vertebral artery on the left side.")
    assert _side(x, "VertebralArteryHypoplasia") == ["Left"]


def test_a_finding_with_a_signal_word_shares_its_sites_and_sides() -> None:
    x = run("DWI: T2 signal hyperintensity with restricted diffusion, in the left temporal "
            "lobe, and bilateral insula.")
    assert sorted(_side(x, "T2Hyperintensity"), key=str) == ["Bilateral", "Left"]


def test_a_finding_with_another_finding_keeps_its_own_place() -> None:
    x = run("A mass with calcification in the left kidney.")
    assert _side(x, "Mass") == [None]


def test_most_prominent_after_a_comma_still_sites_the_finding() -> None:
    x = run("There was sinus opacification, most prominent in the left maxillary sinus.")
    assert _side(x, "SinusOpacification") == ["Left"]


def test_a_place_set_apart_by_a_comma_sites_both_findings_of_a_with_phrase() -> None:
    x = run("There was sinus opacification with air fluid levels, most prominent in the left "
            "maxillary sinus.")
    assert _side(x, "SinusOpacification") == ["Left"]


def test_a_horn_of_a_ventricle_may_stand_between_a_finding_and_its_sided_part() -> None:
    x = run("Enhancement in the right side of the brain and enhancement adjacent to the "
            "posterior horn of the left lateral ventricle.")
    assert sorted(_side(x, "Enhancement"), key=str) == ["Left", "Right"]


def test_located_later_in_the_sentence_sites_its_first_finding() -> None:
    x = run("The mass was firm, but mobile and located in the right breast.")
    f = finding(x, "Mass")
    assert f.laterality is Laterality.RIGHT
    assert [s.iri.removeprefix(KG) for s in f.sites] == ["Breast"]


def test_located_does_not_reach_back_past_another_finding() -> None:
    x = run("The nodule was firm and a cyst was located in the right breast.")
    assert finding(x, "Nodule").laterality is None and finding(x, "Nodule").sites == ()


def test_contralateral_takes_the_side_opposite_the_finding_before_it() -> None:
    x = run("A large left apical mass. There is lymphadenopathy and contralateral lung nodules.")
    assert finding(x, "PulmonaryNodule").laterality is Laterality.RIGHT


def test_ipsilateral_takes_the_side_of_the_finding_before_it() -> None:
    x = run("A stroke of the right hemisphere. There is ipsilateral ataxia.")
    assert finding(x, "Ataxia").laterality is Laterality.RIGHT


def test_contralateral_with_no_sided_finding_near_stays_unsided() -> None:
    x = run("A stroke of this division will result in contralateral hemiparesis.")
    assert finding(x, "Hemiparesis").laterality is None


def test_radiating_pain_takes_the_side_the_pain_radiates_to() -> None:
    x = run("Low back ache, radiating to the right leg. There was a reduction in radiating pain.")
    assert [f.laterality for f in findings(x, "Pain")] == [Laterality.RIGHT]


def test_radiating_pain_with_two_stated_sides_stays_unsided() -> None:
    x = run("Back pain radiating to the left leg. Neck pain radiating to the right arm. "
            "There was a reduction in radiating pain.")
    assert [f.laterality for f in findings(x, "Pain")] == [None]


def test_greater_on_one_side_keeps_a_bilateral_finding_one_bilateral_finding():
    x = run("Severe bilateral neural foraminal narrowing at L5-S1, greater on the left.")
    assert [(f.concept.iri.removeprefix(KG), f.laterality) for f in x.findings] == [
        ("ForaminalStenosis", Laterality.BILATERAL)]
