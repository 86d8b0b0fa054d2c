"""Faster paths that must find what the plain regex they replace finds."""

from __future__ import annotations

import re

import pytest

from kg.extract.document import _title_sections
from kg.model import CaseText


def _by_regex(text: str, title: str) -> list[tuple[int, int]]:
    pattern = r"^[ \t]*" + re.escape(title.strip()) + r"[ \t]*$"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, re.MULTILINE)]


@pytest.mark.parametrize("text", [
    "Disc herniation\nFindings: disc herniation at L4.\n  Disc herniation \t\nend",
    "Disc herniation",
    "x Disc herniation\nDisc herniation y\nDisc herniation\r\nDisc herniationDisc herniation",
    "\n\nDisc herniation\n",
])
def test_title_lines_are_the_lines_the_regex_finds(text):
    case = CaseText("t", text, "t", title=" Disc herniation ")
    assert [(s.start, s.end) for s in _title_sections(case)] == _by_regex(text, "Disc herniation")
    assert all(s.kind == "title" for s in _title_sections(case))


# ---- phrase patterns tried only where a phrase's first word stands (kg.extract.rules)

_PHRASES = ["no evidence of", "not", "s/p", "status post", "rule out", "history of"]
# long enough to be indexed (rules.INDEX_MIN_CHARS), with look-alikes: a phrase word inside
# a longer word, after "/" or "-", before "/", in capitals, across a line break
_LONG = ("Nothing: no evidence of fracture. NOT seen; knot not/yes, non-not, s/p fusion, "
         "S/P repair and status\npost surgery.  History  of falls; prehistory of none. "
         "Rule out infection, ruled out; rule-out; x-no evidence of nothing; " * 4)


def _plain(pattern, text, pos=0, endpos=None):
    """What the pattern's lower-case regex finds by scanning the whole (lowered) text."""
    end = len(text) if endpos is None else endpos
    return [(m.start(), m.end()) for m in pattern._lower.finditer(text.lower(), pos, end)]


def test_indexed_phrase_pattern_finds_what_a_whole_text_scan_finds():
    from kg.extract import rules

    pattern = rules.phrase_regex(_PHRASES, "test")
    assert len(_LONG) >= rules.INDEX_MIN_CHARS and pattern.firsts is not None
    found = [(m.start(), m.end()) for m in pattern.finditer(_LONG)]
    assert found == _plain(pattern, _LONG) and len(found) > 10


def test_indexed_phrase_pattern_honours_pos_and_endpos():
    from kg.extract import rules

    pattern = rules.phrase_regex(_PHRASES, "test")
    for pos, end in [(0, 40), (13, 200), (70, 71), (100, len(_LONG)), (250, 120)]:
        assert [(m.start(), m.end()) for m in pattern.finditer(_LONG, pos, end)] == \
            _plain(pattern, _LONG, pos, end)
        m = pattern.search(_LONG, pos, end)
        first = _plain(pattern, _LONG, pos, end)[:1]
        assert ([(m.start(), m.end())] if m else []) == first


def test_phrase_not_opening_with_a_word_character_is_not_indexed():
    from kg.extract import rules

    assert rules.first_words(["(see", "no"]) is None
    assert rules.first_words(["s/p", "no evidence"]) == frozenset({"s", "no"})


def test_finditer_at_equals_finditer_for_words_and_capital_letters():
    from kg.extract import rules

    pattern = re.compile(r"(?i:(?<![\w/-])(?:left|right)(?![\w/]))|[LR](?<![\w/.-][LR])"
                         r"(?=\s+[A-Za-z])(?![\w/])")
    firsts = frozenset({"left", "right"})
    rules.register_first_words(firsts)
    text = ("R knee, left hip, LEFT arm, Right-sided, bright light, 4 L fluid, L5, L arm. " * 5)
    assert len(text) >= rules.INDEX_MIN_CHARS
    found = [(m.start(), m.end()) for m in rules.finditer_at(pattern, text, firsts, "LR")]
    assert found == [(m.start(), m.end()) for m in pattern.finditer(text)] and found


