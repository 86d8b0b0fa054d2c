"""Turn one :class:`~kg.model.CaseExtraction` into RDF triples, per ../shared/MODEL.md.

IRIs are minted deterministically from the case id: ``case:{id}``,
``case:{id}/finding/{n}``, ``case:{id}/procedure/{n}``, ``case:{id}/mention/{n}``
(mentions numbered in text order). Every finding carries ``kg:assertion``; every
finding and procedure carries ``kg:evidence`` mentions whose ``oa:start``/``oa:end``
slice ``kg:text`` exactly (checked here: a span that does not is an error).

Triples are plain tuples of rdflib terms, built in one list (no Graph.add per triple).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.namespace import XSD as RXSD

from kg.model import CaseExtraction, Finding, Procedure, Span
from kg.namespaces import CASE, DCTERMS, KG, OA, RDF

log = logging.getLogger(__name__)

Triple = tuple[URIRef, URIRef, URIRef | Literal]

RELATION_PREDICATES = frozenset(
    {"complicationOf", "treats", "causedBy", "resolvedBy", "observedBefore", "observedAfter",
     "stepOf"}
)
_LOCAL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_KEY = re.compile(r"^(finding|procedure)/[0-9]+$")


class AssemblyError(ValueError):
    """An extraction that breaks the data contract (bad span, unknown key, bad id/base)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(f"{message} ({hint})" if hint else message)


def _kg(local: str) -> URIRef:
    return _vocab(KG + local)


@lru_cache(maxsize=8192)
def _vocab(iri: str) -> URIRef:
    """A vocabulary IRI (class, site, value): made once, then shared (terms are immutable)."""
    return URIRef(iri)


@lru_cache(maxsize=65536)
def _integer(value: int) -> Literal:
    """An ``xsd:integer`` literal (offsets, ages, sequence numbers), made once per value."""
    return Literal(value, datatype=RXSD.integer)


@lru_cache(maxsize=4096)
def _label(text: str) -> Literal:
    """A plain literal from a small set (section names, rule names), made once."""
    return Literal(text)


RDF_TYPE = URIRef(RDF + "type")
P = {
    name: _kg(name)
    for name in (
        "text", "keyword", "patientAge", "patientSex", "hasFinding", "hasProcedure",
        "unlinkedPhrase", "differentialDiagnosis", "assertion", "site", "laterality", "severity",
        "size", "observedWith", "evidence", "sequence", "section", "rule", "historical",
        "planned",
    )
}
DC_IDENTIFIER = URIRef(DCTERMS + "identifier")
DC_TITLE = URIRef(DCTERMS + "title")
OA_EXACT, OA_START, OA_END = URIRef(OA + "exact"), URIRef(OA + "start"), URIRef(OA + "end")
MENTION_TYPES = (_kg("Mention"), URIRef(OA + "TextQuoteSelector"),
                 URIRef(OA + "TextPositionSelector"))
TRUE = Literal(True)


def case_iri(case_id: str, base: str = CASE) -> URIRef:
    """``case:{id}``, the id percent-encoded outside RFC 3986 unreserved characters.

    Any id gives a valid IRI of one path segment below ``base``: ``/``, spaces,
    ``<>"{}|^`\\``, ``%`` and non-ASCII are percent-encoded (UTF-8), and an id of only
    dots (``.``, ``..``) has them encoded too, so it is never a dot-segment that IRI
    normalisation would resolve to another case's IRI. An empty id is an error.
    """
    if not case_id:
        raise AssemblyError("empty case id")
    local = quote(case_id, safe="", errors="surrogatepass")
    if not local.strip("."):
        local = local.replace(".", "%2E")
    return URIRef(check_base(base) + local)


_BASE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^\s<>\"{}|^`\\]*[/#]$")


def check_base(base: str) -> str:
    """``base`` when it is an absolute IRI ending in ``/`` or ``#`` without characters
    an IRI may not hold; else an :class:`AssemblyError`."""
    if not _BASE.match(base):
        raise AssemblyError(f"bad base IRI {base!r}",
                            hint="an absolute IRI ending in / or #, e.g. https://example.org/case/")
    return base


def case_triples(extraction: CaseExtraction, base: str = CASE) -> list[Triple]:
    """All triples for one case: the case, its findings, procedures, relations, mentions."""
    case = extraction.case
    root = case_iri(case.id, base)
    mentions = _number_mentions(extraction)
    keys = {item.key: _item_iri(root, item.key)
            for item in (*extraction.findings, *extraction.procedures)}
    triples = _case_node(extraction, root)
    for finding in extraction.findings:
        triples += _finding_node(finding, keys[finding.key], root, mentions)
    for procedure in extraction.procedures:
        triples += _procedure_node(procedure, keys[procedure.key], root, mentions)
    triples += _relation_triples(extraction, keys)
    triples += mention_triples(root, mentions, case.text)
    return triples


def _item_iri(root: URIRef, key: str) -> URIRef:
    """``case:{id}/finding/{n}`` or ``/procedure/{n}`` from an extraction key."""
    if not _KEY.match(key):
        raise AssemblyError(f"bad finding/procedure key {key!r} (expected 'finding/<n>')")
    return URIRef(f"{root}/{key}")


