"""How a text's sections steer extraction, on a short text written for each test (shipped
ontology): a differential section feeds the differential and a discussion section gives
nothing; a topic template under Findings is textbook, not findings; and in a Texto case
without headings, the unlabelled lines before the repeated title are the differential and
the title line is the diagnosis."""

from __future__ import annotations

from conftest import extract_text as run
from conftest import shipped_tools as _tools
from extract_helpers import classes, findings

from kg.model import CaseText, Section
from kg.namespaces import KG

TEXTO = ("Sacral chordoma\n"
         "Elderly man with months of buttock pain.\n"
         "Lytic mass of the sacrum at S2.\n"
         "Giant cell tumor, metastasis\n"
         "Plasmacytoma\n"
         "Sacral chordoma\n"
         "Surgical resection was performed.\n")


def run_case(text: str, title: str):
    from kg.extract import extract_case

    onto, lex = _tools()
    return extract_case(CaseText("t", text, "t", title=title), onto, lex)


def test_differential_section_goes_to_differential():
    text = "Findings: Spinal stenosis.\nDifferential Diagnosis: Metastasis"
    sections = [Section("Findings", 0, 26), Section("Differential Diagnosis", 27, len(text))]
    x = run(text, sections)
    assert classes(x) == ["SpinalStenosis"]
    assert [c.iri for c in x.differential] == [KG + "Metastasis"]


def test_discussion_section_gives_nothing():
    text = "Discussion: Spinal stenosis is common."
    x = run(text, [Section("Discussion", 0, len(text))])
    assert x.findings == ()


def test_topic_template_in_findings_is_textbook_not_findings() -> None:
    x = run("Findings: Neoplasm Name: Ependymoma\nCell of Origin: Ependymal cells\n"
            "Common Locations: spinal cord, with syringomyelia\n"
            "Histology: perivascular pseudorosettes\n"
            "Case Diagnosis: Ependymoma", fields=True)
    assert "Syringomyelia" not in classes(x)
    assert classes(x) == ["Ependymoma"]


def test_findings_with_one_labelled_line_are_still_findings() -> None:
    x = run("Findings: Radiology: there is syringomyelia in the cervical cord.", fields=True)
    assert "Syringomyelia" in classes(x)


def test_unlabelled_lines_before_the_repeated_title_are_the_differential():
    x = run_case(TEXTO, "Sacral chordoma")
    assert findings(x, "Metastasis") == []
    assert KG + "Metastasis" in {c.iri for c in x.differential}


def test_the_walk_back_stops_at_a_line_naming_a_level():
    x = run_case(TEXTO, "Sacral chordoma")
    assert findings(x, "Mass")


def test_the_repeated_title_line_is_read_as_the_diagnosis():
    x = run_case(TEXTO, "Sacral chordoma")
    assert findings(x, "Chordoma")


def test_a_text_with_headings_keeps_its_own_sections():
    text = "Title: Sacral chordoma\nFindings: Metastasis at S2.\nCase Diagnosis: Sacral chordoma\n"
    assert findings(run_case(text, "Sacral chordoma"), "Metastasis")
