"""A finding at a paired part takes the one side the case states for that part.

"Lucency crosses the 10th left posterior rib. ... Question of rib fracture": the
fracture names the rib but no side; the case names the rib with one side only, so
the reader (and the graph) takes that side.  The rule applies only when

* the part is paired (``paired_parts`` in ``kg/rules/sites.json``: a limb and its
  parts, a rib, a lung, a kidney, a brain lobe ... , by ``rdfs:subClassOf`` or
  ``kg:partOf``); midline regions and the spine's own parts never pass a side on;
* the part, or a whole it lies in, is named with one side only in the patient's
  sections, and no other side is stated for a part inside it ("left" and "right"
  ribs: nothing; "right femur" gives its side to the femoral head, but a "right lower
  lobe" mass gives none to emphysema of the lung);
* the finding's own mentions name the part in the singular, unless the side is
  "bilateral" ("the femoral heads");
* the finding is not ruled out, and no side word of another value stands in the
  sentences of its own mentions.

The sided mention becomes extra evidence of the finding (rule ``part-side``).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from dataclasses import replace
from functools import lru_cache

from kg.extract import lookups, rules
from kg.extract.candidates import SKIP_KINDS
from kg.extract.context import Modifier, same_noun_phrase
from kg.extract.document import Doc, SiteToken
from kg.extract.items import Item
from kg.model import Assertion, Laterality, Span
from kg.namespaces import KG

log = logging.getLogger(__name__)

_RULE = "part-side"
_PLURAL = re.compile(r"[a-z](?<![su])(?<!is)s$")  # "ribs", "lungs"; not "humerus", "testis"
_BOTH = re.compile(r"\b(?:both|bilateral(?:ly)?)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def paired_parts() -> tuple[str, ...]:
    """The paired anatomy classes of ``sites.json`` as IRIs."""
    return tuple(KG + n for n in rules.load("sites").get("paired_parts", ()))


@lru_cache(maxsize=1)
def grouped_parts() -> tuple[str, ...]:
    """Anatomy that comes in groups on one side (``grouped_parts`` of ``sites.json``)."""
    return tuple(KG + n for n in rules.load("sites").get("grouped_parts", ()))


def check_classes(onto) -> list[str]:
    """Local names in ``paired_parts`` and ``grouped_parts`` the ontology does not define."""
    return [iri.removeprefix(KG) for iri in (*paired_parts(), *grouped_parts())
            if onto.get(iri) is None]


def _is_paired(onto, part: str) -> bool:
    """Whether ``part`` is, or lies in, a paired part (subClassOf*, partOf*)."""
    return onto.within_any(part, paired_parts())


def _patient_text(doc: Doc, offset: int) -> bool:
    section = doc.section_of(offset)
    kind = section.kind if section else "patient"
    return kind not in SKIP_KINDS and kind != "differential"


def _stated_sides(doc: Doc, items: list[Item], onto) -> dict[str, dict[str, Span]]:
    """part IRI -> side value -> the first mention of a finding or procedure (not ruled
    out) stating that side at that part ("the right kidney is normal" states none)."""
    out: dict[str, dict[str, Span]] = {}
    # speed: the side words in text order and their starts, to find a sentence's by bisect
    lat = sorted(doc.laterality, key=lambda m: m.start)
    lat_starts = [m.start for m in lat]
    for item in items:
        if item.assertion is Assertion.ABSENT:
            continue
        for c in item.cands:
            if c.laterality is None or not _patient_text(doc, c.span.start):
                continue
            parts = [s.iri for s in c.sites]
            implied = lookups.implied_site(onto, c.concept.iri)
            span = _with_side_word(doc, c, lat, lat_starts)
            for part in [*parts, *([implied] if implied and implied not in parts else [])]:
                out.setdefault(part, {}).setdefault(c.laterality.value, span)
    _stated_by_tokens(doc, items, out)
    return out


def _with_side_word(doc: Doc, c, lat: list[Modifier], lat_starts: list[int]) -> Span:
    """The mention's span stretched to the nearest side word of its value in its
    sentence ("Lucency crosses the 10th left posterior rib"), so the evidence shows it
    (``lat``: ``doc.laterality`` sorted by start; ``lat_starts``: their starts)."""
    sent = doc.sentences[c.head.sentence]
    mods: list[Modifier | SiteToken] = [
        m for m in lat[bisect_left(lat_starts, sent.start):bisect_left(lat_starts, sent.end)]
        if m.value == c.laterality.value]
    mods += [t for t in doc.tokens_in(sent.start, sent.end) if t.side == c.laterality.value]
    if not mods:
        return c.span
    near = min(mods, key=lambda m: abs(m.start - c.head.start))
    start, end = min(near.start, c.span.start), max(near.end, c.span.end)
    return Span(start, end, doc.text[start:end], c.span.section, c.span.rule)


def _stated_by_tokens(doc: Doc, items: list[Item], out: dict[str, dict[str, Span]]) -> None:
    """Sided anatomy words ("the 10th left posterior rib", "RLL") in the sentences of
    findings not ruled out, whether or not the binding reached them."""
    sentences = {c.head.sentence for i in items if i.assertion is not Assertion.ABSENT
                 and not i.is_procedure for c in i.cands}
    lat_ends = [m.end for m in doc.laterality]
    for t in doc.tokens:
        if not t.part or doc.sentence_of(t.start) not in sentences \
                or not _patient_text(doc, t.start):
            continue
        if t.side:
            _note(doc, out, t.part, t.side, t.start, t.end)
            continue
        k = bisect_left(lat_ends, t.start + 1) - 1
        cur = t.start
        while k >= 0 and not doc.laterality[k].post and same_noun_phrase(
                doc.text, doc.laterality[k].end, cur, 3, allow_coordination=True):
            m = doc.laterality[k]  # "right and left pedicles": both sides
            _note(doc, out, t.part, m.value, m.start, t.end)
            cur, k = m.start, k - 1


def _note(doc: Doc, out: dict[str, dict[str, Span]], part: str, side: str, start: int,
          end: int) -> None:
    section = doc.section_of(start)
    span = Span(start, end, doc.text[start:end], section.name if section else None, _RULE)
    out.setdefault(part, {}).setdefault(side, span)


def _section_name(doc: Doc, offset: int) -> str | None:
    section = doc.section_of(offset)
    return section.name if section else None


def _parts(item: Item, onto) -> list[str]:
    """The item's site classes and its class's implied site."""
    parts = [s.iri for s in item.sites]
    implied = lookups.implied_site(onto, item.concept.iri)
    if implied and implied not in parts:
        parts.append(implied)
    return parts


def _plural_part(doc: Doc, item: Item, onto) -> bool:
    """Whether a mention of the item names its part in the plural ("the femoral heads");
    a group of muscles, tendons or ligaments ("the thigh adductors") is one side's."""
    grouped = grouped_parts()
    for c in item.cands:
        for t in doc.tokens_in(c.span.start, c.span.end):
            word = doc.text[t.start:t.end].split()[-1].lower() if t.part else ""
            if _PLURAL.search(word) and not onto.is_any(t.part, grouped):
                return True
    return False


