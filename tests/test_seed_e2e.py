"""End to end on the seed: every fact under "The seed case" in ../shared/MODEL.md.

The graph is built through the real CLI (``kg build seeds -o …``), then loaded
with the shipped ontology into pyoxigraph and asked one SPARQL ASK per fact, so
each assertion reads like the contract it checks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

PREFIXES = """
PREFIX kg: <https://w3id.org/casekg/onto#>
PREFIX case: <https://w3id.org/casekg/case/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
CASE = "<https://w3id.org/casekg/case/seed-kyphoplasty>"
KYPHO = f"{CASE} kg:hasProcedure ?k . ?k a kg:Kyphoplasty ."


def kg_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def seed_graph(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "graph.ttl"
    done = kg_cli("build", "seeds", "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def store(seed_graph):
    import pyoxigraph as ox

    from kg.ontology import ontology_path

    st = ox.Store()
    st.bulk_load(path=str(seed_graph), format=ox.RdfFormat.TURTLE)
    st.bulk_load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
    return st


def ask(store, where: str) -> bool:
    return bool(store.query(PREFIXES + "ASK { " + where + " }"))


def select(store, query: str) -> list[tuple]:
    return [tuple(t.value if t is not None else None for t in row)
            for row in store.query(PREFIXES + query)]


def finding(cls: str, extra: str = "") -> str:
    """A present finding of the case whose class is ``cls`` or below it."""
    return (f"{CASE} kg:hasFinding ?f . ?f a ?c . ?c rdfs:subClassOf* {cls} . "
            f"?f kg:assertion kg:Present . {extra}")


def at_level(var: str, code: str) -> str:
    return f'{var} kg:site ?s_{code} . ?s_{code} kg:partOf*/kg:levelCode "{code}" .'


# ---------------------------------------------------------------- the case

def test_case_identity_age_and_sex(store):
    assert ask(store, f'{CASE} a kg:Case ; dcterms:identifier "seed-kyphoplasty" ; '
                      f'dcterms:title "Kyphoplasty Cement Leak" ; kg:patientAge 76 ; '
                      f'kg:patientSex kg:Female .')


def test_presenting_back_pain(store):
    assert ask(store, finding("kg:BackPain"))


def test_l5_osteoporotic_fracture_treated_by_kyphoplasty(store):
    assert ask(store, finding("kg:OsteoporoticCompressionFracture",
                              at_level("?f", "L5") + KYPHO + " ?k kg:treats ?f ."))


# ---------------------------------------------------------------- pre-procedure radiograph

PRE = "?f kg:observedWith kg:Radiography ; kg:observedBefore ?k . " + KYPHO


@pytest.mark.parametrize("cls, extra", [
    ("kg:Osteopenia", ""),
    ("kg:TransitionalLumbosacralAnatomy", ""),
    ("kg:CompressionDeformity", at_level("?f", "L5")),
    ("kg:Retropulsion", at_level("?f", "L5")),
    ("kg:SurgicalClip", ""),
    ("kg:DegenerativeChange", "?f kg:severity ?sev . FILTER(?sev IN (kg:Moderate, kg:Severe))"),
])
def test_pre_procedure_radiograph_findings(store, cls, extra):
    assert ask(store, finding(cls, PRE + extra))


def test_facet_and_discovertebral_degeneration_both_found(store):
    assert ask(store, finding("kg:FacetArthropathy", PRE))
    assert ask(store, finding("kg:DegenerativeChange", PRE +
                              "FILTER NOT EXISTS { ?c rdfs:subClassOf* kg:FacetArthropathy }"))


# ---------------------------------------------------------------- post-procedure CT

POST = "?f kg:observedWith kg:ComputedTomography ; kg:observedAfter ?k . " + KYPHO


def test_schmorl_node_at_l4_on_ct(store):
    assert ask(store, finding("kg:SchmorlNode", POST + at_level("?f", "L4")))


def test_levoconvex_curvature_of_lumbar_spine(store):
    assert ask(store, finding("kg:LevoconvexScoliosis",
                              POST + "?f kg:site ?s . ?s kg:partOf* kg:LumbarSpine ."))


@pytest.mark.parametrize("cause", ["kg:FacetHypertrophy", "kg:LigamentumFlavumBuckling",
                                   "kg:DiscBulge"])
def test_moderate_stenosis_caused_by_each_cause(store, cause):
    assert ask(store, finding("kg:SpinalStenosis", POST + "?f kg:severity kg:Moderate ; "
                              f"kg:causedBy ?x . ?x a ?xc . ?xc rdfs:subClassOf* {cause} ."))


# ---------------------------------------------------------------- the kyphoplasty and its leaks

def test_kyphoplasty_at_l5_first_with_balloon_inflation(store):
    assert ask(store, KYPHO + " ?k kg:sequence 1 . " + at_level("?k", "L5"))
    assert ask(store, f"{CASE} kg:hasProcedure ?b . ?b a kg:BalloonInflation .")


LEAK = "?f kg:complicationOf ?k . " + KYPHO


@pytest.mark.parametrize("cls, site, side, extra", [
    ("kg:PedicleCementLeakage", "kg:L5Pedicle", "kg:Right", ""),
    ("kg:PedicleCementLeakage", "kg:L5Pedicle", "kg:Left", ""),
    ("kg:IntrathecalCementLeakage", "kg:L5IntrathecalSpace", "kg:Left",
     "?f kg:severity kg:Moderate ."),
])
def test_cement_leaks_are_sited_complications(store, cls, site, side, extra):
    assert ask(store, finding(cls, LEAK + f"?f kg:site {site} ; kg:laterality {side} . {extra}"))


def test_exactly_three_cement_leaks(store):
    rows = select(store, f"SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ "
                         f"{finding('kg:CementLeakage')} }}")
    assert int(rows[0][0]) == 3


def test_focal_stenosis_at_l5_caused_by_intrathecal_leak(store):
    assert ask(store, finding("kg:SpinalStenosis", at_level("?f", "L5") +
                              "?f kg:causedBy ?leak . ?leak a kg:IntrathecalCementLeakage ."))


def test_neurological_deficit_absent_after_kyphoplasty(store):
    assert ask(store, f"{CASE} kg:hasFinding ?f . ?f a kg:NeurologicalDeficit ; "
                      f"kg:assertion kg:Absent ; kg:observedAfter ?k . " + KYPHO)
    assert not ask(store, finding("kg:NeurologicalDeficit"))


# ---------------------------------------------------------------- the second operation

def test_left_sciatica_resolved_by_hemilaminectomy(store):
    assert ask(store, finding("kg:Sciatica", "?f kg:laterality kg:Left ; kg:resolvedBy ?h . "
                                             "?h a kg:Hemilaminectomy ."))


def test_hemilaminectomy_and_cement_removal_second_treat_the_intrathecal_leak(store):
    assert ask(store, f"{CASE} kg:hasProcedure ?h, ?r . ?h a kg:Hemilaminectomy ; kg:sequence 2 . "
                      f"?r a kg:CementRemoval ; kg:sequence 2 ; kg:treats ?leak . "
                      f"?leak a kg:IntrathecalCementLeakage .")


# ---------------------------------------------------------------- provenance and contract

def test_every_finding_and_procedure_has_evidence_and_one_assertion(store):
    missing = select(store, f"SELECT ?x WHERE {{ {{ {CASE} kg:hasFinding ?x }} UNION "
                            f"{{ {CASE} kg:hasProcedure ?x }} "
                            f"FILTER NOT EXISTS {{ ?x kg:evidence ?m }} }}")
    assert missing == []
    counts = select(store, f"SELECT ?f (COUNT(?a) AS ?n) WHERE {{ {CASE} kg:hasFinding ?f . "
                           f"OPTIONAL {{ ?f kg:assertion ?a }} }} GROUP BY ?f")
    assert counts and all(int(n) == 1 for _, n in counts)


def test_every_mention_slices_the_case_text(store):
    text = select(store, f"SELECT ?t WHERE {{ {CASE} kg:text ?t }}")[0][0]
    rows = select(store, "SELECT ?exact ?s ?e WHERE { ?m a kg:Mention ; oa:exact ?exact ; "
                         "oa:start ?s ; oa:end ?e }")
    assert len(rows) >= 20
    for exact, start, end in rows:
        assert text[int(start):int(end)] == exact


def test_cq1_names_kyphoplasty(seed_graph):
    done = kg_cli("query", "cq1", "--graph", str(seed_graph), "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert "kyphoplasty" in done.stdout.lower()


def test_two_builds_are_byte_identical(seed_graph, tmp_path):
    again = tmp_path / "again.ttl"
    assert kg_cli("build", "seeds", "-o", str(again)).returncode == 0
    assert again.read_bytes() == seed_graph.read_bytes()


def test_seed_graph_conforms_to_the_shapes(seed_graph):
    from kg.api import validate

    conforms, report = validate(seed_graph)
    assert conforms, report
