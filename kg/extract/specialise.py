"""Specialise a finding class by the part it is stated at, without guessing qualifiers.

``Ontology.specialise`` takes the deepest subclass whose implied site covers the part:
``CementLeakage`` at a pedicle is ``PedicleCementLeakage``.  When several subclasses
imply the same site, the part alone cannot choose between them: "fracture of the L1
vertebral body" names a vertebral fracture, not an osteoporotic, burst or Chance
fracture (their qualifier is a word the text did not say).  So here the nearest site
wins (the part itself, then the kinds and wholes it belongs to, nearest first), and at
that site the class must be the one shallowest subclass implying it; if there is
none or several, the next site up is tried (vertebral body -> vertebra ->
``VertebralFracture``).
"""

from __future__ import annotations

from functools import lru_cache


def _sites_nearest_first(onto, part: str) -> list[str]:
    """``part``, then what it is a kind of or lies in (subClassOf, partOf), by distance."""
    order, seen, frontier = [part], {part}, [part]
    while frontier:
        nxt: list[str] = []
        for cur in frontier:
            for up in sorted({*onto.part_of(cur)} | _direct_parents(onto, cur)):
                if up not in seen:
                    seen.add(up)
                    nxt.append(up)
        order.extend(nxt)
        frontier = nxt
    return order


def _direct_parents(onto, iri: str) -> set[str]:
    """Direct superclasses: ancestors whose own ancestors cover all the others."""
    anc = onto.ancestors(iri) - {iri}
    return {a for a in anc if not any(a in onto.ancestors(b) - {b} for b in anc if b != a)}


@lru_cache(maxsize=4096)
def specialise_at(onto, finding: str, part: str) -> str:
    """The subclass of ``finding`` that ``part`` alone implies (``finding`` if none)."""
    by_site: dict[str, list[str]] = {}
    for cand in onto.descendants(finding):
        concept = onto.get(cand)
        site = onto.implied_site(cand) if concept is not None else None
        if site is not None:
            by_site.setdefault(site, []).append(cand)
    if not by_site:
        return finding
    own = onto.implied_site(finding)
    for site in _sites_nearest_first(onto, part):
        if site == own:
            return finding  # the class already names this site
        found = by_site.get(site)
        if not found:
            continue
        depth = min(len(onto.ancestors(c)) for c in found)
        top = [c for c in found if len(onto.ancestors(c)) == depth]
        if len(top) == 1:
            return top[0]
    return finding
