"""Read one case out of an RDF graph into a small typed view for drawing.

The view holds only what the picture shows: the case, its procedures in timeline
order (with their steps), its findings with their time band, and the relations
drawn as edges.  It is built against the data contract (../shared/MODEL.md), not
against the code that writes the graph.

Class labels come from ``rdfs:label`` in the graph itself or in the ontology
(``ontologies/casekg.ttl`` when present); failing both, the CamelCase local name
is split ("IntrathecalCementLeakage" -> "intrathecal cement leakage").
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError, OntologyError
from kg.namespaces import CASE, DCTERMS, KG, RDF, RDFS, SKOS

if TYPE_CHECKING:  # rdflib is imported lazily at run time
    import rdflib

log = logging.getLogger(__name__)

# Types that say nothing more specific than the node's role: never used as its label.
GENERIC_TYPES = frozenset(
    KG + n for n in ("Case", "Finding", "Procedure", "ProcedureComplication", "Mention")
) | {"http://www.w3.org/2002/07/owl#NamedIndividual"}

# Edge relations drawn between finding/procedure nodes, as kg: local names.
FINDING_TO_PROCEDURE = ("complicationOf", "resolvedBy")
PROCEDURE_TO_FINDING = ("treats",)
FINDING_TO_FINDING = ("causedBy",)


@dataclass(frozen=True)
class Node:
    """One drawn node: a procedure, a procedure step or a finding."""

    iri: str
    kind: str  # "procedure" | "step" | "finding" | "complication"
    label: str
    order: tuple[int, str]  # text order: (number in the IRI, IRI)
    assertion: str = "Present"  # Present | Absent | Possible
    laterality: str | None = None
    severity: str | None = None
    sites: tuple[str, ...] = ()  # anatomy labels
    modalities: tuple[str, ...] = ()  # imaging modality labels (short forms)
    sequence: int | None = None
    band: int = 0  # findings: 0 = before the first procedure, k = after procedure k
    timed: bool = True  # findings: False when no relation placed it in time
    note: str | None = None  # "planned", "history"


@dataclass(frozen=True)
class Edge:
    """A labelled relation between two drawn nodes (IRIs)."""

    source: str
    target: str
    relation: str


@dataclass(frozen=True)
class CaseView:
    """Everything the case picture shows, in drawing order."""

    iri: str
    case_id: str
    title: str | None
    age: int | None
    sex: str | None
    procedures: tuple[Node, ...]
    steps: dict[str, tuple[Node, ...]] = field(default_factory=dict)  # procedure IRI -> steps
    findings: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()

    @property
    def n_bands(self) -> int:
        """Number of time bands: one before the first procedure, one after each."""
        return len(self.procedures) + 1


# ---------------------------------------------------------------- labels

_TOKEN = re.compile(r"[A-Z]\d+|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_LEVEL = re.compile(r"^[CTLS]\d+$")

# Short forms for imaging modalities, keyed by local name; anything else uses its label.
MODALITY_SHORT = {
    "ComputedTomography": "CT",
    "MagneticResonanceImaging": "MRI",
    "Radiography": "X-ray",
    "PlainRadiography": "X-ray",
    "Ultrasonography": "US",
    "Ultrasound": "US",
    "Fluoroscopy": "fluoro",
    "PositronEmissionTomography": "PET",
    "NuclearMedicine": "NM",
    "Myelography": "myelogram",
}


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    return re.split(r"[#/]", iri)[-1]


def split_camel(name: str) -> str:
    """Split a CamelCase name into words: ``L4L5IntervertebralDisc`` -> ``L4-L5 intervertebral
    disc``."""
    tokens = _TOKEN.findall(name) or [name]
    words: list[str] = []
    for tok in tokens:
        if _LEVEL.match(tok) and words and _LEVEL.match(words[-1].split("-")[-1]):
            words[-1] = f"{words[-1]}-{tok}"
        elif _LEVEL.match(tok) or (tok.isupper() and len(tok) > 1):
            words.append(tok)
        else:
            words.append(tok.lower())
    return " ".join(words)


def iri_order(iri: str) -> tuple[int, str]:
    """Text order of a minted instance IRI (``…/finding/7`` -> 7), the IRI breaking ties."""
    m = re.search(r"/(\d+)$", iri)
    return (int(m.group(1)) if m else 10**9, iri)


# ---------------------------------------------------------------- ontology


def default_ontology_path() -> Path | None:
    """The shipped compiled ontology, if this checkout or install has one."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "ontologies" / "casekg.ttl",
                      here / "_ontologies" / "casekg.ttl"):
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=4)
def _load_ontology_cached(path: str, mtime: float) -> rdflib.Graph:
    import rdflib

    g = rdflib.Graph()
    try:
        g.parse(path)
    except Exception as exc:  # rdflib raises many kinds; one line for the user
        raise OntologyError(f"cannot read ontology {path}: {exc}".splitlines()[0]) from exc
    log.debug("loaded ontology %s (%d triples)", path, len(g))
    return g


