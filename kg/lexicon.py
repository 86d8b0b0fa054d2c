"""A compiled matcher over every ontology label and synonym.

Text and terms go through the same normalisation, token by token: lower case,
curly quotes folded, possessive ``'s`` dropped, hyphens and punctuation as token
breaks, British spellings and ``disk`` mapped to one form, simple plurals made
singular.  The normalised tokens are joined by single spaces and one
Aho–Corasick automaton (pyahocorasick) finds every term in one pass; the
leftmost-longest non-overlapping matches are mapped back to offsets in the
original text.

Short all-capital abbreviations ("CT", "MR", "DDD") only match text written in
capitals, so "Mr. Smith" is not an MRI.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from kg.model import quick_init
from kg.namespaces import KG
from kg.ontology import Ontology

_TOKEN = re.compile(r"[^\W_]+(?:['’ʼ`][^\W_]+)*", re.UNICODE)
# speed: _TOKEN as one group, so ``split`` gives [gap, word, gap, word, ..., gap]: the
# words and (by summing lengths) their offsets, without a match object per word
_TOKEN_SPLIT = re.compile("(" + _TOKEN.pattern + ")", re.UNICODE)
# speed: _TOKEN_SPLIT for an ASCII text, where [^\W_] is exactly [A-Za-z0-9] and the
# apostrophes are ' and ` (plain character classes scan faster than a negated category)
_ASCII_SPLIT = re.compile(r"([A-Za-z0-9]+(?:['`][A-Za-z0-9]+)*)")

# British -> American spelling, applied inside tokens (order matters: longer first).
_SPELLING: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(a), b)
    for a, b in (
        (r"^oesophag", "esophag"),
        (r"^oedem", "edem"),
        (r"^orthopaed", "orthoped"),
        (r"^paediatr", "pediatr"),
        (r"^anaesth", "anesth"),
        (r"haemo", "hemo"),
        (r"haema", "hema"),
        (r"aemia", "emia"),
        (r"^haem", "hem"),
        (r"^leukaem", "leukem"),
        (r"^oestr", "estr"),
        (r"^foetal", "fetal"),
        (r"tumour", "tumor"),
        (r"colour", "color"),
        (r"^fibre", "fiber"),
        (r"^centre", "center"),
        (r"^disk", "disc"),
        (r"ise$", "ize"),
        (r"isation$", "ization"),
    )
)
_ISE_KEEP = {"wise", "rise", "noise", "raise", "arise", "praise", "ise", "otherwise",
             "likewise", "exercise", "concise", "precise", "incise", "excise", "premise",
             "demise", "compromise", "surprise", "franchise", "expertise", "vise", "poise"}

_KEEP_S = ("ss", "us", "is", "ys", "os")
_PHRASES_KEPT = 50_000


def singular(token: str) -> str:
    """A light, symmetric singulariser (text and terms get the same treatment)."""
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith("ae") and len(token) > 5:  # vertebrae, bursae
        return token[:-1]
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("sses", "xes", "ches", "shes", "zes")):
        return token[:-2]
    if token.endswith("s") and not token.endswith(_KEEP_S):
        return token[:-1]
    return token


@lru_cache(maxsize=200_000)
def normalise_token(token: str) -> str:
    """One token's canonical form (see the module docstring); cached: words repeat."""
    t = token.lower().replace("’", "'").replace("ʼ", "'").replace("`", "'")
    if t.endswith("'s"):
        t = t[:-2]
    t = t.replace("'", "")
    keep_ise = t in _ISE_KEEP
    for pattern, repl in _SPELLING:
        if keep_ise and "ise" in pattern.pattern:
            continue
        t = pattern.sub(repl, t)
    if token.isupper() and len(token) > 1:
        return t  # an all-capital abbreviation keeps its final S: ACLS is not ACL plural
    if len(token) > 2 and token.endswith("s") and token[:-1].isupper():
        return t[:-1]  # MRIs, CTs: the plural of an abbreviation
    return singular(t)


class _Normalised(dict[str, str]):
    """normalise_token's answers: a missing word is normalised and kept (up to 200,000
    words, then it starts afresh, like the lru_cache)."""

    def __missing__(self, word: str) -> str:
        if len(self) > 200_000:
            self.clear()
        n = self[word] = normalise_token(word)
        return n