def test_lower_scan_finds_what_the_case_insensitive_regex_finds():
    from kg.extract import rules

    scan = rules.LowerScan(r"\b(?:at|of)?\s*(?:this|the same)\s+level\b", "test")
    text = "At THIS Level the cord; of the same level; atthis level; This  LEVEL. " * 5
    assert scan._lower is not None and len(text) >= rules.INDEX_MIN_CHARS
    assert [m.span() for m in scan.finditer(text)] == \
        [m.span() for m in re.finditer(scan.pattern, text, re.IGNORECASE)]


def test_lower_scan_keeps_case_folding_for_a_pattern_with_capitals():
    from kg.extract import rules

    scan = rules.LowerScan(r"R0\s+resection", "test")
    assert scan._lower is None
    assert [m.span() for m in scan.finditer("an r0 resection; R0 Resection " * 12)][:2] == \
        [(3, 15), (17, 29)]


def test_lower_scan_reads_past_group_names_but_not_capital_text():
    from kg.extract import rules

    scan = rules.LowerScan(r"\b(?P<Ord>first|second)\s+(?P<reg>lumbar)\b", "test")
    text = "First LUMBAR vertebra; second lumbar; firstlumbar; SECOND  Lumbar. " * 5
    assert scan._lower is not None and len(text) >= rules.INDEX_MIN_CHARS
    assert [(m.span(), m.lastgroup) for m in scan.finditer(text)] == \
        [(m.span(), m.lastgroup) for m in re.finditer(scan.pattern, text, re.IGNORECASE)]
    assert rules.LowerScan(r"(?P<x>R0)\s+resection", "test")._lower is None
    assert rules.LowerScan(r"\(?P<x>y", "test")._lower is None  # an escaped "(": text P


def test_level_token_regex_reads_every_case_of_the_level_letters():
    from kg.extract.levels import find_levels

    found = [lm.codes for lm in find_levels("th12, TH12 and l5s1; t4-T6; xL4 c5")]
    assert found == [("T12",), ("T12",), ("L5-S1",), ("T4", "T5", "T6"), ("C5",)]


def test_level_anaphora_found_by_core_first_are_the_whole_regex_matches():
    from kg.extract.levels import _compiled

    text = ("Seen at this level and  THE SAME level; atthis level; the level above it, "
            "one level below, one Level above; the vertebral level below. " * 4)
    for rule in _compiled().anaphora:
        whole = [m.span() for m in re.finditer(rule.pattern.pattern, text, re.IGNORECASE)]
        assert [m.span() for m in rule.finditer(text)] == whole and whole
        assert rule.finditer("a level with none of the words: level 4.") == []


def test_normal_statements_narrowed_to_their_words_find_the_same_spans():
    from kg.extract import normal

    pattern, _labels = normal._compiled()
    text = ("Neurologically intact. No c/c/e. Margins were negative. Afebrile. " * 4
            + "Nonfocal neuro exam; neuro exam normal.")
    narrowed = normal._pattern_for(text)
    assert narrowed is not None
    assert [(m.start(), m.end(), m.lastgroup) for m in narrowed.finditer(text)] == \
        [(m.start(), m.end(), m.lastgroup) for m in pattern.finditer(text)]
    assert normal._pattern_for("no statement words here " * 20) is None
    only_intact = normal._pattern_for("The patient was neurologically intact. " * 8)
    assert only_intact is not None and "?P<s0>" in only_intact.pattern
    assert "?P<s3>" not in only_intact.pattern  # "no c/c/e" needs a "/"


def test_memoised_ontology_lookups_answer_as_the_uncached_ones():
    from kg.namespaces import KG
    from kg.ontology import load_ontology

    onto = load_ontology()
    uncached = type(onto)
    for code, part in [("L5", KG + "Pedicle"), ("L4-L5", None), ("C1-C2", None), ("T7", None)]:
        assert onto.level_site(code, part) == uncached.level_site.__wrapped__(onto, code, part)
        assert onto.level_site(code, part) == onto.level_site(code, part)
    for iri in [KG + "CementLeakage", KG + "Kyphoplasty", KG + "Pedicle"]:
        assert onto.implied_site(iri) == uncached.implied_site.__wrapped__(onto, iri)
        assert onto.treatment_for(iri) == uncached.treatment_for.__wrapped__(onto, iri)
        assert onto.part_of(iri) == onto.part_of(iri)
    leak = onto.specialise(KG + "CementLeakage", KG + "L5Pedicle")
    assert leak == uncached.specialise.__wrapped__(onto, KG + "CementLeakage", KG + "L5Pedicle") \
        != KG + "CementLeakage"
    assert ("specialise", KG + "CementLeakage", KG + "L5Pedicle") in onto._memo  # remembered