def _own_sentence_sides(doc: Doc, item: Item) -> set[str]:
    """Side values of every side word in the sentences of the item's mentions ("both"
    counts as bilateral)."""
    sides: set[str] = set()
    starts = [m.start for m in doc.laterality]
    for s in {c.head.sentence for c in item.cands}:
        sent = doc.sentences[s]
        if _BOTH.search(doc.text, sent.start, sent.end):
            sides.add(Laterality.BILATERAL.value)
        k = bisect_left(starts, sent.start)
        while k < len(starts) and starts[k] < sent.end:
            sides.add(doc.laterality[k].value)
            k += 1
    return sides


def inherit_part_sides(items: list[Item], doc: Doc, onto) -> None:
    """Give findings without a side the one side their paired part has in the case."""
    if not doc.laterality and not any(t.side for t in doc.tokens):
        return
    stated = _stated_sides(doc, items, onto)
    if not stated:
        return
    for item in items:
        if item.is_procedure or item.laterality is not None or not item.cands \
                or item.assertion is Assertion.ABSENT:
            continue
        found: dict[str, Span] = {}
        near: set[str] = set()
        for part in _parts(item, onto):
            if not _is_paired(onto, part):
                continue
            for other, sides in stated.items():
                if onto.within(part, other):  # the part itself, or it lies in that part
                    for side, span in sides.items():
                        found.setdefault(side, span)
                elif onto.within(other, part):  # a side stated inside it: a conflict only
                    near.update(sides)
        if len(found) != 1:
            continue
        side, span = next(iter(found.items()))
        if near - {side} or _own_sentence_sides(doc, item) - {side}:
            continue  # another side within the part, or beside the finding's own mention
        if side != Laterality.BILATERAL.value and _plural_part(doc, item, onto):
            continue  # "atelectatic lungs": a part named twice over takes no one side
        log.debug("%s: %s takes side %s from %r", doc.case.id, item.concept.label, side,
                  span.text)
        item.laterality = Laterality(side)
        item.cands[0].extra_spans.append(replace(span, rule=_RULE))
