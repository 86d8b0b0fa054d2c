"""``kg eval``: score a built graph against a gold standard (``tests/gold/dev.jsonl``).

A gold item matches a graph item when its label, a synonym or its UMLS CUI matches
the graph class's label, a synonym or an ``oboInOwl:hasDbXref`` (lower-cased,
punctuation folded, whole-word containment either way).  Items are paired one to
one per case, greedily by best score (gold label = class label or a shared CUI 1.0,
an exact match through a synonym 0.95, whole-word containment below 0.9), ties
broken by agreement on assertion, laterality and levels (of two "mass" items, the one
at the gold item's side pairs with it), then by gold order and graph IRI, so the
pairing is deterministic.

Metrics (micro over all cases, and per case): findings, procedures and
complication pairs as precision/recall/F1; assertion accuracy over matched findings
and recall of absent findings; laterality accuracy over matched findings with a
gold side; vertebral levels as set F1 of the case's level codes (graph side:
``?f kg:site/kg:partOf*/kg:levelCode ?code`` for present findings and performed
procedures); age and sex accuracy over all gold cases.  Annotation rules:
``tests/gold/GUIDELINES.md``.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import EXIT_OK, InputError
from kg.namespaces import DCTERMS, KG, OA, OBOINOWL, RDF, RDFS, SKOS

log = logging.getLogger(__name__)

_NAME_PREDICATES = frozenset({
    RDFS + "label", SKOS + "altLabel", SKOS + "prefLabel", OBOINOWL + "hasExactSynonym",
    OBOINOWL + "hasRelatedSynonym", OBOINOWL + "hasNarrowSynonym", OBOINOWL + "hasBroadSynonym",
})
_XREF = OBOINOWL + "hasDbXref"
_ASSERTIONS = {KG + "Present": "present", KG + "Absent": "absent", KG + "Possible": "possible"}
_SIDES = {KG + "Left": "left", KG + "Right": "right", KG + "Bilateral": "bilateral"}
_SEXES = {KG + "Female": "female", KG + "Male": "male"}
_DEFAULT = object()  # "load the shipped ontology if it is there"


# ---------------------------------------------------------------- names


def normalize(text: str) -> str:
    """Lower-case, accents stripped, every run of non-alphanumerics one space."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.split(r"[^a-z0-9]+", folded.lower())).strip()


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    """True if ``small`` occurs in ``big`` as a run of whole words."""
    n = len(small)
    return n > 0 and any(big[i:i + n] == small for i in range(len(big) - n + 1))


def name_score(a: str, b: str) -> float:
    """1.0 for equal normalised names, <1.0 for whole-word containment, else 0."""
    ta, tb = tuple(normalize(a).split()), tuple(normalize(b).split())
    if not ta or not tb:
        return 0.0
    if ta == tb:
        return 1.0
    if _contains(ta, tb) or _contains(tb, ta):
        return 0.9 * min(len(ta), len(tb)) / max(len(ta), len(tb))
    return 0.0


def umls_codes(xrefs: Iterable[str]) -> set[str]:
    """The UMLS CUIs among ``UMLS:C…`` cross-references (or bare CUIs), upper-cased."""
    out = set()
    for x in xrefs:
        code = x.split(":", 1)[1] if x.upper().startswith("UMLS:") else x
        code = code.strip().upper()
        if re.fullmatch(r"C\d{7}", code):
            out.add(code)
    return out


# ---------------------------------------------------------------- gold


@dataclass(frozen=True)
class GoldItem:
    label: str
    synonyms: tuple[str, ...] = ()
    cui: str | None = None
    assertion: str = "present"
    levels: tuple[str, ...] = ()
    laterality: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


@dataclass(frozen=True)
class GoldCase:
    id: str
    age: int | None
    sex: str | None
    findings: tuple[GoldItem, ...]
    procedures: tuple[GoldItem, ...]
    complications: tuple[tuple[str, str], ...]
    levels: frozenset[str]


