"""HermiT (owlready2, Java 17) finds the compiled ontology consistent, all classes satisfiable."""

from __future__ import annotations

import shutil

import pytest

from kg import ontogen

pytestmark = pytest.mark.slow

OWL_FILE = ontogen.ONTO_DIR / "casekg.owl"


def _reason(path):
    """Load ``path`` in a fresh world, run HermiT, return the unsatisfiable class names."""
    ow = pytest.importorskip("owlready2")
    if shutil.which("java") is None:
        pytest.skip("HermiT needs a Java runtime (make java)")
    world = ow.World()
    world.get_ontology(path.resolve().as_uri()).load()
    ow.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return sorted(c.name for c in world.inconsistent_classes() if c is not ow.Nothing)


def test_shipped_ontology_is_consistent_and_every_class_satisfiable():
    assert _reason(OWL_FILE) == []


def test_disjoint_branches_make_a_finding_procedure_unsatisfiable(tmp_path):
    """The Finding/Procedure disjointness is a real axiom: a class under both is unsatisfiable."""
    classes = ontogen.build_classes()
    classes["Oddity"] = ontogen.OntoClass(id="Oddity", label="oddity",
                                          parents=["Kyphoplasty", "Osteoporosis"])
    out = tmp_path / "odd.owl"
    ontogen.to_owl(classes, out)
    assert _reason(out) == ["Oddity"]
