"""Small readers of an extraction result, shared by the ``test_extract_*`` files.

Each takes what ``conftest.extract_text`` returns and picks out one thing to assert on,
named by the ontology class's local name (``"SpinalStenosis"``)."""

from __future__ import annotations

from kg.namespaces import KG


def classes(x) -> list[str]:
    """The local class names of the findings, in order."""
    return [f.concept.iri.removeprefix(KG) for f in x.findings]


def findings(x, cls: str) -> list:
    """The findings of one class."""
    return [f for f in x.findings if f.concept.iri == KG + cls]


def finding(x, cls: str):
    """The first finding of one class."""
    return next(f for f in x.findings if f.concept.iri == KG + cls)


def levels(f) -> set[str]:
    """The vertebral levels of one finding's sites."""
    return {s.level for s in f.sites if s.level}


def levels_of(x, local: str) -> set[str]:
    """The vertebral levels of all findings of one class."""
    return {s.level for f in x.findings if f.concept.iri.endswith("#" + local)
            for s in f.sites if s.level}


def procedure(x, cls: str):
    """The first procedure of one class."""
    return next(p for p in x.procedures if p.concept.iri == KG + cls)


def performed(x) -> list[str]:
    """The local class names of the procedures that were performed (not planned)."""
    return [p.concept.iri.removeprefix(KG) for p in x.procedures if not p.planned]


def relation(x, subj, pred: str, obj) -> bool:
    """Whether the result links record ``subj`` to record ``obj`` by ``pred``."""
    return any(r.subject == subj.key and r.predicate == pred and r.object == obj.key
               for r in x.relations)


def rels(x) -> set[tuple[str, str, str]]:
    """The relations as (subject key, predicate, object key) triples."""
    return {(r.subject, r.predicate, r.object) for r in x.relations}
