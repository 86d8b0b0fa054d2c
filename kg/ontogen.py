"""Compile the CaseKG ontology: source tables (+ generated spine anatomy) -> Turtle and OWL.

Run as ``python -m kg.ontogen`` (``make ontology``).  Reads ``ontologies/src/*.tsv``
(format in docs/ARCHITECTURE.md), generates the per-level vertebral anatomy in code
(:func:`generate_spine`), checks the whole table, and writes

* ``ontologies/casekg.ttl``: sorted, deterministic Turtle with plain ``rdfs:subClassOf``
  and ``kg:partOf`` triples (what the runtime loader and SPARQL property paths read);
* ``ontologies/casekg.owl``: RDF/XML written through owlready2 (what Protégé and HermiT
  read), with subclass axioms and ``kg:partOf some X`` restrictions.

Same inputs, same bytes: every collection is sorted before it is written.
"""

from __future__ import annotations

import csv
import logging
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import OntologyError
from kg.namespaces import DCTERMS, KG, OA, OBOINOWL, OWL, RDF, RDFS, SKOS, XSD

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
ONTO_DIR = ROOT / "ontologies"
SRC_DIR = ONTO_DIR / "src"
ONTOLOGY_IRI = KG.rstrip("#")

COLUMNS = (
    "id", "label", "parents", "synonyms", "xrefs", "xref_source",
    "definition", "part_of", "implied_site", "treats",
)
# the four branches every concept sits under exactly one of
BRANCHES = ("Finding", "Procedure", "AnatomicalEntity", "ImagingModality")
# core classes that are not concepts (no branch needed)
NON_CONCEPTS = frozenset({
    "Case", "Mention", "Finding", "Procedure", "AnatomicalEntity", "ImagingModality",
    "AssertionValue", "Laterality", "Severity", "Sex",
})

XREF_PATTERNS: dict[str, re.Pattern[str]] = {
    "UMLS": re.compile(r"C\d{7}"),
    "RADLEX": re.compile(r"RID\d+"),
    "SNOMEDCT": re.compile(r"\d{6,18}"),
    "FMA": re.compile(r"\d+"),
    "UBERON": re.compile(r"\d{7}"),
    "HP": re.compile(r"\d{7}"),
    "MONDO": re.compile(r"\d{7}"),
    "NCIT": re.compile(r"C\d+"),
    "MESH": re.compile(r"[A-Z]\d{6,9}"),
    "DOID": re.compile(r"\d+"),
    "MAXO": re.compile(r"\d{7}"),
}
ID_RE = re.compile(r"[A-Z][A-Za-z0-9]*")


@dataclass
class OntoClass:
    """One class of the compiled ontology, from a table row or generated."""

    id: str
    label: str
    parents: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    xrefs: list[str] = field(default_factory=list)
    xref_source: str = ""
    definition: str = ""
    part_of: list[str] = field(default_factory=list)
    implied_site: list[str] = field(default_factory=list)
    treats: list[str] = field(default_factory=list)
    level_codes: list[str] = field(default_factory=list)
    generated: bool = False
    origin: str = ""  # file:line or "generated"


# --------------------------------------------------------------------- properties

@dataclass(frozen=True)
class PropertyDecl:
    """A property of MODEL.md / ARCHITECTURE.md, declared in the ontology."""

    id: str
    kind: str  # "object" | "datatype" | "annotation"
    label: str
    comment: str
    transitive: bool = False


