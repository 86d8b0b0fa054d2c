"""Load the rule and vocabulary files of ``kg/rules/`` once, checked on load.

Every file is JSON; a missing key, an unknown category or a regex that does not
compile is a :class:`~kg.errors.KGError` naming the file, so a typo in a rule
file fails loudly at start-up instead of silently changing extraction.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any

from kg.errors import KGError

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

CONTEXT_CATEGORIES = frozenset(
    {"NEGATED", "POSSIBLE", "AFFIRMED", "HISTORICAL", "PLANNED", "HYPOTHETICAL", "FAMILY", "PSEUDO",
     "TERMINATE"}
)
DIRECTIONS = frozenset({"forward", "backward", "bidirectional"})

_REQUIRED: dict[str, tuple[str, ...]] = {
    "context": ("triggers",),
    "modifiers": ("laterality", "severity", "laterality_postmodifiers", "size_units"),
    "levels": ("max", "words", "ordinals", "regions", "exclusions", "anaphora", "range_words"),
    "sections": ("kinds", "heading_pattern", "known_headings", "timing"),
    "relations": ("cause_after", "result_before", "treat", "resolve", "complication",
                  "complication_after", "time_after", "time_before", "repeat", "coordination",
                  "step_classes"),
    "sites": ("adverbs", "leak", "aspect_words"),
    "procedures": ("not_performed_classes",),
    "normal_statements": ("statements",),
    "descriptors": ("descriptor_classes", "generic_classes", "generic_targets"),
    "blanket": ("classes", "phrases"),
}


class RuleError(KGError):
    """A rule file under kg/rules/ is missing, malformed or inconsistent."""


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed, checked rule file ``kg/rules/<name>.json``."""
    path = RULES_DIR / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuleError(f"{path}: rule file missing") from None
    except json.JSONDecodeError as exc:
        raise RuleError(f"{path}: not valid JSON ({exc})") from None
    for key in _REQUIRED.get(name, ()):
        if key not in data:
            raise RuleError(f"{path}: required key {key!r} missing")
    if name == "context":
        _check_triggers(path, data["triggers"])
    return data


def _check_triggers(path: Path, triggers: list[dict[str, str]]) -> None:
    for i, trig in enumerate(triggers):
        if trig.get("category") not in CONTEXT_CATEGORIES:
            raise RuleError(f"{path}: trigger {i} has unknown category {trig.get('category')!r}")
        if trig.get("direction") not in DIRECTIONS:
            raise RuleError(f"{path}: trigger {i} has unknown direction {trig.get('direction')!r}")
        if not str(trig.get("phrase", "")).strip():
            raise RuleError(f"{path}: trigger {i} has an empty phrase")