def load_ontology_graph(path: Path | None) -> rdflib.Graph | None:
    """Parse the ontology at ``path`` (or the shipped one); None when there is none."""
    path = path or default_ontology_path()
    if path is None:
        return None
    if not Path(path).is_file():
        raise OntologyError(f"ontology file not found: {path}")
    return _load_ontology_cached(str(path), Path(path).stat().st_mtime)


class Labeller:
    """Class labels and complication ancestry from the case graph plus the ontology."""

    def __init__(self, graph: rdflib.Graph, ontology: rdflib.Graph | None):
        self._graphs = [g for g in (graph, ontology) if g is not None]

    def label(self, iri: str) -> str:
        """``rdfs:label`` (else ``skos:prefLabel``) of a class, else its split local name."""
        import rdflib

        node = rdflib.URIRef(iri)
        for prop in (RDFS + "label", SKOS + "prefLabel"):
            for g in self._graphs:
                values = sorted(str(o) for o in g.objects(node, rdflib.URIRef(prop)))
                if values:
                    return values[0]
        return split_camel(local_name(iri))

    def is_subclass_of(self, iri: str, ancestor: str) -> bool:
        """True when ``iri`` is ``ancestor`` or reaches it by ``rdfs:subClassOf`` steps."""
        import rdflib

        seen: set[str] = set()
        todo = [iri]
        sub = rdflib.URIRef(RDFS + "subClassOf")
        while todo:
            cur = todo.pop()
            if cur == ancestor:
                return True
            if cur in seen:
                continue
            seen.add(cur)
            for g in self._graphs:
                todo.extend(str(o) for o in g.objects(rdflib.URIRef(cur), sub))
        return False


# ---------------------------------------------------------------- graph access


def as_graph(graph: Any) -> rdflib.Graph:
    """Accept an ``rdflib.Graph`` or a path to a Turtle / N-Triples / RDF file."""
    import rdflib

    if isinstance(graph, rdflib.Graph):
        return graph
    path = Path(graph)
    if not path.is_file():
        raise InputError(f"graph file not found: {path}")
    fmt = rdflib.util.guess_format(str(path)) or "turtle"
    g = rdflib.Graph()
    try:
        g.parse(str(path), format=fmt)
    except Exception as exc:
        raise InputError(f"cannot parse {path} as {fmt}: {exc}".splitlines()[0]) from exc
    return g


class _Reader:
    """Small helpers over one rdflib graph, always returning sorted plain strings."""

    def __init__(self, g: rdflib.Graph):
        import rdflib

        self.g = g
        self.U = rdflib.URIRef

    def objs(self, s: str, p: str) -> list[str]:
        return sorted(str(o) for o in self.g.objects(self.U(s), self.U(p)))

    def one(self, s: str, p: str) -> str | None:
        values = self.objs(s, p)
        return values[0] if values else None

    def subjs(self, p: str, o: str) -> list[str]:
        return sorted(str(s) for s in self.g.subjects(self.U(p), self.U(o)))


def case_ids(r: _Reader) -> dict[str, str]:
    """Every case in the graph: id -> IRI (``dcterms:identifier``, else the IRI's tail)."""
    found: dict[str, str] = {}
    for iri in r.subjs(RDF + "type", KG + "Case"):
        ident = r.one(iri, DCTERMS + "identifier")
        found[ident or iri.removeprefix(CASE)] = iri
    return found


def find_case(r: _Reader, case_id: str) -> str:
    """The IRI of the case named ``case_id`` (an id or a full IRI), else InputError."""
    cases = case_ids(r)
    if case_id in cases:
        return cases[case_id]
    if case_id in cases.values():
        return case_id
    if CASE + case_id in cases.values():
        return CASE + case_id
    known = ", ".join(sorted(cases)[:5]) or "none"
    more = f" (and {len(cases) - 5} more)" if len(cases) > 5 else ""
    raise InputError(f"case {case_id!r} is not in the graph; cases there: {known}{more}")


# ---------------------------------------------------------------- the view


def _specific_type(r: _Reader, iri: str) -> str | None:
    types = [t for t in r.objs(iri, RDF + "type") if t not in GENERIC_TYPES]
    kg_types = [t for t in types if t.startswith(KG)]
    chosen = kg_types or types
    return chosen[0] if chosen else None


def _node_label(r: _Reader, lab: Labeller, iri: str, fallback: str) -> str:
    cls = _specific_type(r, iri)
    return lab.label(cls) if cls else fallback


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in ("true", "1")


def _procedure(r: _Reader, lab: Labeller, iri: str, kind: str) -> Node:
    note = None
    if _truthy(r.one(iri, KG + "planned")):
        note = "planned"
    elif _truthy(r.one(iri, KG + "historical")):
        note = "history"
    return Node(
        iri=iri,
        kind=kind,
        label=_node_label(r, lab, iri, "procedure"),
        order=iri_order(iri),
        sites=tuple(lab.label(s) for s in r.objs(iri, KG + "site")),
        sequence=_int(r.one(iri, KG + "sequence")),
        note=note,
    )


def _local(value: str | None) -> str | None:
    return local_name(value) if value else None


def _modality(lab: Labeller, iri: str) -> str:
    return MODALITY_SHORT.get(local_name(iri)) or lab.label(iri)


