"""Clinical context of a mention: assertion, history, plans, experiencer, laterality,
severity and size.

Assertion follows ConText (Harkema et al., J Biomed Inform 2009): trigger phrases
from ``kg/rules/context.json`` modify the targets in their scope; a forward trigger's
scope runs to the end of its clause or to a terminator ("but", "however", "which"
...), a backward trigger's scope runs back to the start of its clause.  The nearest
assertion trigger decides (NEGATED -> Absent, POSSIBLE -> Possible, AFFIRMED, e.g.
"consistent with" -> Present); pseudo-triggers ("no change") block the shorter
trigger inside them.  Laterality, severity and size words bind to the nearest
mention in the same noun phrase (``kg/rules/modifiers.json``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from kg.extract import rules
from kg.model import Assertion, Laterality, Severity, quick_init

_ASSERTIONS = {"NEGATED": Assertion.ABSENT, "POSSIBLE": Assertion.POSSIBLE,
               "AFFIRMED": Assertion.PRESENT}


@quick_init  # speed: a cheaper __init__, the same record
@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    category: str
    direction: str


@quick_init  # speed: a cheaper __init__, the same record
@dataclass(frozen=True)
class Context:
    """What the triggers around one target say about it."""

    assertion: Assertion = Assertion.PRESENT
    historical: bool = False
    planned: bool = False
    family: bool = False
    trigger: Trigger | None = None  # the trigger that decided the assertion
    hypothetical: bool = False  # "risk of X", "to prevent X": not the patient's finding


@quick_init  # speed: a cheaper __init__, the same record
@dataclass(frozen=True)
class Modifier:
    """A laterality, severity or size phrase at text[start:end]."""

    start: int
    end: int
    value: str  # a Laterality/Severity value, or the size text
    post: bool = False  # a postmodifier ("on the left") binds backwards


@dataclass(frozen=True)
class _Compiled:
    comma_clause: rules.LowerScan  # a comma opening a new clause (forward scope ends)
    triggers: rules.Finder
    meta: dict[str, tuple[str, str]]
    lat_pre: re.Pattern[str]
    lat_pre_firsts: frozenset[str] | None  # speed: where lat_pre may match (finditer_at)
    lat_pre_letters: str
    lat_post: rules.Finder
    lat_map: dict[str, str]
    predominant: re.Pattern[str]  # 'especially' before a side: the worse of two sides
    severity: rules.Finder
    sev_map: dict[str, str]
    sev_window: int
    sev_post_gap: re.Pattern[str]
    sev_post_after: re.Pattern[str]
    size: re.Pattern[str]
    size_ascii: re.Pattern[str]  # size for an ASCII text (speed)


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    ctx = rules.load("context")
    meta = {}
    for t in ctx["triggers"]:
        meta[_key(t["phrase"])] = (t["category"], t["direction"])
    mods = rules.load("modifiers")
    lat_map = {_key(k): v for k, v in mods["laterality"].items()}
    multi = [k for k in mods["laterality"] if len(k) > 1]
    single = "".join(sorted(k.upper() for k in mods["laterality"] if len(k) == 1))
    # multi-letter words in any case; single letters ("R occipital condyle") capitals only,
    # not after a number ("4 L of fluid") and followed by a word
    lat_pre = rules.compile_regex(
        r"(?i:(?<![\w/-])" + rules.trie_alternation(multi) + r"(?![\w/]))"
        + (rf"|[{single}](?<![\w/.-][{single}])(?<!\d [{single}])(?=\s+[A-Za-z])(?![\w/])"
           if single else ""),
        "modifiers.json", 0)
    lat_pre_firsts = rules.first_words(multi) if all(k.isascii() for k in multi) else None
    if lat_pre_firsts is not None:
        rules.register_first_words(lat_pre_firsts)
    lat_post = rules.phrase_regex(mods["laterality_postmodifiers"], "modifiers.json")
    sev_map = {_key(k): v for k, v in mods["severity"].items()}
    units = "|".join(re.escape(u) for u in mods["size_units"])
    # the digit comes before the look-behind (the same matches: it checks the
    # character before that digit) so the regex engine skips ahead to digits (speed)
    size_rest = (r"(?<![\w.]\d)\d*(?:\.\d+)?(?:\s*(?:-|–|x|×|by)\s*\d+(?:\.\d+)?)*\s*"
                 r"(?:" + units + r")(?![\w])")
    size = rules.compile_regex(r"\d" + size_rest, "modifiers.json")
    # speed: in an ASCII text \d is [0-9], a plain character set the engine skips
    # ahead by faster than the Unicode digit category (the same matches)
    size_ascii = rules.compile_regex(r"[0-9]" + size_rest, "modifiers.json")
    return _Compiled(
        comma_clause=rules.LowerScan(ctx.get("comma_clause", r"(?!)"), "context.json"),
        triggers=rules.phrase_regex([t["phrase"] for t in ctx["triggers"]], "context.json"),
        meta=meta,
        lat_pre=lat_pre,
        lat_pre_firsts=lat_pre_firsts,
        lat_pre_letters=single,
        lat_post=lat_post,
        lat_map=lat_map,
        predominant=rules.compile_regex(mods.get("predominant_side_before", r"(?!)"),
                                        "modifiers.json"),
        severity=rules.phrase_regex(list(mods["severity"]), "modifiers.json"),
        sev_map=sev_map,
        sev_window=int(mods.get("severity_window_words", 6)),
        sev_post_gap=rules.compile_regex(mods["severity_predicative"], "modifiers.json"),
        sev_post_after=rules.compile_regex(mods["severity_predicative_after"], "modifiers.json"),
        size=size,
        size_ascii=size_ascii,
    )


@lru_cache(maxsize=8192)  # speed: the same few phrases recur in every case
def _key(phrase: str) -> str:
    return re.sub(r"[\s-]+", " ", phrase.strip().lower())


# ---------------------------------------------------------------- triggers


_DURATION = re.compile(r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
                       r"eleven|twelve|several|few)[\s-]+(?:hours?|days?|weeks?|months?|"
                       r"years?)['’]?\s+$", re.IGNORECASE)


def find_triggers(text: str) -> list[Trigger]:
    """Every context trigger in ``text`` (longest at each position), in order."""
    c = _compiled()
    out = []
    for m in c.triggers.finditer(text):
        cat, direction = c.meta.get(_key(m.group()), ("PSEUDO", "forward"))
        if cat == "HISTORICAL" and _DURATION.search(text, max(0, m.start() - 30), m.start()):
            cat = "PSEUDO"  # "a 6-month history of headaches": how long, not in the past
        out.append(Trigger(m.start(), m.end(), cat, direction))
    breaks = [Trigger(m.start(), m.start() + 1, "COMMA_CLAUSE", "forward")
              for m in c.comma_clause.finditer(text)]
    # 'effusion and basilar opacity, atelectasis versus pneumonia': a two-way hedge reaches
    # back only to the comma before it (the alternatives it weighs), not the whole clause
    breaks += [Trigger(k, k + 1, "COMMA_BACK", "backward") for t in out
               if t.direction == "bidirectional" and t.category == "POSSIBLE"
               and (k := text.rfind(",", max(0, t.start - 80), t.start)) >= 0]
    if breaks:
        out = sorted(out + breaks, key=lambda t: t.start)
    return out


# how many triggers on each side of a target, in its clause, may reach it
NEAREST_TRIGGERS = 32


def _terminated(triggers: list[Trigger], a: int, b: int, forward: bool = False,
                two_way: bool = False) -> bool:
    """A terminator between a and b; for a forward trigger also a comma opening a new
    clause ("no fracture, the disc is herniated"); looking back from a two-way hedge
    ('versus'), also the comma before it."""
    cats = ("TERMINATE", "COMMA_CLAUSE") if forward else (
        ("TERMINATE", "COMMA_BACK") if two_way else ("TERMINATE",))
    return any(t.category in cats and a <= t.start and t.end <= b for t in triggers)


def _in_clause(triggers: list[Trigger], clause: tuple[int, int]) -> list[Trigger]:
    """The triggers (sorted by start) starting inside ``clause``: a bisect, not a scan."""
    if not triggers or (clause[0] <= triggers[0].start and triggers[-1].start < clause[1]):
        return triggers  # speed: all inside already (Doc.triggers_in gave them)
    k = bisect_left(triggers, clause[0], key=lambda t: t.start)
    j = bisect_left(triggers, clause[1], k, key=lambda t: t.start)
    return triggers[k:j]


def _applies(t: Trigger, start: int, end: int, clause: tuple[int, int],
             triggers: list[Trigger]) -> bool:
    if t.start < clause[0] or t.end > clause[1]:
        return False
    forward = t.direction in ("forward", "bidirectional")
    backward = t.direction in ("backward", "bidirectional")
    if forward and t.end <= start and not _terminated(triggers, t.end, start, forward=True):
        return True
    return backward and t.start >= end and not _terminated(
        triggers, end, t.start, two_way=t.direction == "bidirectional" and t.category == "POSSIBLE")


def context_for(start: int, end: int, clause: tuple[int, int],
                triggers: list[Trigger]) -> Context:
    """The context of the target text[start:end] inside ``clause`` (offsets);
    ``triggers`` sorted by start (as :func:`find_triggers` returns them)."""
    best: Trigger | None = None
    best_dist = 1 << 30
    historical = planned = family = hypothetical = False
    triggers = _in_clause(triggers, clause)
    if len(triggers) > 2 * NEAREST_TRIGGERS:
        # a clause of hundreds of triggers (a run-on list, a hostile text): only the
        # nearest ones on each side can reach the target, and checking every pair for a
        # terminator between them would grow with the cube of the clause
        k = bisect_left(triggers, start, key=lambda t: t.start)
        triggers = triggers[max(0, k - NEAREST_TRIGGERS):k + NEAREST_TRIGGERS]
    for t in triggers:
        if t.category in ("PSEUDO", "TERMINATE", "COMMA_CLAUSE", "COMMA_BACK") or \
                not _applies(t, start, end, clause, triggers):
            continue
        if t.category in _ASSERTIONS:
            dist = start - t.end if t.end <= start else t.start - end
            if dist < best_dist:
                best, best_dist = t, dist
        elif t.category == "HISTORICAL":
            historical = True
        elif t.category == "PLANNED":
            planned = True
        elif t.category == "FAMILY":
            family = True
        elif t.category == "HYPOTHETICAL":
            hypothetical = True
    assertion = _ASSERTIONS[best.category] if best else Assertion.PRESENT
    if best is not None and _negated_hedge(best, start, end, clause, triggers):
        assertion = Assertion.ABSENT
    return Context(assertion, historical, planned, family, best, hypothetical)


def _negated_hedge(best: Trigger, start: int, end: int, clause: tuple[int, int],
                   triggers: list[Trigger]) -> bool:
    """'no evidence ... to suggest metastatic disease': a hedge under a negation that
    also reaches the target rules the target out (the negation comes first)."""
    return best.category == "POSSIBLE" and best.end <= start and any(
        t.category == "NEGATED" and t.end <= best.start
        and _applies(t, start, end, clause, triggers) for t in triggers)


# ---------------------------------------------------------------- modifiers


def find_laterality(text: str) -> list[Modifier]:
    """Laterality words, as premodifiers ("left pedicle") or postmodifiers ("on the left")."""
    c = _compiled()
    post = [Modifier(m.start(), m.end(), _lat_value_of(m.group()), True)
            for m in c.lat_post.finditer(text) if not _NOUN_AFTER.match(text, m.end())]
    post_starts = [p.start for p in post]  # finditer: sorted, not overlapping

    def taken(pos: int) -> bool:
        k = bisect_right(post_starts, pos) - 1
        return k >= 0 and post[k].end > pos

    pre = [Modifier(m.start(), m.end(), _lat_value_of(m.group()))
           for m in rules.finditer_at(c.lat_pre, text, c.lat_pre_firsts, c.lat_pre_letters)
           if not taken(m.start())]
    return [_predominance(text, x, c) for x in sorted(post + pre, key=lambda x: x.start)]


def _predominance(text: str, mod: Modifier, c: _Compiled) -> Modifier:
    """'hypoplasia of the vertebral arteries, especially on the left side': a side phrase
    after the finding that says where it is worse puts it on both sides
    (modifiers.json predominant_side_before); a side adjective before it keeps its side
    ('mostly left-sided hemorrhage')."""
    if not mod.post or mod.value == Laterality.BILATERAL.value or not c.predominant.search(
            text, max(0, mod.start - 30), mod.start):
        return mod
    return Modifier(mod.start, mod.end, Laterality.BILATERAL.value, mod.post)


# "to the right buttock", "on the left hemithorax": the side premodifies the noun after it,
# so the phrase is no postmodifier ("deviation to the left", "to the left and ..." are)
_NOUN_AFTER = re.compile(
    r"[ \t]+(?!(?:and|or|but|nor|with|without|of|in|at|on|to|as|than|for|by|from|is|was|"
    r"were|are|be|been|which|that|who|when|while|during|upon|after|before|side|sided|"
    r"aspect|greater|more|less|only|also|then|there|it|with)\b)[A-Za-z]", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _lat_value_of(phrase: str) -> str:
    """:func:`_lat_value` with the compiled rules, remembered per phrase (speed)."""
    return _lat_value(phrase, _compiled())


def _lat_value(phrase: str, c: _Compiled) -> str:
    key = _key(phrase)
    for word, value in c.lat_map.items():
        if key == word:
            return value
    words = key.split()
    for w in reversed(words):
        if w in c.lat_map:
            return c.lat_map[w]
        if w.removesuffix("-sided") in c.lat_map:
            return c.lat_map[w.removesuffix("-sided")]
    return Laterality.BILATERAL.value if "both" in key or "bilateral" in key else (
        Laterality.LEFT.value if "left" in key else Laterality.RIGHT.value)


@lru_cache(maxsize=8192)  # speed: asked again for every mention of the same class
def label_side(label: str) -> str | None:
    """The side an anatomy class's label opens with ("left upper lobe" -> Left), if any."""
    words = _key(label).split()
    if len(words) < 2 or len(words[0]) < 2:
        return None
    return _compiled().lat_map.get(words[0])


