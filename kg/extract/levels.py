"""Vertebral levels in text: "L5", "L4-5", "L4/5", "T12 through L2", "C1 ring", "dens".

:func:`find_levels` returns :class:`LevelMention`s with canonical codes
("C1".."C7", "T1".."T12" (also written "Th1"..), "L1".."L5", "S1".."S5", "Co"; a disc/interspace as
"L4-L5").  Two adjacent levels joined by a hyphen or slash ("L4-5", "L5-S1") are
the disc between them; a non-adjacent pair ("T12-L2") or a pair joined by
"through"/"to" is a range and expands to every vertebra in it.  Tokens that only
look like levels (T1/T2-weighted, "T2 hyperintense", S1/S2 heart sounds, TNM
stages, "L1 norm") are dropped by the exclusions in ``kg/rules/levels.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract import rules

ORDER: tuple[str, ...] = (
    tuple(f"C{i}" for i in range(1, 8))
    + tuple(f"T{i}" for i in range(1, 13))
    + tuple(f"L{i}" for i in range(1, 6))
    + tuple(f"S{i}" for i in range(1, 6))
    + ("Co",)
)
_INDEX = {code: i for i, code in enumerate(ORDER)}


@dataclass(frozen=True)
class LevelMention:
    """A level (or several) named at text[start:end]."""

    start: int
    end: int
    text: str
    codes: tuple[str, ...]  # vertebra codes or disc codes ("L4-L5"), in spinal order
    anaphora: int | None = None  # for "this level"/"the level above": offset to resolve


@dataclass(frozen=True)
class _Exclusion:
    name: str
    letters: str
    numbers: frozenset[int]
    after: re.Pattern[str] | None
    before: re.Pattern[str] | None
    window: re.Pattern[str] | None
    all_: bool = False


@dataclass(frozen=True)
class _Anaphor:
    """A level anaphora rule ("at this level", "the level above")."""

    pattern: rules.LowerScan  # its lead and its pattern: what a mention is
    core: rules.LowerScan  # its pattern alone (opens with a word): held by every match
    offset: int
    needs: tuple[str, ...]  # lower-case words every text with a match holds

    def finditer(self, text: str) -> list[re.Match[str]]:
        """The rule's matches in ``text`` (speed: a text holding no match of the core,
        which opens with a literal word the regex engine skips to, has none)."""
        if self.core.search(text) is None:
            return []
        return list(self.pattern.finditer(text))


@dataclass(frozen=True)
class _Compiled:
    token: re.Pattern[str]
    token_number: re.Pattern[str]  # where a token's first number may start (speed)
    token_number_ascii: re.Pattern[str]  # the same for an ASCII text (speed)
    words: rules.Finder
    words_map: dict[str, tuple[str, ...]]
    axis: re.Pattern[str]
    axis_near: re.Pattern[str]
    ordinal: rules.LowerScan
    ordinal_words: frozenset[str] | None  # the words every ordinal match opens with
    ordinals: dict[str, int]
    regions: dict[str, str]
    range_nouns: re.Pattern[str]
    exclusions: tuple[_Exclusion, ...]
    anaphora: tuple[_Anaphor, ...]
    ordinal_gate: rules.Gate  # the ordinal pattern needs a region word
    ordinal_word_gate: rules.Gate  # ... and an ordinal word (speed: fewer scans)
    axis_requires: str
    maxima: dict[str, int]
    range_words: frozenset[str]
    disc_words: frozenset[str]  # 'L4 on L5': the segment between two adjacent levels


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    data = rules.load("levels")
    src = "levels.json"
    range_words = "|".join(re.escape(w) for w in (*data["range_words"],
                                                  *data.get("disc_words", ())))
    # Case-insensitive, with the cases spelled out (S also as the long s, which
    # re.IGNORECASE folds to it) and the look-behind after the first letter: the pattern
    # then opens with a character set, so the regex engine skips ahead to those letters
    # instead of trying every position (speed; the same matches as
    # "(?<![A-Za-z0-9])(?P<l1>Th|[CTLS])..." under re.IGNORECASE).
    letter = "[CcTtLlSs\u017f]"
    alnum = "[A-Za-z0-9\u0130\u0131\u017f\u212a]"  # what [A-Za-z0-9] folds to
    token = rules.compile_regex(
        r"(?P<l1>" + letter + r"(?<!" + alnum + letter + r")(?:(?<=[Tt])[Hh])?)"
        r"[- ]?(?P<n1>\d{1,2})"
        r"(?:\s*(?P<sep>-|–|—|/|(?<=\s)(?i:" + range_words + r")(?=\s))\s*"
        r"(?:(?P<l2>[Tt][Hh]|" + letter + r")[- ]?)?(?P<n2>\d{1,2})(?!" + alnum + r"))?"
        r"(?P<glued>(?<=[Ll]5)[Ss\u017f]1)?(?!" + alnum + r")",
        src, 0,
    )
    # speed: a token's first number follows its letter, "Th", or either and "-" or " ":
    # this scan skips ahead to digits (rarer than the letters) and finds each digit that
    # may open one; the token is then matched from 1 to 3 characters before it
    number_at = (r"(?:(?<=" + letter + r"\d)|(?<=" + letter + r"[- ]\d)|(?<=[Tt][Hh]\d)"
                 r"|(?<=[Tt][Hh][- ]\d))")
    token_number = rules.compile_regex(r"\d" + number_at, src, 0)
    # speed: in an ASCII text \d is [0-9], a plain character set the engine skips
    # ahead by faster than the Unicode digit category (the same matches)
    token_number_ascii = rules.compile_regex(r"[0-9]" + number_at, src, 0)
    words_map = {k.lower(): tuple(v) for k, v in data["words"].items()}
    words = rules.phrase_regex(list(words_map), src)
    ordinals = {k.lower(): int(v) for k, v in data["ordinals"].items()}
    regions = {k.lower(): v for k, v in data["regions"].items()}
    # speed: scanned over the lower-cased text (rules.LowerScan; the same matches)
    ordinal_body = (
        r"(?P<ord>" + rules.trie_alternation(list(ordinals)) + r")\s+(?P<reg>"
        + rules.trie_alternation(list(regions))
        + r")\s+(?:vertebra|vertebral body|vertebrae|segment|level|body|nerve root)\b")
    # speed: the scan starts where the words match without the opening \b (skip)
    ordinal = rules.LowerScan(r"\b" + ordinal_body, src, skip=ordinal_body)
    # speed: the ordinal words a match opens with, looked up in the first-word index
    ordinal_words = rules.regex_first_words(ordinal_body)
    if ordinal_words is not None:
        rules.register_first_words(ordinal_words)
    exclusions = tuple(
        _Exclusion(
            name=e["name"],
            letters=e["letters"].upper(),
            numbers=frozenset(e["numbers"]),
            after=rules.compile_regex(e["after"], src) if e.get("after") else None,
            before=rules.compile_regex(e["before"], src) if e.get("before") else None,
            window=rules.compile_regex(e["window"], src) if e.get("window") else None,
            all_=e.get("mode", "any") == "all",
        )
        for e in data["exclusions"]
    )
    # speed: scanned over the lower-cased text (rules.LowerScan; the same matches)
    anaphora = tuple(_Anaphor(rules.LowerScan(a.get("lead", "") + a["pattern"], src),
                              rules.LowerScan(a["pattern"], src), int(a["offset"]),
                              _words(a.get("requires", ""))) for a in data["anaphora"])
    return _Compiled(
        token=token, token_number=token_number, token_number_ascii=token_number_ascii,
        words=words, words_map=words_map,
        axis=rules.compile_regex(data["axis_word"]["pattern"], src),
        axis_near=rules.compile_regex(data["axis_word"]["requires_near"], src),
        axis_requires=data["axis_word"].get("requires", "").lower(),
        ordinal=ordinal, ordinals=ordinals, regions=regions, ordinal_words=ordinal_words,
        ordinal_gate=rules.Gate(tuple(sorted(regions))),
        ordinal_word_gate=rules.Gate(rules.needles(list(ordinals))),
        range_nouns=rules.compile_regex(r"^" + data["range_nouns"], src),
        exclusions=exclusions, anaphora=anaphora,
        maxima={k: int(v) for k, v in data["max"].items()},
        range_words=frozenset(w.lower() for w in data["range_words"]),
        disc_words=frozenset(w.lower() for w in data.get("disc_words", ())),
    )


def _words(requires: str | list[str]) -> tuple[str, ...]:
    """A rule's ``requires`` (one word or a list of words) as lower-case words."""
    return tuple(w.lower() for w in ([requires] if isinstance(requires, str) else requires))


