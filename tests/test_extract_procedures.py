"""Which procedures extraction reports as performed, on a short text written for each test
(shipped ontology): medication, therapy, rehabilitation, textbook statements, consulted
specialties and bare devices are no performed procedure; negated ones are left out; hedged,
discussed or conditional ones are planned; and performed ones get sequence numbers, with
repeated mentions merged into one procedure."""

from __future__ import annotations

from conftest import extract_text as run
from extract_helpers import findings, performed, relation

from kg.namespaces import KG


def test_medication_is_not_a_performed_procedure():
    x = run("She was treated with antibiotics and a laminectomy was performed.")
    assert performed(x) == ["Laminectomy"]


def test_physical_therapy_is_not_a_performed_procedure():
    assert performed(run("He started physical therapy after the fall.")) == []


def test_rehabilitation_and_histology_are_not_performed_procedures():
    x = run("He was discharged to rehabilitation. Histology showed a chordoma.")
    assert performed(x) == []


def test_a_textbook_statement_about_a_treatment_is_not_a_performed_procedure():
    assert performed(run("Radiation therapy has been shown to control hemoptysis.")) == []


def test_a_consulted_specialty_is_not_a_performed_operation():
    assert performed(run("Vascular surgery was consulted.")) == []


def test_a_device_named_alone_is_not_a_procedure_but_its_placement_is():
    assert performed(run("She has a chronic indwelling bladder catheter.")) == []
    assert performed(run("A catheter was placed in the bladder.")) == ["CatheterPlacement"]


def test_negated_procedure_is_left_out():
    assert performed(run("No laminectomy was performed.")) == []


def test_a_procedure_not_performed_is_left_out():
    assert performed(run("Lumbar puncture and serologic studies were not performed.")) == []


def test_hedged_procedure_is_planned():
    x = run("Likely treatment will be radiation therapy.")
    assert performed(x) == []
    assert [p.planned for p in x.procedures] == [True]


def test_procedure_under_discussion_is_planned():
    x = run("There is discussion of performing a laminectomy.")
    assert performed(x) == [] and x.procedures[0].planned


def test_a_procedure_done_only_if_something_happens_is_planned():
    x = run("Treatment: curettage and bone grafting if the bone becomes unstable.")
    assert performed(x) == [] and len(x.procedures) == 2


def test_a_procedure_in_a_diagnosis_by_section_is_performed():
    x = run("History: back pain.\nDiagnosis By: Biopsy\nFindings: a mass.")
    assert performed(x) == ["Biopsy"]


def test_coordinated_procedures_share_a_sequence_number():
    x = run("She underwent a laminectomy and discectomy. Two weeks later she underwent a fusion.")
    assert [p.sequence for p in x.procedures] == [1, 1, 2]


def test_planned_procedure_has_no_sequence():
    x = run("Recommend vertebroplasty.")
    assert x.procedures[0].planned and x.procedures[0].sequence is None


def test_repeated_procedure_mentions_are_one_procedure():
    x = run("Kyphoplasty was performed. The kyphoplasty went well.")
    assert len(x.procedures) == 1 and len(x.procedures[0].evidence) == 2


def test_general_surgery_outside_the_spine_is_linked_and_treats_its_finding():
    x = run("MRI shows a complete tear of the anterior cruciate ligament and a tear of the "
            "medial meniscus. He underwent ACL reconstruction and meniscal repair.")
    names = [p.concept.iri.removeprefix(KG) for p in x.procedures]
    assert names == ["ACLReconstruction", "MeniscalRepair"]
    assert relation(x, x.procedures[0], "treats", findings(x, "ACLTear")[0])


def test_a_passive_verb_names_the_procedure_and_it_treats_the_finding():
    x = run("CT showed an acute subdural hematoma. The hematoma was evacuated.")
    assert [p.concept.iri.removeprefix(KG) for p in x.procedures] == ["HematomaEvacuation"]
    assert relation(x, x.procedures[0], "treats", findings(x, "SubduralHematoma")[0])


def test_removal_of_the_named_thing_is_that_removal():
    x = run("She underwent a foraminotomy and removal of the cement fragment.")
    assert "CementRemoval" in [p.concept.iri.removeprefix(KG) for p in x.procedures]


def test_a_negated_or_future_participle_names_no_procedure():
    x = run("The cement was not removed. The hardware will be removed next year.")
    assert [p for p in x.procedures if not p.planned] == []


def test_the_same_procedure_later_at_another_level_is_a_second_one():
    x = run("He underwent T10 kyphoplasty. At the 3-month follow-up a new compression "
            "fracture of T9 was found, which was also treated with kyphoplasty.")
    kps = [p for p in x.procedures if p.concept.iri.endswith("#Kyphoplasty")]
    assert [{s.level for s in p.sites} for p in kps] == [{"T10"}, {"T9"}]
    assert relation(x, kps[1], "treats", findings(x, "CompressionFracture")[0])


def test_a_procedure_considered_or_passed_over_is_not_performed():
    x = run("Vertebroplasty was considered but not performed. Conservative management was "
            "chosen over kyphoplasty.")
    assert [p for p in x.procedures if not p.planned] == []
