"""Users' own ontologies: OBO parsing, PURLs, kinds, merging, the cache."""

from __future__ import annotations

import pytest
from conftest import SHARED

from kg.errors import OntologyError
from kg.lexicon import Lexicon
from kg.model import Kind
from kg.namespaces import KG
from kg.obo import obo_iri, parse_obo

OBO_TEXT = """\
format-version: 1.2
ontology: ex

[Term]
id: EX:0000001
name: frobnicated vertebral spur
synonym: "frob spur" EXACT []
synonym: "bony thing" BROAD []
xref: UMLS:C9999999
is_a: EX:0000002 ! parent thing

[Term]
id: EX:0000002
name: parent thing

[Term]
id: EX:0000003
name: pedicle
is_a: EX:0000002

[Term]
id: EX:0000009
name: gone term
is_obsolete: true

[Typedef]
id: part_of
name: part of
"""


@pytest.fixture
def obo_file(tmp_path):
    path = tmp_path / "ex.obo"
    path.write_text(OBO_TEXT, encoding="utf-8")
    return path


def test_obo_ids_become_purls():
    assert obo_iri("EX:0000001") == "http://purl.obolibrary.org/obo/EX_0000001"


def test_obo_terms_names_synonyms_xrefs_parents(obo_file):
    triples = list(parse_obo(obo_file))
    subjects = {s for s, *_ in triples}
    assert obo_iri("EX:0000009") not in subjects  # obsolete terms are dropped
    objects = {o for s, p, o, _ in triples if s == obo_iri("EX:0000001")}
    assert {"frobnicated vertebral spur", "frob spur", "UMLS:C9999999",
            obo_iri("EX:0000002")} <= objects
    assert "bony thing" not in objects  # a BROAD synonym is not a name


def test_malformed_obo_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.obo"
    bad.write_text("[Term]\nid: EX:1\nthis line has no tag\n", encoding="utf-8")
    with pytest.raises(OntologyError, match=r"bad\.obo:3"):
        list(parse_obo(bad))


def test_user_terms_join_the_lexicon(mini_ontology_path, obo_file, tmp_path, monkeypatch):
    from kg.ontology import load_ontology

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    onto = load_ontology(mini_ontology_path, extra=[obo_file])
    assert onto.get(obo_iri("EX:0000001")).kind is Kind.FINDING
    lex = Lexicon.from_ontology(onto)
    found = lex.match("a frob spur and the left pedicle")
    assert [m.iri for m in found] == [obo_iri("EX:0000001"), KG + "Pedicle"]
    # where both ontologies name the same thing, ours leads and the user's class follows
    assert found[1].alternatives == (obo_iri("EX:0000003"),)
    assert list((tmp_path / "cache").glob("ontology-*.pickle"))


def test_cache_is_reused_until_the_file_changes(mini_ontology_path, obo_file, tmp_path,
                                                monkeypatch):
    import kg.ontology as ontology

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    first = ontology.load_ontology(mini_ontology_path, extra=[obo_file])
    ontology._load.cache_clear()

    def no_compiling(*_):
        raise AssertionError("compiled again")

    monkeypatch.setattr(ontology, "_compile", no_compiling)
    again = ontology.load_ontology(mini_ontology_path, extra=[obo_file])  # from the cache
    assert again is not first and again.concepts.keys() == first.concepts.keys()
    assert again.lexicon is not None  # the compiled automaton came with it
    ontology._load.cache_clear()
    obo_file.write_text(OBO_TEXT.replace("frob spur", "frob spike"), encoding="utf-8")
    with pytest.raises(AssertionError, match="compiled again"):
        ontology.load_ontology(mini_ontology_path, extra=[obo_file])
    ontology._load.cache_clear()


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "ontologies" / "uberon-musculoskeletal.obo").is_file(),
                    reason="../shared/ontologies not present")
def test_real_uberon_subset_loads_as_anatomy(mini_ontology_path, tmp_path, monkeypatch):
    from kg.ontology import load_ontology

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    onto = load_ontology(mini_ontology_path,
                         extra=[SHARED / "ontologies" / "uberon-musculoskeletal.obo"])
    l5 = onto.get("http://purl.obolibrary.org/obo/UBERON_0004621")
    assert l5.kind is Kind.ANATOMY and "FMA:13076" in l5.xrefs
    lex = Lexicon.from_ontology(onto)
    assert [m.iri for m in lex.match("fifth lumbar vertebra")] == [l5.iri]