PROPERTIES: tuple[PropertyDecl, ...] = (
    PropertyDecl("hasFinding", "object", "has finding", "A case to a finding reported in it."),
    PropertyDecl("hasProcedure", "object", "has procedure", "A case to a procedure in it."),
    PropertyDecl("site", "object", "site", "A finding or procedure to the anatomy class it is at."),
    PropertyDecl("assertion", "object", "assertion", "Present, absent or possible."),
    PropertyDecl("laterality", "object", "laterality", "Left, right or bilateral, when stated."),
    PropertyDecl("severity", "object", "severity", "Minimal, mild, moderate or severe."),
    PropertyDecl("observedWith", "object", "observed with", "The imaging modality that showed it."),
    PropertyDecl("observedBefore", "object", "observed before", "Seen before this procedure."),
    PropertyDecl("observedAfter", "object", "observed after", "Seen after this procedure."),
    PropertyDecl("complicationOf", "object", "complication of",
                 "A finding to the procedure it followed from."),
    PropertyDecl("treats", "object", "treats", "A procedure to the finding it treated."),
    PropertyDecl("causedBy", "object", "caused by", "A finding to the finding that caused it."),
    PropertyDecl("resolvedBy", "object", "resolved by",
                 "A finding to the procedure after which it resolved."),
    PropertyDecl("evidence", "object", "evidence", "A finding or procedure to its text mention."),
    PropertyDecl("patientSex", "object", "patient sex", "kg:Female or kg:Male."),
    PropertyDecl("partOf", "object", "part of",
                 "Anatomical parthood between classes (L5 pedicle part of L5 vertebra).",
                 transitive=True),
    PropertyDecl("stepOf", "object", "step of",
                 "A procedure step (balloon inflation, cement injection) to its procedure."),
    PropertyDecl("differentialDiagnosis", "object", "differential diagnosis",
                 "A case to a concept class named in its differential."),
    PropertyDecl("sequence", "datatype", "sequence", "Order in the patient's timeline."),
    PropertyDecl("patientAge", "datatype", "patient age", "Age in years (xsd:integer)."),
    PropertyDecl("text", "datatype", "text", "The whole case text; offsets index into it."),
    PropertyDecl("keyword", "datatype", "keyword", "One input keyword of the case."),
    PropertyDecl("section", "datatype", "section", "The section heading a mention is under."),
    PropertyDecl("size", "datatype", "size", "A measurement with its unit, e.g. \"2.3 cm\"."),
    PropertyDecl("levelCode", "datatype", "level code",
                 "Canonical vertebral level code of an anatomy class (\"L5\")."),
    PropertyDecl("historical", "datatype", "historical",
                 "True for findings/procedures before this presentation."),
    PropertyDecl("planned", "datatype", "planned", "True for recommended or planned procedures."),
    PropertyDecl("rule", "datatype", "rule", "The extraction rule that produced a mention."),
    PropertyDecl("unlinkedPhrase", "datatype", "unlinked phrase",
                 "A keyword phrase no concept covered."),
    PropertyDecl("impliedSite", "annotation", "implied site",
                 "A finding class's usual anatomy (IntrathecalCementLeakage -> IntrathecalSpace)."),
    PropertyDecl("treatmentFor", "annotation", "treatment for",
                 "A procedure class's target finding classes."),
)

# named individual -> (type, label)
INDIVIDUALS: dict[str, tuple[str, str]] = {
    "Present": ("AssertionValue", "present"),
    "Absent": ("AssertionValue", "absent"),
    "Possible": ("AssertionValue", "possible"),
    "Left": ("Laterality", "left"),
    "Right": ("Laterality", "right"),
    "Bilateral": ("Laterality", "bilateral"),
    "Minimal": ("Severity", "minimal"),
    "Mild": ("Severity", "mild"),
    "Moderate": ("Severity", "moderate"),
    "Severe": ("Severity", "severe"),
    "Female": ("Sex", "female"),
    "Male": ("Sex", "male"),
}


# --------------------------------------------------------------------- reading

def _split(cell: str) -> list[str]:
    """Split a ``|``-separated cell into stripped, non-empty items."""
    return [item.strip() for item in cell.split("|") if item.strip()]


def read_table(path: Path) -> list[OntoClass]:
    """Read one source table; a missing column or bad row is an :class:`OntologyError`."""
    rows: list[OntoClass] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise OntologyError(f"{path.name}: missing columns {', '.join(missing)}")
        for lineno, row in enumerate(reader, start=2):
            if not (row.get("id") or "").strip() or row["id"].startswith("#"):
                continue
            rows.append(_row_to_class(row, f"{path.name}:{lineno}"))
    return rows


