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
