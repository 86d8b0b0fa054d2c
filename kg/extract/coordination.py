"""Findings named through a coordinated phrase whose shared word sits in another member.

- Before a phrase: "no soft tissue or bone marrow edema" -> soft tissue edema too;
  "vena cava and hepatic vein distention" -> vena cava distention; "hematogenic,
  lymphatic, or perineural permeation" -> every member with "permeation".
- After a phrase: "no right heart enlargement or failure" -> right heart failure.

A member plus the shared part of the phrase must be a whole term of the lexicon naming
a finding or procedure; otherwise nothing is added (the words stay what they were).
One-word members right before a phrase's first word ("cardiac and respiratory arrest")
are read by ``document._coordinated_heads``; this module adds longer members, chains
of members and the forward case.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.model import Concept

# a separator between members: ", ", " and ", " or ", ", or ", " and/or "
_SEP = r"(?:\s*,\s*(?:and\s+|or\s+|and/or\s+)?|\s+(?:and|or|and/or)\s+)"
_WORD = r"[A-Za-z][\w-]*"
_MAX_MEMBER_WORDS = 3
_WORD_RX = re.compile(_WORD)  # speed: compiled once, not looked up per call
_MAX_MEMBERS = 4


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(a member and a separator ending the text before a phrase; a separator and a
    member after a phrase, ending the noun phrase; just a separator at a position)."""
    before = re.compile(r"(?<![\w-])(?P<member>" + _WORD + r"(?:[ \t]+" + _WORD + r"){0,"
                        + str(_MAX_MEMBER_WORDS - 1) + r"})" + _SEP + r"$", re.IGNORECASE)
    after = re.compile(_SEP + r"(?P<member>" + _WORD + r"(?:[ \t]+" + _WORD + r")?)"
                       r"(?=\s*(?:[,.;:)\n]|$|\b(?:and|or|in|of|at|on|with|without|was|were|"
                       r"is|are)\b))", re.IGNORECASE)
    sep = re.compile(_SEP, re.IGNORECASE)
    return before, after, sep


def _term(lex, onto, phrase: str, kinds) -> Concept | None:
    """The concept a phrase names as one whole lexicon term of a target kind, else None."""
    hit = next((m for m in lex.match_phrase(phrase) if m.start == 0 and m.end == len(phrase)),
               None)
    concept = onto.get(hit.iri) if hit else None
    return concept if concept is not None and concept.kind in kinds else None


def _members_before(text: str, start: int, floor: int) -> list[tuple[int, int, str]]:
    """Candidate members ending right before ``start`` (behind a separator), longest
    first: (start, end, words)."""
    lo = max(floor, start - 80)
    # speed: the separator ending the window ends in "," or in "and"/"or" (then blanks);
    # without one the regex, tried at each of the window's positions, cannot match
    tail = text[lo:start].rstrip()[-3:].lower()
    if not tail.endswith((",", "and", "or")):
        return []
    before = _patterns()[0]
    m = before.search(text, lo, start)
    if m is None:
        return []
    words = list(_WORD_RX.finditer(m["member"]))
    base = m.start("member")
    out = []
    for k in range(len(words)):
        a = base + words[k].start()
        out.append((a, m.end("member"), text[a:m.end("member")]))
    return out


def _backward(text, h, heads_taken, lex, onto, kinds, make_head) -> list:
    floor = max(0, h.start - 200)
    # speed: the members right before the phrase are the same whatever words are dropped;
    # with none, no chain can start
    first = _members_before(text, h.start, floor)
    if not first:
        return []
    words = text[h.start:h.end].split()
    out: list = []
    for drop in range(1, len(words)):
        rest = " ".join(words[drop:])
        cursor = h.start
        found = []
        for _ in range(_MAX_MEMBERS):
            hit = None
            members = first if cursor == h.start else _members_before(text, cursor, floor)
            for a, b, member in members:
                concept = _term(lex, onto, member + " " + rest, kinds)
                if concept is not None and concept.iri != h.concept.iri:
                    hit = (a, b, concept)
                    break
            if hit is None:
                break
            if not heads_taken.overlaps(hit[0], hit[1]):
                found.append(hit)  # a member read already ("lymphatic, or perineural") only
            cursor = hit[0]  # carries the chain on to the members before it
        if cursor != h.start:
            out.extend(make_head(a, b, concept, h.sentence) for a, b, concept in found)
            break
    return out


def _forward(text, h, heads_taken, lex, onto, kinds, make_head) -> list:
    words = text[h.start:h.end].split()
    if len(words) < 2:
        return []
    m = _patterns()[1].match(text, h.end)
    if m is None or heads_taken.overlaps(m.start("member"), m.end("member")):
        return []
    for keep in range(len(words) - 1, 0, -1):
        concept = _term(lex, onto, " ".join(words[:keep]) + " " + m["member"], kinds)
        if concept is not None and concept.iri != h.concept.iri:
            return [make_head(m.start("member"), m.end("member"), concept, h.sentence)]
    return []


def coordinated_phrase_heads(text: str, heads: list, lex, onto, kinds, make_head,
                             spans_type) -> list:
    """New heads for the members of coordinated phrases (see the module docstring).

    ``heads`` sorted by start; ``make_head(start, end, concept, sentence)`` builds a
    head; ``spans_type`` is the overlap index class (``document.Spans``)."""
    taken = spans_type([(h.start, h.end) for h in heads])
    out: list = []
    for h in heads:
        if " " not in text[h.start:h.end].strip():
            continue
        new = _backward(text, h, taken, lex, onto, kinds, make_head) + \
            _forward(text, h, taken, lex, onto, kinds, make_head)
        if new:
            out.extend(new)
            taken = spans_type([(x.start, x.end) for x in (*heads, *out)])
    return out
