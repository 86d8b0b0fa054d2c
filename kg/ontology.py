"""Load the compiled ontology into the lookup tables the extractor needs.

The shipped ontology is ``ontologies/casekg.ttl`` (compiled from the source tables
by :mod:`kg.ontogen`).  It is parsed once per process with pyoxigraph, which reads
it in well under a second, and turned into :class:`Ontology`: concepts by IRI,
their ancestry, per-level anatomy, implied sites and treatment targets.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from pathlib import Path
from typing import TypeVar

from kg import __version__
from kg.errors import OntologyError
from kg.model import Concept, Kind
from kg.namespaces import KG, OBOINOWL, OWL, RDF, RDFS, SKOS

log = logging.getLogger(__name__)

# Root class -> kind; checked in this order, so a complication is not "just" a finding.
KIND_ROOTS: tuple[tuple[str, Kind], ...] = (
    (KG + "ProcedureComplication", Kind.COMPLICATION),
    (KG + "Finding", Kind.FINDING),
    (KG + "Procedure", Kind.PROCEDURE),
    (KG + "AnatomicalEntity", Kind.ANATOMY),
    (KG + "ImagingModality", Kind.MODALITY),
)

_SYNONYM_PREDICATES = {
    SKOS + "altLabel",
    OBOINOWL + "hasExactSynonym",
    OBOINOWL + "hasRelatedSynonym",
    OBOINOWL + "hasNarrowSynonym",
}


_R = TypeVar("_R")
_MISSING = object()


def _memoised(method: Callable[..., _R]) -> Callable[..., _R]:
    """A pure :class:`Ontology` lookup remembered per argument tuple in ``self._memo``
    (speed: extraction asks the same few hundred classes over and over; the answers are
    immutable).  Positional arguments only; the uncached method is ``__wrapped__``."""
    name = method.__name__

    @wraps(method)
    def lookup(self: Ontology, *args: object) -> _R:
        key = (name, *args)
        found = self._memo.get(key, _MISSING)
        if found is _MISSING:
            found = self._memo[key] = method(self, *args)
        return found  # type: ignore[return-value]
    return lookup


def ontology_path() -> Path:
    """The compiled ontology: inside an installed wheel, else the source tree's."""
    here = Path(__file__).resolve().parent
    for folder in (here / "_ontologies", here.parent / "ontologies"):
        candidate = folder / "casekg.ttl"
        if candidate.is_file():
            return candidate
    raise OntologyError("the compiled ontology ontologies/casekg.ttl is missing",
                        hint="run `make ontology`")


@dataclass
class _Raw:
    """Everything read about one class before it becomes a Concept."""

    labels: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    xrefs: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    part_of: list[str] = field(default_factory=list)
    level_codes: list[str] = field(default_factory=list)
    implied_site: list[str] = field(default_factory=list)
    treatment_for: list[str] = field(default_factory=list)
    is_class: bool = False


_FIELD_OF = {
    RDFS + "label": "labels",
    RDFS + "subClassOf": "parents",
    OBOINOWL + "hasDbXref": "xrefs",
    KG + "partOf": "part_of",
    KG + "levelCode": "level_codes",
    KG + "impliedSite": "implied_site",
    KG + "treatmentFor": "treatment_for",
    **{p: "synonyms" for p in _SYNONYM_PREDICATES},
}


def _read_raw(triples: Iterable[tuple[str, str, str, bool]]) -> dict[str, _Raw]:
    """Group (subject, predicate, object, object_is_iri) triples per class IRI."""
    raw: dict[str, _Raw] = defaultdict(_Raw)
    for s, p, o, o_is_iri in triples:
        if p == RDF + "type" and o == OWL + "Class":
            raw[s].is_class = True
            continue
        name = _FIELD_OF.get(p)
        if name is None:
            continue
        if name in ("parents", "part_of", "implied_site", "treatment_for") and not o_is_iri:
            continue  # blank-node restrictions and literals are not named links
        getattr(raw[s], name).append(o)
    return raw


