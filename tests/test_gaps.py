"""kg gaps: uncovered phrases, counted, with examples; keyword coverage."""

from kg.gaps import chunks, find_gaps, format_gaps
from kg.lexicon import Lexicon
from kg.model import CaseText


def test_chunks_cut_at_punctuation_and_function_words():
    assert [p for p, _ in chunks("Cement leak into the pedicle, with a hiatal hernia.")] == [
        "Cement leak", "pedicle", "hiatal hernia"]


def test_uncovered_phrases_are_counted_with_an_example(mini_ontology):
    lex = Lexicon.from_ontology(mini_ontology)
    cases = [
        CaseText(id="a", text="Hiatal hernia. Cement leak.", source="a.txt",
                 keywords=("hiatal hernia", "cement leak")),
        CaseText(id="b", text="Large hiatal hernias.", source="b.txt"),
    ]
    report = find_gaps(cases, lex)
    assert report.counts["hiatal hernia"] == 2  # keyword of a + chunk of a
    assert report.counts["large hiatal hernia"] == 1
    assert "cement leak" not in report.counts
    assert (report.keywords_covered, report.keywords_total) == (1, 2)
    text = format_gaps(report)
    assert "1/2 (50.0%)" in text and "[a] hiatal hernia" in text
