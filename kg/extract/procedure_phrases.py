"""Procedures named by a verb or a noun of action rather than by their term.

"The epidural cement was removed" and "removal of the cement fragment" name the procedure
the lexicon knows as "cement removal"; "the hematoma was evacuated" names "hematoma
evacuation".  Two patterns (``procedure_phrases`` in ``kg/rules/procedures.json``):

* passive: a noun phrase, an auxiliary ("was", "were", "has been" ...), at most one manner
  word ("then", "surgically" ...) and a past participle of the table, read as
  "<noun> <noun of action>";
* of-phrase: a noun of action, "of", an optional article and up to ``span`` words, one of
  which, put before the noun of action, is a procedure term.

The head is the participle or the noun of action itself, so it never overlaps the
finding the object names ("cement", "hematoma"), which stays a finding.  A phrase whose
words the lexicon already read as a head is left alone; only procedure classes count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from kg.extract import rules
from kg.model import Concept, Kind

_WORD = re.compile(r"[A-Za-z][\w'-]*")


@dataclass(frozen=True)
class _PhraseRules:
    participle: re.Pattern[str]  # the participles of the table
    before: re.Pattern[str]  # object, auxiliary, manner word: matched back from a participle
    nominal: dict[str, str]  # past participle -> noun of action
    nouns: frozenset[str]  # the nouns of action
    span: int
    words: frozenset[str] | None  # the participles when each is one word: indexed (speed)


@lru_cache(maxsize=1)
def phrase_rules() -> _PhraseRules:
    d = rules.load("procedures").get("procedure_phrases", {})
    nominal = {k.lower(): v.lower() for k, v in d.get("participles", {}).items()}
    if not nominal:
        never = re.compile(r"(?!)")
        return _PhraseRules(never, never, {}, frozenset(), 0, None)
    verbs = "|".join(sorted(map(re.escape, nominal), key=len, reverse=True))
    # speed: the scan looks for the participles only (literal words), then reads the
    # object and auxiliary back from each one: no regex tried at every word of the text
    participle = re.compile(r"\b(?:" + verbs + r")\b", re.IGNORECASE)
    before = re.compile(
        r"\b(?P<obj>(?:[A-Za-z][\w'-]*\s+){0,2}[A-Za-z][\w'-]*)\s+"
        r"(?:" + d["auxiliaries"] + r")\s+(?:(?:" + d["manner"] + r")\s+)?$", re.IGNORECASE)
    # speed: one-word participles are looked up in the first-word index (rules.word_starts)
    words = frozenset(nominal) if all(re.fullmatch(r"\w+", p) for p in nominal) else None
    if words is not None:
        rules.register_first_words(words)
    return _PhraseRules(participle, before, nominal, frozenset(nominal.values()),
                        int(d.get("span", 4)), words)


def find_procedure_phrases(text: str, taken: Callable[[int, int], bool],
                           concept_for: Callable[[str], Concept | None]
                           ) -> list[tuple[int, int, Concept, str]]:
    """(start, end, concept, rule) for each procedure named by a passive participle or
    an of-phrase; ``taken(a, b)`` tells whether the lexicon already has a head there,
    ``concept_for(term)`` is the concept the lexicon reads as the whole of ``term``."""
    pr = phrase_rules()
    if not pr.nominal:
        return []
    out: list[tuple[int, int, Concept, str]] = []
    # speed: the case's lower-cased text, shared with the other finders (offsets kept)
    low = rules.lowered(text) or text.lower()
    if len(low) != len(text):
        return out
    # speed: match tried only where a participle stands (None: not indexed, scan)
    found = rules.finditer_words(pr.participle, text, pr.words) if pr.words is not None \
        else None
    if found is None:  # speed: most texts name none of them
        found = list(pr.participle.finditer(text)) \
            if any(map(low.__contains__, pr.nominal)) else []
    for m in found:
        a, b = m.start(), m.end()
        back = pr.before.search(text, max(0, a - 120), a)
        if back is None or taken(a, b):
            continue
        words = back["obj"].split()
        # the object's tails, then its other words that are terms by themselves ('the
        # cement fragment was removed': 'cement removal'; not 'surgical' of 'his
        # surgical drain')
        concept = _procedure(concept_for,
                             [" ".join(words[i:]) for i in range(len(words))]
                             + [w for w in words[-2::-1] if concept_for(w) is not None],
                             pr.nominal[m.group().lower()])
        if concept is not None:
            out.append((a, b, concept, "passive-verb"))
    at = low.find(" of ")
    while at >= 0:  # speed: the word before each " of " against the nouns of action
        a = at
        while a > 0 and low[a - 1].isalpha():
            a -= 1
        if low[a:at] in pr.nouns and not taken(a, at):
            concept = _procedure(concept_for, _objects(text, at + 4, pr.span), low[a:at])
            if concept is not None:
                out.append((a, at, concept, "of-phrase"))
        at = low.find(" of ", at + 4)
    return sorted(out, key=lambda o: o[0])


_ARTICLE = re.compile(r"(?:the|an?|his|her|their|this|that)\s+", re.IGNORECASE)


def _objects(text: str, pos: int, span: int) -> list[str]:
    """Up to ``span`` words after ``pos`` (an article skipped), to the next punctuation."""
    art = _ARTICLE.match(text, pos)
    return rules.words_after(text, art.end() if art else pos, _WORD, span)


def _procedure(concept_for: Callable[[str], Concept | None], objects: list[str],
               noun: str) -> Concept | None:
    """The first procedure concept read as '<object> <noun>', else as the noun alone."""
    for obj in objects:
        c = concept_for(f"{obj.lower()} {noun}")
        if c is not None and c.kind is Kind.PROCEDURE:
            return c
    c = concept_for(noun)
    return c if c is not None and c.kind is Kind.PROCEDURE else None
