"""Round 6 beyond the gold: short reports written here in the styles of the real sources
(MedPix fields, chest radiograph reports, PMC narratives) on topics the shared cases use
little (hardware and arthroplasty complications, non-spine MSK, neuro, abdomen)."""

from conftest import extract_text
from extract_helpers import classes, finding, levels, performed, procedure, relation

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


def test_not_seen_previously_means_new_not_absent():
    x = extract_text("Findings: 1.2 cm nodule in the left upper lobe, not seen previously.",
                     fields=True)
    nodule = finding(x, "PulmonaryNodule")
    assert nodule.assertion is Assertion.PRESENT and not nodule.historical


def test_negation_ends_before_found_with():
    x = extract_text("A 67-year-old woman, not on anticoagulation, found with aphasia and "
                     "right facial droop.")
    assert finding(x, "Aphasia").assertion is Assertion.PRESENT
    droop = finding(x, "FacialDroop")
    assert droop.assertion is Assertion.PRESENT and droop.laterality is Laterality.RIGHT


def test_suggested_is_a_hedge():
    x = extract_text("On day 7 she became drowsy; transcranial Doppler suggested vasospasm.")
    assert finding(x, "Vasospasm").assertion is Assertion.POSSIBLE


def test_a_standard_of_care_statement_is_not_a_performed_procedure():
    x = extract_text("Once vision is lost, ventriculoperitoneal shunting is the standard "
                     "of care.")
    assert performed(x) == []
    assert [p.planned for p in x.procedures] == [True]


def test_after_surgery_refers_back_to_the_operation():
    x = extract_text("A 74-year-old man underwent C3-C6 laminoplasty. Ten days after surgery "
                     "he was readmitted with fever. A fracture of the acromion was "
                     "attributed to the surgery.")
    assert performed(x) == ["Laminoplasty"]
    assert [s.text for s in procedure(x, "Laminoplasty").evidence][1:] == ["surgery",
                                                                           "surgery"]


def test_after_surgery_does_not_refer_back_to_a_cast():
    x = extract_text("A short-leg plaster cast was applied. Two years after the operation "
                     "she was well.")
    assert sorted(performed(x)) == ["Casting", "SurgicalProcedure"]


def test_the_classes_named_by_the_procedure_rules_exist():
    from conftest import shipped_tools

    from kg.extract import rules
    from kg.namespaces import KG

    onto, _ = shipped_tools()
    d = rules.load("procedures")
    for name in (*d["referring_classes"], *d["non_operative_classes"], *d["prefix_classes"],
                 *d["vertebral_classes"]):
        assert onto.get(KG + name) is not None, name


def test_a_passive_procedure_named_by_one_word_of_its_object():
    x = extract_text("Cement leaked into the foramen. The cement fragment was surgically "
                     "removed. His surgical drain was removed.")
    assert "CementRemoval" in performed(x)
    assert "SurgicalResection" not in performed(x)  # not 'surgical removal'


def test_revised_names_a_revision():
    x = extract_text("She underwent total hip arthroplasty. The acetabular cup was revised.")
    assert "RevisionSurgery" in performed(x)


def test_a_planned_procedure_referred_back_to_as_done_was_performed():
    x = extract_text("A 77-year-old man was referred for percutaneous vertebroplasty of an L2 "
                     "fracture. During the procedure, cement leaked into the L2-L3 disc "
                     "space. The cement was removed via a left hemilaminectomy.")
    vp = procedure(x, "Vertebroplasty")
    assert not vp.planned
    assert relation(x, finding(x, "IntradiscalCementLeakage"), "complicationOf", vp)


def test_a_planned_procedure_stays_planned_without_a_reference():
    x = extract_text("He was referred for vertebroplasty. He declined it and the pain "
                     "resolved with a brace.")
    assert procedure(x, "Vertebroplasty").planned


def test_a_preoperative_chest_film_does_not_perform_the_operation():
    x = extract_text("Indication: Preop for knee replacement.\nFindings: No pneumothorax.",
                     fields=True)
    assert [p.planned for p in x.procedures] == [True]