def _code(letter: str, number: int, maxima: dict[str, int]) -> str | None:
    letter = letter.upper()
    return f"{letter}{number}" if 1 <= number <= maxima.get(letter, 0) else None


def _excluded(text: str, start: int, end: int, letter: str, number: int, c: _Compiled) -> bool:
    for ex in c.exclusions:
        if ex.letters and letter.upper() not in ex.letters:
            continue
        if ex.numbers and number not in ex.numbers:
            continue
        hits = []
        if ex.after:
            hits.append(bool(ex.after.search(text[end : end + 40])))
        if ex.before:
            hits.append(bool(ex.before.search(text[max(0, start - 30) : start])))
        if ex.window:
            hits.append(bool(ex.window.search(text[max(0, start - 40) : end + 40])))
        if hits and (all(hits) if ex.all_ else any(hits)):
            return True
    return False


def expand(first: str, last: str) -> tuple[str, ...]:
    """Every vertebra from ``first`` to ``last`` inclusive, in spinal order."""
    a, b = sorted((_INDEX[first], _INDEX[last]))
    return ORDER[a : b + 1]


def disc_code(upper: str, lower: str) -> str:
    """Canonical code of the disc between two adjacent vertebrae: "L4-L5"."""
    a, b = sorted((upper, lower), key=_INDEX.__getitem__)
    return f"{a}-{b}"


