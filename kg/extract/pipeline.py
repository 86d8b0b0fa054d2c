"""``extract_case``: the extraction stage, from a CaseText to a CaseExtraction.

analyse (one pass per finder) -> bind modifiers and sites -> candidates per site
-> signal words and placeholder nouns fold into their sentence's finding -> sides stated
relative to another finding ("contralateral") -> merge
into findings and procedures -> number them in text order -> relations, sequence,
age and sex, differential, unlinked keywords.
"""

from __future__ import annotations

import logging

from kg.extract.binding import bind_all
from kg.extract.candidates import build
from kg.extract.demographics import find_age_sex
from kg.extract.descriptors import fold_descriptors
from kg.extract.document import analyse
from kg.extract.items import Item, merge
from kg.extract.part_sides import inherit_part_sides
from kg.extract.relations import Graph, build_relations, cues
from kg.extract.relative_sides import resolve_relative_sides
from kg.model import CaseExtraction, CaseText, Finding, Procedure

log = logging.getLogger(__name__)


def _resolving(doc) -> set[int]:
    """ids of heads right after a resolution cue ("with resolution of the sciatic pain")."""
    out: set[int] = set()
    for m in cues().resolve.finditer(doc.text):
        clause = doc.clause_of(m.start())
        for h in doc.heads_in(m.end(), clause[1]):
            if len(doc.text[m.end():h.start].split()) <= 3:
                out.add(id(h))
                break
    return out


def _number(items: list[Item]) -> None:
    nf = np = 0
    for item in sorted(items, key=lambda i: i.first):
        if item.is_procedure:
            np += 1
            item.key = f"procedure/{np}"
        else:
            nf += 1
            item.key = f"finding/{nf}"


def extract_case(case: CaseText, onto, lex) -> CaseExtraction:
    """Findings, procedures and relations of one case (see ``kg/extract/__init__``)."""
    doc = analyse(case, onto, lex)
    bindings = bind_all(doc, onto)
    cands, differential = build(doc, bindings, onto)
    cands = fold_descriptors(cands, onto)
    resolve_relative_sides(cands, doc.text)
    resolving_heads = _resolving(doc)
    resolving = {id(c) for c in cands if id(c.head) in resolving_heads}
    items = merge(cands, onto, doc, resolving)
    inherit_part_sides(items, doc, onto)
    _number(items)
    g = Graph(doc, items, onto)
    build_relations(g, resolving_heads)
    age, sex = find_age_sex(case.text)
    return CaseExtraction(
        case=case,
        findings=tuple(_finding(i) for i in items if not i.is_procedure),
        procedures=tuple(_procedure(i, g.seq.get(i.key)) for i in items if i.is_procedure),
        relations=tuple(sorted(g.relations.values(),
                               key=lambda r: (r.subject, r.predicate, r.object))),
        age=case.age if case.age is not None else age,
        sex=case.sex if case.sex is not None else sex,
        differential=tuple(differential),
        unlinked=tuple(k for k in case.keywords if not lex.match_phrase(k)),
    )


def _finding(i: Item) -> Finding:
    return Finding(key=i.key, concept=i.concept, evidence=i.spans, assertion=i.assertion,
                   sites=tuple(i.sites), laterality=i.laterality, severity=i.severity,
                   size=i.size, modality=i.modality, historical=i.historical)


def _procedure(i: Item, seq: int | None) -> Procedure:
    return Procedure(key=i.key, concept=i.concept, evidence=i.spans,
                     sequence=None if i.planned else seq, sites=tuple(i.sites),
                     laterality=i.laterality, planned=i.planned, historical=i.historical)
