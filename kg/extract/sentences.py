"""Sentences, paragraphs and clauses of a case text, as offset ranges.

Abbreviation-aware: "y.o.", "Dr.", "e.g.", "vs." and decimals ("2.3 cm") do not end
a sentence.  A newline ends a sentence unless it only wraps a line (the line does
not end in punctuation and the next starts in lower case).  Paragraphs are runs of
text without a line break.  Clauses split a sentence at ";", ":" and before the
words that open a new clause (", with", "but", "however", "which" ...), and bound
the scope of context triggers and of site binding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract import rules
from kg.model import quick_init

ABBREVIATIONS = frozenset(
    """y.o. yo. y/o. dr. drs. mr. mrs. ms. prof. st. e.g. i.e. eg. ie. vs. v. approx. appt.
    fig. figs. no. nos. cf. al. jr. sr. b.i.d. t.i.d. q.i.d. q.d. p.o. p.r.n. a.m. p.m.
    u.s. min. max. mt. ca. inc. dept. yrs. yr. hrs. hr. wk. wks. mo. mos. approx. resp. pt.
    pts. hx. dx. sx. tx. ext. lat. ant. post. sup. inf. med. vol. ed. eds. op. ref.""".split()
)

# "[.!?]+[\"')\]]*(?=\s)|\n", written to open with one character set so the regex engine
# skips ahead to those characters (speed; the same matches)
_BREAK = re.compile(r"[.!?\n](?:(?<=\n)|[.!?]*[\"')\]]*(?=\s))")
# the words a clause opens with after a blank alone (no punctuation mark before them)
_BLANK_OPENERS = frozenset({"but", "however", "although", "whereas"})
# speed: scanned over the lower-cased text (rules.LowerScan; the same matches)
_CLAUSE = rules.LowerScan(
    r";|:(?=\s)|,\s*(?=(?:with|which|but|however|although|though|while|whereas|where|"
    r"and then|then|after|before|revealing|showing)\b)|\s(?=(?:"
    + "|".join(sorted(_BLANK_OPENERS)) + r")\b)",
    "sentences.py",
)
_CLAUSE_MARKS = ";:,"  # what a match opens with, unless a blank before _BLANK_OPENERS
rules.register_first_words(_BLANK_OPENERS)


def _clause_matches(text: str) -> list[re.Match[str]]:
    """``list(_CLAUSE.finditer(text))``, ``match`` tried only at the marks and at the
    character before each whole word of _BLANK_OPENERS (from the first-word index:
    speed, the scan tried every blank; the same matches)."""
    starts = rules.word_starts(text, _BLANK_OPENERS)
    if starts is None:
        return list(_CLAUSE.finditer(text))
    cands = [at - 1 for at in starts if at > 0]
    cands += rules.char_offsets(text, _CLAUSE_MARKS)
    cands.sort()
    return rules.match_at(_CLAUSE, text, cands)


@quick_init  # speed: a cheaper __init__, the same record
@dataclass(frozen=True)
class Sentence:
    """A sentence as an offset range, with its paragraph number."""

    start: int
    end: int
    paragraph: int


def _ends_sentence(text: str, dot: int) -> bool:
    """Whether the period-like mark at ``dot`` really ends a sentence."""
    ws = text.rfind(" ", 0, dot)
    nl = text.rfind("\n", ws + 1, dot)  # speed: only a newline after the last space counts
    token = text[max(ws, nl) + 1 : dot + 1].lower().lstrip("(\"'")
    if token in ABBREVIATIONS:
        return False
    stripped = token.rstrip(".")
    if len(stripped) == 1 and stripped.isalpha() and text[dot - 1].isupper():
        return False  # an initial: "J. Smith"
    nxt = dot + 1
    while nxt < len(text) and text[nxt] in " \t":
        nxt += 1
    return not (nxt < len(text) and text[nxt].islower())


def _line_wraps(text: str, nl: int) -> bool:
    """A newline that only wraps a line: no end mark before, lower case after."""
    # speed: walk over the blanks by index (no copy of the text before and after)
    i = nl
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    j, n = nl + 1, len(text)
    while j < n and text[j] in " \t":
        j += 1
    if i == 0 or j >= n:
        return False
    return text[i - 1] not in ".:;!?" and text[j].islower()


def split_sentences(text: str) -> list[Sentence]:
    """Every non-blank sentence of ``text``, trimmed of surrounding whitespace."""
    out: list[Sentence] = []
    start = 0
    paragraph = 0

    def emit(a: int, b: int) -> None:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append(Sentence(a, b, paragraph))

    for m in _BREAK.finditer(text):
        if m.group() == "\n":
            if _line_wraps(text, m.start()):
                continue
            emit(start, m.start())
            start = m.end()
            paragraph += 1
            continue
        if m.group()[0] == "." and not _ends_sentence(text, m.start()):
            continue
        emit(start, m.end())
        start = m.end()
    emit(start, len(text))
    return out


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause ranges of the sentence ``text[start:end]`` (covering it, in order)."""
    bounds = [start]
    for m in _CLAUSE.finditer(text, start, end):
        if m.end() > bounds[-1]:
            bounds.append(m.end())
    bounds.append(end)
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def split_all_clauses(text: str, sentences: list[Sentence]) -> list[list[tuple[int, int]]]:
    """:func:`split_clauses` of every sentence (sorted, disjoint, trimmed, as
    :func:`split_sentences` gives them), from one scan of the whole text (speed: one
    regex call per case, not per sentence; the same clauses).

    A whole-text match differs from the sentence's own scan only where it reaches past
    the sentence (a "," ending a line, its blanks and the next sentence's "With"), and
    such a match ends after the sentence (dropped) or at its start (adding no bound).
    """
    spans = [m.span() for m in _clause_matches(text)]
    out: list[list[tuple[int, int]]] = []
    k, n = 0, len(spans)
    for s in sentences:
        a, b = s.start, s.end
        while k < n and spans[k][0] < a:
            k += 1
        if k == n or spans[k][0] >= b:  # most sentences: one clause
            out.append([(a, b)])
            continue
        bounds = [a]
        while k < n and spans[k][0] < b and spans[k][1] <= b:
            if spans[k][1] > bounds[-1]:
                bounds.append(spans[k][1])
            k += 1
        bounds.append(b)
        out.append([(x, y) for x, y in zip(bounds, bounds[1:], strict=False) if y > x])
    return out
