"""Normal-examination statements that rule out a named finding ("neurologically
intact" -> neurological deficit absent; "no c/c/e" -> clubbing, cyanosis, edema absent).

The statements are data (``kg/rules/normal_statements.json``); their finding labels are
resolved through the lexicon, so a label the ontology does not cover is skipped.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from kg.extract import rules
from kg.model import Concept

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], tuple[tuple[str, ...], ...]]:
    data = rules.load("normal_statements")["statements"]
    for i, st in enumerate(data):
        if not st.get("pattern") or not st.get("absent"):
            raise rules.RuleError(f"normal_statements.json: statement {i} needs pattern and absent")
        rules.compile_regex(st["pattern"], "normal_statements.json")
    body = "|".join(f"(?P<s{i}>{st['pattern']})" for i, st in enumerate(data))
    pattern = rules.compile_regex(r"(?<![\w/-])(?:" + body + r")(?![\w/])",
                                  "normal_statements.json")
    needs = [st.get("needs") for st in data]
    if not all(isinstance(n, list) and n and all(isinstance(w, str) and w == w.lower() and w
                                                 for w in n) for n in needs if n is not None):
        raise rules.RuleError("normal_statements.json: needs must be non-empty lists of "
                              "lower-case words")
    # speed: every statement's first words indexed now, not when a subset first needs them
    firsts = rules.regex_first_words(body)
    if firsts is not None:
        rules.register_first_words(firsts)
    return pattern, tuple(tuple(st["absent"]) for st in data)


@lru_cache(maxsize=1)
def _statements() -> tuple[tuple[str, ...], tuple[tuple[str, ...] | None, ...]]:
    """(pattern, needs) of each statement (normal_statements.json), checked by _compiled."""
    _compiled()
    data = rules.load("normal_statements")["statements"]
    return (tuple(st["pattern"] for st in data),
            tuple(tuple(st["needs"]) if st.get("needs") else None for st in data))


@lru_cache(maxsize=256)
def _subset_pattern(kept: tuple[int, ...]) -> rules.LowerScan:
    """The alternation of _compiled() over the statements ``kept`` only, each under its
    own group name ``s<i>``.  A statement whose needed words are all absent from a text
    cannot match in it, so leaving it out changes no match (speed: most reports hold the
    words of only a few statements, and each alternative costs at every position)."""
    patterns, _needs = _statements()
    body = "|".join(f"(?P<s{i}>{patterns[i]})" for i in kept)
    # speed: scanned over the lower-cased text when the subset's patterns allow it, and
    # searched by the first-word index when its statements' first words are known
    return rules.LowerScan(r"(?<![\w/-])(?:" + body + r")(?![\w/])", "normal_statements.json",
                           firsts=rules.regex_first_words(body))


def _pattern_for(text: str) -> re.Pattern[str] | rules.LowerScan | None:
    """The statement alternation narrowed to the statements whose needed words ``text``
    holds (None when there is none)."""
    low = rules.lowered(text)
    if low is None:  # a text whose lower case shifts offsets: the whole alternation
        return _compiled()[0]
    _patterns, needs = _statements()
    # speed: each needed word looked for once (several statements share one)
    present = frozenset(w for w in _needed_words() if w in low)
    kept = tuple(i for i, n in enumerate(needs) if n is None or not present.isdisjoint(n))
    return _subset_pattern(kept) if kept else None


@lru_cache(maxsize=1)
def _needed_words() -> tuple[str, ...]:
    """Every statement's needed words, each once."""
    return tuple(sorted({w for n in _statements()[1] if n is not None for w in n}))


def _resolve(label: str, lex, onto):
    """The concept whose label or synonym is exactly ``label``, else None."""
    for m in lex.match_phrase(label):
        if m.start == 0 and m.end == len(label):
            return onto.get(m.iri)
    return None


def find_normal_statements(text: str, lex, onto) -> list[tuple[int, int, Concept]]:
    """(start, end, concept) for every finding a normal statement in ``text`` rules out."""
    _, labels = _compiled()
    out: list[tuple[int, int, Concept]] = []
    # speed: only the statements that may match here (None: none may)
    pattern = _pattern_for(text)
    for m in pattern.finditer(text) if pattern is not None else ():
        i = int(m.lastgroup[1:]) if m.lastgroup else -1
        for label in labels[i] if i >= 0 else ():
            concept = _resolve(label, lex, onto)
            if concept is None:
                log.debug("normal statement: no concept for %r", label)
                continue
            out.append((m.start(), m.end(), concept))
    return out