def _gold_item(d: dict[str, Any]) -> GoldItem:
    return GoldItem(label=d["label"], synonyms=tuple(d.get("synonyms") or ()), cui=d.get("cui"),
                    assertion=d.get("assertion") or "present", levels=tuple(d.get("levels") or ()),
                    laterality=d.get("laterality"))


def _split_levels(codes: Iterable[str]) -> frozenset[str]:
    """Vertebra codes; an intervertebral code ``L4-L5`` counts as ``L4`` and ``L5``."""
    return frozenset(part for code in codes for part in str(code).split("-") if part)


def load_gold(path: Path) -> list[GoldCase]:
    """Read a gold JSON Lines file; a malformed line is an :class:`InputError`."""
    from kg.readers import require_regular_file

    require_regular_file(Path(path), "gold file")
    cases = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                cases.append(GoldCase(
                    id=str(d["id"]), age=d.get("age"), sex=d.get("sex"),
                    findings=tuple(_gold_item(f) for f in d.get("findings", ())),
                    procedures=tuple(_gold_item(p) for p in d.get("procedures", ())),
                    complications=tuple((c["finding"], c["procedure"])
                                        for c in d.get("complications", ())),
                    levels=_split_levels(d.get("levels", ()))))
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{n}: bad gold record: {exc}") from None
    return cases


# ---------------------------------------------------------------- graph


@dataclass(frozen=True)
class GraphItem:
    iri: str
    names: tuple[str, ...]  # labels and synonyms of its classes
    cuis: frozenset[str]
    labels: tuple[str, ...] = ()  # rdfs:label of its classes (a subset of names)
    assertion: str | None = None
    laterality: str | None = None
    levels: frozenset[str] = frozenset()
    evidence: tuple[str, ...] = ()  # oa:exact of its mentions, in text order


@dataclass
class GraphCase:
    age: int | None = None
    sex: str | None = None
    findings: list[GraphItem] = field(default_factory=list)
    procedures: list[GraphItem] = field(default_factory=list)
    complications: list[tuple[str, str]] = field(default_factory=list)  # (finding, procedure) IRIs
    levels: frozenset[str] = frozenset()


Index = dict[str, dict[str, list[str]]]  # subject -> predicate -> object values


def read_graph(path: Path) -> Index:
    """Every triple of an RDF file as subject -> predicate -> [object value]."""
    import pyoxigraph as ox

    formats = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
               ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG,
               ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML}
    fmt = formats.get(Path(path).suffix.lower())
    index: Index = defaultdict(lambda: defaultdict(list))
    if fmt is None:
        import rdflib  # JSON-LD and anything else rdflib reads

        try:
            graph = rdflib.Graph().parse(str(path))
        except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds of parse errors
            first = (str(exc).splitlines() or [type(exc).__name__])[0][:160]
            raise InputError(f"{path}: cannot read the graph: {first}") from None
        for s, p, o in graph:
            index[str(s)][str(p)].append(str(o))
        return index
    try:
        with Path(path).open("rb") as fh:
            for t in ox.parse(fh, format=fmt):
                index[t.subject.value][t.predicate.value].append(t.object.value)
    except (OSError, SyntaxError) as exc:
        raise InputError(f"{path}: cannot read the graph: {exc}") from None
    return index


