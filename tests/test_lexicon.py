"""The compiled lexicon: normalisation and leftmost-longest matching."""

import pytest

from kg.lexicon import Lexicon, normalise, singular
from kg.namespaces import KG


@pytest.fixture(scope="module")
def lex(mini_ontology):
    return Lexicon.from_ontology(mini_ontology)


def iris(lex, text):
    return [(m.text, m.iri.removeprefix(KG)) for m in lex.match(text)]


def test_curly_apostrophe_and_possessive(lex):
    assert iris(lex, "prominent Schmorl’s node at L4") == [("Schmorl’s node", "SchmorlNode")]


def test_plural_and_disk_spelling(lex):
    assert iris(lex, "diffuse posterior disk bulges") == [("disk bulges", "DiscBulge")]


def test_british_spelling(lex):
    assert iris(lex, "a small haematoma") == [("haematoma", "Haematoma")]


def test_longest_match_wins(lex):
    assert iris(lex, "moderate spinal stenosis") == [("spinal stenosis", "SpinalStenosis")]


def test_hyphen_is_a_token_break(lex):
    assert iris(lex, "post-kyphoplasty cement-leak") == [
        ("kyphoplasty", "Kyphoplasty"), ("cement-leak", "CementLeakage")]


def test_whole_words_only(lex):
    assert iris(lex, "stenosisectomy and CTA") == []


def test_abbreviation_needs_capitals(lex):
    assert iris(lex, "Mr. Smith had an MR") == [("MR", "MagneticResonanceImaging")]
    assert iris(lex, "the CT showed") == [("CT", "ComputedTomography")]


def test_offsets_slice_the_text(lex):
    text = "Cement leak; then kyphoplasty.\r\nSpinal  stenosis"
    for m in lex.match(text):
        assert text[m.start:m.end] == m.text


def test_lookup_exact_phrase(lex):
    assert lex.lookup("Cement Leaks") == (KG + "CementLeakage",)


def test_singular():
    assert [singular(w) for w in ["vertebrae", "processes", "stenosis", "bodies", "status"]] == [
        "vertebra", "process", "stenosis", "body", "status"]
    assert normalise("Diskovertebral  changes") == "discovertebral change"


def test_capital_abbreviations_are_not_made_singular():
    from kg.lexicon import normalise_token

    assert normalise_token("ACLS") == "acls"
    assert normalise_token("MRIs") == "mri"
    assert normalise_token("Pedicles") == "pedicle"


def test_match_phrase_is_match_remembered():
    lex = Lexicon([("spinal stenosis", "http://example.org/S", True)])
    first = lex.match_phrase("Spinal stenosis")
    assert first == tuple(lex.match("Spinal stenosis")) and len(first) == 1
    assert lex.match_phrase("Spinal stenosis") is first


def test_a_per_level_part_yields_to_a_finding_that_runs_past_it():
    from kg.lexicon import Lexicon as Lex

    lex = Lex([("L4-L5 disc", "ex:L4L5Disc", True), ("disc herniation", "ex:Herniation", True),
               ("L4", "ex:L4", True)], yielding=["ex:L4L5Disc", "ex:L4"])
    assert [m.iri for m in lex.match("An L4-L5 disc herniation.")] == ["ex:L4", "ex:Herniation"]
    assert [m.iri for m in lex.match("The L4-L5 disc is normal.")] == ["ex:L4L5Disc"]
    plain = Lex([("L4-L5 disc", "ex:L4L5Disc", True), ("disc herniation", "ex:Herniation", True)])
    assert [m.iri for m in plain.match("An L4-L5 disc herniation.")] == ["ex:L4L5Disc"]