def _row_to_class(row: dict[str, str | None], origin: str) -> OntoClass:
    """One table row as an :class:`OntoClass`."""
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    if not cell("label"):
        raise OntologyError(f"{origin}: row {cell('id')!r} has no label")
    return OntoClass(
        id=cell("id"), label=cell("label"), parents=_split(cell("parents")),
        synonyms=_split(cell("synonyms")), xrefs=_split(cell("xrefs")),
        xref_source=cell("xref_source"), definition=cell("definition"),
        part_of=_split(cell("part_of")), implied_site=_split(cell("implied_site")),
        treats=_split(cell("treats")), origin=origin,
    )


def read_sources(src_dir: Path = SRC_DIR) -> list[OntoClass]:
    """Every hand-curated row of every ``*.tsv`` in ``src_dir``, files in name order.

    ``level-xrefs.tsv`` is not a class table: it adds xrefs to generated classes.
    """
    rows: list[OntoClass] = []
    for path in sorted(src_dir.glob("*.tsv")):
        if path.name == "level-xrefs.tsv":
            continue
        rows.extend(read_table(path))
    return rows


def read_level_xrefs(src_dir: Path = SRC_DIR) -> dict[str, tuple[list[str], str]]:
    """Xrefs for generated per-level classes: id -> (xrefs, source)."""
    path = src_dir / "level-xrefs.tsv"
    out: dict[str, tuple[list[str], str]] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            out[row["id"].strip()] = (_split(row["xrefs"]), row["xref_source"].strip())
    return out


# --------------------------------------------------------------------- checking

def check_xref(xref: str) -> bool:
    """True when ``PREFIX:local`` has a known prefix and a well-formed local id."""
    prefix, _, local = xref.partition(":")
    pattern = XREF_PATTERNS.get(prefix)
    return bool(pattern and pattern.fullmatch(local))


def check(classes: dict[str, OntoClass]) -> None:
    """Raise :class:`OntologyError` on a dangling reference, bad id/xref or branch problem."""
    problems: list[str] = []
    for c in classes.values():
        if not ID_RE.fullmatch(c.id):
            problems.append(f"{c.origin}: bad id {c.id!r}")
        for ref_list, what in ((c.parents, "parent"), (c.part_of, "part_of"),
                               (c.implied_site, "implied_site"), (c.treats, "treats")):
            problems += [f"{c.origin}: {c.id}: unknown {what} {r!r}"
                         for r in ref_list if r not in classes]
        problems += [f"{c.origin}: {c.id}: malformed xref {x!r}"
                     for x in c.xrefs if not check_xref(x)]
        if c.xrefs and not c.xref_source:
            problems.append(f"{c.origin}: {c.id}: xrefs without xref_source")
    if problems:
        raise OntologyError("; ".join(problems[:20]),
                            hint=f"{len(problems)} problem(s) in ontologies/src")
    for c in classes.values():
        if c.id in NON_CONCEPTS:
            continue
        roots = branches_of(c.id, classes)
        if len(roots) != 1:
            problems.append(f"{c.origin}: {c.id} is under {sorted(roots) or 'no branch'}")
    if problems:
        raise OntologyError("; ".join(problems[:20]),
                            hint="each concept sits under exactly one of " + ", ".join(BRANCHES))


def name_clashes(classes: dict[str, OntoClass]) -> dict[str, list[str]]:
    """Names (label or synonym, case- and hyphen-folded) that more than one class uses."""
    owners: dict[str, set[str]] = {}
    for c in classes.values():
        for name in (c.label, *c.synonyms):
            key = " ".join(name.casefold().replace("-", " ").split())
            owners.setdefault(key, set()).add(c.id)
    return {k: sorted(v) for k, v in sorted(owners.items()) if len(v) > 1}