class _Vocabulary:
    """Names, CUIs, partOf and level codes of classes: the graph file plus the ontology."""

    def __init__(self, index: Index, ontology: Any = None):
        self.index = index
        self.ontology = ontology

    def labels(self, cls: str) -> list[str]:
        """``rdfs:label`` of a class, from the graph file and the ontology."""
        out = list(self.index.get(cls, {}).get(RDFS + "label", ()))
        concept = self.ontology.get(cls) if self.ontology is not None else None
        return out + [concept.label] if concept is not None else out

    def names(self, cls: str) -> list[str]:
        """Labels and synonyms of a class."""
        out = [o for p, objs in self.index.get(cls, {}).items() if p in _NAME_PREDICATES
               for o in objs]
        concept = self.ontology.get(cls) if self.ontology is not None else None
        if concept is not None:
            out += [concept.label, *concept.synonyms]
        return out

    def xrefs(self, cls: str) -> list[str]:
        out = list(self.index.get(cls, {}).get(_XREF, ()))
        concept = self.ontology.get(cls) if self.ontology is not None else None
        return out + list(concept.xrefs) if concept is not None else out

    def _parents(self, iri: str) -> list[str]:
        out = list(self.index.get(iri, {}).get(KG + "partOf", ()))
        return out + list(self.ontology.part_of(iri)) if self.ontology is not None else out

    def _codes(self, iri: str) -> list[str]:
        out = list(self.index.get(iri, {}).get(KG + "levelCode", ()))
        concept = self.ontology.get(iri) if self.ontology is not None else None
        return out + list(concept.level_codes) if concept is not None else out

    def level_codes(self, site: str) -> set[str]:
        """``site kg:partOf* / kg:levelCode`` codes."""
        seen, stack, codes = {site}, [site], set()
        while stack:
            node = stack.pop()
            codes.update(self._codes(node))
            for parent in self._parents(node):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return set(_split_levels(codes))


def _first(index: Index, s: str, p: str) -> str | None:
    values = index.get(s, {}).get(p)
    return sorted(values)[0] if values else None


def _item(index: Index, vocab: _Vocabulary, iri: str, with_levels: bool) -> GraphItem:
    """A graph finding or procedure with the names and CUIs of its classes."""
    classes = sorted(index.get(iri, {}).get(RDF + "type", ()))
    names = tuple(dict.fromkeys(n for c in classes for n in vocab.names(c)))
    labels = tuple(dict.fromkeys(n for c in classes for n in vocab.labels(c)))
    cuis = frozenset(umls_codes(x for c in classes for x in vocab.xrefs(c)))
    levels: set[str] = set()
    if with_levels:
        for site in index.get(iri, {}).get(KG + "site", ()):
            levels |= vocab.level_codes(site)
    mentions = sorted(index.get(iri, {}).get(KG + "evidence", ()),
                      key=lambda m: _integer(_first(index, m, OA + "start")) or 0)
    evidence = tuple(e for m in mentions if (e := _first(index, m, OA + "exact")))
    return GraphItem(iri=iri, names=names, cuis=cuis, labels=labels, evidence=evidence,
                     assertion=_ASSERTIONS.get(_first(index, iri, KG + "assertion") or ""),
                     laterality=_SIDES.get(_first(index, iri, KG + "laterality") or ""),
                     levels=frozenset(levels))


def _integer(value: str | None) -> int | None:
    """An integer literal's value; None when absent, not an integer, or absurdly long
    (a graph from elsewhere may hold anything)."""
    if value is None or len(value) > 30 or not re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return None
    return int(value)


def _is_true(index: Index, s: str, p: str) -> bool:
    return any(v.lower() in ("true", "1") for v in index.get(s, {}).get(p, ()))


def graph_cases(index: Index, ontology: Any = None) -> dict[str, GraphCase]:
    """Each case of the graph (by ``dcterms:identifier``) with its items."""
    vocab = _Vocabulary(index, ontology)
    out: dict[str, GraphCase] = {}
    for s in sorted(index):
        if KG + "Case" not in index[s].get(RDF + "type", ()):
            continue
        case_id = _first(index, s, DCTERMS + "identifier") or s.rsplit("/", 1)[-1]
        gc = GraphCase()
        gc.age = _integer(_first(index, s, KG + "patientAge"))
        gc.sex = _SEXES.get(_first(index, s, KG + "patientSex") or "")
        for f in sorted(index[s].get(KG + "hasFinding", ())):
            item = _item(index, vocab, f, with_levels=True)
            gc.findings.append(item)
            targets = sorted(index.get(f, {}).get(KG + "complicationOf", ()))
            gc.complications += [(f, p) for p in targets]
        for p in sorted(index[s].get(KG + "hasProcedure", ())):
            if not _is_true(index, p, KG + "planned"):
                gc.procedures.append(_item(index, vocab, p, with_levels=True))
        present = [f for f in gc.findings if f.assertion in (None, "present")]
        gc.levels = frozenset(c for it in (*present, *gc.procedures) for c in it.levels)
        out[case_id] = gc
    return out


