"""Extraction round 4, each behaviour on a short sentence written for the test (shipped
ontology): levels carried from outside the noun phrase, complications, treats links,
severity after the noun."""

from __future__ import annotations

from functools import lru_cache

from kg.model import CaseText
from kg.namespaces import KG


@lru_cache(maxsize=1)
def _tools():
    from kg.lexicon import Lexicon
    from kg.ontology import load_ontology

    onto = load_ontology()
    return onto, Lexicon.from_ontology(onto)


def run(text: str):
    from kg.extract import extract_case

    onto, lex = _tools()
    return extract_case(CaseText("t", text, "t"), onto, lex)


def findings(x, cls: str):
    return [f for f in x.findings if f.concept.iri == KG + cls]


def levels(f) -> set[str]:
    return {s.level for s in f.sites if s.level}


# ---------------------------------------------------------------- levels


def test_mr_sequence_name_is_not_a_level_even_when_the_lexicon_knows_it():
    x = run("Marrow edema of the femoral head on T2.")
    assert all(not levels(f) for f in x.findings)


def test_sequence_names_before_mri_are_not_levels():
    x = run("T1 and T2 MRI showed marrow edema.")
    assert all(not levels(f) for f in x.findings)


def test_range_after_a_participle_sites_the_finding_at_every_level():
    x = run("A carotid artery dissection extending approximately from C2-C5.")
    (f,) = findings(x, "CarotidArteryDissection")
    assert levels(f) == {"C2", "C3", "C4", "C5"}


def test_level_pair_without_a_disc_gives_both_vertebrae():
    (f,) = findings(run("Subluxation at C1-C2."), "Subluxation")
    assert levels(f) == {"C1", "C2"}


def test_coordinated_levels_after_the_head_give_one_finding_each():
    fs = findings(run("Metastases at T3 and T9."), "Metastasis")
    assert sorted(tuple(levels(f)) for f in fs) == [("T3",), ("T9",)]


def test_levels_before_consistent_with_go_to_the_diagnosis():
    x = run("Abnormal marrow signal at T5 and T11 consistent with metastases.")
    fs = findings(x, "Metastasis")
    assert sorted(tuple(levels(f)) for f in fs) == [("T11",), ("T5",)]


def test_a_located_at_bullet_line_gives_its_levels_to_the_line_before():
    x = run("Findings:\n- left paraspinal mass\n- measures 2 x 3 cm\n- located at levels L1 - L3\n")
    (f,) = findings(x, "Mass")
    assert levels(f) == {"L1", "L2", "L3"}


def test_a_located_at_line_after_a_new_finding_is_not_given_back():
    x = run("Findings:\n- small mass\n- pleural effusion\n- located at T6\n")
    (f,) = findings(x, "Mass")
    assert not levels(f)


def test_level_label_opening_a_line_sites_the_findings_after_it():
    x = run("L3-4: Disc bulge with mild spinal stenosis.")
    (f,) = findings(x, "SpinalStenosis")
    assert levels(f) == {"L3-L4"}