def test_a_procedure_at_other_levels_does_not_treat_the_finding():
    x = extract_text("Findings: Moderate compression deformity of T8, new since the prior "
                     "exam. Kyphoplasty cement at T11 and T12.\nImpression: Prior T11-T12 "
                     "kyphoplasty.", fields=True)
    kp = procedure(x, "Kyphoplasty")
    assert not any(r.subject == kp.key and r.predicate == "treats" for r in x.relations)


def test_a_slip_of_one_vertebra_on_the_next_is_one_finding_at_their_segment():
    x = extract_text("Findings: Grade 1 anterolisthesis of L4 on L5. Retrolisthesis of L5 on "
                     "S1.", fields=True)
    assert [levels(f) for f in x.findings] == [{"L4-L5"}, {"L5-S1"}]


def test_a_site_before_and_a_belongs_to_the_finding_before_it():
    x = extract_text("Findings: Hill-Sachs lesion of the posterolateral humeral head and a "
                     "bony Bankart lesion.", fields=True)
    assert classes(x) == ["HillSachsLesion", "BankartLesion"]
    assert finding(x, "HillSachsLesion").sites  # the humeral head, not the Bankart lesion's


def test_reported_after_the_procedure_is_an_onset():
    x = extract_text("She underwent L3 vertebroplasty. Immediately after the procedure the "
                     "patient reported severe left thigh pain.")
    assert relation(x, finding(x, "Pain"), "complicationOf", procedure(x, "Vertebroplasty"))


def test_after_a_named_procedure_an_onset_names_its_complication():
    x = extract_text("After the L5-S1 TLIF, the patient complained of new right L5 "
                     "radiculopathy.")
    assert relation(x, finding(x, "Radiculopathy"), "complicationOf", procedure(x, "TLIF"))


def test_a_complication_is_not_pinned_on_the_revision_that_fixed_it():
    x = extract_text("She underwent L5-S1 TLIF. CT showed a lateral breach of the right L5 "
                     "pedicle screw, which was revised the next day.")
    breach = finding(x, "ScrewMalposition")
    assert relation(x, breach, "complicationOf", procedure(x, "TLIF"))
    assert not relation(x, breach, "complicationOf", procedure(x, "RevisionSurgery"))


def test_bibasilar_is_bilateral():
    x = extract_text("Findings: Mild bibasilar atelectasis.", fields=True)
    assert finding(x, "Atelectasis").laterality is Laterality.BILATERAL


def test_status_post_is_a_history_not_a_complication_cue():
    x = extract_text("Indication: Chest pain, history of lung cancer status post left upper "
                     "lobectomy.", fields=True)
    assert not relation(x, finding(x, "LungCancer"), "complicationOf",
                        procedure(x, "Lobectomy"))


def test_core_decompression_is_not_a_spinal_decompression():
    x = extract_text("Avascular necrosis of the right femoral head was treated with core "
                     "decompression.")
    assert performed(x) == ["CoreDecompression"]


def test_more_terms_of_this_round():
    x = extract_text("Horner syndrome after surgery. Multiple osteoporotic VCFs. Groin pain. "
                     "He underwent tendon transfer and chemoradiation.")
    assert {"HornerSyndrome", "OsteoporoticCompressionFracture"} <= set(classes(x))
    assert {"TendonTransfer", "Chemoradiotherapy"} <= set(performed(x))


def test_from_before_a_level_is_not_a_cause():
    x = extract_text("Findings: Multilevel degenerative disc disease from C3-4 to C6-7 with "
                     "disc osteophyte complexes.", fields=True)
    assert not any(r.predicate == "causedBy" for r in x.relations)


def test_a_range_between_two_disc_levels_is_every_disc_in_it():
    x = extract_text("Findings: Multilevel degenerative disc disease from C3-4 to C6-7.",
                     fields=True)
    assert [levels(f) for f in x.findings] == [{"C3-C4", "C4-C5", "C5-C6", "C6-C7"}]


