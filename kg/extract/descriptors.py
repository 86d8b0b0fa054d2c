"""Findings that describe another finding of their sentence fold into it.

Two kinds of mention are, per the annotation guidelines, not findings of their own
when their sentence names the finding they describe (``kg/rules/descriptors.json``):

* imaging signal words ("enhancement", "T2 hyperintense", "low density"): a
  descriptor becomes extra evidence of the nearest other finding of its sentence
  with the same assertion and at least its vertebral levels, and stays a finding
  only when there is none ("hyperintensity at C3 with expansion of the cord" keeps
  its level);
* placeholder nouns ("mass", "lesion"): "a 3 cm mass consistent with schwannoma" is
  one finding, the specific one, so the placeholder joins the nearest finding of its
  sentence, same assertion, whose class is a kind of a lesion-like target class;
* shape adjectives the lexicon reads as a finding ("nodular"): right before another
  finding's mention ("nodular metastases") they give its shape, so they join it.

One pass over the candidates, grouped by sentence: linear in their number.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from kg.extract import lookups, rules
from kg.extract.candidates import Cand
from kg.namespaces import KG

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _DescriptorRules:
    descriptors: tuple[str, ...]
    generics: tuple[str, ...]
    targets: tuple[str, ...]
    shapes: frozenset[str]


@lru_cache(maxsize=1)
def descriptor_rules() -> _DescriptorRules:
    """The class lists of ``kg/rules/descriptors.json`` as IRIs."""
    d = rules.load("descriptors")
    return _DescriptorRules(
        descriptors=tuple(KG + n for n in d["descriptor_classes"]),
        generics=tuple(KG + n for n in d["generic_classes"]),
        targets=tuple(KG + n for n in d["generic_targets"]),
        shapes=frozenset(w.lower() for w in d["shape_adjectives"]),
    )


def check_classes(onto) -> list[str]:
    """Local names in ``descriptors.json`` that the ontology does not define."""
    r = descriptor_rules()
    return [iri.removeprefix(KG) for iri in (*r.descriptors, *r.generics, *r.targets)
            if onto.get(iri) is None]


def _is_any(onto, iri: str, classes: tuple[str, ...]) -> bool:
    return lookups.is_any(onto, iri, classes)


def _levels(c: Cand) -> frozenset[str]:
    return frozenset(s.level for s in c.sites if s.level)


def _nearest(c: Cand, pool: list[Cand]) -> Cand | None:
    """The nearest mention of ``pool`` with ``c``'s assertion whose vertebral levels
    include ``c``'s (a signal word at C3 does not fold into a finding stated at no level
    or at another level: its levels would be lost)."""
    mine = _levels(c)
    same = [o for o in pool if o.ctx.assertion is c.ctx.assertion
            and (not mine or mine <= _levels(o))]
    return min(same, key=lambda o: (abs(o.head.start - c.head.start), o.head.start),
               default=None)


def _carry_place(c: Cand, into: Cand) -> None:
    """'a mass in the right lower lobe that was the primary tumor': a folded placeholder's
    side and sites are the place of the finding it names, when that states none (a
    signal word keeps its place to itself: it may describe a neighbour)."""
    if into.laterality is None and c.laterality is not None:
        into.laterality = c.laterality
    if not into.sites and c.sites:
        into.sites = c.sites


def fold_descriptors(cands: list[Cand], onto) -> list[Cand]:
    """``cands`` without the descriptor and placeholder mentions that fold into another
    finding of their sentence (their spans become that finding's extra evidence)."""
    r = descriptor_rules()
    by_sentence: dict[int, list[Cand]] = {}
    for c in cands:
        if not c.is_procedure:
            by_sentence.setdefault(c.head.sentence, []).append(c)
    dropped: set[int] = set()
    for group in by_sentence.values():
        if len(group) < 2:
            continue
        dropped.update(_fold_shapes(
            group, r.shapes, {id(c) for c in group if _is_any(onto, c.concept.iri, r.generics)}))
        kinds = {id(c): ("descriptor" if _is_any(onto, c.concept.iri, r.descriptors)
                         else "generic" if _is_any(onto, c.concept.iri, r.generics)
                         else "target" if _is_any(onto, c.concept.iri, r.targets)
                         else "other") for c in group}
        substantive = [c for c in group if kinds[id(c)] != "descriptor"]
        targets = [c for c in group if kinds[id(c)] == "target"]
        for c in group:
            if id(c) in dropped:
                continue
            kind = kinds[id(c)]
            if kind == "descriptor":
                into = _nearest(c, substantive)
            elif kind == "generic":
                into = _nearest(c, targets)
            else:
                continue
            if into is None:
                continue
            log.debug("%r folds into %r", c.span.text, into.span.text)
            into.extra_spans.append(c.span)
            if kind == "generic":
                _carry_place(c, into)
            dropped.add(id(c))
    return [c for c in cands if id(c) not in dropped]


def _fold_shapes(group: list[Cand], shapes: frozenset[str], generic: set[int]) -> set[int]:
    """'nodular metastases': a shape adjective the lexicon read as a finding, right
    before another finding's mention of its sentence with its assertion, becomes that
    finding's evidence ('a nodular lesion' stays a nodule: ``generic`` = ids of the
    placeholder mentions); the ids of the folded mentions."""
    folded: set[int] = set()
    ordered = sorted(group, key=lambda c: c.head.start)
    for c, nxt in zip(ordered, ordered[1:], strict=False):
        word = c.span.text[c.head.start - c.span.start:c.head.end - c.span.start]
        if (word.lower() in shapes and nxt.ctx.assertion is c.ctx.assertion
                and id(nxt) not in generic and 0 < nxt.head.start - c.head.end <= 1):
            nxt.extra_spans.append(c.span)
            folded.add(id(c))
    return folded