def ancestors(cid: str, classes: dict[str, OntoClass]) -> set[str]:
    """All named superclasses of ``cid`` (not including itself)."""
    seen: set[str] = set()
    stack = list(classes[cid].parents)
    while stack:
        p = stack.pop()
        if p not in seen:
            seen.add(p)
            stack.extend(classes[p].parents)
    return seen


def branches_of(cid: str, classes: dict[str, OntoClass]) -> set[str]:
    """Which of the four branch roots ``cid`` is under."""
    return {b for b in BRANCHES if b in ancestors(cid, classes) or b == cid}


# --------------------------------------------------------------------- assembling

def build_classes(src_dir: Path = SRC_DIR) -> dict[str, OntoClass]:
    """Hand-curated rows plus generated spine anatomy, checked; id -> class."""
    classes: dict[str, OntoClass] = {}
    for c in read_sources(src_dir) + generate_spine():
        if c.id in classes:
            raise OntologyError(f"{c.origin}: duplicate id {c.id} (also {classes[c.id].origin})")
        classes[c.id] = c
    for cid, (xrefs, source) in read_level_xrefs(src_dir).items():
        if cid not in classes:
            raise OntologyError(f"level-xrefs.tsv: unknown id {cid}")
        target = classes[cid]
        target.xrefs = sorted(set(target.xrefs) | set(xrefs))
        target.xref_source = "; ".join(s for s in (target.xref_source, source) if s)
    check(classes)
    return classes


# --------------------------------------------------------------------- generated spine

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth", "eleventh", "twelfth")
# region letter -> (number of levels, region word, vertebra class, region class)
REGIONS: dict[str, tuple[int, str, str, str]] = {
    "C": (7, "cervical", "CervicalVertebra", "CervicalSpine"),
    "T": (12, "thoracic", "ThoracicVertebra", "ThoracicSpine"),
    "L": (5, "lumbar", "LumbarVertebra", "LumbarSpine"),
    "S": (5, "sacral", "SacralVertebra", "Sacrum"),
}
# part suffix (= generic class id) -> (label after the level, extra synonym templates)
PARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "VertebralBody": ("vertebral body", ("body of {L}", "{L} body", "body of the {L} vertebra")),
    "VertebralArch": ("vertebral arch", ("{L} posterior arch", "posterior elements of {L}")),
    "Pedicle": ("pedicle", ("pedicle of {L}", "{L} pedicle")),
    "Lamina": ("lamina", ("lamina of {L}", "{L} lamina")),
    "ParsInterarticularis": ("pars interarticularis", ("{L} pars", "pars interarticularis of {L}")),
    "SpinousProcess": ("spinous process", ("spinous process of {L}",)),
    "TransverseProcess": ("transverse process", ("transverse process of {L}",)),
    "SuperiorArticularProcess": ("superior articular process",
                                 ("superior articular process of {L}", "{L} superior facet")),
    "InferiorArticularProcess": ("inferior articular process",
                                 ("inferior articular process of {L}", "{L} inferior facet")),
    "SuperiorEndplate": ("superior endplate", ("superior endplate of {L}",)),
    "InferiorEndplate": ("inferior endplate", ("inferior endplate of {L}",)),
    "SpinalCanal": ("spinal canal", ("spinal canal at {L}", "central canal at {L}")),
    "EpiduralSpace": ("epidural space", ("epidural space at {L}",)),
    "IntrathecalSpace": ("intrathecal space", ("intrathecal space at {L}", "thecal sac at {L}")),
    "NeuralForamen": ("neural foramen", ("{L} foramen", "{L} intervertebral foramen")),
    "NerveRoot": ("nerve root", ("{L} root", "{L} nerve")),
    "BasivertebralVein": ("basivertebral vein", ("basivertebral vein of {L}",)),
}
_ALL_PARTS = frozenset(PARTS)
_SACRAL_LOWER = frozenset({"VertebralBody", "SpinalCanal", "EpiduralSpace", "NeuralForamen",
                           "NerveRoot"})
