"""Extraction round 4, each behaviour on a short sentence written for the test (shipped
ontology): levels carried from outside the noun phrase, complications, treats links,
severity after the noun."""

from __future__ import annotations

from conftest import extract_text as run
from conftest import shipped_tools as _tools

from kg.model import CaseText
from kg.namespaces import KG


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


# ---------------------------------------------------------------- complications


def relation(x, subj, pred: str, obj) -> bool:
    return any(r.subject == subj.key and r.predicate == pred and r.object == obj.key
               for r in x.relations)


def procedure(x, cls: str):
    return next(p for p in x.procedures if p.concept.iri == KG + cls)


def test_findings_after_which_are_complications_of_the_procedure():
    x = run("Vertebroplasty was performed, after which she developed a pulmonary cement "
            "embolism and a wound infection.")
    vp = procedure(x, "Vertebroplasty")
    assert relation(x, findings(x, "PulmonaryCementEmbolism")[0], "complicationOf", vp)
    assert relation(x, findings(x, "SurgicalSiteInfection")[0], "complicationOf", vp)


def test_complicated_by_links_the_finding_to_the_procedure_before_it():
    x = run("She underwent a laminectomy, which was complicated by a dural tear.")
    assert relation(x, findings(x, "DuralTear")[0], "complicationOf", procedure(x, "Laminectomy"))


def test_a_negated_finding_after_which_is_no_complication():
    x = run("Laminectomy was done, after which no dural tear was seen.")
    assert not any(r.predicate == "complicationOf" for r in x.relations)


def test_a_risk_of_a_complication_is_not_a_finding():
    x = run("The risk of wound infection argued against a laminectomy.")
    assert findings(x, "SurgicalSiteInfection") == []
    assert all(p.planned for p in x.procedures)


def test_something_to_prevent_is_not_a_finding():
    x = run("Some advocate radiation therapy to help prevent a recurrence.")
    assert findings(x, "DiseaseRecurrence") == []
    assert procedure(x, "RadiationTherapy").planned


# ---------------------------------------------------------------- treats


def test_for_links_only_the_finding_named_after_it():
    x = run("Laminectomy for spinal stenosis in a patient known to have scoliosis.")
    lam = procedure(x, "Laminectomy")
    treated = {r.object for r in x.relations if r.subject == lam.key and r.predicate == "treats"}
    assert treated == {findings(x, "SpinalStenosis")[0].key}


def test_treat_the_pain_from_a_fracture_treats_the_fracture_too():
    x = run("She came for vertebroplasty to treat the pain from her L2 compression fracture.")
    vp = procedure(x, "Vertebroplasty")
    treated = {r.object for r in x.relations if r.subject == vp.key and r.predicate == "treats"}
    assert {f.key for f in x.findings} <= treated


def test_implied_treats_picks_one_finding_the_last_before_the_procedure():
    x = run("Spinal stenosis at L2-3. Spinal stenosis at L4-5. Hemilaminectomy was performed.")
    hl = procedure(x, "Hemilaminectomy")
    treated = [r.object for r in x.relations if r.subject == hl.key and r.predicate == "treats"]
    (at_l4,) = [f for f in findings(x, "SpinalStenosis") if levels(f) == {"L4-L5"}]
    assert treated == [at_l4.key]


# ---------------------------------------------------------------- severity after the noun


def severity(text: str, cls: str):
    (f,) = findings(run(text), cls)
    return f.severity.value if f.severity else None


def test_severity_after_a_copula_grades_the_finding():
    assert severity("The spinal stenosis at L2-3 is severe.", "SpinalStenosis") == "Severe"


def test_severity_in_degree_grades_the_finding():
    assert severity("Canal stenosis is mild in degree", "SpinalStenosis") == "Mild"


def test_severity_in_a_which_clause_grades_the_finding():
    assert severity("A disc bulge, which is moderate.", "DiscBulge") == "Moderate"


def test_severity_premodifying_a_later_finding_is_not_taken_back():
    x = run("Spinal stenosis is seen with severe edema.")
    assert findings(x, "SpinalStenosis")[0].severity is None


def test_an_adverb_grading_another_word_does_not_grade_the_finding():
    assert severity("The fracture appears mildly displaced.", "Fracture") is None


# ---------------------------------------------------------------- Texto fields without headings


TEXTO = ("Sacral chordoma\n"
         "Elderly man with months of buttock pain.\n"
         "Lytic mass of the sacrum at S2.\n"
         "Giant cell tumor, metastasis\n"
         "Plasmacytoma\n"
         "Sacral chordoma\n"
         "Surgical resection was performed.\n")


def run_case(text: str, title: str):
    from kg.extract import extract_case

    onto, lex = _tools()
    return extract_case(CaseText("t", text, "t", title=title), onto, lex)


def test_unlabelled_lines_before_the_repeated_title_are_the_differential():
    x = run_case(TEXTO, "Sacral chordoma")
    assert findings(x, "Metastasis") == []
    assert KG + "Metastasis" in {c.iri for c in x.differential}


def test_the_walk_back_stops_at_a_line_naming_a_level():
    x = run_case(TEXTO, "Sacral chordoma")
    assert findings(x, "Mass")


def test_the_repeated_title_line_is_read_as_the_diagnosis():
    x = run_case(TEXTO, "Sacral chordoma")
    assert findings(x, "Chordoma")


def test_a_text_with_headings_keeps_its_own_sections():
    text = "Title: Sacral chordoma\nFindings: Metastasis at S2.\nCase Diagnosis: Sacral chordoma\n"
    assert findings(run_case(text, "Sacral chordoma"), "Metastasis")


def test_population_statements_do_not_give_the_patients_sex():
    from kg.extract.demographics import find_age_sex
    from kg.model import Sex

    assert find_age_sex("Peak in childhood, slight female predilection (F>M).")[1] is None
    assert find_age_sex("A male-to-female ratio of 2:1. She had a mass.")[1] is Sex.FEMALE
    assert find_age_sex("The woman was seen on Monday.")[1] is Sex.FEMALE
