"""The seed case through extract_case: the records behind MODEL.md's seed facts."""

from functools import lru_cache

from conftest import SEED

from kg.model import Assertion, Laterality, Severity, Sex
from kg.namespaces import KG


@lru_cache(maxsize=1)
def seed():
    from kg.extract import extract_case
    from kg.lexicon import Lexicon
    from kg.ontology import load_ontology
    from kg.readers import read_file

    onto = load_ontology()
    return extract_case(read_file(SEED)[0], onto, Lexicon.from_ontology(onto))


def by_class(local: str):
    return [f for f in seed().findings if f.concept.iri == KG + local]


def proc(local: str):
    return next(p for p in seed().procedures if p.concept.iri == KG + local)


def has(s: str, p: str, o: str) -> bool:
    return any((r.subject, r.predicate, r.object) == (s, p, o) for r in seed().relations)


def test_age_and_sex():
    assert (seed().age, seed().sex) == (76, Sex.FEMALE)


def test_three_sited_cement_leaks_complicate_the_kyphoplasty():
    k = proc("Kyphoplasty").key
    leaks = by_class("PedicleCementLeakage") + by_class("IntrathecalCementLeakage")
    assert sorted((f.sites[0].iri.removeprefix(KG), f.laterality.value) for f in leaks) == [
        ("L5IntrathecalSpace", "Left"), ("L5Pedicle", "Left"), ("L5Pedicle", "Right")]
    assert all(has(f.key, "complicationOf", k) for f in leaks)


def test_intrathecal_leak_is_moderate():
    assert by_class("IntrathecalCementLeakage")[0].severity is Severity.MODERATE


def test_sequence_kyphoplasty_then_hemilaminectomy_and_cement_removal():
    assert proc("Kyphoplasty").sequence == 1
    assert proc("Hemilaminectomy").sequence == proc("CementRemoval").sequence == 2


def test_cement_removal_treats_the_intrathecal_leak():
    leak = by_class("IntrathecalCementLeakage")[0]
    assert has(proc("CementRemoval").key, "treats", leak.key)


def test_neurological_deficit_absent():
    assert [f.assertion for f in by_class("NeurologicalDeficit")] == [Assertion.ABSENT]


def test_left_sciatica_resolved_by_hemilaminectomy():
    (sciatica,) = by_class("Sciatica")
    assert sciatica.laterality is Laterality.LEFT
    assert has(sciatica.key, "resolvedBy", proc("Hemilaminectomy").key)


def test_focal_stenosis_caused_by_the_intrathecal_leak():
    leak = by_class("IntrathecalCementLeakage")[0]
    focal = [f for f in by_class("SpinalStenosis") if any(s.level == "L5" for s in f.sites)]
    assert focal and has(focal[0].key, "causedBy", leak.key)


def test_title_line_gives_no_fourth_leak():
    assert by_class("CementLeakage") == []


def test_every_span_slices_the_text():
    text = seed().case.text
    for item in (*seed().findings, *seed().procedures):
        for span in item.evidence:
            assert text[span.start:span.end] == span.text
