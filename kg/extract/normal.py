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
    return pattern, tuple(tuple(st["absent"]) for st in data)


def _resolve(label: str, lex, onto):
    """The concept whose label or synonym is exactly ``label``, else None."""
    for m in lex.match_phrase(label):
        if m.start == 0 and m.end == len(label):
            return onto.get(m.iri)
    return None


def find_normal_statements(text: str, lex, onto) -> list[tuple[int, int, object]]:
    """(start, end, concept) for every finding a normal statement in ``text`` rules out."""
    pattern, labels = _compiled()
    out = []
    for m in pattern.finditer(text):
        i = int(m.lastgroup[1:]) if m.lastgroup else -1
        for label in labels[i] if i >= 0 else ():
            concept = _resolve(label, lex, onto)
            if concept is None:
                log.debug("normal statement: no concept for %r", label)
                continue
            out.append((m.start(), m.end(), concept))
    return out