# anatomical exceptions: which parts a level has (default: all)
LEVEL_PARTS: dict[str, frozenset[str]] = {
    # the atlas has no body, endplates, spinous process, pars or true pedicles
    "C1": frozenset({"VertebralArch", "Lamina", "TransverseProcess", "SuperiorArticularProcess",
                     "InferiorArticularProcess", "SpinalCanal", "EpiduralSpace",
                     "IntrathecalSpace", "NeuralForamen", "NerveRoot"}),
    # the axis has the dens where a superior endplate would be
    "C2": _ALL_PARTS - {"SuperiorEndplate"},
    # S1 is fused below: no inferior articular process, endplate or spinous process
    "S1": frozenset({"VertebralBody", "SuperiorEndplate", "Pedicle", "Lamina",
                     "SuperiorArticularProcess", "SpinalCanal", "EpiduralSpace",
                     "IntrathecalSpace", "NeuralForamen", "NerveRoot"}),
    # the thecal sac usually ends at S2
    "S2": _SACRAL_LOWER | {"IntrathecalSpace"},
    "S3": _SACRAL_LOWER, "S4": _SACRAL_LOWER, "S5": _SACRAL_LOWER,
}
# level codes whose lower-case form is not a synonym: "t1"/"t2" in a lower-cased keyword are
# as likely the MRI weightings (T1-/T2-weighted) as the vertebrae
LOWERCASE_AMBIGUOUS = frozenset({"T1", "T2"})
JUNCTIONS: dict[str, str] = {"C7T1": "CervicothoracicJunction",
                             "T12L1": "ThoracolumbarJunction", "L5S1": "LumbosacralJunction"}


def spine_levels() -> list[str]:
    """C1 … C7, T1 … T12, L1 … L5, S1 … S5 in craniocaudal order."""
    return [f"{r}{n}" for r, (count, *_rest) in REGIONS.items() for n in range(1, count + 1)]


def _gen(cid: str, label: str, **kw: object) -> OntoClass:
    """A generated class."""
    return OntoClass(id=cid, label=label, generated=True, origin="generated", **kw)  # type: ignore[arg-type]


def _vertebra(level: str) -> OntoClass:
    """``kg:L5Vertebra`` with its synonyms, level code and region."""
    region, n = level[0], int(level[1:])
    _count, word, vclass, rclass = REGIONS[region]
    ordinal = ORDINALS[n - 1]
    syns = [level, f"{ordinal} {word} vertebra", f"{word} vertebra {n}", f"{level} vertebral level"]
    if level not in LOWERCASE_AMBIGUOUS:  # keyword lists and some notes are lower-cased
        syns.append(level.lower())
    if region == "S":
        syns += [f"{ordinal} sacral segment", f"{level} segment"]
    syns += {"C1": ["atlas", "atlas vertebra"], "C2": ["axis vertebra"]}.get(level, [])
    return _gen(f"{level}Vertebra", f"{level} vertebra", parents=[vclass], synonyms=syns,
                part_of=[rclass], level_codes=[level])


def _parts(level: str) -> list[OntoClass]:
    """The generated parts of one vertebra (body, pedicle, … nerve root)."""
    out = []
    for part in sorted(LEVEL_PARTS.get(level, _ALL_PARTS)):
        label, templates = PARTS[part]
        syns = [t.format(L=level) for t in templates]
        out.append(_gen(f"{level}{part}", f"{level} {label}", parents=[part], synonyms=syns,
                        part_of=[f"{level}Vertebra"], level_codes=[level]))
    if level == "C2":
        out.append(_gen("C2Dens", "C2 dens", parents=["Dens"],
                        synonyms=["dens of C2", "C2 odontoid process", "odontoid process of C2"],
                        part_of=["C2Vertebra"], level_codes=["C2"]))
    return out


