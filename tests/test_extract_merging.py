"""When mentions merge into one finding, on a short text written for each test (shipped
ontology): the same finding on two modalities or repeated in a later section is one
finding, unless a procedure or a later time lies between; signal words and placeholder
nouns ("enhancement", "hyperintense", "mass") fold into their sentence's finding as its
evidence, but not across levels or into an unrelated finding."""

from __future__ import annotations

from conftest import extract_text as run
from conftest import shipped_tools as _tools
from extract_helpers import classes, findings, levels_of

from kg.model import Assertion, Section
from kg.namespaces import KG


def test_same_finding_on_ct_and_mri_is_one_finding():
    x = run("CT shows a pleural effusion. MRI again shows the pleural effusion.")
    assert [f.concept.iri for f in x.findings].count(KG + "PleuralEffusion") == 1


def test_same_finding_before_and_after_the_procedure_stays_two():
    text = "Radiograph (pre-procedure): pleural effusion.\nCT (post-procedure): pleural effusion."
    secs = [Section("Radiograph (pre-procedure)", 0, 45),
            Section("CT (post-procedure)", 46, len(text))]
    x = run(text, secs)
    assert [f.concept.iri for f in x.findings].count(KG + "PleuralEffusion") == 2


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


def test_signal_word_folds_into_a_finding_at_its_level() -> None:
    x = run("There is a T2 hyperintense compression fracture at L2.")
    assert classes(x) == ["CompressionFracture"]
    assert levels_of(x, "CompressionFracture") == {"L2"}


def test_signal_word_with_levels_does_not_fold_into_a_finding_without_levels() -> None:
    x = run("MRI shows T2 hyperintensity within the cord at C3 and C4 with mild expansion "
            "of the cord.")
    assert {s.level for f in x.findings for s in f.sites if s.level} == {"C3", "C4"}
    assert "SpinalCordExpansion" in classes(x)


def test_mass_consistent_with_a_specific_tumour_is_one_finding() -> None:
    x = run("A 3 cm mass consistent with schwannoma is seen.")
    assert classes(x) == ["Schwannoma"]


def test_mass_alone_stays_a_finding() -> None:
    x = run("A 3 cm mass is seen in the thigh.")
    assert classes(x) == ["Mass"]


def test_mass_next_to_an_unrelated_finding_stays() -> None:
    x = run("A mass is seen with a pleural effusion.")
    assert "Mass" in classes(x)


def test_a_mention_restating_its_class_site_joins_the_unsited_finding() -> None:
    x = run("Right lower extremity weakness for 4 weeks. Exam: diffuse RLE weakness.")
    assert len(findings(x, "LowerLimbWeakness")) == 1


def test_a_mention_at_its_class_site_and_levels_joins_the_unsited_finding() -> None:
    """The vertebral levels a vessel runs by are no new place for a dissection of it."""
    x = run("CT showed bilateral vertebral artery dissections. Angiography demonstrated "
            "severe dissection of the distal vertebral artery at C1-C2.")
    assert len(findings(x, "VertebralArteryDissection")) == 1
    assert levels_of(x, "VertebralArteryDissection") == {"C1", "C2"}


def test_compression_fractures_at_two_levels_stay_two() -> None:
    x = run("There is an L2 compression fracture. There is also an L4 compression fracture.")
    assert levels_of(x, "CompressionFracture") == {"L2", "L4"}
    assert len(findings(x, "CompressionFracture")) == 2


def test_a_specific_sited_mention_does_not_absorb_an_earlier_generic_one() -> None:
    x = run("He had fractures. CT shows fractures of the lumbar vertebrae.")
    assert findings(x, "Fracture") and findings(x, "VertebralFracture")


def test_two_negated_findings_of_related_classes_stay_two() -> None:
    x = run("He denies radiation of pain. Exam: no tenderness to palpation.")
    assert len(findings(x, "Pain")) == 1 and len(findings(x, "Tenderness")) == 1


def test_a_diagnosis_restating_the_vertebra_joins_the_fracture_at_its_part() -> None:
    x = run("Fracture of the right lateral mass of the atlas. Impression: atlas fracture.")
    assert len(findings(x, "AtlasFracture")) == 1


def test_a_general_and_a_specific_finding_listed_together_stay_two() -> None:
    x = run("Bilateral temporal bone fractures as well as a transverse clival fracture.")
    assert classes(x) == ["Fracture", "ClivalFracture"]


def test_a_specific_mention_in_a_later_sentence_still_refines_the_general_one() -> None:
    x = run("There is a fracture. It is a clival fracture.")
    assert classes(x) == ["ClivalFracture"]


def test_restricted_diffusion_suggesting_ischemia_is_its_evidence() -> None:
    x = run("Imaging did not show any restricted diffusion to suggest ischemia.")
    assert classes(x) == ["Ischemia"]


def test_restricted_diffusion_alone_in_its_sentence_stays_a_finding() -> None:
    assert classes(run("Restricted diffusion in the left temporal lobe.")) == [
        "RestrictedDiffusion"]


def test_the_pain_in_a_later_sentence_is_the_headache_and_gives_its_side() -> None:
    x = run("He woke with a headache. The pain was in the left eye.")
    assert classes(x) == ["Headache"]
    assert x.findings[0].laterality is not None and x.findings[0].laterality.value == "Left"


def test_the_pain_with_two_earlier_aches_stays_its_own_finding() -> None:
    x = run("He has a headache and back pain. The pain was in the left eye.")
    assert classes(x) == ["Headache", "BackPain", "Pain"]
    assert findings(x, "Headache")[0].laterality is None


def test_the_pain_after_a_section_change_stays_its_own_finding() -> None:
    x = run("History: He woke with a headache.\nExam: The pain was in the left eye.",
            fields=True)
    assert classes(x) == ["Headache", "Pain"]


def test_a_pain_without_a_determiner_stays_its_own_finding() -> None:
    x = run("He woke with a headache. Pain was in the left eye.")
    assert classes(x) == ["Headache", "Pain"]
