"""How much of the development corpus the ontology covers: keyword phrases with a linked concept.

Reads, at run time only (nothing is copied into the repository):

* ``../shared/cases/texto/*.txt``: the MedPix cases in the seed format, each with its
  ``Keywords:`` list (ranked RAKE phrases);
* ``../shared/cases/medpix2.jsonl``: the same cases with their ``group`` (spine /
  musculoskeletal / other), to pick the spine subset.

A keyword phrase is covered when the compiled ontology's lexicon finds at least one concept in
it (:func:`kg.gaps.find_gaps`, the measure of ``kg gaps``).  Prints the share for the spine
cases and for all cases, then the most frequent uncovered keyword phrases and, with
``--chunks``, the most frequent uncovered noun-phrase chunks of the case texts.

Usage::

    .venv/bin/python ontologies/tools/coverage.py [--top 30] [--chunks]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CASES = REPO.parent / "shared" / "cases"

log = logging.getLogger(__name__)


def case_groups(jsonl: Path) -> dict[str, str]:
    """Case id -> its ``group`` in a JSON Lines file."""
    groups: dict[str, str] = {}
    with jsonl.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                groups[str(record["id"])] = str(record.get("group", ""))
    return groups


def keyword_coverage(cases: Iterable, lexicon) -> tuple[int, int, Counter[str]]:  # noqa: ANN001
    """(covered, total, uncovered keyword counts) over the cases' keyword phrases."""
    from kg.lexicon import normalise  # noqa: PLC0415

    covered = total = 0
    missing: Counter[str] = Counter()
    for case in cases:
        for keyword in case.keywords:
            total += 1
            if lexicon.match(keyword):
                covered += 1
            else:
                missing[normalise(keyword)] += 1
    return covered, total, missing


def _share(covered: int, total: int) -> str:
    return f"{covered}/{total} ({covered / total:.1%})" if total else "0/0"


def report(texto: Path, groups: dict[str, str], top: int, chunks: bool) -> str:
    """The coverage lines and the top uncovered phrases, as text."""
    sys.path.insert(0, str(REPO))
    from kg.gaps import find_gaps, format_gaps  # noqa: PLC0415
    from kg.lexicon import Lexicon  # noqa: PLC0415
    from kg.ontology import load_ontology  # noqa: PLC0415
    from kg.readers import read_paths  # noqa: PLC0415

    lexicon = Lexicon.from_ontology(load_ontology())
    cases = list(read_paths([texto]))
    spine = [c for c in cases if groups.get(c.id) == "spine"]
    s_cov, s_tot, s_missing = keyword_coverage(spine, lexicon)
    a_cov, a_tot, a_missing = keyword_coverage(cases, lexicon)
    lines = [
        f"keyword phrases with a linked concept, spine cases ({len(spine)}): "
        f"{_share(s_cov, s_tot)}",
        f"keyword phrases with a linked concept, all cases ({len(cases)}): {_share(a_cov, a_tot)}",
        "", f"top {top} uncovered keyword phrases (all cases):",
    ]
    lines += [f"{n:>5}  {phrase}" for phrase, n in a_missing.most_common(top)]
    if chunks:
        lines += ["", f"top {top} uncovered text chunks (all cases, `kg gaps`):",
                  format_gaps(find_gaps(cases, lexicon), top=top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point: print the coverage report; 2 when the corpus is missing."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=Path, default=CASES, help="the shared cases folder")
    ap.add_argument("--top", type=int, default=30, help="how many uncovered phrases to list")
    ap.add_argument("--chunks", action="store_true", help="also list uncovered text chunks")
    args = ap.parse_args(argv)
    texto, jsonl = args.cases / "texto", args.cases / "medpix2.jsonl"
    if not texto.is_dir() or not jsonl.is_file():
        print(f"corpus not found under {args.cases}", file=sys.stderr)
        return 2
    print(report(texto, case_groups(jsonl), args.top, args.chunks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