def find_severity(text: str) -> list[Modifier]:
    c = _compiled()
    return [Modifier(m.start(), m.end(), c.sev_map[_key(m.group())])
            for m in c.severity.finditer(text) if _key(m.group()) in c.sev_map]


def grades_head_before(text: str, head_end: int, mod: Modifier) -> bool:
    """Whether a severity word grades the finding ending at ``head_end`` ("the stenosis
    is severe", "stenosis, which is moderate", "stenosis (mild)"; not "mildly displaced")."""
    c = _compiled()
    return bool(c.sev_post_gap.fullmatch(text, head_end, mod.start)
                and c.sev_post_after.match(text, mod.end))


def find_sizes(text: str) -> list[Modifier]:
    c = _compiled()
    size = c.size_ascii if text.isascii() else c.size
    return [Modifier(m.start(), m.end(), m.group()) for m in size.finditer(text)]


_WORD = re.compile(r"[A-Za-z0-9'’]+")
_NP_BREAK = re.compile(
    r"[,;:.()]|\b(?:of|in|at|into|with|without|from|to|for|on|by|is|are|was|were|has|have|"
    r"had|and|or|but|which|that|after|before|following|secondary|due|demonstrat\w*|show\w*|"
    r"reveal\w*|seen|noted|identified|present|including|obtained|performed|represent\w*|"
    r"suggest\w*|measur\w*|extend\w*)\b", re.IGNORECASE)