# ---------------------------------------------------------------- matching


# A match of the gold label with a class label ranks above one through a synonym, so
# that a synonym shared by two concepts ("lung mass" for a Pancoast tumour) does not
# take the item the other concept names exactly.
SYNONYM_WEIGHT = 0.95


def item_score(gold: GoldItem, item: GraphItem) -> float:
    """How well a gold item matches a graph item: best over names and CUI.

    1.0 for the gold label equal to a class label or a shared UMLS CUI; 0.95 for an
    exact match through a synonym; below 0.9 for whole-word containment.
    """
    if gold.cui and umls_codes([gold.cui]) & item.cuis:
        return 1.0
    labels = set(item.labels)
    return max((name_score(g, n) * (1.0 if g == gold.label and n in labels else SYNONYM_WEIGHT)
                for g in gold.names for n in item.names), default=0.0)


def agreement(gold: GoldItem, item: GraphItem) -> int:
    """How many of assertion, laterality and levels a graph item shares with a gold item:
    the tie-break between graph items the names match equally well, so that of two
    "mass" items the one at the gold item's side and level is its pair (GUIDELINES.md
    rule 5: one item per concept per site).  Never decides between unequal names."""
    same_assertion = (item.assertion or "present") == gold.assertion
    same_side = gold.laterality is not None and item.laterality == gold.laterality
    shared_level = bool(_split_levels(gold.levels) & item.levels)
    return int(same_assertion) + int(same_side) + int(shared_level)


def align(gold: Sequence[GoldItem], items: Sequence[GraphItem]) -> dict[int, int]:
    """One-to-one gold index -> graph index, greedy by best score, then by
    :func:`agreement`, then gold order and graph IRI: deterministic.  The agreement
    tie-break never costs a pair: should it pair fewer items than the plain greedy pass
    (gold order, graph IRI), the plain pass is kept."""
    scores = {(gi, ii): s for gi, g in enumerate(gold) for ii, it in enumerate(items)
              if (s := item_score(g, it)) > 0}
    plain = _greedy(sorted(scores, key=lambda k: (-scores[k], k[0], items[k[1]].iri)))
    tied = _greedy(sorted(scores, key=lambda k: (-scores[k], -agreement(gold[k[0]], items[k[1]]),
                                                 k[0], items[k[1]].iri)))
    _augment(tied, scores, len(gold))
    return tied if len(tied) >= len(plain) else plain