def _pyoxigraph_triples(path: Path) -> Iterator[tuple[str, str, str, bool]]:
    import pyoxigraph as ox

    fmt = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
           ".owl": ox.RdfFormat.RDF_XML, ".rdf": ox.RdfFormat.RDF_XML}.get(path.suffix.lower())
    if fmt is None:
        raise OntologyError(f"{path}: unsupported ontology format {path.suffix!r}")
    try:
        with path.open("rb") as fh:
            for t in ox.parse(fh, format=fmt):
                if not isinstance(t.subject, ox.NamedNode):
                    continue
                o = t.object
                yield t.subject.value, t.predicate.value, o.value, isinstance(o, ox.NamedNode)
    except SyntaxError as exc:  # pyoxigraph reports parse errors as SyntaxError
        where = f"{path}:{exc.lineno}" if getattr(exc, "lineno", None) else str(path)
        message = " ".join(str(exc.msg if exc.lineno else exc).split())[:200]
        raise OntologyError(f"{where}: {message}") from None
    except (OSError, ValueError) as exc:
        raise OntologyError(f"{path}: cannot read: {exc}") from None


class Ontology:
    """Concepts by IRI plus the indexes extraction asks about.

    ``default_kind`` gives the kind of classes outside our hierarchy (a user's
    own ontology): by IRI, for the classes that ontology file defined.
    """

    def __init__(self, raw: dict[str, _Raw], default_kind: dict[str, Kind] | None = None):
        self._default_kind = default_kind or {}
        self.lexicon = None  # the compiled kg.lexicon.Lexicon, built on first use
        self._parents = {iri: tuple(sorted(set(r.parents))) for iri, r in raw.items()}
        self._ancestors: dict[str, frozenset[str]] = {}
        self._raw = raw
        self._children = _children_of(self._parents)
        self._roots_of = _roots_below(self._children, [root for root, _ in KIND_ROOTS])
        self.concepts: dict[str, Concept] = {}
        for iri in sorted(raw):
            r = raw[iri]
            if not r.labels or not (r.is_class or r.parents):
                continue
            self.concepts[iri] = Concept(
                iri=iri,
                label=sorted(r.labels)[0],
                kind=self._kind(iri),
                synonyms=tuple(sorted(set(r.synonyms) | set(sorted(r.labels)[1:]))),
                xrefs=tuple(sorted(set(r.xrefs))),
                parents=self._parents[iri],
                level_codes=tuple(sorted(set(r.level_codes), key=_level_sort_key)),
                implied_site=min(r.implied_site) if r.implied_site else None,
            )
        self._level_index = self._build_level_index()
        self._memo: dict[tuple, object] = {}  # the answers of the @_memoised lookups

    # -- ancestry -------------------------------------------------------------
    def ancestors(self, iri: str) -> frozenset[str]:
        """``iri`` and everything it is an ``rdfs:subClassOf*`` of."""
        cached = self._ancestors.get(iri)
        if cached is not None:
            return cached
        seen = {iri}
        stack = [iri]
        while stack:
            for parent in self._parents.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        result = frozenset(seen)
        self._ancestors[iri] = result
        return result

    def is_a(self, iri: str, ancestor: str) -> bool:
        anc = self._ancestors.get(iri)  # speed: the cached set without a method call
        return ancestor in (anc if anc is not None else self.ancestors(iri))

    def _kind(self, iri: str) -> Kind:
        roots = self._roots_of.get(iri, ())
        for root, kind in KIND_ROOTS:
            if root in roots:
                return kind
        return self._default_kind.get(iri, Kind.OTHER)

    def get(self, iri: str) -> Concept | None:
        return self.concepts.get(iri)

    @_memoised
    def part_of(self, iri: str) -> tuple[str, ...]:
        """Direct ``kg:partOf`` targets of a class."""
        raw = self._raw.get(iri)
        return tuple(sorted(set(raw.part_of))) if raw else ()

    @_memoised
    def is_any(self, iri: str, classes: tuple[str, ...]) -> bool:
        """Whether ``iri`` is a kind of (``rdfs:subClassOf*``) any of ``classes``."""
        anc = self.ancestors(iri)
        return any(c in anc for c in classes)

    @_memoised
    def within(self, part: str, whole: str) -> bool:
        """Whether ``part`` is ``whole``, a kind of it, or lies in it (``kg:partOf*``, each
        step up also through ``rdfs:subClassOf*`` of the class reached)."""
        seen, stack = {part}, [part]
        while stack:
            cur = stack.pop()
            if self.is_a(cur, whole):
                return True
            for up in self.part_of(cur):
                if up not in seen:
                    seen.add(up)
                    stack.append(up)
        return False

    @_memoised
    def within_any(self, part: str, wholes: tuple[str, ...]) -> bool:
        """Whether ``part`` is :meth:`within` any of ``wholes``."""
        return any(self.within(part, w) for w in wholes)

    # -- per-level anatomy ----------------------------------------------------
    def _build_level_index(self) -> dict[tuple[frozenset[str], str], str]:
        """(level codes, generic ancestor) -> the per-level class, shallowest wins."""
        index: dict[tuple[frozenset[str], str], str] = {}
        depth: dict[tuple[frozenset[str], str], int] = {}
        for iri, concept in self.concepts.items():
            if not concept.level_codes:
                continue
            codes = frozenset(concept.level_codes)
            n = len(self.ancestors(iri))
            for anc in self.ancestors(iri):
                key = (codes, anc)
                if key not in index or (n, iri) < (depth[key], index[key]):
                    index[key], depth[key] = iri, n
        return index

    @_memoised
    def level_site(self, level: str, part: str | None = None) -> str | None:
        """The per-level class for a level code and a generic part.

        ``("L5", None)`` -> ``kg:L5Vertebra``; ``("L5", kg:Pedicle)`` -> ``kg:L5Pedicle``;
        ``("L4-L5", None)`` -> ``kg:L4L5IntervertebralDisc``.
        """
        codes = frozenset(level.split("-"))
        if part is None:
            part = KG + ("IntervertebralDisc" if len(codes) > 1 else "Vertebra")
        for generic in [part, *sorted(self.ancestors(part) - {part})]:
            found = self._level_index.get((codes, generic))
            if found and self.get(found) and self.is_a(found, part):
                return found
        return None

    # -- finding specialisation ----------------------------------------------
    def descendants(self, iri: str) -> list[str]:
        """Every class below ``iri`` (not including it), sorted."""
        seen: set[str] = set()
        stack = [iri]
        while stack:
            for child in self._children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return sorted(seen)

    @_memoised
    def implied_site(self, iri: str) -> str | None:
        """The site a finding class implies, inherited from its ancestors."""
        concept = self.get(iri)
        if concept and concept.implied_site:
            return concept.implied_site
        for anc in sorted(self.ancestors(iri), key=lambda a: -len(self.ancestors(a))):
            c = self.get(anc)
            if c and c.implied_site:
                return c.implied_site
        return None

    @_memoised
    def specialise(self, finding: str, site: str) -> str:
        """The most specific subclass of ``finding`` whose implied site covers ``site``.

        ``(kg:CementLeakage, kg:L5Pedicle)`` -> ``kg:PedicleCementLeakage``.
        """
        site_anc = self.ancestors(site)
        best, best_depth = finding, -1
        for cand in self.descendants(finding):
            c = self.get(cand)
            if c is None or c.implied_site is None or c.implied_site not in site_anc:
                continue
            d = len(self.ancestors(cand))
            if d > best_depth:
                best, best_depth = cand, d
        return best

    @_memoised
    def treatment_for(self, procedure: str) -> tuple[str, ...]:
        """Finding classes a procedure class is done to treat (``kg:treatmentFor``, inherited)."""
        out: set[str] = set()
        for anc in self.ancestors(procedure):
            raw = self._raw.get(anc)
            if raw:
                out.update(raw.treatment_for)
        return tuple(sorted(out))

    # -- lexicon input --------------------------------------------------------
    def terms(self) -> Iterator[tuple[str, str, bool]]:
        """(surface form, class IRI, is_label) for every label and synonym.

        Classes of kind OTHER (ontology plumbing, users' classes of no known
        kind) and the root classes ("finding", "procedure") are left out: the
        extractor could do nothing useful with them.
        """
        roots = {root for root, _ in KIND_ROOTS}
        for iri, c in self.concepts.items():
            if c.kind is Kind.OTHER or iri in roots:
                continue
            yield c.label, iri, True
            for syn in c.synonyms:
                yield syn, iri, False