def _number_mentions(extraction: CaseExtraction) -> dict[Span, int]:
    """Each distinct evidence span -> its mention number, in text order (1-based)."""
    spans = {s for item in (*extraction.findings, *extraction.procedures) for s in item.evidence}
    ordered = sorted(spans, key=lambda s: (s.start, s.end, s.section or "", s.rule or "", s.text))
    return {span: n for n, span in enumerate(ordered, start=1)}


def _case_node(extraction: CaseExtraction, root: URIRef) -> list[Triple]:
    """The kg:Case node: identifier, title, text, keywords, demographics, links."""
    case = extraction.case
    t: list[Triple] = [
        (root, RDF_TYPE, _kg("Case")),
        (root, DC_IDENTIFIER, Literal(case.id)),
        (root, P["text"], Literal(case.text)),
    ]
    if case.title:
        t.append((root, DC_TITLE, Literal(case.title)))
    t += [(root, P["keyword"], Literal(k)) for k in case.keywords]
    age = extraction.age if extraction.age is not None else case.age
    if age is not None:
        t.append((root, P["patientAge"], _integer(int(age))))
    sex = extraction.sex or case.sex
    if sex is not None:
        t.append((root, P["patientSex"], _kg(sex.value)))
    t += [(root, P["hasFinding"], _item_iri(root, f.key)) for f in extraction.findings]
    t += [(root, P["hasProcedure"], _item_iri(root, p.key)) for p in extraction.procedures]
    t += [(root, P["unlinkedPhrase"], Literal(u)) for u in extraction.unlinked]
    t += [(root, P["differentialDiagnosis"], _vocab(c.iri)) for c in extraction.differential]
    return t


def _finding_node(f: Finding, node: URIRef, root: URIRef, mentions: dict[Span, int]
                  ) -> list[Triple]:
    """A finding: its class, assertion (always), sites, qualifiers and evidence."""
    t: list[Triple] = [
        (node, RDF_TYPE, _vocab(f.concept.iri)),
        (node, P["assertion"], _kg(f.assertion.value)),
    ]
    t += [(node, P["site"], _vocab(site.iri)) for site in f.sites]
    if f.laterality is not None:
        t.append((node, P["laterality"], _kg(f.laterality.value)))
    if f.severity is not None:
        t.append((node, P["severity"], _kg(f.severity.value)))
    if f.size:
        t.append((node, P["size"], Literal(f.size)))
    if f.modality:
        t.append((node, P["observedWith"], _vocab(f.modality)))
    if f.historical:
        t.append((node, P["historical"], TRUE))
    t += _evidence(node, f.evidence, root, mentions)
    return t


def _procedure_node(p: Procedure, node: URIRef, root: URIRef, mentions: dict[Span, int]
                    ) -> list[Triple]:
    """A procedure: its class, sequence, sites, laterality, flags and evidence."""
    t: list[Triple] = [(node, RDF_TYPE, _vocab(p.concept.iri))]
    if p.sequence is not None:
        t.append((node, P["sequence"], _integer(int(p.sequence))))
    t += [(node, P["site"], _vocab(site.iri)) for site in p.sites]
    if p.laterality is not None:
        t.append((node, P["laterality"], _kg(p.laterality.value)))
    if p.planned:
        t.append((node, P["planned"], TRUE))
    if p.historical:
        t.append((node, P["historical"], TRUE))
    t += _evidence(node, p.evidence, root, mentions)
    return t


def _evidence(node: URIRef, spans: tuple[Span, ...], root: URIRef, mentions: dict[Span, int]
              ) -> list[Triple]:
    return [(node, P["evidence"], URIRef(f"{root}/mention/{mentions[s]}")) for s in spans]


def _relation_triples(extraction: CaseExtraction, keys: dict[str, URIRef]) -> list[Triple]:
    """``kg:{predicate}`` triples between minted IRIs; unknown keys are errors."""
    t: list[Triple] = []
    for rel in extraction.relations:
        if not _LOCAL_NAME.match(rel.predicate):
            raise AssemblyError(f"bad relation predicate {rel.predicate!r}")
        if rel.predicate not in RELATION_PREDICATES:
            log.warning("%s: relation kg:%s is not in MODEL.md", extraction.case.id, rel.predicate)
        for key in (rel.subject, rel.object):
            if key not in keys:
                raise AssemblyError(f"relation {rel.predicate} names unknown item {key!r}")
        t.append((keys[rel.subject], _kg(rel.predicate), keys[rel.object]))
    return t


def mention_triples(root: URIRef, mentions: dict[Span, int], text: str) -> list[Triple]:
    """Web Annotation selectors for every evidence span (checked against the text)."""
    t: list[Triple] = []
    for span, n in sorted(mentions.items(), key=lambda kv: kv[1]):
        if not (0 <= span.start <= span.end <= len(text)) or text[span.start:span.end] != span.text:
            raise AssemblyError(
                f"evidence [{span.start}:{span.end}] {span.text!r} does not slice the case text"
            )
        node = URIRef(f"{root}/mention/{n}")
        t += [(node, RDF_TYPE, cls) for cls in MENTION_TYPES]
        t += [
            (node, OA_EXACT, Literal(span.text)),
            (node, OA_START, _integer(span.start)),
            (node, OA_END, _integer(span.end)),
        ]
        if span.section:
            t.append((node, P["section"], _label(span.section)))
        if span.rule:
            t.append((node, P["rule"], _label(span.rule)))
    return t
