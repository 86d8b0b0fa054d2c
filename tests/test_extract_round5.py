"""Extraction round 5, each behaviour on a short text written for the test (shipped
ontology): time linear in text length, absent findings, sides, procedures."""

from __future__ import annotations

import time
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


# ---------------------------------------------------------------- linear time

# dense in everything the extractor binds: heads, sides, levels, triggers, sizes, cues
_UNIT = ("No left pleural effusion. Mild L4-5 disc bulge on the right, 2 cm. "
         "Kyphoplasty at L1 with cement leakage into the pedicle, with resolution of pain. "
         "The patient is neurologically intact.\n\n")


def _seconds_per_char(text: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        run(text)
        best = min(best, time.perf_counter() - t)
    return best / len(text)


def test_time_per_character_stays_flat_for_a_20_times_longer_text():
    run(_UNIT)  # warm the ontology, lexicon and rule caches
    short = _seconds_per_char(_UNIT * 60, runs=3)
    long = _seconds_per_char(_UNIT * 1200, runs=1)
    assert long / short <= 3.0, f"{long / short:.1f}x slower per character"


# ---------------------------------------------------------------- laterality


def _side(x, cls: str):
    return [f.laterality.value if f.laterality else None for f in findings(x, cls)]


def test_both_before_a_plural_paired_part_makes_the_symptom_bilateral():
    assert _side(run("She reports pain in both arms."), "Pain") == ["Bilateral"]


def test_both_before_an_adjective_is_no_side():
    x = run("Both hepatic and renal cysts are seen.")
    assert all(f.laterality is None for f in x.findings)


def test_a_side_that_opens_its_sentence_is_the_side_of_its_findings():
    x = run("On the right, there is a small pleural effusion and a pneumothorax.")
    assert _side(x, "PleuralEffusion") == ["Right"]
    assert _side(x, "Pneumothorax") == ["Right"]


def test_a_side_phrase_after_a_finding_still_binds_backwards_only():
    x = run("A pneumothorax is present. On the left, there is no effusion.")
    assert _side(x, "Pneumothorax") == [None]


def test_a_verb_of_place_between_finding_and_site_keeps_the_site_and_its_side():
    x = run("A lucency crosses the left 10th rib.")
    assert _side(x, "Lucency") == ["Left"]


def test_a_side_on_the_first_coordinated_part_is_the_side_of_the_next_parts():
    x = run("She has progressive left leg and hip pain.")
    assert sorted(_side(x, "Pain")) == ["Left", "Left"]


def test_coordinated_parts_with_their_own_sides_keep_them():
    x = run("She has left leg and right hip pain.")
    assert sorted(_side(x, "Pain")) == ["Left", "Right"]


# ---------------------------------------------------------------- absent findings


def _assertions(x, cls: str):
    return [f.assertion.value for f in findings(x, cls)]


def test_never_reported_negates_the_finding_before_it():
    assert _assertions(run("A fever was never reported."), "Fever") == ["Absent"]


def test_ruled_out_the_possibility_of_negates_forward():
    x = run("The MRI ruled out the possibility of an infection.")
    assert _assertions(x, "Infection") == ["Absent"]


def test_ruled_out_still_negates_backward():
    assert _assertions(run("An infection was ruled out."), "Infection") == ["Absent"]
