"""Sentence and clause splitting."""

from kg.extract.sentences import split_all_clauses, split_clauses, split_sentences


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


def test_all_clauses_from_one_scan_equal_each_sentence_scanned_alone():
    # sentence edges a whole-text scan sees across: a line ending in "," or ":" before a
    # clause word, a sentence opening with "But", a ";" at a line's end
    text = ("Pain in the back,\nWith radiation to the leg; no weakness: none.\n"
            "But edema, which resolved. Mass:\nHowever stable;\n  then, after surgery, "
            "fracture, but healed.")
    sents = split_sentences(text)
    assert len(sents) > 3
    assert split_all_clauses(text, sents) == [split_clauses(text, s.start, s.end)
                                              for s in sents]