def neighbour(code: str, offset: int) -> str | None:
    """The vertebra ``offset`` levels below (positive) or above (negative) ``code``."""
    code = code.split("-")[0 if offset < 0 else -1]
    i = _INDEX.get(code)
    if i is None or not 0 <= i + offset < len(ORDER):
        return None
    return ORDER[i + offset]


def _token_codes(m: re.Match[str], text: str, c: _Compiled) -> tuple[str, ...] | None:
    first = _code(m["l1"][0], int(m["n1"]), c.maxima)  # "Th12" is T12
    if first is None:
        return None
    if m["glued"]:
        return ("L5-S1",)
    if m["n2"] is None:
        return (first,)
    second = _code((m["l2"] or m["l1"])[0], int(m["n2"]), c.maxima)
    if second is None or second == first:
        return (first,)
    sep = m["sep"].lower()
    adjacent = abs(_INDEX[first] - _INDEX[second]) == 1
    if sep in c.disc_words:  # 'anterolisthesis of L4 on L5': one segment, L4-L5
        return (disc_code(first, second),) if adjacent and m["l2"] else (first,)
    as_range = sep in c.range_words or not adjacent or bool(c.range_nouns.match(text[m.end():]))
    return expand(first, second) if as_range else (disc_code(first, second),)


def _tokens(text: str, c: _Compiled) -> list[re.Match[str]]:
    """``list(c.token.finditer(text))``, the token matched only 1 to 3 characters before
    a digit :attr:`_Compiled.token_number` finds (speed; the same matches: each token
    opens with its letter, an optional "h" and an optional "-" or " " before its number)."""
    number = c.token_number_ascii if text.isascii() else c.token_number
    starts = sorted({d - k for n in number.finditer(text)
                     for k in (1, 2, 3) if (d := n.start()) >= k})
    return rules.match_at(c.token, text, starts)


