"""Tests of the case picture (kg/draw.py, kg/draw_model.py, kg/draw_layout.py).

The fixture is the seed case's facts (../shared/MODEL.md "The seed case") written
by hand as Turtle, plus a generated case with 45 findings for the crowded layout.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

rdflib = pytest.importorskip("rdflib")

from kg.draw import draw_case, render_case  # noqa: E402
from kg.draw_model import read_case_view, split_camel  # noqa: E402
from kg.errors import InputError  # noqa: E402

PREFIXES = """\
@prefix kg: <https://w3id.org/casekg/onto#> .
@prefix case: <https://w3id.org/casekg/case/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

# (n, class, extra predicate-object list) for each seed finding, in text order.
SEED_FINDINGS = [
    (1, "BackPain", ""),
    (2, "OsteoporoticCompressionFracture", "kg:site kg:L5Vertebra"),
    (3, "Osteopenia", "kg:observedBefore P1 ; kg:observedWith kg:Radiography"),
    (4, "FacetArthropathy", "kg:site kg:LumbarSpine ; kg:severity kg:Severe ; "
        "kg:observedBefore P1 ; kg:observedWith kg:Radiography"),
    (5, "DiscDegeneration", "kg:site kg:LumbarSpine ; kg:observedBefore P1 ; "
        "kg:observedWith kg:Radiography"),
    (6, "LumbosacralTransitionalVertebra", "kg:site kg:LumbosacralJunction ; "
        "kg:observedBefore P1 ; kg:observedWith kg:Radiography"),
    (7, "CompressionDeformity", "kg:site kg:L5Vertebra ; kg:observedBefore P1 ; "
        "kg:observedWith kg:Radiography"),
    (8, "Retropulsion", "kg:site kg:L5VertebralEndplate ; kg:severity kg:Mild ; "
        "kg:observedBefore P1 ; kg:observedWith kg:Radiography"),
    (9, "SurgicalClip", "kg:observedBefore P1 ; kg:observedWith kg:Radiography"),
    (10, "SchmorlNode", "kg:site kg:L4Vertebra ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (11, "Scoliosis", "kg:site kg:LumbarSpine ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (12, "SpinalStenosis", "kg:site kg:LumbarSpinalCanal ; kg:severity kg:Moderate ; "
         "kg:causedBy F13, F14, F15 ; kg:observedAfter P1 ; kg:observedWith kg:ComputedTomography"),
    (13, "FacetHypertrophy", "kg:site kg:LumbarFacetJoint ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (14, "LigamentumFlavumBuckling", "kg:site kg:LumbarLigamentumFlavum ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (15, "DiscBulge", "kg:site kg:LumbarIntervertebralDisc ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (16, "PedicleCementLeakage", "kg:site kg:L5Pedicle ; kg:laterality kg:Right ; "
         "kg:complicationOf P1 ; kg:observedAfter P1 ; kg:observedWith kg:ComputedTomography"),
    (17, "PedicleCementLeakage", "kg:site kg:L5Pedicle ; kg:laterality kg:Left ; "
         "kg:complicationOf P1 ; kg:observedAfter P1 ; kg:observedWith kg:ComputedTomography"),
    (18, "IntrathecalCementLeakage", "kg:site kg:L5IntrathecalSpace ; kg:laterality kg:Left ; "
         "kg:severity kg:Moderate ; kg:complicationOf P1 ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (19, "SpinalStenosis", "kg:site kg:L5SpinalCanal ; kg:causedBy F18 ; kg:observedAfter P1 ; "
         "kg:observedWith kg:ComputedTomography"),
    (20, "NeurologicalDeficit", "kg:assertion kg:Absent ; kg:observedAfter P1"),
    (21, "Sciatica", "kg:laterality kg:Left ; kg:resolvedBy P2"),
]


def _seed_turtle() -> str:
    c = "<https://w3id.org/casekg/case/seed-kyphoplasty"
    out = [PREFIXES, f"""
{c}> a kg:Case ; dcterms:identifier "seed-kyphoplasty" ;
    dcterms:title "Kyphoplasty Cement Leak" ; kg:patientAge 76 ; kg:patientSex kg:Female ;
    kg:hasProcedure {c}/procedure/1>, {c}/procedure/2>, {c}/procedure/3> ;
    kg:hasFinding {", ".join(f"{c}/finding/{n}>" for n, _, _ in SEED_FINDINGS)} .
{c}/procedure/1> a kg:Kyphoplasty ; kg:site kg:L5Vertebra ; kg:sequence 1 ;
    kg:treats {c}/finding/2> .
{c}/procedure/2> a kg:BalloonInflation ; kg:stepOf {c}/procedure/1> .
{c}/procedure/3> a kg:Hemilaminectomy ; kg:site kg:L5Vertebra ; kg:sequence 2 ;
    kg:treats {c}/finding/18> .
{c}/procedure/4> a kg:CementRemoval ; kg:stepOf {c}/procedure/3> .
kg:SchmorlNode rdfs:label "Schmorl's node" .
"""]
    for n, cls, extra in SEED_FINDINGS:
        extra = extra.replace("P1", f"{c}/procedure/1>").replace("P2", f"{c}/procedure/3>")
        for m in (13, 14, 15, 18):
            extra = extra.replace(f"F{m}", f"{c}/finding/{m}>")
        if "kg:assertion" not in extra:
            extra = "kg:assertion kg:Present" + (" ; " + extra if extra else "")
        out.append(f"{c}/finding/{n}> a kg:{cls} ; {extra} .")
    return "\n".join(out)


SEED_TTL = _seed_turtle()

SITES = ["L1Vertebra", "L2Vertebra", "L3Pedicle", "L4L5IntervertebralDisc", "T12Vertebra",
         "SacroiliacJoint", "LumbarSpinalCanal", "L5IntrathecalSpace"]
CLASSES = ["DiscHerniation", "Spondylolisthesis", "EndplateEdema", "FacetArthropathy",
           "NerveRootCompression", "ParaspinalMuscleAtrophy", "VertebralHemangioma",
           "CementLeakage", "AdjacentLevelFracture", "Osteophyte", "SynovialCyst"]


def synthetic_turtle(n_findings: int = 45, case_id: str = "synthetic-45") -> str:
    """A made-up case with many findings spread over three bands, for the crowded layout."""
    c = f"<https://w3id.org/casekg/case/{case_id}"
    out = [PREFIXES, f"""
{c}> a kg:Case ; dcterms:identifier "{case_id}" ; kg:patientAge 58 ; kg:patientSex kg:Male ;
    kg:hasProcedure {c}/procedure/1>, {c}/procedure/2> ;
    kg:hasFinding {", ".join(f"{c}/finding/{n}>" for n in range(1, n_findings + 1))} .
{c}/procedure/1> a kg:Vertebroplasty ; kg:sequence 1 ; kg:site kg:L1Vertebra .
{c}/procedure/2> a kg:PosteriorSpinalFusionWithInstrumentation ; kg:sequence 2 .
"""]
    for n in range(1, n_findings + 1):
        props = [f"kg:site kg:{SITES[n % len(SITES)]}"]
        props.append(["kg:assertion kg:Present", "kg:assertion kg:Absent",
                      "kg:assertion kg:Possible", "kg:assertion kg:Present"][n % 4])
        when = n % 3
        if when == 1:
            props.append(f"kg:observedAfter {c}/procedure/1>")
        elif when == 2:
            props.append(f"kg:observedAfter {c}/procedure/2>")
        else:
            props.append(f"kg:observedBefore {c}/procedure/1>")
        if n % 7 == 0:
            props.append(f"kg:complicationOf {c}/procedure/1> ; kg:laterality kg:Left")
        out.append(f"{c}/finding/{n}> a kg:{CLASSES[n % len(CLASSES)]} ; {' ; '.join(props)} .")
    return "\n".join(out)


def _graph(ttl: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ttl, format="turtle")


@pytest.fixture(scope="module")
def seed_graph() -> rdflib.Graph:
    return _graph(SEED_TTL)
