"""Merge candidates into findings and procedures.

Mentions of the same procedure class are one procedure (more evidence) unless a
repeat word ("repeat", "second", "again") says otherwise; a generic mention ("the
procedure", "the fracture") joins the specific item it refers to.  Findings merge by
time, not by section: the same finding class under two headings that state different
phases (a pre-procedure radiograph vs a post-procedure CT) is two findings; mentioned
again in a later section of no stated phase or another ("Treatment & Follow Up" after
"Findings") it is the same finding unless the time changed in between: a performed
procedure mentioned after its last evidence (outside the new mention's sentence), or a
time word ("later", "follow-up", "interval") in the new mention's sentence.  The same
finding on CT and on MRI of one phase, or in the findings and the diagnosis, is one;
"with resolution of the sciatic pain" joins the earlier sciatica instead of making a
new finding; "The pain ..." opening a later sentence joins the one earlier finding it
names again ("a headache. The pain was ...": anaphora.py).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract import lookups, rules
from kg.extract.anaphora import antecedent
from kg.extract.candidates import Cand
from kg.extract.document import Doc
from kg.extract.sections import after_heading
from kg.extract.timeline import time_rules
from kg.model import Assertion, Concept, Laterality, Severity, Site, Span
from kg.namespaces import KG


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
    last: int = 0  # end of the latest evidence, for "did time pass since"

    @property
    def spans(self) -> tuple[Span, ...]:
        seen: dict[tuple[int, int], Span] = {}
        for c in self.cands:
            for s in (c.span, *c.extra_spans):
                seen.setdefault((s.start, s.end), s)
        return tuple(sorted(seen.values(), key=lambda s: (s.start, s.end)))


def _related(onto, a: str, b: str) -> bool:
    return lookups.is_a(onto, a, b) or lookups.is_a(onto, b, a)


def _timing(c: Cand) -> str | None:
    return c.section.timing if c.section else None


class _Time:
    """Whether time passed between an item's last evidence and a new mention."""

    def __init__(self, doc: Doc, cands: list[Cand]):
        self.doc = doc
        self.performed = sorted(c.span.start for c in cands
                                if c.is_procedure and not c.ctx.planned)

    def changed(self, item: Item, c: Cand) -> bool:
        """A performed procedure after ``item.last`` and before ``c``'s sentence, or a
        time word ("later", "follow-up", "interval") in ``c``'s sentence."""
        sent = self.doc.sentences[c.head.sentence]
        k = bisect_left(self.performed, item.last)
        if k < len(self.performed) and self.performed[k] < sent.start:
            return True
        start = after_heading(self.doc.text, sent.start, sent.end)  # not the heading's words
        return bool(time_rules().after.search(self.doc.text, start, sent.end))


def _another_level_later(item: Item, c: Cand, time: _Time) -> bool:
    """'T10 kyphoplasty ... At the 3-month follow-up a new fracture of T9 was treated with
    kyphoplasty': a mention at other levels only, after time moved on, is a second one."""
    mine = {s.level for s in item.sites if s.level}
    theirs = {s.level for s in c.sites if s.level}
    return bool(mine and theirs and mine.isdisjoint(theirs) and time.changed(item, c))


def _compatible_finding(onto, item: Item, c: Cand, time: _Time) -> bool:
    if not _related(onto, item.concept.iri, c.concept.iri):
        return False
    if item.assertion is not c.ctx.assertion or item.historical != c.ctx.historical:
        return False
    if item.assertion is Assertion.ABSENT and item.concept.iri != c.concept.iri:
        return False  # "denies radiation of pain ... no tenderness": two things ruled out
    if item.concept.iri != c.concept.iri and _listed_beside(item, c, time.doc.text):
        return False  # "temporal bone fractures as well as a clival fracture": two
    theirs_t = _timing(c)
    if item.timing != theirs_t:
        if item.timing and theirs_t:
            return False  # two stated phases (pre- vs post-procedure)
        if time.changed(item, c):
            return False  # a section of no stated phase: same finding unless time moved on
    if item.laterality and c.laterality and item.laterality is not c.laterality:
        return False
    mine = {s.iri for s in item.sites}
    theirs = {s.iri for s in c.sites}
    if not theirs or mine == theirs:
        return True  # a re-mention without a site joins; new sites do not ...
    # ... unless they only restate the site its class implies (the same class)
    return ((not mine or theirs <= mine) and item.concept.iri == c.concept.iri
            and _names_own_site(onto, c))


def _names_own_site(onto, c: Cand) -> bool:
    """'right lower extremity weakness ... RLE weakness', 'fracture of the lateral mass of
    the atlas ... atlas fracture': the mention's sites are kinds of the site its class
    implies (at its own level, if the class implies a vertebra): no new place."""
    implied = lookups.implied_site(onto, c.concept.iri)
    if implied is None:
        return False
    if all(onto.is_a(s.iri, implied) and (s.level is None or s.iri == implied)
           for s in c.sites):
        return True
    # 'dissection of the vertebral artery at C1-C2': the site itself, with the vertebral
    # levels it runs by (levels of another part than the implied one) -- no new place
    return (any(s.iri == implied and s.level is None for s in c.sites)
            and all(s.iri == implied or (s.level is not None and not onto.is_a(s.iri, implied))
                    for s in c.sites))


_LIST_JOIN = re.compile(r"\b(?:and|or|as\s+well\s+as|along\s+with|together\s+with|plus)\b",
                        re.IGNORECASE)