def _greedy(order: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Take (gold, graph) pairs in ``order`` while both ends are free."""
    used_i: set[int] = set()
    out: dict[int, int] = {}
    for gi, ii in order:
        if gi not in out and ii not in used_i:
            out[gi] = ii
            used_i.add(ii)
    return out


def _augment(out: dict[int, int], scores: dict[tuple[int, int], float], n_gold: int) -> None:
    """Pair a gold item the greedy pass left alone when the graph item it matches went to
    a gold item that can move to another graph item it matches exactly as well (a tie
    broken the unlucky way); no paired gold item ever gets a worse-scored partner."""
    owner = {ii: gi for gi, ii in out.items()}
    options: dict[int, list[int]] = defaultdict(list)
    for gi, ii in sorted(scores, key=lambda k: (-scores[k], k)):
        options[gi].append(ii)

    def free(gi: int, seen: set[int], need: float | None) -> bool:
        for ii in options[gi]:
            if ii in seen or (need is not None and scores[(gi, ii)] != need):
                continue
            seen.add(ii)
            holder = owner.get(ii)
            if holder is None or free(holder, seen, scores[(holder, ii)]):
                owner[ii] = gi
                out[gi] = ii
                return True
        return False

    for gi in range(n_gold):
        if gi not in out:
            free(gi, set(), None)


# ---------------------------------------------------------------- metrics


@dataclass
class PRF:
    """True positives, false positives, false negatives; P/R/F1 from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        d = self.tp + self.fp
        return self.tp / d if d else (1.0 if self.fn == 0 else 0.0)

    @property
    def recall(self) -> float:
        d = self.tp + self.fn
        return self.tp / d if d else (1.0 if self.fp == 0 else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: PRF) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None

    def add(self, other: Accuracy) -> None:
        self.correct += other.correct
        self.total += other.total

    def as_dict(self) -> dict[str, float | int | None]:
        v = self.value
        return {"correct": self.correct, "total": self.total,
                "accuracy": None if v is None else round(v, 4)}


PRF_METRICS = ("findings", "procedures", "complications", "levels")
ACC_METRICS = ("assertion", "absent_recall", "laterality", "age", "sex")


@dataclass
class CaseScore:
    id: str
    in_graph: bool
    prf: dict[str, PRF] = field(default_factory=lambda: {m: PRF() for m in PRF_METRICS})
    acc: dict[str, Accuracy] = field(default_factory=lambda: {m: Accuracy() for m in ACC_METRICS})
    # "findings"/"procedures" -> "matched"/"false_positive"/"missed" -> readable entries
    items: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)


@dataclass
class EvalReport:
    cases: list[CaseScore]
    overall: CaseScore
    worst: list[str]

    def to_dict(self, items: bool = False) -> dict[str, Any]:
        """The report as JSON-ready data; ``items`` adds each case's matched,
        false-positive and missed findings and procedures."""
        def one(c: CaseScore) -> dict[str, Any]:
            out = {"id": c.id, "in_graph": c.in_graph,
                   **{m: v.as_dict() for m, v in c.prf.items()},
                   **{m: v.as_dict() for m, v in c.acc.items()}}
            if items and c.items:
                out["items"] = c.items
            return out
        return {"overall": one(self.overall), "worst": self.worst,
                "cases": [one(c) for c in self.cases]}


def _set_prf(gold: Iterable[Any], pred: Iterable[Any]) -> PRF:
    g, p = set(gold), set(pred)
    return PRF(tp=len(g & p), fp=len(p - g), fn=len(g - p))


def _complications(gold: GoldCase, gc: GraphCase, f_align: dict[int, int],
                   p_align: dict[int, int]) -> PRF:
    """Pairs (finding, procedure): a graph pair counts when both ends are aligned to
    gold items whose labels form a gold pair (multiset intersection)."""
    f_label = {gc.findings[ii].iri: gold.findings[gi].label for gi, ii in f_align.items()}
    p_label = {gc.procedures[ii].iri: gold.procedures[gi].label for gi, ii in p_align.items()}
    remaining = list(gold.complications)
    tp = 0
    for f, p in gc.complications:
        pair = (f_label.get(f), p_label.get(p))
        if pair in remaining:
            remaining.remove(pair)
            tp += 1
    return PRF(tp=tp, fp=len(gc.complications) - tp, fn=len(remaining))


def _gold_entry(g: GoldItem) -> dict[str, Any]:
    return {"label": g.label, "assertion": g.assertion, "laterality": g.laterality,
            "levels": list(g.levels)}


def _graph_entry(it: GraphItem) -> dict[str, Any]:
    return {"iri": it.iri, "labels": list(it.labels), "assertion": it.assertion,
            "laterality": it.laterality, "levels": sorted(it.levels),
            "evidence": list(it.evidence)}