def _walk_within(onto, part: str, whole: str) -> bool:
    """partOf*/subClassOf* by a plain walk, each step asked afresh."""
    seen, stack = {part}, [part]
    while stack:
        cur = stack.pop()
        if whole in onto.ancestors(cur):
            return True
        stack.extend(up for up in onto.part_of(cur) if up not in seen)
        seen.update(onto.part_of(cur))
    return False


def test_memoised_within_and_is_any_answer_as_a_plain_walk():
    from kg.namespaces import KG
    from kg.ontology import load_ontology

    onto = load_ontology()
    names = ["L5Pedicle", "Pedicle", "VertebralColumn", "Rib", "Limb", "Lung", "Femur",
             "Kyphoplasty", "CementLeakage"]
    iris = [KG + n for n in names if onto.get(KG + n) is not None]
    assert len(iris) >= 6
    for part in iris:
        for whole in iris:
            for _ in range(2):  # the second answer comes from the memo
                assert onto.within(part, whole) == _walk_within(onto, part, whole)
        wholes = tuple(iris[3:])
        assert onto.within_any(part, wholes) == any(_walk_within(onto, part, w)
                                                    for w in wholes)
        assert onto.is_any(part, wholes) == any(w in onto.ancestors(part) for w in wholes)
    assert onto.within(KG + "L5Pedicle", KG + "VertebralColumn")
    assert not onto.within(KG + "VertebralColumn", KG + "L5Pedicle")


def test_phrases_with_regex_pieces_scan_lower_case_and_find_the_same():
    from kg.extract import rules

    found = rules.phrase_regex(["post-?operatively", "after (?:the|her) surgery"], "test")
    text = ("Postoperatively she rested; AFTER THE  Surgery, after her surgery; "
            "nonpostoperatively, post-operatively/x. " * 5)
    assert isinstance(found, rules.LowerScan) and found._lower is not None
    assert len(text) >= rules.INDEX_MIN_CHARS
    assert [m.span() for m in found.finditer(text)] == \
        [m.span() for m in re.finditer(found.pattern, text, re.IGNORECASE)]
    assert found.sub("X", "a Postoperatively b") == "a X b"  # other methods: the folded one


def test_ascii_word_split_is_the_unicode_split_on_ascii_text():
    from kg.lexicon import _ASCII_SPLIT, _TOKEN_SPLIT

    text = "L4-5 disc's bulge, pt`s x_y O'Neil 3.5cm; T2/STIR _a_ it's\n\tend"
    assert text.isascii()
    assert _ASCII_SPLIT.split(text) == _TOKEN_SPLIT.split(text)
    assert "O'Neil" in _ASCII_SPLIT.split(text)


def test_lower_scan_starting_at_its_skip_pattern_finds_the_same():
    from kg.extract import rules

    found = rules.phrase_regex(["post-?operatively", "after (?:the|her) surgery"], "test")
    assert found._skip is not None
    text = ("none here at first, " * 15 + "xafter the surgery; After the surgery, "
            "postoperatively. ")
    whole = [m.span() for m in re.finditer(found.pattern, text, re.IGNORECASE)]
    assert [m.span() for m in found.finditer(text)] == whole and len(whole) == 2
    assert found.search(text, 310).span() == next(
        m.span() for m in re.finditer(found.pattern, text, re.IGNORECASE) if m.start() >= 310)
    assert found.search("nothing of the kind, " * 20) is None
    assert list(found.finditer("nothing of the kind, " * 20)) == []


def test_a_coordinated_word_match_ends_with_a_stated_end():
    from kg.extract.document import coordinated_ends, coordinated_word

    ends = coordinated_ends()
    windows = ["cardiac and ", "cardiac, ", "cardiac,\n", "cardiac and\n", "soft or  ",
               "bone, and ", "skin and/or ", "a cardiac  ", "cardiac-", "cardiac;\n"]
    hits = 0
    for w in windows:
        if coordinated_word().search(w, 0, len(w)):
            hits += 1
            assert w.rstrip().lower().endswith(ends), w
    assert ends and hits == 7


