"""Our assertion decisions next to medspaCy ConText's, on the same mentions.

For every development gold case (``tests/gold/dev.jsonl``) the extractor runs; each
finding it reports gives one mention (its first evidence span) and the sentence that
holds it.  medspaCy's ConText (its default rules, spaCy's rule-based sentencizer)
then judges the same span in the same sentence.  Printed: how often the two agree,
and each one's accuracy against the gold assertion where the finding matches a gold
finding (the scorer's one-to-one alignment, ``kg.eval.align``).

Benchmark only (needs ``pip install medspacy``; not part of ``make test``)::

    .venv/bin/python bench/compare_context.py [--gold tests/gold/dev.jsonl] [CASE FILES...]
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.eval import GraphItem, align, load_gold, umls_codes  # noqa: E402
from kg.model import Assertion  # noqa: E402

DEFAULT_CASES = [REPO.parent / "shared" / "cases" / f
                 for f in ("medpix2.jsonl", "iu_xray_openi.jsonl", "pmc_patients.jsonl")]
log = logging.getLogger("compare_context")


@dataclass(frozen=True)
class Judged:
    """One mention: where it is, and what each system and the gold say."""

    case: str
    text: str
    ours: str
    theirs: str
    gold: str | None  # None: the finding matches no gold finding


def _medspacy():
    """A blank English pipeline with a sentencizer and ConText (default rules)."""
    import medspacy  # noqa: F401  (registers the medspacy_context factory)
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("medspacy_context")
    return nlp


def _their_assertion(nlp, sentence: str, start: int, end: int) -> str:
    """ConText's reading of sentence[start:end]: absent, possible or present."""
    doc = nlp.make_doc(sentence)
    span = doc.char_span(start, end, label="FINDING", alignment_mode="expand")
    if span is None:
        return "present"
    doc.ents = [span]
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    ent = doc.ents[0]
    if ent._.is_negated:
        return "absent"
    if ent._.is_uncertain or ent._.is_hypothetical:
        return "possible"
    return "present"


def _graph_item(finding) -> GraphItem:
    c = finding.concept
    return GraphItem(iri=finding.key, names=(c.label, *c.synonyms),
                     cuis=frozenset(umls_codes(c.xrefs)), labels=(c.label,))


def judge(gold_path: Path, case_files: list[Path]) -> list[Judged]:
    """Every finding mention of the gold cases, judged by both systems."""
    from kg.extract import extract_case
    from kg.extract.sentences import split_sentences
    from kg.lexicon import Lexicon
    from kg.ontology import load_ontology
    from kg.readers import read_paths

    gold = {g.id: g for g in load_gold(gold_path)}
    onto = load_ontology()
    lex = Lexicon.from_ontology(onto)
    nlp = _medspacy()
    out: list[Judged] = []
    for case in read_paths(case_files):
        g = gold.get(case.id)
        if g is None:
            continue
        x = extract_case(case, onto, lex)
        sentences = split_sentences(case.text)
        al = {ii: gi for gi, ii in align(g.findings, [_graph_item(f) for f in x.findings]).items()}
        for i, f in enumerate(x.findings):
            span = f.evidence[0]
            sent = next((s for s in sentences if s.start <= span.start < s.end), None)
            if sent is None:
                continue
            text = case.text[sent.start:sent.end]
            theirs = _their_assertion(nlp, text, span.start - sent.start,
                                      min(span.end, sent.end) - sent.start)
            gi = al.get(i)
            out.append(Judged(case.id, span.text, _ours(f.assertion), theirs,
                              g.findings[gi].assertion if gi is not None else None))
    return out


def _ours(a: Assertion) -> str:
    return {Assertion.PRESENT: "present", Assertion.ABSENT: "absent",
            Assertion.POSSIBLE: "possible"}[a]


def report(judged: list[Judged]) -> str:
    """Agreement and accuracy lines, and the confusion of the two systems."""
    n = len(judged)
    agree = sum(j.ours == j.theirs for j in judged)
    scored = [j for j in judged if j.gold is not None]
    ours_ok = sum(j.ours == j.gold for j in scored)
    theirs_ok = sum(j.theirs == j.gold for j in scored)
    absent = [j for j in scored if j.gold == "absent"]
    lines = [
        f"mentions: {n} (in {len({j.case for j in judged})} gold cases); "
        f"matching a gold finding: {len(scored)}",
        f"agreement (ours vs medspaCy ConText): {agree}/{n} = {agree / max(n, 1):.3f}",
        f"accuracy vs gold, ours:     {ours_ok}/{len(scored)} = "
        f"{ours_ok / max(len(scored), 1):.3f}",
        f"accuracy vs gold, medspaCy: {theirs_ok}/{len(scored)} = "
        f"{theirs_ok / max(len(scored), 1):.3f}",
        f"absent recall, ours: {sum(j.ours == 'absent' for j in absent)}/{len(absent)}; "
        f"medspaCy: {sum(j.theirs == 'absent' for j in absent)}/{len(absent)}",
        "confusion (ours -> medspaCy): " + ", ".join(
            f"{a}->{b}: {k}" for (a, b), k in sorted(Counter((j.ours, j.theirs)
                                                             for j in judged).items())),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", default=str(REPO / "tests" / "gold" / "dev.jsonl"))
    ap.add_argument("--show", action="store_true", help="list the disagreements")
    ap.add_argument("cases", nargs="*", default=[str(p) for p in DEFAULT_CASES])
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        judged = judge(Path(a.gold), [Path(c) for c in a.cases])
    except ImportError as exc:
        print(f"medspaCy is not installed ({exc}); pip install medspacy", file=sys.stderr)
        return 2
    print(report(judged))
    if a.show:
        for j in judged:
            if j.ours != j.theirs:
                print(f"  {j.case}: {j.text!r} ours={j.ours} medspaCy={j.theirs} gold={j.gold}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