def test_a_range_after_a_preposition_belongs_to_the_finding_before_it():
    x = extract_text("MRI revealed an epidural abscess from T5 to T8 causing mild cord "
                     "compression.")
    assert levels(finding(x, "EpiduralAbscess")) == {"T5", "T6", "T7", "T8"}


def test_acute_kidney_injury_is_not_trauma():
    x = extract_text("His recovery was complicated by acute kidney injury and hoarseness.")
    assert {"AcuteKidneyInjury", "Hoarseness"} <= set(classes(x))
    assert "Trauma" not in classes(x)


def test_revision_before_a_procedure_is_not_a_second_procedure():
    x = extract_text("He underwent left L4/5 microdiscectomy. Three weeks later revision "
                     "microdiscectomy was performed.")
    assert performed(x) == ["Microdiscectomy", "Microdiscectomy"]


def test_comparative_and_abbreviated_sides():
    x = extract_text("History: 40 yo F with R>L leg numbness and L-sided foot drop.",
                     fields=True)
    assert finding(x, "Paresthesia").laterality is Laterality.BILATERAL
    assert finding(x, "FootDrop").laterality is Laterality.LEFT


def test_a_side_ending_a_line_does_not_go_to_the_next_line():
    x = extract_text("Exam:\n» firm nodule left\n» midline tenderness to T12", fields=True)
    assert finding(x, "Tenderness").laterality is None


def test_abdominal_and_neuro_terms_of_this_round():
    x = extract_text("Findings: No pneumatosis, portal venous gas or free air. No subdural "
                     "hemorrhage.\nTreatment & Follow Up: Nasogastric decompression.",
                     fields=True)
    assert {"Pneumatosis", "PortalVenousGas", "SubduralHematoma"} <= set(classes(x))
    assert performed(x) == ["NasogastricDecompression"]


def test_on_postoperative_day_refers_back_to_the_operation():
    x = extract_text("A 72-year-old woman underwent a right TKA. On postoperative day 1 she "
                     "developed a deep vein thrombosis of the right calf.")
    assert relation(x, finding(x, "DeepVeinThrombosis"), "complicationOf",
                    procedure(x, "KneeArthroplasty"))


def test_also_between_a_finding_and_its_site():
    x = extract_text("History: 80 yo woman treated with vertebroplasty at L1.\nFindings: "
                     "Cement is also seen in the paravertebral venous plexus at L1.",
                     fields=True)
    assert relation(x, finding(x, "VenousCementLeakage"), "complicationOf",
                    procedure(x, "Vertebroplasty"))


def test_humeral_neck_is_one_site_not_the_neck():
    x = extract_text("Findings: Osteophytes on the humeral neck.", fields=True)
    assert [s.iri.rsplit("#", 1)[1] for s in finding(x, "Osteophyte").sites] == ["HumeralNeck"]


def test_which_was_attributed_to_links_the_finding_before_the_comma():
    x = extract_text("She underwent reverse total shoulder arthroplasty. She also had a "
                     "fracture of the acromion, which was attributed to the surgery.")
    assert relation(x, finding(x, "Fracture"), "complicationOf",
                    procedure(x, "ShoulderArthroplasty"))


def test_low_back_and_leg_pain_is_low_back_pain_and_leg_pain():
    x = extract_text("History: low back and leg pain.", fields=True)
    assert "LowBackPain" in classes(x) and "BackPain" not in classes(x)


def test_neuro_and_general_terms_of_this_round():
    x = extract_text("Findings: Bilateral thin subdural hygromas. No venous sinus thrombosis."
                     "\nCase Diagnosis: Intracranial hypotension.\nTreatment & Follow Up: "
                     "Postoperatively she developed delirium and a urinary tract infection.",
                     fields=True)
    assert {"SubduralHygroma", "CerebralVenousSinusThrombosis", "IntracranialHypotension",
            "Delirium", "UrinaryTractInfection"} <= set(classes(x))
    assert "Hypotension" not in classes(x) and "DeepVeinThrombosis" not in classes(x)