def _level_sort_key(code: str) -> tuple[int, int, str]:
    """C1 < … < C7 < T1 < … < L5 < S1 < … < Co."""
    if code.startswith("Co"):
        return (9, 0, code)
    region = {"C": 0, "T": 1, "L": 2, "S": 3}.get(code[:1], 8)
    digits = "".join(ch for ch in code[1:] if ch.isdigit())
    return (region, int(digits) if digits else 0, code)


def _triples(path: Path) -> Iterator[tuple[str, str, str, bool]]:
    if not path.is_file():
        raise OntologyError(f"{path}: no such ontology file")
    if path.suffix.lower() == ".obo":
        from kg.obo import parse_obo

        return parse_obo(path)
    return _pyoxigraph_triples(path)


# Root classes of common OBO ontologies -> the kind their descendants are.
KNOWN_ROOTS: dict[str, Kind] = {
    "http://purl.obolibrary.org/obo/UBERON_0001062": Kind.ANATOMY,  # anatomical entity
    "http://purl.obolibrary.org/obo/FMA_62955": Kind.ANATOMY,  # anatomical entity
    "http://purl.obolibrary.org/obo/HP_0000118": Kind.FINDING,  # phenotypic abnormality
    "http://purl.obolibrary.org/obo/MONDO_0000001": Kind.FINDING,  # disease
}