def find_levels(text: str) -> list[LevelMention]:
    """Every vertebral level named in ``text``, in text order (anaphora included)."""
    c = _compiled()
    low = text.lower()
    found: list[LevelMention] = []
    for m in _tokens(text, c):
        number = int(m["n1"])
        if _excluded(text, m.start(), m.end("n1"), m["l1"][0], number, c):
            continue
        codes = _token_codes(m, text, c)
        if codes:
            end = m.end()
            if m["n2"] is not None and len(codes) == 1 and "-" not in codes[0]:
                end = m.end("n1")  # the second half was not a level: keep only the first
            prev = found[-1] if found else None
            if prev is not None and _disc_range(prev, codes, text[prev.end:m.start()], c):
                # 'from C3-4 to C6-7': one span over every disc between them
                a, b = prev.codes[0].split("-")[0], codes[0].split("-")[1]
                run = expand(a, b)
                discs = tuple(disc_code(x, y) for x, y in zip(run, run[1:], strict=False))
                found[-1] = LevelMention(prev.start, end, text[prev.start:end], discs)
                continue
            found.append(LevelMention(m.start(), end, text[m.start():end], codes))
    for m in c.words.finditer(text):  # over the lower-cased text: keep the original words
        found.append(LevelMention(m.start(), m.end(), text[m.start():m.end()],
                                  c.words_map[m.group().lower()]))
    for m in c.axis.finditer(text) if c.axis_requires in low else ():
        if c.axis_near.search(text[max(0, m.start() - 60) : m.end() + 60]):
            found.append(LevelMention(m.start(), m.end(), m.group(), ("C2",)))
    ordinals = rules.finditer_words(c.ordinal, text, c.ordinal_words) \
        if c.ordinal_words is not None else None
    if ordinals is None:  # (not indexed: the gates, then the scan)
        ordinals = list(c.ordinal.finditer(text)) if c.ordinal_gate.may_match(text) \
            and c.ordinal_word_gate.may_match(text) else []
    for m in ordinals:
        code = _code(c.regions[m["reg"].lower()], c.ordinals[m["ord"].lower()], c.maxima)
        if code:
            # the original words: a LowerScan's group() may be lower-cased
            found.append(LevelMention(m.start(), m.end(), text[m.start():m.end()], (code,)))
    for rule in c.anaphora:
        if not all(w in low for w in rule.needs):
            continue
        for m in rule.finditer(text):
            # the original words: a LowerScan's group() may be lower-cased
            found.append(LevelMention(m.start(), m.end(), text[m.start():m.end()], (),
                                      anaphora=rule.offset))
    return _drop_overlaps(found)


def _disc_range(prev: LevelMention, codes: tuple[str, ...], gap: str, c: _Compiled) -> bool:
    """Whether two disc levels are the ends of one range ('C3-4 to C6-7', 'L1-2 through
    L4-5'): one disc each, joined by a range word alone, the second below the first."""
    if len(prev.codes) != 1 or len(codes) != 1 or "-" not in prev.codes[0] \
            or "-" not in codes[0] or gap.strip().lower() not in c.range_words:
        return False
    return _INDEX[prev.codes[0].split("-")[1]] <= _INDEX[codes[0].split("-")[0]]


def _drop_overlaps(found: list[LevelMention]) -> list[LevelMention]:
    found.sort(key=lambda lm: (lm.start, -(lm.end - lm.start)))
    out: list[LevelMention] = []
    for lm in found:
        if out and lm.start < out[-1].end:
            continue
        out.append(lm)
    return out


def resolve_anaphora(mention: LevelMention, last: tuple[str, ...]) -> tuple[str, ...]:
    """Codes an anaphoric mention refers to, given the last level(s) named before it."""
    if mention.anaphora is None:
        return mention.codes
    if not last:
        return ()
    if mention.anaphora == 0:
        return last
    code = neighbour(last[0] if mention.anaphora < 0 else last[-1], mention.anaphora)
    return (code,) if code else ()
