"""Merge candidates into findings and procedures.

Mentions of the same procedure class are one procedure (more evidence) unless a
repeat word ("repeat", "second", "again") says otherwise; a generic mention ("the
procedure", "the fracture") joins the specific item it refers to.  The same finding
class seen in another phase of the case (a pre-procedure radiograph vs a
post-procedure CT) is a separate finding, while the same finding on CT and on MRI of
one phase, or in the findings and the diagnosis, is one; "with resolution of the sciatic pain"
joins the earlier sciatica instead of making a new finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.extract.candidates import Cand
from kg.extract.timeline import time_rules
from kg.model import Assertion, Concept, Laterality, Severity, Site, Span


@dataclass
class Item:
    """A finding or procedure being assembled from its candidates."""

    concept: Concept
    is_procedure: bool
    first: int
    cands: list[Cand] = field(default_factory=list)
    assertion: Assertion = Assertion.PRESENT
    sites: list[Site] = field(default_factory=list)
    laterality: Laterality | None = None
    severity: Severity | None = None
    size: str | None = None
    modality: str | None = None
    timing: str | None = None
    historical: bool = False
    planned: bool = False
    key: str = ""

    @property
    def spans(self) -> tuple[Span, ...]:
        seen: dict[tuple[int, int], Span] = {}
        for c in self.cands:
            for s in (c.span, *c.extra_spans):
                seen.setdefault((s.start, s.end), s)
        return tuple(sorted(seen.values(), key=lambda s: (s.start, s.end)))


def _related(onto, a: str, b: str) -> bool:
    return onto.is_a(a, b) or onto.is_a(b, a)


def _timing(c: Cand) -> str | None:
    return c.section.timing if c.section else None


def _compatible_finding(onto, item: Item, c: Cand) -> bool:
    if not _related(onto, item.concept.iri, c.concept.iri):
        return False
    if item.assertion is not c.ctx.assertion or item.historical != c.ctx.historical:
        return False
    if item.timing != _timing(c):
        return False  # another phase (pre- vs post-procedure); CT and MRI of one phase agree
    if item.laterality and c.laterality and item.laterality is not c.laterality:
        return False
    mine = {s.iri for s in item.sites}
    theirs = {s.iri for s in c.sites}
    return not theirs or mine == theirs  # a re-mention without a site joins; new sites do not


def _repeat_before(text: str, c: Cand) -> bool:
    window = text[max(0, c.head.start - 25): c.head.start]
    return bool(time_rules().repeat.search(window))


def merge(cands: list[Cand], onto, text: str, resolution: set[int]) -> list[Item]:
    """Items in text order of first evidence; ``resolution`` = ids of cands after a
    resolution cue (they join an earlier related finding whatever its phase)."""
    items: list[Item] = []
    for c in cands:
        target = _find_target(items, c, onto, text, id(c) in resolution)
        if target is None:
            target = Item(c.concept, c.is_procedure, c.span.start, assertion=c.ctx.assertion,
                          modality=c.modality, timing=c.section.timing if c.section else None,
                          historical=c.ctx.historical, planned=c.ctx.planned and c.is_procedure)
            items.append(target)
        _absorb(target, c, onto, id(c) in resolution)
    return sorted(items, key=lambda i: i.first)


def _find_target(items: list[Item], c: Cand, onto, text: str, resolving: bool) -> Item | None:
    if c.is_procedure:
        if _repeat_before(text, c):
            return None
        for item in items:
            if (item.is_procedure and item.planned == c.ctx.planned
                    and _related(onto, item.concept.iri, c.concept.iri)):
                return item
        return None
    if resolving:
        for item in reversed(items):
            if not item.is_procedure and _related(onto, item.concept.iri, c.concept.iri):
                return item
        return None
    for item in items:
        if not item.is_procedure and _compatible_finding(onto, item, c):
            return item
    return None


def _absorb(item: Item, c: Cand, onto, resolving: bool) -> None:
    item.cands.append(c)
    if onto.is_a(c.concept.iri, item.concept.iri) and c.concept.iri != item.concept.iri:
        item.concept = c.concept  # the more specific class wins
    for s in c.sites:
        if s not in item.sites:
            item.sites.append(s)
    if resolving:
        return
    item.laterality = item.laterality or c.laterality
    item.severity = item.severity or c.severity
    item.size = item.size or c.size
    item.first = min(item.first, c.span.start)
