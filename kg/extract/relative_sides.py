"""Sides stated relative to another finding: 'contralateral', 'ipsilateral'.

"A left apical mass ... and contralateral lung nodules": the nodules are on the right.
A finding premodified by 'contralateral' (or 'ipsilateral'), with no side of its own,
takes the side opposite to (the same as) the nearest present finding before it, in its
sentence or the one before and in its section, that is on one side (left or right).
With no such finding near ('a stroke will result in contralateral hemiparesis') it
keeps none.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.model import Assertion, Laterality

if TYPE_CHECKING:
    from kg.extract.candidates import Cand

# the relative side word, then at most two words of the noun phrase before the head
_RELATIVE = re.compile(r"\b(contralateral|ipsilateral)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_OPPOSITE = {Laterality.LEFT: Laterality.RIGHT, Laterality.RIGHT: Laterality.LEFT}


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
    """Give each 'contralateral'/'ipsilateral' finding of ``cands`` (in text order) its
    side, in place."""
    for k, c in enumerate(cands):
        if c.laterality is not None or c.is_procedure:
            continue
        m = _RELATIVE.search(text, max(0, c.head.start - 60), c.head.start)
        if m is None:
            continue
        side = _reference(cands, k)
        if side is None:
            continue
        c.laterality = _OPPOSITE[side] if m.group(1).lower() == "contralateral" else side
