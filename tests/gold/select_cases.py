"""Print the ids of the development gold cases, chosen deterministically.

Run from the repository root: ``python tests/gold/select_cases.py ../shared/cases``.
The rule (also in GUIDELINES.md): within each stratum, sort the case ids as strings
and take every k-th id starting from the first, up to n ids.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# (file, group filter or None for "not spine", k, n)
STRATA: tuple[tuple[str, str, int, int], ...] = (
    ("medpix2.jsonl", "spine", 3, 18),
    ("medpix2.jsonl", "not-spine", 8, 8),
    ("pmc_patients.jsonl", "spine", 7, 8),
    ("iu_xray_openi.jsonl", "any", 10, 6),
)


def _ids(path: Path, group: str) -> list[str]:
    """Sorted ids of the cases in ``path`` whose group matches ``group``."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            g = row.get("group")
            if group == "any" or g == group or (group == "not-spine" and g != "spine"):
                out.append(row["id"])
    return sorted(out)


def select(cases_dir: Path) -> list[tuple[str, str]]:
    """(source file stem, id) for every gold case, in stratum order."""
    chosen = []
    for name, group, k, n in STRATA:
        ids = _ids(cases_dir / name, group)[::k][:n]
        chosen.extend((Path(name).stem, i) for i in ids)
    return chosen


if __name__ == "__main__":
    for source, case_id in select(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/cases")):
        print(source, case_id)