def _item_lists(gold: Sequence[GoldItem], items: Sequence[GraphItem],
                aligned: dict[int, int]) -> dict[str, list[dict[str, Any]]]:
    """Matched pairs, unmatched graph items and unmatched gold items of one kind."""
    used = set(aligned.values())
    return {"matched": [{"gold": _gold_entry(gold[gi]), "graph": _graph_entry(items[ii])}
                        for gi, ii in sorted(aligned.items())],
            "false_positive": [_graph_entry(it) for ii, it in enumerate(items) if ii not in used],
            "missed": [_gold_entry(g) for gi, g in enumerate(gold) if gi not in aligned]}


def score_case(gold: GoldCase, gc: GraphCase | None) -> CaseScore:
    """Every metric for one case; a case missing from the graph scores as empty."""
    cs = CaseScore(gold.id, in_graph=gc is not None)
    gc = gc or GraphCase()
    f_align = align(gold.findings, gc.findings)
    p_align = align(gold.procedures, gc.procedures)
    cs.prf["findings"] = PRF(len(f_align), len(gc.findings) - len(f_align),
                             len(gold.findings) - len(f_align))
    cs.prf["procedures"] = PRF(len(p_align), len(gc.procedures) - len(p_align),
                               len(gold.procedures) - len(p_align))
    cs.prf["complications"] = _complications(gold, gc, f_align, p_align)
    cs.items = {"findings": _item_lists(gold.findings, gc.findings, f_align),
                "procedures": _item_lists(gold.procedures, gc.procedures, p_align)}
    cs.prf["levels"] = _set_prf(gold.levels, gc.levels)
    for gi, ii in f_align.items():
        g, it = gold.findings[gi], gc.findings[ii]
        cs.acc["assertion"].add(Accuracy(int((it.assertion or "present") == g.assertion), 1))
        if g.laterality:
            cs.acc["laterality"].add(Accuracy(int(it.laterality == g.laterality), 1))
    absent = [gi for gi, g in enumerate(gold.findings) if g.assertion == "absent"]
    cs.acc["absent_recall"] = Accuracy(
        sum(1 for gi in absent if gi in f_align and gc.findings[f_align[gi]].assertion == "absent"),
        len(absent))
    cs.acc["age"] = Accuracy(int(gc.age == gold.age), 1)
    cs.acc["sex"] = Accuracy(int(gc.sex == gold.sex), 1)
    return cs


def score(gold: Sequence[GoldCase], graph: dict[str, GraphCase], n_worst: int = 5) -> EvalReport:
    """Per-case scores, their micro sums and the ``n_worst`` cases by findings F1."""
    cases = [score_case(g, graph.get(g.id)) for g in gold]
    overall = CaseScore("overall", in_graph=all(c.in_graph for c in cases))
    for c in cases:
        for m in PRF_METRICS:
            overall.prf[m].add(c.prf[m])
        for m in ACC_METRICS:
            overall.acc[m].add(c.acc[m])
    worst = sorted(cases, key=lambda c: (c.prf["findings"].f1, c.id))[:n_worst]
    return EvalReport(cases=cases, overall=overall, worst=[c.id for c in worst])


def _ontology(ontology: Any) -> Any:
    if ontology is not _DEFAULT:
        return ontology
    from kg.errors import OntologyError
    from kg.ontology import load_ontology

    try:
        return load_ontology()
    except OntologyError as exc:
        log.warning("scoring without the shipped ontology: %s", exc)
        return None