# The deepest subClassOf hierarchy accepted.  Real ontologies are a few dozen levels
# deep; ancestor sets grow with the square of the depth, so a hostile chain of tens of
# thousands of levels would take minutes and gigabytes: refused in one line instead.
MAX_DEPTH = 1000


def _depth(parents: Mapping[str, Iterable[str]]) -> int:
    """The longest subClassOf path (classes on it), cycles ignored; no recursion."""
    depth: dict[str, int] = {}
    for start in parents:
        if start in depth:
            continue
        on_path = {start}
        stack = [(start, iter(parents.get(start, ())))]
        while stack:
            node, ups = stack[-1]
            up = next(ups, None)
            if up is None:
                stack.pop()
                on_path.discard(node)
                depth[node] = 1 + max((depth.get(p, 0) for p in parents.get(node, ())
                                       if p not in on_path), default=0)
            elif up not in depth and up not in on_path:
                on_path.add(up)
                stack.append((up, iter(parents.get(up, ()))))
    return max(depth.values(), default=0)


def _children_of(parents: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Class -> its direct subclasses, sorted."""
    children: dict[str, set[str]] = defaultdict(set)
    for iri, ups in parents.items():
        for parent in ups:
            children[parent].add(iri)
    return {k: sorted(v) for k, v in children.items()}


def _roots_below(children: dict[str, list[str]], roots: list[str]) -> dict[str, set[str]]:
    """Class -> which of ``roots`` it is (or is a subclass of), found by walking down from
    each root once.  Asking every class for its whole ancestor set instead grows with the
    square of the hierarchy's depth (a 20,000-term is_a chain: 9.5 GB, 108 s)."""
    below: dict[str, set[str]] = defaultdict(set)
    for root in roots:
        seen = {root}
        stack = [root]
        while stack:
            cur = stack.pop()
            below[cur].add(root)
            for child in children.get(cur, ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
    return below


def _user_kinds(parents: Mapping[str, Iterable[str]], user_iris: set[str],
                default: Kind) -> dict[str, Kind]:
    """A kind for each class of a user's ontology: by a known root, else ``default``."""
    below = _roots_below(_children_of(parents), list(KNOWN_ROOTS))
    return {iri: next((k for root, k in KNOWN_ROOTS.items() if root in below.get(iri, ())),
                      default) for iri in user_iris}


def _cache_file(paths: tuple[Path, ...], user_kind: Kind) -> Path:
    """Where the compiled ontology + lexicon of these exact files is kept."""
    digest = hashlib.sha256(f"{__version__}|{user_kind.value}".encode())
    here = Path(__file__).resolve().parent
    for code in ("ontology.py", "obo.py", "lexicon.py"):  # a parser fix invalidates the cache
        digest.update((here / code).read_bytes())
    for path in paths:
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    root = Path(os.environ.get("KG_CACHE_DIR") or Path.home() / ".cache" / "casekg")
    return root / f"ontology-{digest.hexdigest()[:24]}.pickle"


@lru_cache(maxsize=8)
def _load(paths: tuple[Path, ...], user_kind: Kind) -> Ontology:
    """Load, using the on-disk cache when users' ontologies are involved (they can be big)."""
    if len(paths) == 1:
        return _compile(paths, user_kind)
    for path in paths:
        if not path.is_file():
            raise OntologyError(f"{path}: no such ontology file")
    cache = _cache_file(paths, user_kind)
    try:
        with cache.open("rb") as fh:
            onto = pickle.load(fh)
        log.debug("ontology cache hit: %s", cache)
        return onto
    except Exception:  # noqa: BLE001 - any unreadable cache (OSError, pickle's errors) is rebuilt
        # a damaged or foreign cache file (bad protocol, truncated, another version's
        # classes) is no error: the ontology is compiled again and the cache rewritten
        log.debug("ontology cache unreadable, rebuilding: %s", cache)
    onto = _compile(paths, user_kind)
    from kg.lexicon import Lexicon

    Lexicon.from_ontology(onto)  # compile the automaton now so it is cached too
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(onto, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    except OSError as exc:  # a read-only home is no reason to fail
        log.warning("could not write the ontology cache %s: %s", cache, exc)
    return onto


def _compile(paths: tuple[Path, ...], user_kind: Kind) -> Ontology:
    raw_triples: list[tuple[str, str, str, bool]] = list(_triples(paths[0]))
    user_iris: set[str] = set()
    for path in paths[1:]:
        extra = list(_triples(path))
        if not any(p == RDF + "type" and o == OWL + "Class" for _, p, o, _ in extra):
            log.warning("%s: no classes found: it adds nothing to the lexicon", path)
        user_iris.update(s for s, *_ in extra)
        raw_triples.extend(extra)
    raw = _read_raw(raw_triples)
    parents = {iri: r.parents for iri, r in raw.items()}
    deepest = _depth(parents)
    if deepest > MAX_DEPTH:
        raise OntologyError(f"{paths[-1]}: its subClassOf hierarchy is {deepest} levels deep; "
                            f"at most {MAX_DEPTH} are supported")
    kinds = _user_kinds(parents, user_iris, user_kind) if user_iris else None
    onto = Ontology(raw, kinds)
    log.debug("loaded %d concepts from %s", len(onto.concepts), ", ".join(map(str, paths)))
    return onto


def load_ontology(path: Path | None = None, extra: tuple[Path, ...] | list[Path] = (),
                  user_kind: Kind = Kind.FINDING) -> Ontology:
    """The shipped ontology (or the one at ``path``) plus users' own, loaded once per process.

    ``extra`` files (OWL/RDF-XML, Turtle, N-Triples, OBO) add their labels and
    synonyms; their classes are of the kind their known root says (Uberon's
    anatomical entity -> anatomy, HPO/MONDO -> finding), else ``user_kind``.
    """
    paths = ((path or ontology_path()).resolve(), *(Path(p).resolve() for p in extra))
    return _load(paths, user_kind)