def test_post_procedure_premodifier_names_the_finding_after_it():
    x = extract_text("History: 5 days after a diagnostic lumbar puncture, with headache.\n"
                     "Case Diagnosis: Intracranial hypotension versus post-LP CSF leak",
                     fields=True)
    lp = next(p for p in x.procedures if not p.planned)
    assert relation(x, finding(x, "CSFLeak"), "complicationOf", lp)
    assert not relation(x, finding(x, "IntracranialHypotension"), "complicationOf", lp)


def _rib_sites(x) -> list[tuple[str, object]]:
    return sorted((s.iri.rsplit("#", 1)[1], f.laterality) for f in x.findings
                  for s in f.sites)


def test_listed_ordinal_ribs_are_each_a_site_with_the_lists_side():
    x = extract_text("Findings: Old healed fractures of the right 5th and 6th ribs.",
                     fields=True)
    assert _rib_sites(x) == [("Rib5", Laterality.RIGHT), ("Rib6", Laterality.RIGHT)]


def test_a_range_of_ordinal_ribs_is_every_rib_in_it():
    x = extract_text("Findings: Acute fractures of the left 4th-6th ribs.", fields=True)
    assert [s for s, _ in _rib_sites(x)] == ["Rib4", "Rib5", "Rib6"]


def test_a_postoperative_hematoma_is_the_epidural_hematoma_it_names():
    x = extract_text("Findings: Dorsal epidural collection from C4 to C7, consistent with "
                     "acute epidural hematoma.\nCase Diagnosis: Postoperative epidural "
                     "hematoma", fields=True)
    assert classes(x) == ["PostoperativeEpiduralHematoma"]


def test_a_vertebral_augmentation_at_a_level_pair_is_at_both_vertebrae():
    x = extract_text("Treatment & Follow Up: T7-T8 vertebroplasty.", fields=True)
    assert {s.level for s in procedure(x, "Vertebroplasty").sites} == {"T7", "T8"}


def test_versus_weighs_only_the_alternatives_after_the_comma():
    x = extract_text("Impression: Small left pleural effusion and left basilar opacity, "
                     "atelectasis versus pneumonia.", fields=True)
    assert finding(x, "PleuralEffusion").assertion is Assertion.PRESENT
    assert finding(x, "Pneumonia").assertion is Assertion.POSSIBLE
    assert finding(x, "Atelectasis").assertion is Assertion.POSSIBLE


def test_posterior_fixation_is_a_fixation_and_pullout_strength_no_failure():
    x = extract_text("He underwent T8-T12 percutaneous posterior fixation. Cross connectors "
                     "increase the pullout strength of the screws.")
    assert performed(x) == ["PosteriorSpinalFixation"]
    assert "HardwareMigration" not in classes(x)


def test_thoracic_before_a_spinal_finding_is_the_thoracic_spine():
    x = extract_text("Findings: Stable mild thoracic kyphosis.", fields=True)
    assert [s.iri.rsplit("#", 1)[1] for s in finding(x, "Kyphosis").sites] == ["ThoracicSpine"]


def test_suggesting_is_a_hedge():
    x = extract_text("Findings: Blunting of the right costophrenic angle suggesting a small "
                     "effusion.", fields=True)
    assert finding(x, "Effusion").assertion is Assertion.POSSIBLE


def test_a_state_said_of_an_implant_is_a_hardware_finding():
    x = extract_text("Findings: The femoral stem is loose. Broken inferior screw at C7. Loose "
                     "bodies in the knee.", fields=True)
    assert "Loosening" in classes(x) and "LooseBody" in classes(x)
    assert levels(finding(x, "HardwareFracture")) == {"C7"}


def test_the_hardware_state_classes_exist():
    from conftest import shipped_tools

    from kg.extract import rules
    from kg.namespaces import KG

    onto, _ = shipped_tools()
    for name in rules.load("descriptors")["hardware_states"]["states"].values():
        assert onto.get(KG + name) is not None, name