_COORDINATION = re.compile(r"\b(?:and|or)\b|,")  # speed: compiled once, not per call


@lru_cache(maxsize=16)
def _more_words(n: int) -> re.Pattern[str]:
    """Matches (``match``) a text holding more than ``n`` runs of :data:`_WORD`'s
    characters: the first n + 1 runs, each taken whole (possessive: no run is split)."""
    return re.compile(r"(?:[^A-Za-z0-9'’]*+[A-Za-z0-9'’]++){" + str(n + 1) + "}")


# speed: same_noun_phrase's answers per (max_words, allow_coordination), then per gap
# (the answer depends on the gap's text alone, and short gaps recur across cases)
_NP_MEMO: dict[tuple[int, bool], dict[str, bool]] = {}
_NP_KEPT = 20_000


def same_noun_phrase(text: str, a: int, b: int, max_words: int = 4,
                     allow_coordination: bool = False) -> bool:
    """Whether text[a:b] (between a modifier and its head) stays inside one noun phrase."""
    gap = text[a:b]
    if not gap or gap.isspace():
        return True  # speed: blanks alone hold no word and no break (no regex asked)
    memo = _NP_MEMO.get((max_words, allow_coordination))
    if memo is None:
        memo = _NP_MEMO[(max_words, allow_coordination)] = {}
    found = memo.get(gap)
    if found is None:
        if len(memo) >= _NP_KEPT:
            memo.clear()
        found = memo[gap] = _same_noun_phrase(gap, max_words, allow_coordination)
    return found


