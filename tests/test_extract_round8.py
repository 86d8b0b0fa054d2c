"""Extraction round 8, each behaviour on a short text written for the test (shipped
ontology): signal words keep their levels, general/specific merges, scale names,
negative margins."""

from __future__ import annotations

from test_extract_round7 import classes, run

from kg.model import Assertion
from kg.namespaces import KG


def levels(x, local: str) -> set[str]:
    return {s.level for f in x.findings if f.concept.iri.endswith("#" + local)
            for s in f.sites if s.level}


def test_signal_word_with_levels_does_not_fold_into_a_finding_without_levels() -> None:
    x = run("MRI shows T2 hyperintensity within the cord at C3 and C4 with mild expansion "
            "of the cord.")
    assert {s.level for f in x.findings for s in f.sites if s.level} == {"C3", "C4"}
    assert "SpinalCordExpansion" in classes(x)


def test_signal_word_folds_into_a_finding_at_its_level() -> None:
    x = run("There is a T2 hyperintense compression fracture at L2.")
    assert classes(x) == ["CompressionFracture"]
    assert levels(x, "CompressionFracture") == {"L2"}


def test_scale_name_is_not_a_finding() -> None:
    assert "Stroke" not in classes(run("On admission his NIH Stroke Scale score was 4."))
    assert classes(run("On admission he had a stroke.")) == ["Stroke"]


def _absent(x) -> list[str]:
    return [f.concept.iri.removeprefix(KG) for f in x.findings
            if f.assertion is Assertion.ABSENT]


def test_negative_margins_rule_out_a_positive_margin() -> None:
    assert "PositiveSurgicalMargin" in _absent(run("The tumor was resected with negative margins."))


def test_margins_were_clear_rules_out_a_positive_margin() -> None:
    assert "PositiveSurgicalMargin" in _absent(run("At surgery the margins were clear."))


def test_positive_margins_stay_present() -> None:
    x = run("Positive surgical margins were found.")
    assert classes(x) == ["PositiveSurgicalMargin"] and _absent(x) == []


def test_afebrile_rules_out_fever() -> None:
    assert _absent(run("On admission the patient was afebrile.")) == ["Fever"]


def test_normal_neuromuscular_exam_rules_out_a_neurological_deficit() -> None:
    assert _absent(run("Normal neuromuscular examination.")) == ["NeurologicalDeficit"]


def test_not_dysmorphic_rules_out_dysmorphic_features() -> None:
    assert _absent(run("On examination the boy was not dysmorphic.")) == ["DysmorphicFeatures"]


def test_side_fronted_after_a_connective_is_the_side_of_the_sentence() -> None:
    x = run("Also, on the right side, there was sensory loss in the leg.")
    assert [f.laterality.value if f.laterality else None for f in x.findings] == ["Right"]


def test_active_ruled_out_negates_the_finding_after_it() -> None:
    x = run("An MRI ruled out a fracture.")
    assert _absent(x) == ["Fracture"]


def test_dermatome_is_no_vertebral_level() -> None:
    x = run("There was sensory loss below the T8 dermatome.")
    assert classes(x) == ["SensoryLoss"] and levels(x, "SensoryLoss") == set()


def test_sensory_level_is_no_vertebral_level() -> None:
    assert levels(run("He had a sensory level at T10."), "SensoryLoss") == set()


def test_level_of_a_fracture_is_still_a_level() -> None:
    assert levels(run("There is a compression fracture at T8."), "CompressionFracture") == {"T8"}


def _sides(x) -> list[tuple[str, str | None]]:
    return [(f.concept.iri.removeprefix(KG), f.laterality.value if f.laterality else None)
            for f in x.findings]


def test_anatomy_subject_sites_the_finding_after_its_verb() -> None:
    x = run("The right kidney demonstrates hydronephrosis.")
    assert _sides(x) == [("Hydronephrosis", "Right")]
    assert [s.iri.removeprefix(KG) for s in x.findings[0].sites] == ["Kidney"]


def test_a_subject_that_is_not_anatomy_gives_no_site() -> None:
    x = run("The right kidney is normal. The patient has hydronephrosis.")
    assert _sides(x) == [("Hydronephrosis", None)] and x.findings[0].sites == ()