def _pair_synonyms(a: str, b: str, noun: str) -> list[str]:
    """``L4-L5 disc``, ``L4-5 disc``, ``L4/L5 disc``, ``L4/5 disc`` … for a level pair."""
    short = b[1:] if a[0] == b[0] else b
    return sorted({f"{a}-{b} {noun}", f"{a}-{short} {noun}", f"{a}/{b} {noun}",
                   f"{a}/{short} {noun}"})


def _joints(a: str, b: str) -> list[OntoClass]:
    """The intervertebral disc and the facet joint between levels ``a`` and ``b``."""
    _count, word, _v, rclass = REGIONS[a[0]]
    part_of = [rclass] + ([JUNCTIONS[a + b]] if a + b in JUNCTIONS else [])
    disc_syns = (_pair_synonyms(a, b, "disc") + _pair_synonyms(a, b, "intervertebral disc")
                 + _pair_synonyms(a, b, "disc space") + _pair_synonyms(a, b, "disc level")
                 + [f"{a}/{b} {word} intervertebral disc"])
    facet_syns = (_pair_synonyms(a, b, "facet") + _pair_synonyms(a, b, "facet joint")
                  + _pair_synonyms(a, b, "zygapophyseal joint"))
    return [
        _gen(f"{a}{b}IntervertebralDisc", f"{a}-{b} intervertebral disc",
             parents=[f"{word.capitalize()}IntervertebralDisc"], synonyms=disc_syns,
             part_of=part_of, level_codes=[a, b]),
        _gen(f"{a}{b}FacetJoint", f"{a}-{b} facet joint", parents=["FacetJoint"],
             synonyms=facet_syns, part_of=part_of, level_codes=[a, b]),
    ]


def _cord_segments() -> list[OntoClass]:
    """Spinal cord segments C1–C8, T1–T12, L1–L5, S1–S5 (C8 has no vertebra)."""
    out = []
    counts = {"C": 8, "T": 12, "L": 5, "S": 5}
    for region, count in counts.items():
        word = REGIONS[region][1]
        for n in range(1, count + 1):
            seg = f"{region}{n}"
            out.append(_gen(f"{seg}SpinalCordSegment", f"{seg} spinal cord segment",
                            parents=[f"{word.capitalize()}SpinalCordSegment"],
                            synonyms=[f"{seg} segment of spinal cord", f"{seg} cord segment",
                                      f"{ORDINALS[n - 1]} {word} spinal cord segment"],
                            part_of=[f"{word.capitalize()}SpinalCord"], level_codes=[seg]))
    return out


_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


def _ribs() -> list[OntoClass]:
    """Ribs 1–12 and their costovertebral joints with T1–T12."""
    out = []
    for n in range(1, 13):
        ordinal = ORDINALS[n - 1]
        out.append(_gen(f"Rib{n}", f"rib {n}", parents=["Rib"],
                        synonyms=[f"{ordinal} rib", f"{n}{_SUFFIX.get(n, 'th')} rib"],
                        part_of=["RibCage"]))
        out.append(_gen(f"T{n}CostovertebralJoint", f"T{n} costovertebral joint",
                        parents=["CostovertebralJoint"],
                        synonyms=[f"{ordinal} costovertebral joint"],
                        part_of=["ThoracicSpine"], level_codes=[f"T{n}"]))
    return out


def generate_spine() -> list[OntoClass]:
    """Every generated per-level class, in a fixed order."""
    levels = spine_levels()
    out: list[OntoClass] = []
    for level in levels:
        out.append(_vertebra(level))
        out.extend(_parts(level))
    presacral = levels[1:levels.index("S1") + 1]  # C2 … S1
    for a, b in zip(presacral, presacral[1:], strict=False):
        out.extend(_joints(a, b))
    out.append(_gen("Coccyx", "coccyx", parents=["Vertebra"],
                    synonyms=["coccygeal vertebrae", "tailbone", "coccygeal spine"],
                    part_of=["VertebralColumn"], level_codes=["Co"]))
    return out + _cord_segments() + _ribs()

# --------------------------------------------------------------------- Turtle