def _same_noun_phrase(gap: str, max_words: int, allow_coordination: bool) -> bool:
    """:func:`same_noun_phrase` of the gap's text, uncached."""
    # more than max_words words (the pattern has no look-around: the gap reads as the
    # text between the offsets would)
    if _more_words(max_words).match(gap):
        return False
    if allow_coordination:
        gap = _COORDINATION.sub(" ", gap)
    return not _NP_BREAK.search(gap)


def bind_premodifiers(mods: list[Modifier], heads: list[tuple[int, int]], text: str,
                      max_words: int = 4) -> dict[int, list[Modifier]]:
    """Modifier -> the next head in its noun phrase; returns head index -> modifiers.

    Coordinated modifiers ("right and left pedicles") all bind to the head.
    """
    starts = [h[0] for h in heads]
    out: dict[int, list[Modifier]] = {}
    for mod in mods:
        if mod.post:
            continue
        i = bisect_left(starts, mod.end)
        if i < len(heads) and same_noun_phrase(text, mod.end, heads[i][0], max_words,
                                               allow_coordination=True) \
                and "\n" not in text[mod.end:heads[i][0]]:  # 'L>R\n• pancreatitis'
            out.setdefault(i, []).append(mod)
    return out


def bind_postmodifiers(mods: list[Modifier], heads: list[tuple[int, int]],
                       clauses: list[tuple[int, int]]) -> dict[int, list[Modifier]]:
    """Postmodifiers ("on the left") -> the nearest head before them in the same clause
    (``heads`` sorted by start, ``clauses`` in text order)."""
    out: dict[int, list[Modifier]] = {}
    clause_starts = [c[0] for c in clauses]
    head_starts = [h[0] for h in heads]
    for mod in mods:
        if not mod.post:
            continue
        k = bisect_right(clause_starts, mod.start) - 1
        floor = clauses[k][0] if k >= 0 and mod.start < clauses[k][1] else 0
        # heads are sorted by start: walk back from the last one starting before the mod
        for i in range(bisect_left(head_starts, mod.start) - 1, -1, -1):
            s, e = heads[i]
            if s < floor:
                break
            if e <= mod.start:
                out.setdefault(i, []).append(mod)
                break
    return out


def severity_value(value: str) -> Severity:
    return Severity(value)