# speed: normalise_token's answers read for a whole text by one C-level
# ``map(dict.__getitem__, ...)`` (cheaper per word than the lru_cache wrapper)
_NORMALISED = _Normalised()


def _normalise_all(words: list[str]) -> list[str]:
    """``[normalise_token(w) for w in words]``, through :data:`_NORMALISED`."""
    return list(map(_NORMALISED.__getitem__, words))


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised form) for each word of ``text``."""
    return [(m.start(), m.end(), normalise_token(m.group())) for m in _TOKEN.finditer(text)]


def normalise(text: str) -> str:
    """The normalised, space-joined form of a phrase (the automaton's key)."""
    return " ".join(t for _, _, t in tokens(text))


@quick_init  # speed: a cheaper __init__, the same record
@dataclass(frozen=True)
class Match:
    """A term found in a text: offsets into that text, end exclusive."""

    start: int
    end: int
    text: str
    iri: str
    alternatives: tuple[str, ...] = ()  # other classes with the same surface form


@dataclass(frozen=True)
class _Entry:
    iri: str
    surface: str
    is_label: bool
    case_sensitive: bool


def _is_abbreviation(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return 0 < len(surface) <= 5 and all(c.isupper() for c in letters)


class Lexicon:
    """Label/synonym -> class IRI, compiled into one Aho–Corasick automaton."""

    def __init__(self, terms: Iterable[tuple[str, str, bool]], yielding: Iterable[str] = ()):
        """``yielding``: class IRIs whose terms give way to a term of another class that
        starts inside them and runs past their end (the per-level anatomy: "L4-L5 disc"
        in "L4-L5 disc herniation" yields to "disc herniation"; the level itself is
        still read by the level finder)."""
        import ahocorasick

        entries: dict[str, list[_Entry]] = {}
        for surface, iri, is_label in terms:
            key = normalise(surface)
            if not key:
                continue
            entries.setdefault(key, []).append(
                _Entry(iri, surface, is_label, _is_abbreviation(surface.strip()))
            )
        self._entries = {k: _rank(v) for k, v in entries.items()}
        # speed: the answer of _resolve for keys with no case-sensitive entry (most):
        # it does not depend on the matched text then
        self._plain: dict[str, tuple[str, ...]] = {
            k: tuple(dict.fromkeys(e.iri for e in v)) for k, v in self._entries.items()
            if not any(e.case_sensitive for e in v)}
        weak = frozenset(yielding)
        self._yields = frozenset(k for k, v in self._entries.items()
                                 if all(e.iri in weak for e in v))
        self._phrases: dict[str, tuple[Match, ...]] = {}
        self._automaton = ahocorasick.Automaton()
        for key in self._entries:
            # speed: the value carries what match needs per hit: (key, its length + 1
            # for the leading space, its number of spaces = words - 1)
            self._automaton.add_word(f" {key} ", (key, len(key) + 1, key.count(" ")))
        if self._entries:
            self._automaton.make_automaton()

    @classmethod
    def from_ontology(cls, onto: Ontology) -> Lexicon:
        return _lexicon_for(onto)

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, phrase: str) -> tuple[str, ...]:
        """Class IRIs whose label or synonym is exactly ``phrase`` (normalised)."""
        return tuple(dict.fromkeys(e.iri for e in self._entries.get(normalise(phrase), ())))

    def match(self, text: str) -> list[Match]:
        """Leftmost-longest, non-overlapping, whole-word matches in ``text``.

        The per-token work is kept in C-level ``map``/``accumulate`` calls; Python
        code runs only per candidate match (this is the extraction hot path).
        """
        return self.match_words(text)[0]

    def match_words(self, text: str) -> tuple[list[Match], list[str]]:
        """(:meth:`match`, the text split at its words): the split is
        ``[gap, word, gap, word, ..., gap]``, joined it is ``text``; a word is a run of
        letters and digits (no "_"), possibly joined by apostrophes ('’ʼ`)."""
        found, parts = self.match_spans(text)
        return [Match(start, end, text[start:end], iris[0], iris[1:])
                for start, end, iris in found], parts

    def match_spans(self, text: str) -> tuple[list[tuple[int, int, tuple[str, ...]]],
                                               list[str]]:
        """:meth:`match_words` with each match as (start, end, its class IRIs: the first
        and then the alternatives), no :class:`Match` record (speed: the extraction
        reads these three only)."""
        # word i is parts[2 * i + 1]
        parts = (_ASCII_SPLIT if text.isascii() else _TOKEN_SPLIT).split(text)
        if len(parts) == 1 or not self._entries:
            return [], parts
        norm = _normalise_all(parts[1::2])
        # where each token's leading space sits in " tok1 tok2 ... tokN "
        # (speed: len + 1 summed by C calls, no Python lambda per token)
        lead = list(accumulate(map((1).__add__, map(len, norm)), initial=0))
        # (first token, -last token, key); speed: one comprehension, no append per hit
        candidates = [(first := bisect_left(lead, end_char - width), -(first + gaps), key)
                      for end_char, (key, width, gaps)
                      in self._automaton.iter(" " + " ".join(norm) + " ")]
        candidates.sort()  # leftmost first, then longest
        out: list[tuple[int, int, tuple[str, ...]]] = []
        next_free = 0
        plain = self._plain
        # offset of parts[j] in text: word i spans at[2 * i + 1]:at[2 * i + 2]
        at = list(accumulate(map(len, parts), initial=0)) if candidates else []
        yields = self._yields
        for first, neg_last, key in candidates:
            if first < next_free:
                continue
            if key in yields and _overtaken(candidates, first, -neg_last, yields):
                continue
            start, end = at[2 * first + 1], at[2 - 2 * neg_last]
            iris = plain.get(key) or self._resolve(key, text[start:end])
            if iris:
                out.append((start, end, iris))
                next_free = 1 - neg_last
        return out, parts

    def match_phrase(self, phrase: str) -> tuple[Match, ...]:
        """:meth:`match` of a short phrase that recurs across cases (a heading, a keyword,
        a rule's label), remembered per lexicon (up to ``_PHRASES_KEPT`` phrases)."""
        found = self._phrases.get(phrase)
        if found is None:
            if len(self._phrases) >= _PHRASES_KEPT:
                self._phrases.clear()
            found = self._phrases[phrase] = tuple(self.match(phrase))
        return found

    def _resolve(self, key: str, original: str) -> tuple[str, ...]:
        """Class IRIs for a matched key, honouring case-sensitive abbreviations."""
        iris = [e.iri for e in self._entries[key]
                if not e.case_sensitive or _same_caps(e.surface, original)]
        return tuple(dict.fromkeys(iris))


def _overtaken(candidates: list[tuple[int, int, str]], first: int, last: int,
               yields: frozenset[str]) -> bool:
    """Whether a term that does not yield starts inside tokens first..last and ends after
    ``last`` (``candidates`` as in :meth:`Lexicon.match`: (first, -last, key))."""
    # speed: candidates are sorted by first token: look only at those starting inside
    j = bisect_left(candidates, (first + 1,))
    while j < len(candidates) and candidates[j][0] <= last:
        _, neg_end, key = candidates[j]
        if -neg_end > last and key not in yields:
            return True
        j += 1
    return False


def _same_caps(surface: str, original: str) -> bool:
    letters = [c for c in original if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _rank(entries: list[_Entry]) -> list[_Entry]:
    """Our classes first (users' own become alternatives), labels before synonyms, then IRI."""
    return sorted(entries, key=lambda e: (not e.iri.startswith(KG), not e.is_label, e.iri,
                                          e.surface))


def _lexicon_for(onto: Ontology) -> Lexicon:
    """The ontology's lexicon, built once and kept on the ontology (and in its cache)."""
    lex: Lexicon | None = onto.lexicon
    if lex is None:
        lex = Lexicon(onto.terms(),
                      yielding=[iri for iri, c in onto.concepts.items() if c.level_codes])
        onto.lexicon = lex  # type: ignore[assignment]  # (Ontology starts it as None)
    return lex