def _band(r: _Reader, iri: str, proc_index: dict[str, int]) -> int | None:
    """Time band of a finding from its own relations; None when nothing places it."""
    after = [proc_index[p] for rel in ("observedAfter", "complicationOf")
             for p in r.objs(iri, KG + rel) if p in proc_index]
    if after:
        return max(after)
    before = [proc_index[p] - 1 for rel in ("observedBefore", "resolvedBy")
              for p in r.objs(iri, KG + rel) if p in proc_index]
    before += [proc_index[p] - 1 for p in r.subjs(KG + "treats", iri) if p in proc_index]
    if before:
        return min(before)
    if _truthy(r.one(iri, KG + "historical")):
        return 0
    return None


def _propagate_bands(bands: dict[str, int | None], causes: list[Edge]) -> None:
    """A finding caused by (or causing) a placed finding shares its band."""
    for _ in range(len(bands)):
        changed = False
        for e in causes:
            a, b = bands.get(e.source), bands.get(e.target)
            if a is None and b is not None:
                bands[e.source], changed = b, True
            elif b is None and a is not None:
                bands[e.target], changed = a, True
        if not changed:
            return


def _finding(r: _Reader, lab: Labeller, iri: str, band: int | None) -> Node:
    cls = _specific_type(r, iri)
    complication = bool(r.objs(iri, KG + "complicationOf")) or (
        cls is not None and lab.is_subclass_of(cls, KG + "ProcedureComplication")
    )
    return Node(
        iri=iri,
        kind="complication" if complication else "finding",
        label=lab.label(cls) if cls else "finding",
        order=iri_order(iri),
        assertion=_local(r.one(iri, KG + "assertion")) or "Present",
        laterality=_local(r.one(iri, KG + "laterality")),
        severity=_local(r.one(iri, KG + "severity")),
        sites=tuple(lab.label(s) for s in r.objs(iri, KG + "site")),
        modalities=tuple(_modality(lab, m) for m in r.objs(iri, KG + "observedWith")),
        band=band if band is not None else 0,
        timed=band is not None,
        note="history" if _truthy(r.one(iri, KG + "historical")) else None,
    )


def _ordered_procedures(r: _Reader, lab: Labeller, case: str) -> tuple[list[Node], list[Node]]:
    """(main procedures in timeline order, steps) of a case."""
    listed = r.objs(case, KG + "hasProcedure")
    steps_iris = {p for p in listed if r.objs(p, KG + "stepOf")}
    main = [_procedure(r, lab, p, "procedure") for p in listed if p not in steps_iris]
    main.sort(key=lambda n: (n.sequence is None, n.sequence or 0, n.order))
    main_iris = {n.iri for n in main}
    step_iris = sorted(
        {s for p in main_iris for s in r.subjs(KG + "stepOf", p)} | steps_iris, key=iri_order
    )
    steps = [_procedure(r, lab, s, "step") for s in step_iris]
    return main, steps


def read_case_view(graph: rdflib.Graph, case_id: str, ontology: rdflib.Graph | None) -> CaseView:
    """Build the :class:`CaseView` of ``case_id``; InputError when the graph lacks it."""
    r = _Reader(graph)
    case = find_case(r, case_id)
    lab = Labeller(graph, ontology)
    procedures, step_nodes = _ordered_procedures(r, lab, case)
    proc_index = {p.iri: i + 1 for i, p in enumerate(procedures)}
    finding_iris = sorted(r.objs(case, KG + "hasFinding"), key=iri_order)
    fset = set(finding_iris)

    edges: list[Edge] = []
    for f in finding_iris:
        for rel in FINDING_TO_PROCEDURE:
            edges += [Edge(f, p, rel) for p in r.objs(f, KG + rel) if p in proc_index]
        for rel in FINDING_TO_FINDING:
            edges += [Edge(f, g, rel) for g in r.objs(f, KG + rel) if g in fset and g != f]
    for p in proc_index:
        for rel in PROCEDURE_TO_FINDING:
            edges += [Edge(p, f, rel) for f in r.objs(p, KG + rel) if f in fset]
    steps: dict[str, list[Node]] = {}
    for s in step_nodes:
        parent = next((p for p in r.objs(s.iri, KG + "stepOf") if p in proc_index), None)
        if parent:
            steps.setdefault(parent, []).append(s)
            edges.append(Edge(s.iri, parent, "stepOf"))

    bands = {f: _band(r, f, proc_index) for f in finding_iris}
    _propagate_bands(bands, [e for e in edges if e.relation == "causedBy"])
    findings = tuple(_finding(r, lab, f, bands[f]) for f in finding_iris)
    return CaseView(
        iri=case,
        case_id=r.one(case, DCTERMS + "identifier") or case.removeprefix(CASE),
        title=r.one(case, DCTERMS + "title"),
        age=_int(r.one(case, KG + "patientAge")),
        sex=_local(r.one(case, KG + "patientSex")),
        procedures=tuple(procedures),
        steps={k: tuple(v) for k, v in steps.items()},
        findings=findings,
        edges=tuple(edges),
    )
