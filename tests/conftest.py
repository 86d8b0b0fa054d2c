"""Shared fixtures: a tiny ontology written by the tests themselves."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = REPO / "seeds" / "seed-kyphoplasty.txt"

MINI_ONTOLOGY = """\
@prefix kg: <https://w3id.org/casekg/onto#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .

kg:Finding a owl:Class ; rdfs:label "finding" .
kg:Procedure a owl:Class ; rdfs:label "procedure" .
kg:AnatomicalEntity a owl:Class ; rdfs:label "anatomical entity" .
kg:ImagingModality a owl:Class ; rdfs:label "imaging modality" .
kg:ProcedureComplication a owl:Class ; rdfs:label "procedure complication" ;
    rdfs:subClassOf kg:Finding .
kg:CementLeakage a owl:Class ; rdfs:label "cement leakage" ; skos:altLabel "cement leak" ;
    rdfs:subClassOf kg:ProcedureComplication .
kg:PedicleCementLeakage a owl:Class ; rdfs:label "pedicle cement leakage" ;
    rdfs:subClassOf kg:CementLeakage ; kg:impliedSite kg:Pedicle .
kg:SchmorlNode a owl:Class ; rdfs:label "Schmorl's node" ; rdfs:subClassOf kg:Finding ;
    oboInOwl:hasDbXref "UMLS:C0036310" .
kg:DiscBulge a owl:Class ; rdfs:label "disc bulge" ; rdfs:subClassOf kg:Finding .
kg:Haematoma a owl:Class ; rdfs:label "hematoma" ; rdfs:subClassOf kg:Finding .
kg:SpinalStenosis a owl:Class ; rdfs:label "spinal stenosis" ; skos:altLabel "stenosis" ;
    rdfs:subClassOf kg:Finding .
kg:Kyphoplasty a owl:Class ; rdfs:label "kyphoplasty" ; rdfs:subClassOf kg:Procedure ;
    kg:treatmentFor kg:Fracture .
kg:Hemilaminectomy a owl:Class ; rdfs:label "hemilaminectomy" ; rdfs:subClassOf kg:Laminectomy .
kg:Laminectomy a owl:Class ; rdfs:label "laminectomy" ; rdfs:subClassOf kg:Procedure ;
    kg:treatmentFor kg:SpinalStenosis .
kg:ComputedTomography a owl:Class ; rdfs:label "computed tomography" ; skos:altLabel "CT" ;
    rdfs:subClassOf kg:ImagingModality .
kg:MagneticResonanceImaging a owl:Class ; rdfs:label "magnetic resonance imaging" ;
    skos:altLabel "MR" , "MRI" ; rdfs:subClassOf kg:ImagingModality .
kg:Vertebra a owl:Class ; rdfs:label "vertebra" ; rdfs:subClassOf kg:AnatomicalEntity .
kg:Pedicle a owl:Class ; rdfs:label "pedicle" ; rdfs:subClassOf kg:AnatomicalEntity .
kg:IntervertebralDisc a owl:Class ; rdfs:label "intervertebral disc" ;
    rdfs:subClassOf kg:AnatomicalEntity .
kg:L5Vertebra a owl:Class ; rdfs:label "L5 vertebra" ; rdfs:subClassOf kg:Vertebra ;
    kg:levelCode "L5" .
kg:L5Pedicle a owl:Class ; rdfs:label "L5 pedicle" ; rdfs:subClassOf kg:Pedicle ;
    kg:partOf kg:L5Vertebra ; kg:levelCode "L5" .
kg:L4L5IntervertebralDisc a owl:Class ; rdfs:label "L4-L5 intervertebral disc" ;
    rdfs:subClassOf kg:IntervertebralDisc ; kg:levelCode "L4" , "L5" .
"""


@pytest.fixture(scope="session")
def mini_ontology_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("onto") / "mini.ttl"
    path.write_text(MINI_ONTOLOGY, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def mini_ontology(mini_ontology_path):
    from kg.ontology import load_ontology

    return load_ontology(mini_ontology_path)


@lru_cache(maxsize=1)
def shipped_tools():
    """The shipped ontology and its lexicon, loaded once for all extraction tests."""
    from kg.lexicon import Lexicon
    from kg.ontology import load_ontology

    onto = load_ontology()
    return onto, Lexicon.from_ontology(onto)


def extract_text(text: str, sections=(), keywords=(), fields: bool = False):
    """Extract a short test text with the shipped ontology; with ``fields`` its
    'Name: value' lines are read as the reader reads them (sections)."""
    from kg.extract import extract_case
    from kg.model import CaseText
    from kg.readers import parse_text

    onto, lex = shipped_tools()
    case = parse_text(text, "t") if fields else CaseText(
        "t", text, "t", sections=tuple(sections), keywords=tuple(keywords))
    return extract_case(case, onto, lex)


def pytest_report_header(config) -> str:
    """Say whether this run tests the compiled extraction modules or the pure Python ones
    (``make compile``; the suite is meant to pass both ways)."""
    from kg._compile import compiled_note

    return compiled_note()


def pytest_sessionstart(session) -> None:
    """A compiled extraction module older than its source stops the run at once, in one
    line naming it (``make compile`` rebuilds; ``make test`` does that first)."""
    from kg._compile import StaleBinaryError, check_fresh

    try:
        check_fresh()
    except StaleBinaryError as exc:
        pytest.exit(f"kg: {exc}", returncode=2)
