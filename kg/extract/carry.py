"""Levels a finding takes from outside its own noun phrase.

- a diagnosis named after a cue takes the levels before the cue: "signal change at
  T4 and T7 consistent with metastases" -> metastasis at T4 and at T7;
- a line that only says where continues the line before it: "- paraspinal mass" /
  "- located at levels T8-T10" -> the mass at T8, T9, T10;
- a level that labels its sentence: "L4-5: disc bulge ..." (see also
  ``candidates.fronted_codes`` for "At the level of C6-C7, ...").

Cues are data (``carry`` in ``kg/rules/levels.json``).  Every lookup is a bounded
window or a bisect into the document's sorted tokens and heads: no rescans.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from kg.extract import rules
from kg.extract.document import Doc, Head, SiteToken


@dataclass(frozen=True)
class _CarryRules:
    cue_before: re.Pattern[str]  # a diagnosis cue ending a window, a few words before a head
    continuation: re.Pattern[str]
    lookahead: int
    label: re.Pattern[str]


@lru_cache(maxsize=1)
def carry_rules() -> _CarryRules:
    data = rules.load("levels")["carry"]
    src = "levels.json"
    cues = rules.trie_alternation(data["diagnosis_cues"])
    gap = int(data["cue_gap_words"])
    return _CarryRules(
        cue_before=rules.compile_regex(
            r"(?<![\w-])" + cues + r"(?:\s+[\w'’-]+){0," + str(gap) + r"}\s+$", src),
        continuation=rules.compile_regex(data["continuation"], src),
        lookahead=int(data["lookahead"]),
        label=rules.compile_regex(data["label"], src),
    )


def _level_tokens_in(doc: Doc, a: int, b: int) -> list[SiteToken]:
    """Level tokens (no anatomy part) starting in text[a:b]."""
    k = bisect_left(doc.token_starts, a)
    out = []
    while k < len(doc.tokens) and doc.tokens[k].start < b:
        t = doc.tokens[k]
        if t.codes and not t.part and t.end <= b:
            out.append(t)
        k += 1
    return out


def diagnosis_tokens(doc: Doc, h: Head) -> list[SiteToken]:
    """The level tokens before a diagnosis cue right in front of ``h``, in its clause."""
    sent = doc.sentences[h.sentence]
    if not doc.has_level_in(sent.start, h.start):
        return []
    clause = doc.clause_of(h.start)
    lo = max(clause[0], h.start - 80)
    m = carry_rules().cue_before.search(doc.text, lo, h.start)
    if m is None:
        return []
    return _level_tokens_in(doc, clause[0], m.start())


def _heads_in(doc: Doc, a: int, b: int) -> bool:
    k = bisect_left(doc.head_starts, a)
    return k < len(doc.heads) and doc.heads[k].start < b


def continuation_tokens(doc: Doc, h: Head) -> list[SiteToken]:
    """Levels of a following line that names no finding and only says where
    ("located at levels T8-T10"), for the last head of its sentence."""
    sent = doc.sentences[h.sentence]
    cr = carry_rules()
    last = min(len(doc.sentences), h.sentence + 1 + cr.lookahead)
    if last <= h.sentence + 1 or not doc.has_level_in(
            sent.end, doc.sentences[last - 1].end) or _heads_in(doc, h.end, sent.end):
        return []
    section = doc.section_of(h.start)
    for s in range(h.sentence + 1, last):
        nxt = doc.sentences[s]
        if doc.section_of(nxt.start) is not section or _heads_in(doc, nxt.start, nxt.end):
            return []
        if cr.continuation.match(doc.text, nxt.start, nxt.end):
            return _level_tokens_in(doc, nxt.start, nxt.end)
    return []


def is_label(doc: Doc, t: SiteToken) -> bool:
    """Whether a level token is followed by a label mark ("L4-5: ...")."""
    return bool(carry_rules().label.match(doc.text, t.end))