_PREFIX_LINES = (
    ("kg", KG), ("dcterms", DCTERMS), ("oa", OA), ("oboInOwl", OBOINOWL), ("owl", OWL),
    ("rdf", RDF), ("rdfs", RDFS), ("skos", SKOS), ("xsd", XSD),
)


def _lit(text: str) -> str:
    """A Turtle string literal."""
    esc = (text.replace("\\", "\\\\").replace('"', '\\"')
           .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{esc}"'


def _subject_block(subject: str, pairs: list[tuple[str, str]]) -> str:
    """``subject p1 o1 ; p2 o2 .`` with one predicate-object pair per line."""
    body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
    return f"{subject} {body} .\n"


def _synonyms(c: OntoClass) -> list[str]:
    """Sorted distinct synonyms, without those that only repeat the label."""
    return sorted({s for s in c.synonyms if s.casefold() != c.label.casefold()})


def _class_pairs(c: OntoClass, disjoint: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The predicate-object pairs of one class, in a fixed order."""
    pairs: list[tuple[str, str]] = [("a", "owl:Class"), ("rdfs:label", _lit(c.label))]
    pairs += [("skos:altLabel", _lit(s)) for s in _synonyms(c)]
    if c.definition:
        pairs.append(("skos:definition", _lit(c.definition)))
    pairs += [("rdfs:subClassOf", f"kg:{p}") for p in sorted(set(c.parents))]
    pairs += [("owl:disjointWith", f"kg:{d}") for d in disjoint.get(c.id, [])]
    pairs += [("kg:partOf", f"kg:{p}") for p in sorted(set(c.part_of))]
    pairs += [("kg:levelCode", _lit(code)) for code in sorted(set(c.level_codes))]
    pairs += [("kg:impliedSite", f"kg:{s}") for s in sorted(set(c.implied_site))]
    pairs += [("kg:treatmentFor", f"kg:{t}") for t in sorted(set(c.treats))]
    pairs += [("oboInOwl:hasDbXref", _lit(x)) for x in sorted(set(c.xrefs))]
    if c.xref_source:
        pairs.append(("dcterms:source", _lit(c.xref_source)))
    return pairs


def disjoint_pairs() -> dict[str, list[str]]:
    """Pairwise disjointness of the four branches: class -> later branches."""
    return {b: [f for f in BRANCHES[i + 1:]] for i, b in enumerate(BRANCHES)}


def to_turtle(classes: dict[str, OntoClass]) -> str:
    """The whole ontology as deterministic Turtle."""
    out = [f"@prefix {p}: <{iri}> .\n" for p, iri in _PREFIX_LINES]
    out.append("\n")
    out.append(_subject_block(f"<{ONTOLOGY_IRI}>", [
        ("a", "owl:Ontology"),
        ("rdfs:label", _lit("CaseKG ontology: spine imaging, spinal procedures and their "
                            "complications")),
        ("dcterms:license", "<https://opensource.org/licenses/MIT>"),
    ]))
    kinds = {"object": "owl:ObjectProperty", "datatype": "owl:DatatypeProperty",
             "annotation": "owl:AnnotationProperty"}
    for prop in sorted(PROPERTIES, key=lambda p: p.id):
        types = [("a", kinds[prop.kind])]
        if prop.transitive:
            types.append(("a", "owl:TransitiveProperty"))
        out.append("\n" + _subject_block(
            f"kg:{prop.id}",
            types + [("rdfs:label", _lit(prop.label)), ("rdfs:comment", _lit(prop.comment))]))
    for name, (typ, label) in sorted(INDIVIDUALS.items()):
        out.append("\n" + _subject_block(
            f"kg:{name}", [("a", "owl:NamedIndividual"), ("a", f"kg:{typ}"),
                           ("rdfs:label", _lit(label))]))
    disjoint = disjoint_pairs()
    for cid in sorted(classes):
        out.append("\n" + _subject_block(f"kg:{cid}", _class_pairs(classes[cid], disjoint)))
    return "".join(out)


# --------------------------------------------------------------------- OWL (owlready2)

def to_owl(classes: dict[str, OntoClass], path: Path) -> None:
    """Write RDF/XML through owlready2: subclass axioms plus ``partOf some X`` restrictions."""
    import types

    import owlready2 as ow

    world = ow.World()
    onto = world.get_ontology(ONTOLOGY_IRI)
    skos = onto.get_namespace(SKOS)
    oio = onto.get_namespace(OBOINOWL)
    dct = onto.get_namespace(DCTERMS)
    with onto:
        ann = {}
        for ns, name in ((skos, "altLabel"), (skos, "definition"), (oio, "hasDbXref"),
                         (dct, "source")):
            with ns:
                ann[name] = types.new_class(name, (ow.AnnotationProperty,))
        props = {}
        bases = {"object": ow.ObjectProperty, "datatype": ow.DataProperty,
                 "annotation": ow.AnnotationProperty}
        for prop in sorted(PROPERTIES, key=lambda p: p.id):
            kinds = (bases[prop.kind],) + ((ow.TransitiveProperty,) if prop.transitive else ())
            props[prop.id] = types.new_class(prop.id, kinds)
            props[prop.id].label = [prop.label]
            props[prop.id].comment = [prop.comment]
        ents = {cid: types.new_class(cid, (ow.Thing,)) for cid in sorted(classes)}
        for cid in sorted(classes):
            _owl_class(ents[cid], classes[cid], ents, props, ann)
        ow.AllDisjoint([ents[b] for b in BRANCHES])
        for name, (typ, label) in sorted(INDIVIDUALS.items()):
            ind = ents[typ](name)
            ind.label = [label]
    onto.save(file=str(path), format="rdfxml")


def _owl_class(ent, c: OntoClass, ents, props, ann) -> None:  # noqa: ANN001 (owlready2 objects)
    """Fill one owlready2 class from its :class:`OntoClass`."""
    parents = [ents[p] for p in sorted(set(c.parents))]
    if parents:  # one at a time: assigning a list lets owlready2 reorder it between runs
        ent.is_a = parents[:1]
        for parent in parents[1:]:
            ent.is_a.append(parent)
    for target in sorted(set(c.part_of)):
        ent.is_a.append(props["partOf"].some(ents[target]))
    for code in sorted(set(c.level_codes)):
        ent.is_a.append(props["levelCode"].value(code))
    ent.label = [c.label]
    values = [("altLabel", s) for s in _synonyms(c)]
    values += [("definition", c.definition)] if c.definition else []
    values += [("hasDbXref", x) for x in sorted(set(c.xrefs))]
    values += [("source", c.xref_source)] if c.xref_source else []
    for name, value in values:  # one at a time: list assignment goes through a set
        ann[name][ent].append(value)
    for name, targets in (("impliedSite", c.implied_site), ("treatmentFor", c.treats)):
        for target in sorted(set(targets)):
            props[name][ent].append(ents[target])


# --------------------------------------------------------------------- main

def compile_ontology(src_dir: Path = SRC_DIR, out_dir: Path = ONTO_DIR) -> dict[str, OntoClass]:
    """Build, check and write both files; returns the classes."""
    classes = build_classes(src_dir)
    ttl = out_dir / "casekg.ttl"
    tmp = ttl.with_suffix(".ttl.tmp")
    tmp.write_text(to_turtle(classes), encoding="utf-8")
    tmp.replace(ttl)
    owl = out_dir / "casekg.owl"
    tmp_owl = owl.with_suffix(".owl.tmp")
    to_owl(classes, tmp_owl)
    tmp_owl.replace(owl)
    log.info("wrote %d classes to %s and %s", len(classes), ttl, owl)
    return classes


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m kg.ontogen``."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        classes = compile_ontology()
    except OntologyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    hand = sum(not c.generated for c in classes.values())
    print(f"{len(classes)} classes ({hand} hand-curated, {len(classes) - hand} generated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
