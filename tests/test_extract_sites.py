"""Anatomical sites of a finding on a short text written for each test (shipped ontology):
coordinated sites make one finding each, cement escaping into a site is a leak there, and
an anatomy subject sites the finding named after its verb (a subject that is not anatomy
gives no site)."""

from __future__ import annotations

from conftest import extract_text as run
from extract_helpers import classes, finding

from kg.model import Laterality
from kg.namespaces import KG


def _sides(x) -> list[tuple[str, str | None]]:
    return [(f.concept.iri.removeprefix(KG), f.laterality.value if f.laterality else None)
            for f in x.findings]


def test_coordinated_sites_make_one_finding_each():
    x = run("Cement leakage into the pedicles and the epidural space at L1.")
    sites = [s.iri for f in x.findings for s in f.sites]
    assert sites == [KG + "L1Pedicle", KG + "L1EpiduralSpace"]


def test_escape_of_cement_into_a_site_is_a_leak():
    x = run("Cement placed into the left aspect of L4, with extrusion into the left pedicle.")
    assert classes(x) == ["PedicleCementLeakage"] and x.findings[0].laterality is Laterality.LEFT


def test_anatomy_subject_sites_the_finding_after_its_verb() -> None:
    x = run("The right kidney demonstrates hydronephrosis.")
    assert _sides(x) == [("Hydronephrosis", "Right")]
    assert [s.iri.removeprefix(KG) for s in x.findings[0].sites] == ["Kidney"]


def test_anatomy_subject_sites_each_member_of_its_object_list() -> None:
    x = run("The left femoral head demonstrates osteoarthritic changes with sclerosis, "
            "cyst formation and osteophytes.")
    assert [(f.concept.iri.removeprefix(KG), f.laterality and f.laterality.value,
             [s.iri.removeprefix(KG) for s in f.sites]) for f in x.findings] == [
        ("Osteoarthritis", "Left", ["FemoralHead"]), ("Cyst", "Left", ["FemoralHead"]),
        ("Osteophyte", "Left", ["FemoralHead"])]


def test_a_list_member_after_a_negation_or_preposition_keeps_no_subject_site() -> None:
    x = run("The right kidney demonstrates a cyst but no stone in the ureter.")
    stone = [f for f in x.findings if f.concept.iri != KG + "RenalCyst"]
    assert [s.iri.removeprefix(KG) for s in stone[0].sites] == ["Ureter"]
    assert stone[0].laterality is None


def test_a_subject_that_is_not_anatomy_gives_no_site() -> None:
    x = run("The right kidney is normal. The patient has hydronephrosis.")
    assert _sides(x) == [("Hydronephrosis", None)] and x.findings[0].sites == ()


def test_a_part_reached_by_the_previous_finding_is_not_the_next_ones() -> None:
    x = run("Infarction of the right medulla oblongata, and chronic infarction of the left "
            "flocculonodular lobe.")
    placed = {(f.laterality.value if f.laterality else None,
               tuple(s.iri.removeprefix(KG) for s in f.sites)) for f in x.findings}
    assert placed == {("Right", ("MedullaOblongata",)), ("Left", ("FlocculonodularLobe",))}


def test_parts_stacked_before_the_head_make_one_finding_at_both() -> None:
    x = run("Left cerebellar PICA infarction.")
    assert [(f.laterality, {s.iri.removeprefix(KG) for s in f.sites}) for f in x.findings] == [
        (Laterality.LEFT, {"Cerebellum", "PosteriorInferiorCerebellarArtery"})]


def test_coordinated_parts_before_the_head_stay_one_finding_each() -> None:
    x = run("Left leg and hip pain.")
    assert len(x.findings) == 2


def test_parts_side_by_side_after_the_head_make_one_finding() -> None:
    x = run("Sustained clonus on the RLE ankle.")
    assert [(f.laterality, {s.iri.removeprefix(KG) for s in f.sites}) for f in x.findings] == [
        (Laterality.RIGHT, {"RightLowerLimb", "AnkleJoint"})]


def test_a_part_with_a_noun_of_its_own_is_not_coordinated_before_the_next_head() -> None:
    x = run("Clonus on the ankle jerk and mildly ataxic gait.")
    assert all(not f.sites for f in x.findings if f.concept.iri == KG + "GaitAtaxia")


def test_a_part_before_and_a_part_after_the_head_make_one_finding() -> None:
    x = run("Palpable subcutaneous mass on the plantar aspect of the foot.")
    assert [{s.iri.removeprefix(KG) for s in f.sites} for f in x.findings] == [
        {"SubcutaneousTissue", "Foot"}]


def test_a_measurement_between_a_finding_and_its_site_does_not_cut_them_apart():
    x = run("Axial CT demonstrates a lytic lesion measuring 1.8 x 1.2 cm in the left iliac wing.")
    lesion = finding(x, "LyticLesion")
    assert [s.iri.removeprefix(KG) for s in lesion.sites] == ["Ilium"]
    assert lesion.laterality is Laterality.LEFT


def test_a_finding_arising_from_a_part_is_sited_there():
    x = run("A 6 mm synovial cyst arises from the right L4-L5 facet joint.")
    cyst = finding(x, "SynovialCyst")
    assert [s.iri.removeprefix(KG) for s in cyst.sites] == ["L4L5FacetJoint"]
    assert cyst.laterality is Laterality.RIGHT
