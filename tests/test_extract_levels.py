"""Vertebral levels: first the level patterns themselves (find_levels, one pattern per
test), then how extraction sites a finding at the levels of its text — ranges, pairs and
coordinated levels, a level fronted in the sentence or opening a line, "located at" lines,
a level borrowed from the sentence before — and what is not a level (MR sequence names,
dermatomes, sensory levels). Each on a sentence written for the test (shipped ontology)."""

from __future__ import annotations

import pytest
from conftest import extract_text as run
from extract_helpers import classes, finding, findings, levels, levels_of

from kg.extract.levels import find_levels, neighbour, resolve_anaphora
from kg.namespaces import KG


def codes(text: str) -> list[tuple[str, ...]]:
    return [m.codes for m in find_levels(text) if m.anaphora is None]


@pytest.mark.parametrize("text, expected", [
    ("a fracture of L5", [("L5",)]),
    ("disc bulge at L4-5", [("L4-L5",)]),
    ("disc bulge at L4/5", [("L4-L5",)]),
    ("disc bulge at L4-L5", [("L4-L5",)]),
    ("disc bulge at L4–L5", [("L4-L5",)]),
    ("herniation at L5-S1", [("L5-S1",)]),
    ("at the L3 level", [("L3",)]),
    ("S1 nerve root compression", [("S1",)]),
    ("wedging of T-7", [("T7",)]),
])
def test_single_levels_and_discs(text, expected):
    assert codes(text) == expected


def test_non_adjacent_pair_is_a_range():
    assert codes("edema from T12–L2") == [("T12", "L1", "L2")]


def test_through_is_a_range():
    assert codes("fusion T12 through L2") == [("T12", "L1", "L2")]


def test_coordinated_discs_are_two_mentions():
    assert codes("stenosis at C5-6 and C6-7") == [("C5-C6",), ("C6-C7",)]


def test_coordinated_vertebrae_are_separate_mentions():
    assert codes("lesions of T10, T11, and T12") == [("T10",), ("T11",), ("T12",)]


@pytest.mark.parametrize("text, expected", [
    ("a fracture of the atlas", [("C1",)]),
    ("a dens fracture", [("C2",)]),
    ("fracture of the C1 ring", [("C1",)]),
    ("the first sacral segment", [("S1",)]),
])
def test_named_vertebrae(text, expected):
    assert codes(text) == expected


@pytest.mark.parametrize("text", [
    "bright on T1-weighted images",
    "a T2 hyperintense lesion",
    "sagittal T2 images",
    "hyperintense on T1 and T2.",
    "STIR sequences",
    "normal S1 and S2 heart sounds",
    "minimises the L1 norm",
    "a T2N0M0 tumour",
    "free T4 was low",
])
def test_not_levels(text):
    assert codes(text) == []


def test_t2_as_a_level_after_the():
    assert codes("at the T2 level") == [("T2",)]


def test_this_level_resolves_to_the_last_level():
    mention = [m for m in find_levels("at this level") if m.anaphora is not None][0]
    assert resolve_anaphora(mention, ("L5",)) == ("L5",)


def test_the_level_above():
    mention = [m for m in find_levels("the level above") if m.anaphora is not None][0]
    assert resolve_anaphora(mention, ("L5",)) == ("L4",)


def test_neighbour_crosses_regions():
    assert neighbour("T12", 1) == "L1"


def test_th_prefix_is_thoracic():
    from kg.extract.levels import find_levels

    assert [m.codes for m in find_levels("cord oedema from C7 to Th2")] == [("C7", "T1", "T2")]
    assert [m.codes for m in find_levels("Th12 wedge fracture")] == [("T12",)]


def test_mr_sequence_name_is_not_a_level_even_when_the_lexicon_knows_it():
    x = run("Marrow edema of the femoral head on T2.")
    assert all(not levels(f) for f in x.findings)


def test_sequence_names_before_mri_are_not_levels():
    x = run("T1 and T2 MRI showed marrow edema.")
    assert all(not levels(f) for f in x.findings)


def test_dermatome_is_no_vertebral_level() -> None:
    x = run("There was sensory loss below the T8 dermatome.")
    assert classes(x) == ["SensoryLoss"] and levels_of(x, "SensoryLoss") == set()


def test_sensory_level_is_no_vertebral_level() -> None:
    assert levels_of(run("He had a sensory level at T10."), "SensoryLoss") == set()


def test_level_of_a_fracture_is_still_a_level() -> None:
    assert levels_of(run("There is a compression fracture at T8."), "CompressionFracture") == {"T8"}


def test_coordinated_levels_make_one_finding_each():
    x = run("L2, L3 and L4 compression fractures.")
    assert [f.sites[0].level for f in x.findings] == ["L2", "L3", "L4"]


def test_coordinated_levels_after_the_head_give_one_finding_each():
    fs = findings(run("Metastases at T3 and T9."), "Metastasis")
    assert sorted(tuple(levels(f)) for f in fs) == [("T3",), ("T9",)]


def test_level_pair_without_a_disc_gives_both_vertebrae():
    (f,) = findings(run("Subluxation at C1-C2."), "Subluxation")
    assert levels(f) == {"C1", "C2"}


def test_range_after_a_participle_sites_the_finding_at_every_level():
    x = run("A carotid artery dissection extending approximately from C2-C5.")
    (f,) = findings(x, "CarotidArteryDissection")
    assert levels(f) == {"C2", "C3", "C4", "C5"}


def test_levels_before_consistent_with_go_to_the_diagnosis():
    x = run("Abnormal marrow signal at T5 and T11 consistent with metastases.")
    fs = findings(x, "Metastasis")
    assert sorted(tuple(levels(f)) for f in fs) == [("T11",), ("T5",)]