def compile_regex(pattern: str, source: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """Compile a regex from a rule file, naming the file when it is invalid."""
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise RuleError(f"{RULES_DIR / source}: bad regex {pattern!r} ({exc})") from None


_LITERAL = re.compile(r"[\w\s'’/.,&+-]+")


def phrase_regex(phrases: list[str] | tuple[str, ...],
                 source: str) -> re.Pattern[str] | PhrasePattern | LowerScan:
    """One word-bounded alternation over literal-ish phrases, longest first.

    Phrases may hold small regex pieces (``to stabili[sz]e``); spaces match any
    run of whitespace.  When every phrase is literal the alternation is compiled
    as a character trie (``no(?:t|\\s+evidence\\s+of)?``): the same matches,
    several times faster, since at each position only one branch can go on; when
    the phrases are also ASCII it is a :class:`PhrasePattern`, scanning lower-cased
    text (its matches' ``group()`` is lower case); other phrases in lower-case ASCII
    give a :class:`LowerScan` (the same).
    """
    unique = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    spelled = sorted({v for p in unique for v in _spellings(p)}, key=len, reverse=True)
    if all(_LITERAL.fullmatch(p) for p in spelled):
        unique = spelled
        body = r"(?<![\w/-])" + trie_alternation(unique) + r"(?![\w/])"
        folded = compile_regex(body, source)
        if all(p.isascii() for p in unique):
            return PhrasePattern(folded, compile_regex(body, source, 0), needles(unique),
                                 first_words(unique))
        return folded
    body = "(?:" + "|".join(re.sub(r"\s+", r"\\s+", p) for p in unique) + ")"
    # speed: a lower-case ASCII alternation scans the lower-cased text (LowerScan)
    # speed: a match opens with a match of the bare alternation, which the regex engine
    # finds by skipping ahead to its first letters (LowerScan's ``skip``)
    pattern = r"(?<![\w/-])" + body + r"(?![\w/])"
    scan = LowerScan(pattern, source, skip=body)
    if scan._lower is None:
        return scan._folded
    # speed: searched by the first-word index where the phrases' first words are known
    firsts = regex_first_words(body)
    return scan if firsts is None else LowerScan(pattern, source, skip=body, firsts=firsts)


# Characters whose lower-case form is not one character, or that ``re.IGNORECASE``
# matches with an ASCII letter although ``str.lower`` keeps them apart (Kelvin sign,
# long s, dotless i, dotted capital I): a text holding one is scanned case-folded.
_FOLD_UNSAFE = ("\u0130", "\u212a", "\u017f", "\u0131")
# (text, its lowered form): the last long text, and apart from it the last short one (a
# heading or a window asked about in between does not evict the case's text: speed).
# Each slot is replaced in one assignment, so threads never see half an update.
_last: list[tuple[str | None, str | None]] = [(None, None), (None, None)]


_PHRASE_STOP = re.compile(r"[.,;:()\n]")


def words_after(text: str, pos: int, word: re.Pattern[str], limit: int) -> list[str]:
    """The first ``limit`` words (``word`` matches) of ``text`` after ``pos``, up to the
    next punctuation mark and within 80 characters: the rest of a short phrase."""
    window = text[pos:pos + 80]
    stop = _PHRASE_STOP.search(window)
    return word.findall(window[:stop.start()] if stop else window)[:limit]


def lowered(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset and matches ASCII phrases exactly as
    ``re.IGNORECASE`` would, else None.  The last answer is kept: the finders of one
    case all scan the same text (a short string asked about in between, a heading or a
    window, is kept apart, so the case's lower-cased text stays the same object)."""
    slot = 0 if len(text) >= INDEX_MIN_CHARS else 1
    seen, low = _last[slot]
    if text is seen:
        return low
    low = text.lower()
    if not text.isascii() and any(ch in text for ch in _FOLD_UNSAFE):
        low = None
    _last[slot] = (text, low)
    return low


_END = 1 << 62
# A gate checks each needle with ``in`` (C speed, ~0.5 µs per needle on a report); with
# more needles than this the gate costs about what the scan it might save does.
MAX_NEEDLES = 16


def needles(phrases: list[str] | tuple[str, ...]) -> tuple[str, ...] | None:
    """Words one of which every match of the literal ``phrases`` holds: each phrase's
    longest word, lower case (a needle holding a shorter needle is dropped), or None
    when there are more than :data:`MAX_NEEDLES` (then no gate is worth having)."""
    found = {max(p.lower().split(), key=len) for p in phrases if p.split()}
    kept = sorted(n for n in found if not any(m != n and m in n for m in found))
    return tuple(kept) if kept and len(kept) <= MAX_NEEDLES else None


class Gate:
    """"May ``text`` hold a match?": False only when no needle occurs in the lower-cased
    text, so a finder can skip its whole-text scan.  The last answer is kept (the
    finders of one case ask about the same text object)."""

    __slots__ = ("needles", "_last")

    def __init__(self, words: tuple[str, ...] | None):
        self.needles = words
        self._last: tuple[str | None, bool] = (None, True)  # (text, answer), one assignment

    def may_match(self, text: str) -> bool:
        if self.needles is None:
            return True
        seen, answer = self._last
        if text is seen:
            return answer
        low = lowered(text)
        answer = low is None or any(map(low.__contains__, self.needles))  # speed: C-level
        self._last = (text, answer)
        return answer


# ---- speed: where the phrase patterns may match, found by one scan per text
#
# A match of a literal phrase alternation (``(?<![\w/-])trie(?![\w/])``) starts at a
# maximal run of word characters not preceded by "/" or "-", and that run is exactly
# the phrase's leading run: the phrase goes on with a non-word character (a space, "/",
# ".") or ends where the text may hold no word character.  So one scan for the leading
# runs of every phrase pattern (a trie of a few hundred words) tells each pattern the
# only offsets where it can match; it then tries ``match`` there instead of scanning the
# whole text (the same matches, in the same order, at a fraction of the cost).

_RUN = re.compile(r"\w+")
# Shorter texts (a heading, a window) are scanned directly: an index would cost more.
INDEX_MIN_CHARS = 256


def first_words(phrases: list[str] | tuple[str, ...]) -> frozenset[str] | None:
    """The leading word-character run of each phrase, lower case; None when a phrase
    does not start with a word character (then its pattern is not indexed)."""
    out = set()
    for p in phrases:
        m = _RUN.match(p.lower())
        if m is None:
            return None
        out.add(m.group())
    return frozenset(out) if out else None


class _Unbounded(Exception):
    """A regex whose leading word runs are no small finite set (regex_first_words)."""


# regex_first_words gives up beyond this many runs (partial or whole) of one pattern
_MAX_RUNS = 64


def regex_first_words(body: str) -> frozenset[str] | None:
    """The leading word-character runs (lower case) that a case-insensitive match of the
    regex ``body`` opens with, when they are a small finite set: ``post-?operatively`` ->
    {post, postoperatively}.  For a body whose pattern is followed by ``(?![\\w/])`` (a run
    still open where the body ends is whole there).  None when a match may open with
    something else (a non-word character, a class of many letters, an unbounded
    repetition of letters ...): such a pattern is not indexed (speed only: the index tells
    :class:`LowerScan` where to try a match instead of scanning every offset)."""
    import importlib

    parser = importlib.import_module("re._parser")
    try:
        tree = parser.parse(body, re.IGNORECASE)
        opens, closed = _runs_of(list(tree), {""})
    except (_Unbounded, re.error, RecursionError):
        return None
    out = opens | closed
    return frozenset(out) if out and "" not in out else None


def _runs_of(items: list[Any], opens: set[str]) -> tuple[set[str], set[str]]:
    """(runs still open, runs ended) after the regex items ``items`` (sre parse tree
    nodes), from the runs ``opens``; :class:`_Unbounded` when they are no small set."""
    closed: set[str] = set()
    for op, av in items:
        if not opens:
            break  # every run has ended: what follows does not matter
        opens, ended = _runs_of_item(str(op), av, opens)
        closed |= ended
        if "" in closed or len(opens) + len(closed) > _MAX_RUNS:
            raise _Unbounded  # a match opening with a non-word character, or too many
    return opens, closed


def _word_char(code: int) -> bool | None:
    """Whether the character ``code`` is a word character (ASCII only; else None)."""
    ch = chr(code)
    if not ch.isascii():
        return None
    return ch.isalnum() or ch == "_"


def _runs_of_item(op: str, av: Any, opens: set[str]) -> tuple[set[str], set[str]]:
    """:func:`_runs_of` of one parse-tree node."""
    if op == "LITERAL":
        word = _word_char(av)
        if word is None:
            raise _Unbounded
        return ({p + chr(av).lower() for p in opens}, set()) if word else (set(), opens)
    if op == "IN":
        chars: list[str] = []
        ends = True
        for kind, value in av:
            if str(kind) == "LITERAL" and _word_char(value) is not None:
                if _word_char(value):
                    chars.append(chr(value).lower())
                    ends = False
            elif not (str(kind) == "CATEGORY" and str(value) == "CATEGORY_SPACE"):
                raise _Unbounded  # a range, a negation, \w, \d ...: not enumerated
        if chars and len(chars) < len(av):
            raise _Unbounded  # word and non-word characters mixed
        return (set(), opens) if ends else ({p + c for p in opens for c in chars}, set())
    if op == "BRANCH":
        out_open: set[str] = set()
        out_closed: set[str] = set()
        for alternative in av[1]:
            o, c = _runs_of(list(alternative), set(opens))
            out_open |= o
            out_closed |= c
        return out_open, out_closed
    if op == "SUBPATTERN":
        if av[1] or av[2]:
            raise _Unbounded  # flags changed inside
        return _runs_of(list(av[3]), opens)
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, sub = av
        result: set[str] = set()
        closed: set[str] = set()
        current = opens
        count = 0
        while True:
            if count >= low:
                result |= current
            if count == high or not current:
                break
            if count >= 4:
                raise _Unbounded  # letters repeated without a small bound
            current, ended = _runs_of(list(sub), current)
            closed |= ended
            count += 1
        return result, closed
    if op in ("AT", "ASSERT", "ASSERT_NOT"):
        return opens, set()  # zero-width: it only rules matches out
    raise _Unbounded  # any character, a back-reference, a conditional ...


class _WordStarts:
    """Every indexed pattern's first words, and per lower-cased text where they stand."""

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.finder: re.Pattern[str] | None = None
        self.version = 0
        # (lowered text, version, its index, its glued index), replaced in one assignment
        self._last: tuple[str | None, int, dict[str, list[int]], dict[str, list[int]]] = \
            (None, -1, {}, {})

    def register(self, words: frozenset[str]) -> None:
        if not words <= self.words:
            self.words = self.words | words  # a new set: readers never see it change
            self.finder = None
            self.version += 1

    def index(self, low: str) -> dict[str, list[int]]:
        """First word -> its offsets in ``low`` (sorted), for the registered words."""
        return self._indexes(low)[0]

    def glued(self, low: str) -> dict[str, list[int]]:
        """:meth:`index` of the registered words that stand right after "/" or "-"
        (which :meth:`index` leaves out): with both, every whole word-character run."""
        return self._indexes(low)[1]

    def _indexes(self, low: str) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """(:meth:`index`, :meth:`glued`) of ``low``."""
        seen, version, index, glued = self._last
        if seen is low and version == self.version:
            return index, glued
        version = self.version  # read before the finder: a later word forces a rebuild
        finder = self.finder
        if finder is None:
            finder = self.finder = re.compile(
                r"(?<!\w)" + trie_alternation(sorted(self.words)) + r"(?!\w)")
        index, glued = {}, {}
        for m in finder.finditer(low):
            a = m.start()
            into = glued if a > 0 and low[a - 1] in "/-" else index
            at = into.get(m.group())
            if at is None:
                into[m.group()] = [a]
            else:
                at.append(a)
        self._last = (low, version, index, glued)
        return index, glued


    def seed(self, text: str, parts: list[str]) -> None:
        """Build the index of ``text`` (as :meth:`index` of its lower case would) from
        ``parts``, the text split at its words as ``Lexicon.match_words`` gives it (speed:
        the lexicon has split the text already; a look-up per word instead of a scan).

        Those words are runs of letters and digits, possibly joined by apostrophes; with
        no "_" in the text, the runs between the apostrophes (:data:`_APOSTROPHES`) are
        exactly the word-character runs the scan finds (a character is a word character
        exactly when its lower case is, and :func:`lowered` keeps every offset)."""
        if len(text) < INDEX_MIN_CHARS or "_" in text:
            return
        low = lowered(text)
        if low is None:
            return
        version, words = self.version, self.words  # the version first: see index()
        if not words:
            return  # nothing registered yet: no pattern asks
        # apostrophes inside the words (joining runs), in text order
        apostrophes = sorted(at for ch in _APOSTROPHES for at in _find_all(text, ch))
        index: dict[str, list[int]] = {}
        glued: dict[str, list[int]] = {}
        k = 0  # the next apostrophe not yet passed
        at = 0
        for i, part in enumerate(parts):
            end = at + len(part)
            if i & 1:
                while k < len(apostrophes) and apostrophes[k] < at:
                    k += 1
                start = at
                while k < len(apostrophes) and apostrophes[k] < end:  # a run ends at each one
                    _add_run(index, glued, words, low, start, apostrophes[k])
                    start = apostrophes[k] + 1
                    k += 1
                _add_run(index, glued, words, low, start, end)
            at = end
        self._last = (low, version, index, glued)


# The apostrophes that join the lexicon's words and are no word characters ("ʼ", a
# modifier letter, is one: a run holds it, it splits nothing).
_APOSTROPHES = ("'", "\u2019", "`")


def _find_all(text: str, ch: str) -> list[int]:
    """Every offset of ``ch`` in ``text``."""
    out: list[int] = []
    at = text.find(ch)
    while at >= 0:
        out.append(at)
        at = text.find(ch, at + 1)
    return out


def _add_run(index: dict[str, list[int]], glued: dict[str, list[int]], words: set[str],
             low: str, a: int, b: int) -> None:
    """Index the word-character run low[a:b] when it is a registered word: in ``glued``
    when "/" or "-" stands before it, else in ``index`` (as the scan sorts them)."""
    word = low[a:b]
    if word in words:
        into = glued if a > 0 and low[a - 1] in "/-" else index
        at = into.get(word)
        if at is None:
            into[word] = [a]
        else:
            at.append(a)


_WORD_STARTS = _WordStarts()


# Whether this module runs compiled (mypyc): then a loop over the words costs less than
# the regex scan :meth:`_WordStarts.seed` saves; as pure Python it costs more than that
# scan (which runs in C), so pure Python keeps the scan (the same index either way).
_SEEDS = not __file__.endswith(".py")


def seed_word_starts(text: str, parts: list[str]) -> None:
    """Index ``text``'s first words from its split at words (:meth:`_WordStarts.seed`),
    when compiled (:data:`_SEEDS`)."""
    if _SEEDS:
        _WORD_STARTS.seed(text, parts)


def required_char(pattern: re.Pattern[str]) -> str | None:
    """An ASCII punctuation character every match of ``pattern`` holds (a literal of its
    top-level sequence, or of a group there), or None: a string without it holds no
    match, so a search of it may be skipped (speed; no case folding can change such a
    character)."""
    import importlib

    parser = importlib.import_module("re._parser")
    try:
        items = list(parser.parse(pattern.pattern, pattern.flags))
    except (re.error, RecursionError):
        return None
    while items:
        op, av = items.pop(0)
        if str(op) == "LITERAL":
            ch = chr(av)
            if ch.isascii() and not ch.isalnum() and not ch.isspace():
                return ch
        elif str(op) == "SUBPATTERN":
            items = list(av[3]) + items  # a group that always takes part: its sequence
    return None


def line_anchored(pattern: re.Pattern[str]) -> bool:
    """Whether every match of ``pattern`` starts at a line start: compiled with
    ``re.MULTILINE``, its regex opens with ``^`` outside any group or alternation."""
    if not pattern.flags & re.MULTILINE:
        return False
    import importlib

    parser = importlib.import_module("re._parser")
    try:
        tree = list(parser.parse(pattern.pattern, pattern.flags))
    except (re.error, RecursionError):
        return False
    return bool(tree) and str(tree[0][0]) == "AT" and str(tree[0][1]) == "AT_BEGINNING"


def finditer_lines(pattern: re.Pattern[str], text: str, pos: int = 0,
                   endpos: int = _END) -> list[re.Match[str]]:
    """``list(pattern.finditer(text, pos, endpos))`` for a :func:`line_anchored` pattern:
    ``match`` tried at each line start alone (speed: the regex engine tries ``^`` at every
    offset; the same matches, as a line start is one whatever ``pos`` is)."""
    out: list[re.Match[str]] = []
    limit = min(endpos, len(text))
    pos = min(max(pos, 0), len(text))
    if pos == 0 or text[pos - 1] == "\n":
        at = pos
    else:  # the next line start
        at = text.find("\n", pos) + 1
        if at == 0:
            return out
    free = pos
    while at <= limit:
        if at >= free:  # (a match spanning lines: the line starts inside it are passed)
            m = pattern.match(text, at, endpos)
            if m is not None:
                out.append(m)
                free = m.end()
        at = text.find("\n", at) + 1
        if at == 0:
            break
    return out


def word_starts(text: str, words: frozenset[str]) -> list[int] | None:
    """Where in ``text`` a whole word of ``words`` stands (sorted offsets of the
    word-character runs, neither preceded nor followed by a word character, that are one
    of ``words`` compared case-insensitively: what ``\\b(?:word|...)\\b`` finds), from
    the first-word index (speed: no scan); ``words`` lower case, registered with
    :func:`register_first_words`.  None for a text not indexed (short, or its lower case
    shifts offsets): scan that one."""
    if len(text) < INDEX_MIN_CHARS:
        return None
    low = lowered(text)
    if low is None:
        return None
    index, glued = _WORD_STARTS._indexes(low)
    found = [at for w in words if w in index for at in index[w]]
    found += [at for w in words if w in glued for at in glued[w]]
    found.sort()
    return found


def finditer_words(finder: Finder, text: str,
                   words: frozenset[str]) -> list[re.Match[str]] | None:
    """``list(finder.finditer(text))`` for a finder each of whose matches opens with a
    whole word of ``words`` (as :func:`word_starts` finds them): ``match`` tried there
    alone (speed); None for a text not indexed (scan that one)."""
    starts = word_starts(text, words)
    if starts is None:
        return None
    return match_at(finder, text, starts)


def char_offsets(text: str, chars: str) -> list[int]:
    """Every offset in ``text`` of each character of ``chars`` (unsorted)."""
    return [at for ch in chars for at in _find_all(text, ch)]


def match_at(matcher: Any, text: str, starts: list[int]) -> list[re.Match[str]]:
    """What ``matcher.finditer(text)`` finds when every match starts at one of the sorted
    offsets ``starts``: ``matcher.match`` tried at each, leftmost first, a match's span
    skipping the starts inside it (``matcher``: a compiled pattern, a :class:`Finder` or
    a :class:`LowerScan`)."""
    out: list[re.Match[str]] = []
    free = 0
    for at in starts:
        if at < free:
            continue
        m = matcher.match(text, at)
        if m is not None:
            out.append(m)
            free = m.end()
    return out


def register_first_words(words: frozenset[str]) -> None:
    """Index ``words`` too (for :func:`finditer_at`)."""
    _WORD_STARTS.register(words)


def finditer_at(pattern: re.Pattern[str], text: str, firsts: frozenset[str] | None,
                letters: str = "") -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern each of whose matches starts either like a
    phrase of :func:`phrase_regex` (a word-character run of ``firsts``, registered with
    :func:`register_first_words`, not preceded by a word character, "/" or "-"; matched
    case-insensitively) or at one of the characters ``letters``: ``match`` is tried only
    there (speed; the same matches)."""
    if firsts is None or len(text) < INDEX_MIN_CHARS:
        return pattern.finditer(text)
    low = lowered(text)
    if low is None:
        return pattern.finditer(text)
    index = _WORD_STARTS.index(low)
    cands = [at for w in firsts if w in index for at in index[w]]
    cands += char_offsets(text, letters)
    cands.sort()
    return iter(match_at(pattern, text, cands))


class _LowerScanning:
    """The ``re.Pattern`` scanning methods for a pattern that picks, per text, either a
    case-sensitive pattern over the lower-cased text or a case-insensitive one over the
    text itself (:meth:`_pick`)."""

    __slots__ = ()

    def _pick(self, text: str) -> tuple[re.Pattern[str], str]:
        raise NotImplementedError

    def finditer(self, text: str, pos: int = 0, endpos: int = _END) -> Iterator[re.Match[str]]:
        pattern, subject = self._pick(text)
        return pattern.finditer(subject, pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        pattern, subject = self._pick(text)
        return pattern.search(subject, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        pattern, subject = self._pick(text)
        return pattern.match(subject, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        pattern, subject = self._pick(text)
        return pattern.fullmatch(subject, pos, endpos)


class PhrasePattern(_LowerScanning):
    """A literal ASCII phrase alternation (what :func:`phrase_regex` builds) that scans
    the lower-cased text with a case-sensitive pattern: the same offsets as the
    ``re.IGNORECASE`` pattern, about twice as fast (Python's regex engine folds case
    per character and position).  Matches are over the lower-cased text, so
    ``m.group()`` is lower case: read the original text by offsets when case matters.
    """

    __slots__ = ("pattern", "_folded", "_lower", "gate", "firsts", "_last")

    def __init__(self, folded: re.Pattern[str], lower: re.Pattern[str],
                 words: tuple[str, ...] | None = None,
                 firsts: frozenset[str] | None = None):
        self.pattern = folded.pattern
        self._folded = folded
        self._lower = lower
        self.gate = Gate(words)  # skips the scan of a text holding none of the words
        self.firsts = firsts  # the phrases' leading words: where a match may start
        # (text, index version, (its lowered form, candidate offsets)), replaced in one
        # assignment; keyed by the text itself, so a repeated call costs no lowered()
        self._last: tuple[str | None, int, tuple[str, list[int]] | None] = (None, -1, None)
        if firsts is not None:
            _WORD_STARTS.register(firsts)

    def _starts(self, text: str) -> tuple[str, list[int]] | None:
        """(lower-cased text, sorted offsets where a match may start) for a long text
        whose lower case is safe; None when the text is to be scanned directly."""
        seen, version, found = self._last
        if seen is text and version == _WORD_STARTS.version:
            return found  # speed: the finders of one case ask about the same text
        if self.firsts is None or len(text) < INDEX_MIN_CHARS:
            return None
        low = lowered(text)
        if low is None:
            return None
        version = _WORD_STARTS.version
        cands = _candidates(self.firsts, _WORD_STARTS.index(low))
        self._last = (text, version, (low, cands))
        return low, cands

    def _indexed(self, low: str, cands: list[int], pos: int, endpos: int,
                 first_only: bool) -> list[re.Match[str]]:
        """What ``finditer`` (or, ``first_only``, ``search``) over low[pos:endpos] finds,
        trying ``match`` only at the candidate offsets."""
        return _matches_at(self._lower.match, low, cands, pos, endpos, first_only)

    def _pick(self, text: str) -> tuple[re.Pattern[str], str]:
        low = lowered(text)
        return (self._folded, text) if low is None else (self._lower, low)

    def finditer(self, text: str, pos: int = 0, endpos: int = _END) -> Iterator[re.Match[str]]:
        starts = self._starts(text)
        if starts is not None:
            return iter(self._indexed(starts[0], starts[1], pos, endpos, False))
        if not self.gate.may_match(text):
            return iter(())
        return super().finditer(text, pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        starts = self._starts(text)
        if starts is not None:
            found = self._indexed(starts[0], starts[1], pos, endpos, True)
            return found[0] if found else None
        return super().search(text, pos, endpos)


def _candidates(firsts: frozenset[str], index: dict[str, list[int]]) -> list[int]:
    """The sorted offsets where one of the words ``firsts`` stands (``index``: see
    :meth:`_WordStarts.index`)."""
    if len(firsts) < len(index):
        lists = [index[w] for w in firsts if w in index]
    else:
        lists = [at for w, at in index.items() if w in firsts]
    return lists[0] if len(lists) == 1 else sorted(chain.from_iterable(lists))


def _matches_at(match: Callable[[str, int, int], re.Match[str] | None], subject: str,
                cands: list[int], pos: int, endpos: int,
                first_only: bool) -> list[re.Match[str]]:
    """What ``finditer`` (or, ``first_only``, ``search``) over subject[pos:endpos] finds
    for a pattern whose matches start only at the offsets ``cands`` (sorted), trying its
    ``match`` there alone."""
    out: list[re.Match[str]] = []
    free = pos
    # walk by index from pos (no slice of the tail: a window costs its own length)
    for i in range(bisect_left(cands, pos), len(cands)):
        at = cands[i]
        if at >= endpos:
            break
        if at < free:
            continue
        m = match(subject, at, endpos)
        if m is not None:
            out.append(m)
            if first_only:
                break
            free = m.end()
    return out


_GROUP_NAME = re.compile(r"(?<!\\)\(\?P<\w+>")


class LowerScan(_LowerScanning):
    """A case-insensitive regex that scans the lower-cased text case-sensitively when
    its own text is ASCII and all lower case (speed: Python's regex engine folds case
    per character and position, and a case-sensitive pattern opening with literals lets
    it skip ahead).  The same offsets: a lower-case ASCII pattern matches a character
    case-insensitively exactly when it matches that character lower-cased, for texts
    :func:`lowered` accepts.  Texts shorter than :data:`INDEX_MIN_CHARS` (lowering a
    fresh slice costs about what it saves) and other patterns use ``re.IGNORECASE``.
    Matches found over the lower-cased text give lower-case ``group()``: read the
    original text by offsets where case matters.

    ``skip``: a regex that matches (over the same text, at the same offset) wherever the
    pattern does, and opens with literals the regex engine can skip ahead to; a lower
    scan then starts at its first match (none: no match), not at every offset before it
    (speed; the same matches: no match of the pattern starts before that offset).
    """

    __slots__ = ("pattern", "_folded", "_lower", "_skip", "firsts", "_last")

    def __init__(self, pattern: str, source: str, skip: str | None = None,
                 firsts: frozenset[str] | None = None):
        self.pattern = pattern
        # ``firsts``: the word runs every match opens with, not preceded by a word
        # character, "/" or "-" (as :func:`regex_first_words` finds them for a pattern
        # ``(?<![\w/-])body(?![\w/])``); long texts are then searched by the first-word
        # index (:class:`_WordStarts`), ``match`` tried only where one stands (speed)
        self.firsts = firsts
        # (text, index version, (its lowered form, candidate offsets) or None)
        self._last: tuple[str | None, int, tuple[str, list[int]] | None] = (None, -1, None)
        if firsts is not None:
            _WORD_STARTS.register(firsts)
        self._folded = compile_regex(pattern, source)
        # a group's name is no text to match: "(?P<Name>" does not stop the lower scan
        bare = _GROUP_NAME.sub("(", pattern)
        self._lower = compile_regex(pattern, source, 0) \
            if bare.isascii() and bare == bare.lower() else None
        self._skip = compile_regex(skip, source, 0) \
            if skip is not None and self._lower is not None else None

    def _skipped(self, pattern: re.Pattern[str], subject: str, pos: int,
                 endpos: int) -> int | None:
        """Where a scan of ``subject`` from ``pos`` may find its first match: the first
        match of ``skip`` (for the lower scan), ``pos`` itself, or None for no match."""
        if self._skip is None or pattern is not self._lower:
            return pos
        m = self._skip.search(subject, pos, endpos)
        return None if m is None else m.start()

    def _indexed(self, text: str, pos: int, endpos: int,
                 first_only: bool) -> list[re.Match[str]] | None:
        """What ``finditer`` (``first_only``: ``search``) finds, by the first-word index;
        None when the pattern or the text is not indexed."""
        if self.firsts is None or len(text) < INDEX_MIN_CHARS:
            return None
        seen, version, found = self._last
        if seen is not text or version != _WORD_STARTS.version:
            low = lowered(text)
            version = _WORD_STARTS.version  # read before the index: see _WordStarts.index
            found = None if low is None else \
                (low, _candidates(self.firsts, _WORD_STARTS.index(low)))
            self._last = (text, version, found)
        if found is None:
            return None
        if self._lower is not None:
            return _matches_at(self._lower.match, found[0], found[1], pos, endpos, first_only)
        # a pattern with capitals: case-insensitive over the text, at the same offsets
        return _matches_at(self._folded.match, text, found[1], pos, endpos, first_only)

    def finditer(self, text: str, pos: int = 0, endpos: int = _END) -> Iterator[re.Match[str]]:
        found = self._indexed(text, pos, endpos, False)
        if found is not None:
            return iter(found)
        pattern, subject = self._pick(text)
        at = self._skipped(pattern, subject, pos, endpos)
        return iter(()) if at is None else pattern.finditer(subject, at, endpos)

    def search(self, text: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        found = self._indexed(text, pos, endpos, True)
        if found is not None:
            return found[0] if found else None
        pattern, subject = self._pick(text)
        at = self._skipped(pattern, subject, pos, endpos)
        return None if at is None else pattern.search(subject, at, endpos)

    def _pick(self, text: str) -> tuple[re.Pattern[str], str]:
        if self._lower is None or len(text) < INDEX_MIN_CHARS:
            return self._folded, text
        low = lowered(text)
        return (self._folded, text) if low is None else (self._lower, low)

    def __getattr__(self, name: str):
        """Any other ``re.Pattern`` method or attribute (``sub``, ``flags`` ...): the
        case-insensitive pattern's, over the original text."""
        if name.startswith("_"):  # not set yet (copy, pickle): no recursion through here
            raise AttributeError(name)
        return getattr(self._folded, name)


_LETTER_CLASS = re.compile(r"\[([a-z]{2,})\]")


def _spellings(phrase: str) -> list[str]:
    """A phrase with one-letter classes spelled out: ``stabili[sz]e`` -> stabilise, stabilize."""
    m = _LETTER_CLASS.search(phrase)
    if m is None:
        return [phrase]
    return [v for ch in m[1]
            for v in _spellings(phrase[:m.start()] + ch + phrase[m.end():])]


def _atoms(phrase: str) -> list[str]:
    """A literal phrase as regex atoms: one escaped character each, a space run as ``\\s+``."""
    out: list[str] = []
    for ch in phrase.lower():
        atom = r"\s+" if ch.isspace() else re.escape(ch)
        if not (atom == r"\s+" and out and out[-1] == atom):
            out.append(atom)
    return out


def trie_alternation(phrases: list[str] | tuple[str, ...]) -> str:
    """A regex matching any of the literal ``phrases`` (case folded), longest first.

    The phrases share their prefixes in a trie; a phrase that ends where a longer one
    goes on makes the continuation optional and greedy, so the longest phrase wins.
    """
    root: dict[str, dict] = {}
    for phrase in phrases:
        node = root
        for atom in _atoms(phrase):
            node = node.setdefault(atom, {})
        node[""] = {}
    return "(?:" + _serialise(root) + ")"


def _serialise(node: dict[str, dict]) -> str:
    alts = [atom + _serialise(child) for atom, child in node.items() if atom]
    if not alts:
        return ""
    if "" in node:
        return "(?:" + "|".join(alts) + ")?"
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


# What phrase_regex returns: each answers search / match / finditer like a re.Pattern.
Finder = re.Pattern[str] | PhrasePattern | LowerScan
