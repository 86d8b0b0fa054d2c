"""The runtime ontology loader: kinds, ancestry, per-level sites, specialisation."""

from kg.model import Kind
from kg.namespaces import KG


def test_kind_comes_from_ancestry(mini_ontology):
    assert mini_ontology.get(KG + "PedicleCementLeakage").kind is Kind.COMPLICATION
    assert mini_ontology.get(KG + "SchmorlNode").kind is Kind.FINDING
    assert mini_ontology.get(KG + "Hemilaminectomy").kind is Kind.PROCEDURE
    assert mini_ontology.get(KG + "L5Pedicle").kind is Kind.ANATOMY
    assert mini_ontology.get(KG + "ComputedTomography").kind is Kind.MODALITY


def test_is_a_is_transitive_and_reflexive(mini_ontology):
    assert mini_ontology.is_a(KG + "PedicleCementLeakage", KG + "Finding")
    assert mini_ontology.is_a(KG + "Kyphoplasty", KG + "Kyphoplasty")
    assert not mini_ontology.is_a(KG + "Kyphoplasty", KG + "Finding")


def test_level_site_finds_per_level_classes(mini_ontology):
    assert mini_ontology.level_site("L5") == KG + "L5Vertebra"
    assert mini_ontology.level_site("L5", KG + "Pedicle") == KG + "L5Pedicle"
    assert mini_ontology.level_site("L4-L5") == KG + "L4L5IntervertebralDisc"
    assert mini_ontology.level_site("T3") is None


def test_specialise_uses_implied_site(mini_ontology):
    assert mini_ontology.specialise(KG + "CementLeakage", KG + "L5Pedicle") == (
        KG + "PedicleCementLeakage")
    assert mini_ontology.specialise(KG + "CementLeakage", KG + "L5Vertebra") == (
        KG + "CementLeakage")


def test_treatment_for_is_inherited(mini_ontology):
    assert KG + "SpinalStenosis" in mini_ontology.treatment_for(KG + "Hemilaminectomy")


def test_xrefs_and_synonyms_are_read(mini_ontology):
    assert mini_ontology.get(KG + "SchmorlNode").xrefs == ("UMLS:C0036310",)
    assert "cement leak" in mini_ontology.get(KG + "CementLeakage").synonyms


def test_missing_file_is_a_clear_error(tmp_path):
    import pytest

    from kg.errors import OntologyError
    from kg.ontology import load_ontology

    with pytest.raises(OntologyError, match="no such ontology file"):
        load_ontology(tmp_path / "nope.ttl")


def test_malformed_turtle_names_the_file(tmp_path):
    import pytest

    from kg.errors import OntologyError
    from kg.ontology import load_ontology

    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix kg: <x> .\nkg:A kg:b ", encoding="utf-8")
    with pytest.raises(OntologyError, match="bad.ttl"):
        load_ontology(bad)