def test_a_fronted_level_sites_the_findings_of_its_sentence():
    x = run("At the level of T7-T8 there is a disc bulge.")
    assert {s.level for f in x.findings for s in f.sites} == {"T7-T8"}


def test_a_level_not_fronted_stays_with_its_own_head():
    x = run("After the T7 biopsy she developed a cough.")
    cough = next(f for f in x.findings if f.concept.iri == KG + "Cough")
    assert not any(s.level for s in cough.sites)


def test_level_label_opening_a_line_sites_the_findings_after_it():
    x = run("L3-4: Disc bulge with mild spinal stenosis.")
    (f,) = findings(x, "SpinalStenosis")
    assert levels(f) == {"L3-L4"}


def test_a_located_at_bullet_line_gives_its_levels_to_the_line_before():
    x = run("Findings:\n- left paraspinal mass\n- measures 2 x 3 cm\n- located at levels L1 - L3\n")
    (f,) = findings(x, "Mass")
    assert levels(f) == {"L1", "L2", "L3"}


def test_a_located_at_line_after_a_new_finding_is_not_given_back():
    x = run("Findings:\n- small mass\n- pleural effusion\n- located at T6\n")
    (f,) = findings(x, "Mass")
    assert not levels(f)


def test_part_without_level_borrows_previous_sentence_level():
    x = run("Kyphoplasty was performed at L5. Cement leakage into the right pedicle.")
    (leak,) = [f for f in x.findings if f.concept.iri == KG + "PedicleCementLeakage"]
    assert leak.sites[0].iri == KG + "L5Pedicle"


def test_a_part_outside_the_spine_borrows_no_level_from_its_sentence() -> None:
    x = run("Occlusion of the vertebral artery at C1-2 with infarction of the left "
            "flocculonodular lobe.")
    assert levels_of(x, "Infarction") == set()


def test_a_spinal_part_still_borrows_the_level_of_its_sentence() -> None:
    x = run("At L3 the pedicle shows a fracture.")
    assert levels_of(x, "Fracture") == {"L3"}


def test_a_direction_adverb_does_not_cut_a_finding_from_its_level() -> None:
    x = run("Cord rotated with a fibrous band posteriorly at L2-3.")
    assert levels_of(x, "FibrousBand") == {"L2-L3"}


def test_and_between_levels_does_not_make_the_part_a_coordinated_site() -> None:
    x = run("Slightly adipose evolution of the L3 and L4 body.")
    assert sorted(s.iri.removeprefix(KG) for f in x.findings for s in f.sites) == [
        "L3VertebralBody", "L4VertebralBody"]


def test_parts_named_with_their_own_level_keep_it() -> None:
    x = run("The mass erodes into T9 & T10 vertebral bodies, T9 pedicle, rib 9.")
    sites = sorted((s.iri.removeprefix(KG), s.level) for f in findings(x, "BoneErosion")
                   for s in f.sites)
    assert sites == [("Rib9", None), ("T10VertebralBody", "T10"), ("T9Pedicle", "T9"),
                     ("T9VertebralBody", "T9")]


def test_a_range_in_one_part_name_stays_one_lesion() -> None:
    x = run("Metastases in the T8-T10 vertebral bodies.")
    assert len(x.findings) == 1 and levels(x.findings[0]) == {"T8", "T9", "T10"}


@pytest.mark.parametrize("text, cls, level", [
    ("MRI showed herniation of the L4-5 disc.", "DiscHerniation", "L4-L5"),
    ("There is bulging of the L3-4 disc.", "DiscBulge", "L3-L4"),
    ("CT showed a mild convexity of the L5-S1 intervertebral disc.", "DiscBulge", "L5-S1"),
])
def test_n1_of_the_level_disc_reads_as_disc_n1(text: str, cls: str, level: str) -> None:
    """'herniation of the L4-5 disc' names a disc herniation at L4-L5 (N1 of the N2 = N2 N1
    when N2 is the site the class implies)."""
    x = run(text)
    assert classes(x) == [cls] and levels_of(x, cls) == {level}


def test_n1_of_the_n2_needs_the_class_site() -> None:
    """'convexity of the skull' is no disc bulge: the skull is not the site 'disc convexity'
    implies."""
    assert classes(run("There is convexity of the skull.")) == []


def test_a_level_before_and_a_new_phrase_stays_with_the_first_finding():
    x = run("CT showed a compression fracture at T9 and a pleural effusion.")
    assert levels(finding(x, "CompressionFracture")) == {"T9"}
    assert levels(finding(x, "PleuralEffusion")) == set()


def test_coordinated_levels_before_one_head_still_bind_to_it():
    x = run("There are T9 and L1 compression fractures.")
    assert [levels(f) for f in findings(x, "CompressionFracture")] == [{"T9"}, {"L1"}]


def test_a_level_named_disc_before_its_finding_gives_the_finding_that_level():
    x = run("MRI shows an L4-L5 disc herniation and a right L5 pars defect.")
    assert levels(finding(x, "DiscHerniation")) == {"L4-L5"}
    assert levels(finding(x, "Spondylolysis")) == {"L5"}


def test_a_level_label_carries_to_the_next_sentence_of_its_paragraph():
    x = run("FINDINGS: C5-C6: Disc bulge. Mild central canal stenosis. C6-C7: Small disc "
            "protrusion. Moderate left foraminal stenosis.")
    assert levels(finding(x, "CentralCanalStenosis")) == {"C5-C6"}
    assert levels(finding(x, "ForaminalStenosis")) == {"C6-C7"}


def test_a_disc_level_is_not_lent_to_a_finding_without_levelled_parts():
    x = run("He had lower back pain for 5 months, suspected to be L2/3 spondylitis.")
    assert levels(finding(x, "LowBackPain")) == set()