def _listed_beside(item: Item, c: Cand, text: str) -> bool:
    """Whether ``c`` and a mention of ``item`` are members of one list in one sentence
    ("dyspnea and orthopnea"): a general and a specific class named side by side are
    two findings, not a re-mention."""
    for other in item.cands:
        if other.head.sentence != c.head.sentence:
            continue
        a, b = sorted((other.head, c.head), key=lambda h: h.start)
        if a.end <= b.start and _LIST_JOIN.search(text, a.end, b.start):
            return True
    return False


def _repeat_before(text: str, c: Cand) -> bool:
    window = text[max(0, c.head.start - 25): c.head.start]
    return bool(time_rules().repeat.search(window))


def merge(cands: list[Cand], onto, doc: Doc, resolution: set[int]) -> list[Item]:
    """Items in text order of first evidence; ``resolution`` = ids of cands after a
    resolution cue (they join an earlier related finding whatever its phase)."""
    items: list[Item] = []
    # speed: the finding items and the procedure items apart, each in the order of items
    # (a mention is only compared with items of its own sort)
    findings: list[Item] = []
    procedures: list[Item] = []
    time = _Time(doc, cands)
    for c in _without_prefix_words(cands, doc.text):
        target = _find_target(procedures if c.is_procedure else findings, c, onto, doc.text,
                              id(c) in resolution, time)
        if target is None:
            target = Item(c.concept, c.is_procedure, c.span.start, assertion=c.ctx.assertion,
                          modality=c.modality, timing=c.section.timing if c.section else None,
                          historical=c.ctx.historical, planned=c.ctx.planned and c.is_procedure)
            items.append(target)
            (procedures if c.is_procedure else findings).append(target)
        _absorb(target, c, onto, id(c) in resolution)
    return sorted(items, key=lambda i: i.first)


def _without_prefix_words(cands: list[Cand], text: str) -> list[Cand]:
    """'revision microdiscectomy', 'revision THA': a procedure word of ``procedures.json``
    ``prefix_classes`` right before another procedure's mention says what kind of that
    procedure it was (a repeat: see ``repeat`` in relations.json), not a second one."""
    prefix = _prefix_classes()
    if not any(c.concept.iri in prefix for c in cands):  # speed: most cases have none
        return cands
    starts = {c.head.start for c in cands if c.is_procedure and c.concept.iri not in prefix}

    def qualifies(c: Cand) -> bool:  # one blank or hyphen between it and the next head
        return (c.concept.iri in prefix and c.head.end + 1 in starts
                and text[c.head.end] in " -")

    return [c for c in cands if not qualifies(c)]


@lru_cache(maxsize=1)
def _prefix_classes() -> frozenset[str]:
    return frozenset(KG + n for n in rules.load("procedures").get("prefix_classes", ()))


def _find_target(items: list[Item], c: Cand, onto, text: str, resolving: bool,
                 time: _Time) -> Item | None:
    """The item ``c`` joins, among ``items``: the items of ``c``'s own sort (procedures
    for a procedure mention, findings for a finding), in text order."""
    if c.is_procedure:
        if _repeat_before(text, c):
            return None
        for item in items:
            if (item.planned == c.ctx.planned
                    and _related(onto, item.concept.iri, c.concept.iri)
                    and not _another_level_later(item, c, time)):
                return item
        return _operation_referred_to(items, c, onto, text)
    if resolving:
        for item in reversed(items):
            if _related(onto, item.concept.iri, c.concept.iri):
                return item
        return None
    iri, anc = c.concept.iri, lookups.ancestors(onto, c.concept.iri)
    for item in items:
        if item.concept.iri not in anc and not lookups.is_a(onto, item.concept.iri, iri):
            continue  # speed: unrelated classes
        if _compatible_finding(onto, item, c, time):
            return item
    return antecedent(items, c, onto, text, time.doc.sentences[c.head.sentence].start)


_BACK_REFERENCE = re.compile(r"\b(?:the|this|that|his|her|their|after|following|since)\s+$",
                             re.IGNORECASE)


def _operation_referred_to(items: list[Item], c: Cand, onto, text: str) -> Item | None:
    """'Ten days after surgery', 'attributed to the surgery': a bare word for an operation
    (exactly the generic class of ``procedures.json`` ``referring_classes``), with no site
    of its own, right after a determiner or 'after'/'following', names the last performed
    operation before it (not one of ``non_operative_classes``: a cast, an injection, a
    biopsy), not another operation; none when that operation was named beside another."""
    generic = _referring_classes()
    if (c.concept.iri not in generic or c.sites or c.ctx.planned
            or not _BACK_REFERENCE.search(text, max(0, c.head.start - 12), c.head.start)):
        return None
    other = _non_operative_classes()
    before = [i for i in items if not i.planned and i.first < c.head.start
              and i.concept.iri not in generic
              and other.isdisjoint(onto.ancestors(i.concept.iri))]
    if not before:
        return None
    last = before[-1]
    said = {x.head.sentence for x in last.cands}
    if any(any(x.head.sentence in said for x in i.cands) for i in before[:-1]):
        return None  # 'a laminectomy and a vertebroplasty ... after the surgery': which?
    return last


@lru_cache(maxsize=1)
def _referring_classes() -> frozenset[str]:
    return frozenset(KG + n for n in rules.load("procedures").get("referring_classes", ()))


@lru_cache(maxsize=1)
def _non_operative_classes() -> frozenset[str]:
    d = rules.load("procedures")
    return frozenset(KG + n for n in (*d.get("non_operative_classes", ()),
                                      *rules.load("relations")["step_classes"]))


def _absorb(item: Item, c: Cand, onto, resolving: bool) -> None:
    item.cands.append(c)
    item.last = max(item.last, c.span.end)
    item.timing = item.timing or _timing(c)
    if lookups.is_a(onto, c.concept.iri, item.concept.iri) and c.concept.iri != item.concept.iri:
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
