"""A finding at a paired part takes the one side the case states for that part
(kg/extract/part_sides.py), on short texts written for each test (shipped ontology)."""

from __future__ import annotations

from conftest import extract_text as run
from extract_helpers import finding

from kg.model import Laterality


def test_finding_at_a_part_named_with_one_side_takes_that_side() -> None:
    x = run("Lucency crosses the left posterior rib. Findings suggest a rib fracture.")
    fracture = finding(x, "RibFracture")
    assert fracture.laterality is Laterality.LEFT
    sided = [s.text for s in fracture.evidence if s.rule == "part-side"]
    assert len(sided) == 1 and "left" in sided[0]  # the evidence shows the side word


def test_a_part_of_a_sided_whole_takes_its_side() -> None:
    x = run("Trauma to the right femur. Lipoma of the distal femur.")
    assert finding(x, "Lipoma").laterality is Laterality.RIGHT


def test_a_part_named_with_two_sides_gives_none() -> None:
    x = run("Left rib pain. Lucency of a right rib. Findings suggest a rib fracture.")
    assert finding(x, "RibFracture").laterality is None


def test_a_sided_lobe_gives_no_side_to_a_disease_of_the_lung() -> None:
    x = run("Spiculated mass in the right lower lobe. Emphysema.")
    assert finding(x, "Emphysema").laterality is None


def test_a_part_named_in_the_plural_takes_no_single_side() -> None:
    x = run("Left hip pain. Osteoarthritis of the hips.")
    assert finding(x, "Osteoarthritis").laterality is None


def test_a_ruled_out_finding_takes_no_side() -> None:
    x = run("Left hip pain. No osteoarthritis of the hip.")
    assert finding(x, "Osteoarthritis").laterality is None


def test_paired_parts_are_ontology_classes() -> None:
    from conftest import shipped_tools

    from kg.extract.part_sides import check_classes
    assert check_classes(shipped_tools()[0]) == []


def test_a_muscle_group_named_in_the_plural_takes_the_limbs_one_side() -> None:
    x = run("History of trauma to the right thigh. Findings consistent with a chronic tug "
            "lesion of the thigh adductors.")
    assert finding(x, "Lesion").laterality is Laterality.RIGHT


def test_other_paired_parts_named_in_the_plural_still_take_no_side() -> None:
    x = run("History of trauma to the right leg. There are fractures of the femoral heads.")
    assert finding(x, "Fracture").laterality is None
