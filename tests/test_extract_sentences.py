"""Sentence and clause splitting."""

from kg.extract.sentences import split_clauses, split_sentences


def texts(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text)]


def test_age_abbreviation_does_not_split():
    assert texts("A 76 y.o. woman. She fell.") == ["A 76 y.o. woman.", "She fell."]


def test_titles_and_eg_do_not_split():
    assert len(texts("Seen by Dr. Smith, e.g. twice, pain vs. fracture.")) == 1


def test_decimal_does_not_split():
    assert texts("A 2.3 cm mass. Next.") == ["A 2.3 cm mass.", "Next."]


def test_newline_ends_a_sentence_and_a_paragraph():
    sents = split_sentences("History of pain\nFindings: a fracture")
    assert len(sents) == 2 and sents[0].paragraph != sents[1].paragraph


def test_wrapped_line_does_not_split():
    assert len(split_sentences("decreased sensation to pain and\ntemperature.")) == 1


def test_clause_splits_before_but():
    text = "No fracture but edema."
    assert [text[a:b].strip() for a, b in split_clauses(text, 0, len(text))] == [
        "No fracture", "but edema."]
