"""Rule compilation: the trie-compiled phrase regex matches what a plain alternation would."""

from __future__ import annotations

import re

from kg.extract import rules


def _spans(pattern, text: str) -> list[str]:
    """The matched pieces of the original text (a PhrasePattern's group() is lower case)."""
    return [text[m.start():m.end()] for m in pattern.finditer(text)]


def test_trie_phrase_regex_prefers_the_longest_phrase():
    rx = rules.phrase_regex(["no", "not", "no evidence of", "no sign of", "no signs of"], "t")
    assert _spans(rx, "No evidence of a tear, not a cyst; no signs of bleeding.") == [
        "No evidence of", "not", "no signs of"]


def test_trie_phrase_regex_backs_off_to_a_shorter_phrase_at_a_word_boundary():
    rx = rules.phrase_regex(["no", "no evidence"], "t")
    assert _spans(rx, "no evidenced change") == ["no"]


def test_trie_phrase_regex_spaces_match_any_whitespace_and_keep_word_bounds():
    rx = rules.phrase_regex(["free of", "r/o"], "t")
    assert _spans(rx, "free\n of mass, r/o abscess, carefree ofx") == ["free\n of", "r/o"]


def test_phrase_regex_with_regex_pieces_still_compiles_as_alternation():
    rx = rules.phrase_regex(["to stabili[sz]e", "for"], "t")
    assert _spans(rx, "fused to stabilise the spine for pain") == ["to stabilise", "for"]


def test_trie_equals_plain_alternation_on_a_sample():
    phrases = ["mild", "mild to moderate", "moderate", "moderately", "severe", "slight"]
    plain = re.compile(r"(?<![\w/-])(?:" + "|".join(
        re.sub(r"\s+", r"\\s+", p) for p in sorted(phrases, key=len, reverse=True))
        + r")(?![\w/])", re.IGNORECASE)
    text = "Mild to moderate stenosis, moderately severe pain, slightly mild-ish, mildly."
    assert _spans(rules.phrase_regex(phrases, "t"), text) == _spans(plain, text)


def test_phrase_pattern_scans_lower_cased_text_with_the_same_offsets():
    rx = rules.phrase_regex(["no", "no evidence of"], "t")
    assert isinstance(rx, rules.PhrasePattern)
    m = rx.search("Seen. NO EVIDENCE OF tear")
    assert (m.start(), m.end(), m.group()) == (6, 20, "no evidence of")


def test_phrase_pattern_folds_case_when_lower_would_not_keep_offsets():
    # a dotted capital I lowers to two characters; the Kelvin sign is k only when folded
    rx = rules.phrase_regex(["kink"], "t")
    text = "\u0130 a \u212aink"
    assert [(m.start(), m.end()) for m in rx.finditer(text)] == [(4, 8)]


def test_letter_classes_are_spelled_out_into_the_trie():
    rx = rules.phrase_regex(["to stabili[sz]e", "for"], "t")
    assert isinstance(rx, rules.PhrasePattern)
    assert _spans(rx, "To stabilize it, to stabilise it") == ["To stabilize", "to stabilise"]


def test_phrase_pattern_gate_skips_a_text_without_any_needle_and_still_finds_matches():
    rx = rules.phrase_regex(["secondary to", "due to", "caused by"], "t")
    assert isinstance(rx, rules.PhrasePattern)
    assert rx.gate.needles == ("caused", "due", "secondary")
    assert not rx.gate.may_match("Fracture of L1 without leak.")
    assert list(rx.finditer("Fracture of L1 without leak.")) == []
    assert _spans(rx, "Pain DUE\nTO fracture.") == ["DUE\nTO"]


def test_phrase_pattern_gate_never_skips_a_text_lowering_cannot_fold():
    rx = rules.phrase_regex(["kyphosis"], "t")
    text = "\u212aYPHOSIS"  # Kelvin sign: IGNORECASE matches it as k, str.lower() does not
    assert rx.gate.may_match(text)
    assert _spans(rx, text) == [text]


def test_needles_are_none_when_there_are_too_many_words():
    words = [f"word{i:02d}x" for i in range(rules.MAX_NEEDLES + 1)]
    assert rules.needles(words) is None


def test_rule_gates_name_a_word_of_every_match():
    from kg.extract import document, levels

    assert document.site_rules().escape_gate.may_match("cement extrusion into the canal")
    assert not levels._compiled().ordinal_gate.may_match("Fracture of the L1 body.")
