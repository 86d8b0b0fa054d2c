"""Synonym audit: short and everyday-English lexicon entries, and how often they match.

Lists every label or synonym of the compiled ontology that is short (at most four letters) or a
word of everyday English (the small list ``COMMON_WORDS`` below, written for this audit), with
the number of times the lexicon matches it -- as that surface, not inside a longer term -- in the
development cases.  ``--context WORD`` prints the matches of one surface with a little text
either side, to judge by eye whether it misleads.

Reads, at run time only (nothing is copied into the repository): the case files
``../shared/cases/{medpix2,iu_xray_openi,pmc_patients}.jsonl``.

Usage::

    .venv/bin/python ontologies/tools/synonym_audit.py [--min 1] [--context rub]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CASES = REPO.parent / "shared" / "cases"
CASE_FILES = ("medpix2.jsonl", "iu_xray_openi.jsonl", "pmc_patients.jsonl")

log = logging.getLogger(__name__)

# Words of ordinary English (or of ordinary report prose) that are also, or contain, a lexicon
# entry: each is a candidate for a false positive when read alone.
COMMON_WORDS = frozenset("""
arrest band cage cord curvature dissection drain fall fell fusion head implant infiltrate
instability lead mass met plate rod rub scar screw stone tear vessel radiation relapse sign
stir pet cast line tube collection reduction repair rupture cleft apex lobe body arch neck
process root canal space column plain film study series view margin wall floor roof
""".split())


def _letters(surface: str) -> int:
    return sum(ch.isalpha() for ch in surface)


def suspect_terms(terms: Iterator[tuple[str, str, bool]]) -> dict[str, set[str]]:
    """Normalised surface -> class local names, for short or everyday-English entries."""
    from kg.lexicon import normalise  # noqa: PLC0415

    out: dict[str, set[str]] = {}
    for surface, iri, _is_label in terms:
        key = normalise(surface)
        if _letters(surface) <= 4 or key in COMMON_WORDS:
            out.setdefault(key, set()).add(iri.rsplit("#", 1)[-1])
    return out


def case_texts() -> Iterator[str]:
    """The text of every development case, read at run time."""
    for name in CASE_FILES:
        with (CASES / name).open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield str(json.loads(line)["text"])


def count_matches(lexicon, texts: list[str]) -> Counter[str]:  # noqa: ANN001
    """How often each normalised surface is matched as a whole lexicon match."""
    from kg.lexicon import normalise  # noqa: PLC0415

    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(normalise(m.text) for m in lexicon.match(text))
    return counts


def contexts(lexicon, texts: list[str], word: str, width: int = 50) -> Iterator[str]:  # noqa: ANN001
    """Each match of ``word`` (normalised) with ``width`` characters either side."""
    from kg.lexicon import normalise  # noqa: PLC0415

    key = normalise(word)
    for text in texts:
        for m in lexicon.match(text):
            if normalise(m.text) == key:
                left = text[max(0, m.start - width):m.start].replace("\n", " ")
                right = text[m.end:m.end + width].replace("\n", " ")
                yield f"{left:>{width}}[{m.text}]{right}  -> {m.iri.rsplit('#', 1)[-1]}"


def main(argv: list[str] | None = None) -> int:
    """Print the audit table, or the contexts of one surface."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min", type=int, default=0, help="only surfaces matched this often")
    parser.add_argument("--context", help="print the matches of this surface in context")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from kg.lexicon import Lexicon  # noqa: PLC0415
    from kg.ontology import load_ontology  # noqa: PLC0415

    onto = load_ontology()
    lexicon = Lexicon.from_ontology(onto)
    texts = list(case_texts())
    if args.context:
        for line in contexts(lexicon, texts, args.context):
            print(line)
        return 0
    suspects = suspect_terms(onto.terms())
    counts = count_matches(lexicon, texts)
    rows = sorted(suspects.items(), key=lambda kv: (-counts[kv[0]], kv[0]))
    for key, classes in rows:
        if counts[key] >= args.min:
            flag = "common" if key in COMMON_WORDS else "short"
            print(f"{counts[key]:5d}  {flag:6s}  {key:14s}  {', '.join(sorted(classes))}")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    raise SystemExit(main())
