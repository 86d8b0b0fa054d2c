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
    passive: re.Pattern[str]
    of_phrase: re.Pattern[str]
    nominal: dict[str, str]  # past participle -> noun of action
    span: int


@lru_cache(maxsize=1)
def phrase_rules() -> _PhraseRules:
    d = rules.load("procedures").get("procedure_phrases", {})
    nominal = {k.lower(): v.lower() for k, v in d.get("participles", {}).items()}
    nouns = sorted(set(nominal.values()), key=len, reverse=True)
    if not nominal:
        never = re.compile(r"(?!)")
        return _PhraseRules(never, never, {}, 0)
    verbs = "|".join(sorted(map(re.escape, nominal), key=len, reverse=True))
    passive = re.compile(
        r"\b(?P<obj>(?:[A-Za-z][\w'-]*\s+){0,2}[A-Za-z][\w'-]*)\s+"
        r"(?:" + d["auxiliaries"] + r")\s+(?:(?:" + d["manner"] + r")\s+)?"
        r"(?P<verb>" + verbs + r")\b", re.IGNORECASE)
    of_phrase = re.compile(
        r"\b(?P<noun>" + "|".join(map(re.escape, nouns)) + r")\s+of\s+"
        r"(?:(?:the|an?|his|her|their|this|that)\s+)?", re.IGNORECASE)
    return _PhraseRules(passive, of_phrase, nominal, int(d.get("span", 4)))


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
    for m in pr.passive.finditer(text):
        a, b = m.start("verb"), m.end("verb")
        if taken(a, b):
            continue
        words = m["obj"].split()
        noun = pr.nominal[m["verb"].lower()]
        concept = _procedure(concept_for, [" ".join(words[i:]) for i in range(len(words))],
                             noun)
        if concept is not None:
            out.append((a, b, concept, "passive-verb"))
    for m in pr.of_phrase.finditer(text):
        a, b = m.start("noun"), m.end("noun")
        if taken(a, b):
            continue
        stop = re.search(r"[.,;:()\n]", text[m.end():m.end() + 80])
        after = _WORD.findall(text[m.end():m.end() + (stop.start() if stop else 80)])
        concept = _procedure(concept_for, after[:pr.span], m["noun"].lower())
        if concept is not None:
            out.append((a, b, concept, "of-phrase"))
    return out


def _procedure(concept_for: Callable[[str], Concept | None], objects: list[str],
               noun: str) -> Concept | None:
    """The first procedure concept read as '<object> <noun>', else as the noun alone."""
    for obj in objects:
        c = concept_for(f"{obj.lower()} {noun}")
        if c is not None and c.kind is Kind.PROCEDURE:
            return c
    c = concept_for(noun)
    return c if c is not None and c.kind is Kind.PROCEDURE else None
