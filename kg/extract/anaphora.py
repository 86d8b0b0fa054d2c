"""A definite description in a later sentence that names an earlier finding.

"Pt wakes with a mild headache. The pain was sharp and located behind his left eye":
"the pain" is the headache, though the ontology does not make a headache a kind of pain.
A mention opening its sentence with a determiner ("the", "this", "that") joins the one
earlier present finding of its section whose own name ends in the mention's class name
("head ache" ... "ache", a name of pain).  Two such findings, an earlier finding of a
related class (merging in items.py has already declined it), a section change, a side
that disagrees or an assertion other than present leave the mention its own finding.
Joining, it carries its side and sites to the earlier finding when that finding has none
(items.py ``_absorb``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.extract.candidates import Cand
    from kg.extract.items import Item

from kg.model import Assertion

# what may stand before the mention in its sentence: a heading or bullet, then a
# determiner and at most one descriptive word ("The pain", "This atypical artery")
_DEFINITE = re.compile(r"(?:[A-Z][\w &/-]{0,30}:)?[\W\d]*(?:the|this|that)\s+(?:[a-z-]+\s+)?",
                       re.IGNORECASE)


def _names(concept) -> set[str]:
    return {n.lower() for n in (concept.label, *concept.synonyms)}


def _ends_with_name(antecedent, names: set[str]) -> bool:
    """Whether one of ``antecedent``'s names ends, as whole words, in one of ``names``."""
    for own in _names(antecedent):
        if any(own == n or own.endswith(" " + n) for n in names):
            return True
    return False


def _section_key(c: Cand) -> tuple[int, int] | None:
    return (c.section.start, c.section.end) if c.section else None


def is_definite(text: str, c: Cand, sentence_start: int) -> bool:
    """Whether ``c`` opens its sentence as a definite description ("The pain was ...")."""
    return bool(_DEFINITE.fullmatch(text, sentence_start, c.head.start))


def antecedent(items: list[Item], c: Cand, onto, text: str, sentence_start: int) -> Item | None:
    """The one earlier present finding of ``c``'s section that ``c`` names again, if any."""
    if c.is_procedure or c.ctx.assertion is not Assertion.PRESENT or c.ctx.historical:
        return None
    if not is_definite(text, c, sentence_start):
        return None
    names = _names(c.concept)
    found: list[Item] = []
    for item in items:
        if item.is_procedure or item.assertion is not Assertion.PRESENT or item.historical:
            continue
        if item.cands[-1].head.sentence >= c.head.sentence:
            continue  # a later sentence only
        if onto.is_a(item.concept.iri, c.concept.iri) or onto.is_a(c.concept.iri,
                                                                   item.concept.iri):
            return None  # a related finding the mention did not join: merging decided
        if _ends_with_name(item.concept, names):
            found.append(item)
    if len(found) != 1:
        return None
    item = found[0]
    if _section_key(item.cands[-1]) != _section_key(c):
        return None
    if item.laterality and c.laterality and item.laterality is not c.laterality:
        return None
    return item