# ---- 'word of the' tried only before each "of" (kg.extract.document._inverted_matches)

@pytest.mark.parametrize("text", [
    "Herniation of the L4-5 disc; bulging of an L3 disc and fracture\tof\nthe rib. " * 5,
    "Tear OF THE cuff, x9tear of the cuff, of the of the, pain of the back of his neck",
    "Tear  of  their  knee; rupture of a tendon, proof of the loss, lip of the jaw",
    "of the start; mass of theory; edema of her foot_of the leg; ache-of the arm",
    "Kelvin \u212a: swelling of the knee",  # a character folding to an ASCII letter
])
def test_inverted_matches_are_the_matches_of_the_rule_regex(text):
    from kg.extract.document import _inverted_matches, site_rules

    sr = site_rules()
    assert sr.inverted_anchored  # the shipped rule takes the anchored path
    want = [(m.span(), m.span("word")) for m in sr.inverted.finditer(text)]
    assert [(m.span(), m.span("word")) for m in _inverted_matches(text, sr)] == want
    assert want or "\u212a" in text


# ---- the first-word index built from the lexicon's split (rules._WordStarts.seed)

@pytest.mark.parametrize("text", [
    "No pain; not seen, s/p fusion, x-no, NO/yes, patient's knee, don’t know. " * 5,
    "Left hip; ʼno` shift, noʼnot, `not´ – No évidence, naïve no; «no» no.no " * 5,
    "Rule out infection; rule-out; history of falls; NOT seen at the T2 level " * 5,
])
def test_index_from_the_lexicon_split_is_the_scanned_index(text):
    from kg.extract import rules
    from kg.lexicon import Lexicon

    rules.register_first_words(frozenset({"no", "not", "s", "t", "left", "rule", "history"}))
    lex = Lexicon([("pain", "http://example.org/Pain", True)])
    _matches, words = lex.match_words(text)
    low = rules.lowered(text)
    assert low is not None and len(text) >= rules.INDEX_MIN_CHARS
    ws = rules._WORD_STARTS
    ws._last = (None, -1, {}, {})
    scanned, glued = ws.index(low), ws.glued(low)
    ws._last = (None, -1, {}, {})
    ws.seed(text, words)
    assert ws._last[0] is low and ws._last[2] == scanned and len(scanned) >= 2
    assert ws._last[3] == glued


def test_a_text_holding_an_underscore_is_scanned_not_seeded():
    from kg.extract import rules
    from kg.lexicon import Lexicon

    text = "no_pain and no pain " * 20
    rules.register_first_words(frozenset({"no"}))
    ws = rules._WORD_STARTS
    ws._last = (None, -1, {}, {})
    ws.seed(text, Lexicon([("pain", "http://example.org/Pain", True)]).match_words(text)[1])
    assert ws._last[0] is None
    assert ws.index(rules.lowered(text))["no"] == [m.start() for m in re.finditer(r"\bno\b", text)]


def test_regex_first_words_are_the_runs_a_match_opens_with():
    from kg.extract import rules

    assert rules.regex_first_words(r"post-?operatively") == {"post", "postoperatively"}
    assert rules.regex_first_words(r"(?:not|non-?)\s?dysmorphic") == \
        {"not", "non", "notdysmorphic", "nondysmorphic"}
    assert rules.regex_first_words(r"stabili[sz]e|R0\s+resection") == \
        {"stabilise", "stabilize", "r0"}


@pytest.mark.parametrize("body", [r"\w+ of", r"-?foo", r"a*b", r"x?", r"[a-z]+ing", r"."])
def test_regex_first_words_give_up_on_an_open_ended_start(body):
    from kg.extract import rules

    assert rules.regex_first_words(body) is None