def evaluate(gold_path: Path, graph_path: Path, ontology: Any = _DEFAULT) -> EvalReport:
    """Score the graph at ``graph_path`` against the gold file at ``gold_path``.

    Class names and xrefs come from the graph file and from ``ontology`` (by default
    the shipped one; ``None`` to use the graph file alone).
    """
    gold = load_gold(Path(gold_path))
    graph = graph_cases(read_graph(Path(graph_path)), _ontology(ontology))
    missing = [g.id for g in gold if g.id not in graph]
    if missing:
        log.warning("%d gold case(s) not in the graph, scored as empty: %s", len(missing),
                    ", ".join(missing[:10]))
    return score(gold, graph)


# ---------------------------------------------------------------- output


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _row(c: CaseScore) -> list[str]:
    return [c.id + ("" if c.in_graph else " (missing)"),
            *(_pct(c.prf[m].f1) for m in ("findings", "procedures", "complications", "levels")),
            *(_pct(c.acc[m].value) for m in ("assertion", "absent_recall", "laterality")),
            f"{c.prf['findings'].tp}/{c.prf['findings'].fp}/{c.prf['findings'].fn}"]


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*header), "  ".join("-" * w for w in widths)]
    return "\n".join(lines + [fmt.format(*r) for r in rows])


def format_report(report: EvalReport) -> str:
    """The overall table, the per-case table and the worst cases, as aligned text."""
    o = report.overall
    overall_rows = [[m, _pct(o.prf[m].precision), _pct(o.prf[m].recall), _pct(o.prf[m].f1),
                     f"{o.prf[m].tp}/{o.prf[m].fp}/{o.prf[m].fn}"] for m in PRF_METRICS]
    overall_rows += [[m, "", "", _pct(o.acc[m].value), f"{o.acc[m].correct}/{o.acc[m].total}"]
                     for m in ACC_METRICS]
    header = ["case", "find F1", "proc F1", "compl F1", "levels F1", "assert", "absent R",
              "lat", "find tp/fp/fn"]
    worst = [_row(c) for i in report.worst for c in report.cases if c.id == i]
    return "\n\n".join([
        f"Overall (micro, {len(report.cases)} cases)\n"
        + _table(["metric", "P", "R", "F1/acc", "tp/fp/fn or ok/n"], overall_rows),
        "Per case\n" + _table(header, [_row(c) for c in report.cases]),
        f"Worst {len(worst)} cases by findings F1\n" + _table(header, worst),
    ])


def _build(cases: Sequence[str | Path]) -> Path:
    """Build a graph from ``cases`` into a temporary N-Triples file."""
    from kg.pipeline import build_file

    out = Path(tempfile.mkdtemp(prefix="kg-eval-")) / "graph.nt"
    build_file(list(cases), out)
    return out


def run(gold: str | Path, cases: Sequence[str | Path], graph: str | Path | None = None,
        as_json: bool = False, items: bool = False) -> str:
    """Build (or read) the graph, score it, and return the formatted report
    (``items``: with ``as_json``, list each case's matched / false-positive / missed items)."""
    if graph is None:
        if not cases:
            raise InputError("nothing to score", hint="give case files or --graph")
        graph = _build(cases)
    report = evaluate(Path(gold), Path(graph))
    if as_json:
        return json.dumps(report.to_dict(items=items), indent=2)
    return format_report(report)


def main(gold: str | Path, cases: Sequence[str | Path], graph: str | Path | None = None,
         as_json: bool = False, items: bool = False) -> int:
    """``kg eval --gold GOLD CASES... [--graph G] [--json [--items]]``: print the report;
    the exit code."""
    print(run(gold, cases, graph, as_json=as_json, items=items))
    return EXIT_OK


if __name__ == "__main__":  # python -m kg.eval --gold G [--graph X] [--json] CASES...
    import argparse

    ap = argparse.ArgumentParser(prog="python -m kg.eval")
    ap.add_argument("--gold", required=True)
    ap.add_argument("--graph")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--items", action="store_true",
                    help="with --json: matched / false-positive / missed items per case")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    raise SystemExit(main(a.gold, a.cases, a.graph, as_json=a.json, items=a.items))
