"""A/B timing and output check of extraction between two source trees.

Run it once per tree, the tree chosen by ``PYTHONPATH`` (this file imports only
``kg``, so it can be run by path against another checkout)::

    PYTHONPATH=/tmp/base python bench/ab_extract.py time CORPUS --ontology ONTO
    PYTHONPATH=.         python bench/ab_extract.py time CORPUS --ontology ONTO
    PYTHONPATH=.         python bench/ab_extract.py dump CORPUS... -o extractions.txt

``time`` prints one line ``cases seconds cases/s cpu_seconds cases/cpu_s``: ``read_paths``
+ ``extract_case`` for every case (wall clock, and this process's CPU time, which other
jobs on a shared machine disturb less), ontology and lexicon loading excluded (as
``bench.steps`` times the "our extraction, 1 process" row).  ``dump`` writes ``repr`` of every
:class:`~kg.model.CaseExtraction`, one per line, so two trees' outputs can be compared
byte for byte with ``cmp``.  Pass the same ``--ontology`` to both trees.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _load(ontology: str | None):
    from kg.lexicon import Lexicon
    from kg.ontology import load_ontology

    onto = load_ontology(Path(ontology)) if ontology else load_ontology()
    return onto, Lexicon.from_ontology(onto)


def time_extract(corpus: str, ontology: str | None,
                 rounds: int = 1) -> tuple[int, float, float]:
    """(cases, wall seconds, CPU seconds) of read + extract over ``corpus``; with
    ``rounds`` > 1 the corpus is run that many times in this process and the round with
    the least CPU time is kept (steadier on a shared machine; later rounds find the
    rules' regexes compiled already)."""
    from kg.extract import extract_case
    from kg.readers import read_paths

    onto, lex = _load(ontology)
    best: tuple[int, float, float] | None = None
    for _ in range(max(1, rounds)):
        start, cpu = time.perf_counter(), time.process_time()
        cases = 0
        for case in read_paths([corpus]):
            extract_case(case, onto, lex)
            cases += 1
        found = (cases, time.perf_counter() - start, time.process_time() - cpu)
        if best is None or found[2] < best[2]:
            best = found
    assert best is not None
    return best


def dump(paths: list[str], ontology: str | None, out: str) -> int:
    """Write repr of every extraction of ``paths`` to ``out``; the number of cases."""
    from kg.extract import extract_case
    from kg.readers import read_paths

    onto, lex = _load(ontology)
    n = 0
    with open(out, "w", encoding="utf-8") as fh:
        for case in read_paths(paths):
            fh.write(repr(extract_case(case, onto, lex)) + "\n")
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    """``time`` or ``dump`` (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("time", "dump"))
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--ontology")
    ap.add_argument("-o", "--output", default="extractions.txt")
    ap.add_argument("--rounds", type=int, default=1, help="time: best of N runs (CPU time)")
    args = ap.parse_args(argv)
    if args.mode == "time":
        cases, seconds, cpu = time_extract(args.paths[0], args.ontology, args.rounds)
        print(f"{cases} {seconds:.3f} {cases / seconds:.1f} {cpu:.3f} {cases / cpu:.1f}")
    else:
        print(dump(args.paths, args.ontology, args.output), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