@pytest.mark.parametrize("pattern", [
    r"(?:post-?operatively|after (?:the|her)\s+surgery|a-?febrile)",
    r"(?:R0\s+resection|non-?\s?focal\s+neuro)",  # capitals: case-folded, same offsets
])
def test_lower_scan_searched_by_first_words_finds_what_the_regex_finds(pattern):
    from kg.extract import rules

    whole = r"(?<![\w/-])" + pattern + r"(?![\w/])"
    scan = rules.LowerScan(whole, "test", firsts=rules.regex_first_words(pattern))
    text = ("Postoperatively she was afebrile; AFTER THE  Surgery, a-febrile, r0 Resection, "
            "nonpostoperatively, post-operatively/x, x/afebrile, Non focal NEURO, "
            "nonfocal neuro. " * 4)
    assert scan.firsts is not None and len(text) >= rules.INDEX_MIN_CHARS
    plain = re.compile(whole, re.IGNORECASE)
    for pos, end in [(0, len(text)), (0, 60), (17, 300), (100, 101), (300, 40)]:
        assert [m.span() for m in scan.finditer(text, pos, end)] == \
            [m.span() for m in plain.finditer(text, pos, end)]
        m, p = scan.search(text, pos, end), plain.search(text, pos, end)
        assert (m.span() if m else None) == (p.span() if p else None)
    assert len(list(scan.finditer(text))) >= 12


@pytest.mark.parametrize("seeded", [False, True])
def test_word_starts_are_where_the_word_bounded_regex_matches(seeded):
    from kg.extract import rules
    from kg.lexicon import Lexicon

    words = frozenset({"he", "his", "removed"})
    rules.register_first_words(words)
    text = ("He said his cement was removed; s/he, re-removed, he's, x-HIS, theirs, "
            "Removed/he, removedx, 2he, _he_ ok. " * 4)
    if seeded:  # the index built from the lexicon's split, as analyse does
        text = text.replace("_", " ")
        split = Lexicon([("pain", "http://x.org/P", True)]).match_words(text)[1]
        rules.seed_word_starts(text, split)
    found = rules.word_starts(text, words)
    pattern = re.compile(r"\b(?:he|his|removed)\b", re.IGNORECASE)
    assert found == [m.start() for m in pattern.finditer(text)]
    assert len(found) >= 28
    assert rules.word_starts("he was removed", words) is None  # short: scanned instead


def test_line_anchored_patterns_are_told_apart():
    from kg.extract import rules

    assert rules.line_anchored(re.compile(r"^[ \t]*(?P<name>[A-Z]\w*):", re.MULTILINE))
    assert not rules.line_anchored(re.compile(r"^[ \t]*\w+:"))  # no MULTILINE: text start
    assert not rules.line_anchored(re.compile(r"^a|b", re.MULTILINE))  # b anywhere
    assert not rules.line_anchored(re.compile(r"(?:^a)?b", re.MULTILINE))


@pytest.mark.parametrize("pattern", [r"^[ \t]*(?P<name>[A-Z][A-Za-z ]{0,20}?)[ \t]*:(?=[ \t]|$)",
                                     r"^(?:x|$)", r"^[^\n]*\n[A-Z]"])
def test_finditer_lines_finds_what_finditer_finds(pattern):
    from kg.extract import rules

    rx = re.compile(pattern, re.MULTILINE)
    text = "Findings: a\n  CT Head: b:\nno: c\n\nImpression:\nx\nLabs : d\n"
    for pos, end in [(0, len(text)), (0, 30), (1, 200), (11, 40), (12, 12), (len(text), 99),
                     (5, 2)]:
        assert [m.span() for m in rules.finditer_lines(rx, text, pos, end)] == \
            [m.span() for m in rx.finditer(text, pos, end)]
    assert rules.finditer_lines(rx, text)


def test_level_ordinals_found_by_their_words_are_the_scanned_matches():
    from kg.extract import levels, rules

    c = levels._compiled()
    text = ("The FIRST lumbar vertebra, the twelfth thoracic  body; re-fifth lumbar level, "
            "a first-lumbar x, second/first sacral segment, third cervical nerve root. " * 3)
    assert c.ordinal_words is not None and len(text) >= rules.INDEX_MIN_CHARS
    found = rules.finditer_words(c.ordinal, text, c.ordinal_words)
    assert found is not None and len(found) >= 12
    assert [m.span() for m in found] == [m.span() for m in c.ordinal.finditer(text)]



def test_level_tokens_found_from_their_numbers_are_the_scanned_tokens():
    from kg.extract import levels

    c = levels._compiled()
    text = ("Th12, T 4, L-5 and L4-5, L5S1, c3/c4, xL4 2019 S1 at T2 through T4, L3- 4, "
            "tH11 Th-1 L 12mm 3L4 T\u017f1 S\u017f1 C7\nT1 l5 s1 " * 3)
    found = [m.span() for m in levels._tokens(text, c)]
    assert found == [m.span() for m in c.token.finditer(text)] and len(found) >= 20


