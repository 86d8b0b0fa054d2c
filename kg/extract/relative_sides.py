"""Sides stated relative to another finding: 'contralateral', 'ipsilateral'.

"A left apical mass ... and contralateral lung nodules": the nodules are on the right.
A finding premodified by 'contralateral' (or 'ipsilateral'), with no side of its own,
takes the side opposite to (the same as) the nearest present finding before it, in its
sentence or the one before and in its section, that is on one side (left or right).
With no such finding near ('a stroke will result in contralateral hemiparesis') it
keeps none.

"Low back ache, radiating to the right leg ... a reduction in radiating pain": a pain
named by its radiation ('radiating pain', 'radicular pain'), with no side of its own,
takes the side of the one sided part the case says a pain radiates to before it (two
different sides, or none, leave it unsided).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.extract import rules
from kg.model import Assertion, Laterality

if TYPE_CHECKING:
    from kg.extract.candidates import Cand

# the relative side word, then at most two words of the noun phrase before the head
_RELATIVE = re.compile(r"\b(contralateral|ipsilateral)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_OPPOSITE = {Laterality.LEFT: Laterality.RIGHT, Laterality.RIGHT: Laterality.LEFT}
_RADIATING = re.compile(r"\b(?:radiating|radicular)\s+$", re.IGNORECASE)
_RADIATES_TO = re.compile(r"\bradiat\w*\s+(?:down\s+|in)?to\s+(?:the\s+|his\s+|her\s+)?"
                          r"(left|right|both|bilateral)\b", re.IGNORECASE)
_SIDE_WORDS = {"left": Laterality.LEFT, "right": Laterality.RIGHT,
               "both": Laterality.BILATERAL, "bilateral": Laterality.BILATERAL}


def _reference(cands: list[Cand], k: int) -> Laterality | None:
    """The side of the nearest present one-sided finding before ``cands[k]``, in its
    sentence or the one before and in its section."""
    c = cands[k]
    section = c.section
    for other in reversed(cands[:k]):
        if other.head.sentence < c.head.sentence - 1 or other.section != section:
            return None
        if (not other.is_procedure and other.ctx.assertion is Assertion.PRESENT
                and other.laterality in _OPPOSITE and other.span.end <= c.head.start):
            return other.laterality
    return None


def resolve_relative_sides(cands: list[Cand], text: str) -> None:
    """Give each 'contralateral'/'ipsilateral' finding and each 'radiating pain' of
    ``cands`` (in text order) its side, in place."""
    # speed: a text whose lower case holds no "radi" ("lateral") has no match of
    # _RADIATING (_RELATIVE) anywhere: its windows are not searched (None: not told)
    low = rules.lowered(text)
    radiating = low is None or "radi" in low
    relative = low is None or "lateral" in low
    if not (radiating or relative):
        return
    for k, c in enumerate(cands):
        if c.laterality is not None or c.is_procedure:
            continue
        if radiating and _RADIATING.search(text, max(0, c.head.start - 15), c.head.start):
            c.laterality = _radiation_side(text, c.head.start)
            continue
        m = _RELATIVE.search(text, max(0, c.head.start - 60), c.head.start) if relative \
            else None
        if m is None:
            continue
        side = _reference(cands, k)
        if side is None:
            continue
        c.laterality = _OPPOSITE[side] if m.group(1).lower() == "contralateral" else side


def _radiation_side(text: str, end: int) -> Laterality | None:
    """The one side that 'radiating to the <side> ...' states in ``text[:end]``, if one."""
    sides = {_SIDE_WORDS[m.group(1).lower()] for m in _RADIATES_TO.finditer(text, 0, end)}
    return sides.pop() if len(sides) == 1 else None
