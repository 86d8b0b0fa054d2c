"""Parse saved DICOM PS3.16 FHIR Shorthand text; check or extend ``dicom-ps316-extract.tsv``.

The extract's rows come from the value sets of ``bvdh/dicom-terminology-in-fhir``
(``input/fsh/ValueSet-dicom-cid-*.fsh``, ``input/fsh/ConceptMap-SCT-UMLS.fsh``).  Their text is
read at build time and saved *outside the repository* (one file per source file, named by its
base name, e.g. ``/tmp/dicom/ValueSet-dicom-cid-9-ImageGuidedTherapeuticProcedure.fsh``); this
tool parses that text, so no identifier is copied by hand:

* ``verify DIR`` compares every extract row with the saved file its ``source`` column cites
  (SNOMED CT code, the UMLS CUI paired with it, the meaning) and exits 1 on a mismatch;
* ``rows FILE --commit SHA`` prints extract rows (SNOMED CT codes that have a CUI) for a saved
  value-set file, to review and append.

A value set lists each concept as consecutive lines ``...sct#CODE //"Meaning"``,
``...srt#ID //"Meaning"``, ``...umls/sab#CUI //"Meaning"`` (older commits: ``umls#CUI "Meaning"``);
lines starting with ``//`` are commented out.  Other coding schemes (DCM, FMA, LOINC, NCIt), and
a UMLS or SRT line whose meaning differs from the open concept's (CID 6060 lists "Mastectomy"
by its CUI alone), open a concept that has no SNOMED CT code.
"""

from __future__ import annotations

import argparse
import csv
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

EXTRACT = Path(__file__).resolve().parent / "dicom-ps316-extract.tsv"
REPO = "bvdh/dicom-terminology-in-fhir"
FIELDS = ("snomedct", "umls", "meaning", "cid", "source")

_CODED = re.compile(r'([A-Za-z_]+)#(\S+)\s+(?://)?"(.*)"')
_SCHEME = {"sct": "sct", "srt": "srt", "sab": "umls", "umls": "umls"}


@dataclass
class Concept:
    """One concept of a value set or concept map, with the codes listed for it."""

    meaning: str
    sct: str | None = None
    srt: str | None = None
    umls: str | None = None


def _scheme(token: str) -> str:
    """``sct``/``srt``/``umls`` for the part before ``#``; anything else is another scheme."""
    tail = re.split(r"[/.]", token)[-1]
    return _SCHEME.get(tail, "other")


def parse_valueset(text: str) -> list[Concept]:
    """Concepts of a ``ValueSet-dicom-cid-*.fsh`` text, in file order."""
    concepts: list[Concept] = []
    current: Concept | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        m = _CODED.search(line)
        if not m:
            continue  # header, description, include lines
        token, code, meaning = m.groups()
        scheme = _scheme(token)
        if scheme in ("sct", "other"):
            current = Concept(meaning=meaning)
            concepts.append(current)
            if scheme == "sct":
                current.sct = code
            continue
        if current is None or current.meaning != meaning:
            # a concept listed by its UMLS (or SRT) code alone: no SNOMED CT code, no row
            current = Concept(meaning=meaning)
            concepts.append(current)
        elif getattr(current, scheme):
            raise ValueError(f"{scheme} code {code} ({meaning!r}) listed twice")
        setattr(current, scheme, code)
    return concepts


def parse_concept_map(text: str) -> list[Concept]:
    """SNOMED CT -> UMLS elements of ``ConceptMap-SCT-UMLS.fsh`` text."""
    concepts: list[Concept] = []
    for line in text.splitlines():
        if m := re.search(r"element\[\+\]\.code = #(\d+)", line):
            concepts.append(Concept(meaning="", sct=m[1]))
        elif (m := re.search(r'element\[=\]\.display = "(.*)"', line)) and concepts:
            concepts[-1].meaning = m[1]
        elif (m := re.search(r"target\.code = #(C\d{7})\b", line)) and concepts:
            concepts[-1].umls = m[1]
    return concepts


def parse_file(path: Path) -> list[Concept]:
    """Concepts of one saved source file (value set or the SCT-UMLS concept map)."""
    text = path.read_text(encoding="utf-8")
    return parse_concept_map(text) if path.name.startswith("ConceptMap-") else parse_valueset(text)


def cited_file(source: str) -> str:
    """Base name of the file an extract row's ``source`` column cites."""
    m = re.search(r"(\S+\.fsh) @", source)
    if not m:
        raise ValueError(f"no .fsh path in source {source!r}")
    return m[1].rsplit("/", 1)[-1]


def verify(extract: Path, saved: Path) -> tuple[int, list[str]]:
    """(rows checked, mismatch descriptions) of the extract against the saved files."""
    parsed: dict[str, list[Concept]] = {}
    problems: list[str] = []
    with extract.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for n, row in enumerate(rows, start=2):
        name = cited_file(row["source"])
        if name not in parsed:
            path = saved / name
            if not path.exists():
                problems.append(f"line {n}: {name} not saved under {saved}")
                parsed[name] = []
                continue
            parsed[name] = parse_file(path)
        hits = [c for c in parsed[name] if c.sct == row["snomedct"]]
        if len(hits) != 1:
            problems.append(f"line {n}: {len(hits)} concepts with SCT {row['snomedct']} in {name}")
            continue
        c = hits[0]
        if c.umls != row["umls"]:
            problems.append(f"line {n}: SCT {c.sct} has CUI {c.umls} in {name}, "
                            f"extract {row['umls']}")
        if c.meaning != row["meaning"]:
            problems.append(f"line {n}: SCT {c.sct} means {c.meaning!r} in {name}, "
                            f"extract {row['meaning']!r}")
    return len(rows), problems


def extract_rows(path: Path, commit: str) -> list[dict[str, str]]:
    """Extract rows for a saved value-set file: concepts with a SNOMED CT code and a CUI."""
    m = re.match(r"ValueSet-dicom-cid-(\d+)-", path.name)
    if not m:
        raise ValueError(f"{path.name}: not a ValueSet-dicom-cid-N-*.fsh file")
    source = f"{REPO} input/fsh/{path.name} @{commit}"
    return [{"snomedct": c.sct, "umls": c.umls, "meaning": c.meaning, "cid": f"CID {m[1]}",
             "source": source}
            for c in parse_valueset(path.read_text(encoding="utf-8")) if c.sct and c.umls]


def main(argv: list[str] | None = None) -> int:
    """Command line: ``verify DIR`` or ``rows FILE --commit SHA``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("verify", help="check the extract against saved source files")
    v.add_argument("saved", type=Path)
    v.add_argument("--extract", type=Path, default=EXTRACT)
    r = sub.add_parser("rows", help="print extract rows for a saved value-set file")
    r.add_argument("file", type=Path)
    r.add_argument("--commit", required=True)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.cmd == "verify":
        n, problems = verify(args.extract, args.saved)
        for p in problems:
            log.error(p)
        log.info("%d rows checked, %d mismatches", n, len(problems))
        return 1 if problems else 0
    w = csv.DictWriter(sys.stdout, fieldnames=FIELDS, delimiter="\t", lineterminator="\n")
    w.writerows(extract_rows(args.file, args.commit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