_GAPS = [" ", " of the ", ", in the ", " and ", " with poorly defined margins at the ",
         " measuring 18 mm in the ", " seen in the upper ", " (see above) ", " which was ",
         " of the the of the the of ", ""]


@pytest.mark.parametrize("gap", _GAPS)
def test_memoised_noun_phrase_and_post_gap_answers_hold_in_any_text(gap):
    from kg.extract import binding, context

    for before, after in [("Left", "knee"), ("xx\nA mass", "lobe."), ("", "")]:
        text = before + gap + after
        a, b = len(before), len(before) + len(gap)
        for words, coord in [(4, False), (3, True)]:
            plain = not context._more_words(words).match(text, a, b) and not \
                context._NP_BREAK.search(context._COORDINATION.sub(" ", gap) if coord else gap)
            assert context.same_noun_phrase(text, a, b, words, coord) is plain
            assert context.same_noun_phrase(text, a, b, words, coord) is plain  # memoised
        for first in (True, False):
            assert binding._post_ok(text, a, b, first) is binding._post_ok_gap(gap, first)


def test_lexicon_match_spans_are_the_matches_offsets_and_classes():
    from kg.lexicon import Lexicon

    lex = Lexicon([("disc herniation", "http://x.org/DH", True), ("disc", "http://x.org/D", True),
                   ("herniation", "http://x.org/H", False), ("MS", "http://x.org/MS", True),
                   ("ms", "http://x.org/Ms", False)])
    text = "Disc herniation; a disc, herniation and MS, ms. " * 3
    spans, parts = lex.match_spans(text)
    matches, words = lex.match_words(text)
    assert parts == words and len(spans) == len(matches) >= 12
    assert spans == [(m.start, m.end, (m.iri, *m.alternatives)) for m in matches]


@pytest.mark.parametrize("pattern, char", [
    (r"(?<![\w-])(?:anti|non|pseudo)-$", "-"), (r"^[A-Z]{1,4}:", ":"), (r"(?:x|-)", None),
    (r"(ab)?-", "-"), (r"(a-)b", "-"), (r"a\s+b", None)])
def test_required_char_is_held_by_every_match(pattern, char):
    from kg.extract import rules

    assert rules.required_char(re.compile(pattern)) == char


def test_clauses_found_from_marks_and_opening_words_are_the_scanned_ones():
    from kg.extract import sentences

    text = ("Pain; worse at night: yes, with fever but no chills, however mild although "
            "x-but y/however, whereas\twhereas,then BUT HOWEVER. " * 4)
    found = [m.span() for m in sentences._clause_matches(text)]
    assert found == [m.span() for m in sentences._CLAUSE.finditer(text)] and len(found) >= 30


def test_remembered_ontology_answers_belong_to_the_ontology_asked():
    """kg.extract.lookups keeps answers for the ontology last asked: a second ontology in
    which the same class has another parent and implied site gets its own answers."""
    from kg.extract import lookups
    from kg.namespaces import KG
    from kg.ontology import Ontology, _Raw

    def onto(parent: str, site: str) -> Ontology:
        return Ontology({
            KG + "Leak": _Raw(labels=["leak"], parents=[parent], implied_site=[site]),
            KG + "A": _Raw(labels=["a"], parents=[KG + "Finding"]),
            KG + "B": _Raw(labels=["b"], parents=[KG + "Finding"]),
        })

    first, second = onto(KG + "A", KG + "Pedicle"), onto(KG + "B", KG + "Disc")
    assert lookups.is_a(first, KG + "Leak", KG + "A")
    assert lookups.implied_site(first, KG + "Leak") == KG + "Pedicle"
    assert lookups.is_any(first, KG + "Leak", (KG + "A",))
    assert not lookups.is_a(second, KG + "Leak", KG + "A")
    assert lookups.is_a(second, KG + "Leak", KG + "B")
    assert lookups.implied_site(second, KG + "Leak") == KG + "Disc"
    assert not lookups.is_any(second, KG + "Leak", (KG + "A",))
    assert lookups.ancestors(first, KG + "Leak") == first.ancestors(KG + "Leak")
