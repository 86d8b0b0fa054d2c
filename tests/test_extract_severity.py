"""Severity of a finding on a short text written for each test (shipped ontology): a
severity range takes its upper grade, and a severity after the noun (after a copula, "in
degree", in a which-clause) grades the finding, while one premodifying a later finding or
an adverb grading another word does not."""

from __future__ import annotations

from conftest import extract_text as run
from extract_helpers import findings

from kg.model import Severity


def severity(text: str, cls: str):
    (f,) = findings(run(text), cls)
    return f.severity.value if f.severity else None


def test_severity_moderate_to_severe_is_severe():
    x = run("Moderate to severe spinal stenosis.")
    assert x.findings[0].severity is Severity.SEVERE


def test_severity_after_a_copula_grades_the_finding():
    assert severity("The spinal stenosis at L2-3 is severe.", "SpinalStenosis") == "Severe"


def test_severity_in_degree_grades_the_finding():
    assert severity("Canal stenosis is mild in degree", "SpinalStenosis") == "Mild"


def test_severity_in_a_which_clause_grades_the_finding():
    assert severity("A disc bulge, which is moderate.", "DiscBulge") == "Moderate"


def test_severity_premodifying_a_later_finding_is_not_taken_back():
    x = run("Spinal stenosis is seen with severe edema.")
    assert findings(x, "SpinalStenosis")[0].severity is None


def test_an_adverb_grading_another_word_does_not_grade_the_finding():
    assert severity("The fracture appears mildly displaced.", "Fracture") is None


def test_each_side_takes_the_grade_written_before_it():
    x = run("Disc osteophyte complex causes moderate right and mild left foraminal stenosis.")
    grades = {f.laterality.value: f.severity for f in x.findings
              if f.concept.iri.endswith("#ForaminalStenosis")}
    assert grades == {"Right": Severity.MODERATE, "Left": Severity.MILD}
