"""What the ontology does not cover yet: ``kg gaps CORPUS``.

Two sources of candidate phrases per case:
- its keywords (the seed format's ``Keywords:`` list), and
- noun-phrase-like chunks of its text: maximal runs of words between
  punctuation and function words, the way RAKE cuts candidate keywords.

A phrase is *covered* when the lexicon finds a concept in it.  The uncovered
ones are counted (normalised) and listed most frequent first, each with one
example sentence, so a curator can add synonyms where they pay most.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.lexicon import Lexicon, normalise
from kg.model import CaseText

# Function words and report verbs that end a candidate phrase.
_STOP = frozenset("""
a about above after again against all also an and any are as at be been before being below
between both but by can could did do does during each either for from further had has have
having he her here hers him his how however i if in into is it its itself may me might more most
my no nor not of off on once only or other our out over own per same she should so some such
than that the their them then there these they this those through to too under until up upon
very was we were what when where which while who whom why will with within without would you
your noted seen shows showed show demonstrates demonstrated demonstrating reveals revealed
patient presents presented presenting underwent undergo performed evaluated evaluation
consistent likely again also see seen time case history year years old yo y o s p
""".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_BREAK = re.compile(r"[.,;:!?()\[\]\"/]|\s-\s|\n")


@dataclass
class GapReport:
    """Uncovered phrases with counts and examples, and keyword coverage."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, tuple[str, str]] = field(default_factory=dict)  # phrase -> (case, text)
    keywords_total: int = 0
    keywords_covered: int = 0

    @property
    def keyword_coverage(self) -> float | None:
        if not self.keywords_total:
            return None
        return self.keywords_covered / self.keywords_total


def chunks(text: str) -> Iterable[tuple[str, str]]:
    """(phrase, the sentence-ish piece it came from) for each candidate noun phrase."""
    for piece in _BREAK.split(text):
        run: list[str] = []
        for word in [*_WORD.findall(piece), ""]:
            if word and word.lower() not in _STOP and len(word) > 1:
                run.append(word)
                continue
            if run:
                yield " ".join(run), piece.strip()
            run = []


def find_gaps(cases: Iterable[CaseText], lexicon: Lexicon, *, max_words: int = 4) -> GapReport:
    """Count the phrases of ``cases`` that no concept covers."""
    report = GapReport()
    for case in cases:
        for keyword in case.keywords:
            report.keywords_total += 1
            if lexicon.match(keyword):
                report.keywords_covered += 1
            else:
                _count(report, keyword, case.id, keyword)
        for phrase, piece in chunks(case.text):
            if len(phrase.split()) <= max_words and not lexicon.match(phrase):
                _count(report, phrase, case.id, piece)
    return report


def _count(report: GapReport, phrase: str, case_id: str, example: str) -> None:
    key = normalise(phrase)
    if not key or key.isdigit():
        return
    report.counts[key] += 1
    report.examples.setdefault(key, (case_id, example[:160]))


def format_gaps(report: GapReport, top: int = 40) -> str:
    """An aligned text table of the most frequent gaps, with the coverage line."""
    lines = []
    cov = report.keyword_coverage
    if cov is not None:
        lines.append(f"keyword phrases with a linked concept: {report.keywords_covered}/"
                     f"{report.keywords_total} ({cov:.1%})")
    rows = report.counts.most_common(top)
    width = max((len(p) for p, _ in rows), default=6)
    lines.append(f"{'count':>5}  {'phrase':<{width}}  example")
    for phrase, n in rows:
        case_id, example = report.examples[phrase]
        lines.append(f"{n:>5}  {phrase:<{width}}  [{case_id}] {example}")
    return "\n".join(lines)
