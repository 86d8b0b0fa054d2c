"""Round 6 beyond the gold: short reports written here in the styles of the real sources
(MedPix fields, chest radiograph reports, PMC narratives) on topics the shared cases use
little (hardware and arthroplasty complications, non-spine MSK, neuro, abdomen)."""

from conftest import extract_text
from extract_helpers import classes, finding, findings, performed, procedure, relation

from kg.model import Assertion, Laterality


def test_loosening_of_a_prosthesis_or_of_screws_is_a_finding():
    x = extract_text("Findings: Lucency around both L5 pedicle screws, consistent with "
                     "loosening. No acetabular component loosening.", fields=True)
    assert finding(x, "Loosening").assertion is Assertion.PRESENT
    assert finding(x, "ProstheticLoosening").assertion is Assertion.ABSENT


def test_wound_drainage_is_a_sign_not_a_drainage_procedure():
    x = extract_text("A 45-year-old man, 3 weeks after posterior spinal fusion, presented "
                     "with fever and purulent wound drainage. Surgical site infection was "
                     "diagnosed.")
    assert "WoundDrainage" in classes(x)
    assert performed(x) == ["PosteriorInstrumentedFusion"]
    assert relation(x, finding(x, "SurgicalSiteInfection"), "complicationOf",
                    procedure(x, "PosteriorInstrumentedFusion"))


def test_terms_outside_the_spine_added_this_round():
    x = extract_text("He presented with hematemesis due to a pseudoaneurysm of the "
                     "gastroduodenal artery. There was a lipohemarthrosis of the knee and "
                     "a bile leak from the cystic duct stump. Later he had anorexia.")
    assert {"Hematemesis", "Pseudoaneurysm", "Lipohemarthrosis", "BileLeak",
            "Anorexia"} <= set(classes(x))
    assert "Cyst" not in classes(x)  # 'cystic duct' is anatomy


def test_procedures_outside_the_spine_added_this_round():
    x = extract_text("A VP shunt was placed in infancy. Aspiration of the knee yielded pus "
                     "and he underwent arthroscopic lavage. An external ventricular drain "
                     "was inserted. ERCP with biliary sphincterotomy was done.")
    assert {"VentriculoperitonealShunt", "Arthrocentesis", "ArthroscopicLavage",
            "Ventriculostomy", "Sphincterotomy"} <= set(performed(x))


def test_a_fracture_of_another_bone_is_not_the_earlier_fracture():
    x = extract_text("She sustained a proximal humerus fracture and underwent reverse "
                     "shoulder arthroplasty. She also had a fracture of the acromion.")
    assert [s.iri.rsplit("#", 1)[1] for s in finding(x, "Fracture").sites] == ["Acromion"]

