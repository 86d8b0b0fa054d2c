"""Load the rule and vocabulary files of ``kg/rules/`` once, checked on load.

Every file is JSON; a missing key, an unknown category or a regex that does not
compile is a :class:`~kg.errors.KGError` naming the file, so a typo in a rule
file fails loudly at start-up instead of silently changing extraction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
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
                 source: str) -> re.Pattern[str] | PhrasePattern:
    """One word-bounded alternation over literal-ish phrases, longest first.

    Phrases may hold small regex pieces (``to stabili[sz]e``); spaces match any
    run of whitespace.  When every phrase is literal the alternation is compiled
    as a character trie (``no(?:t|\\s+evidence\\s+of)?``): the same matches,
    several times faster, since at each position only one branch can go on; when
    the phrases are also ASCII it is a :class:`PhrasePattern`, scanning lower-cased
    text (its matches' ``group()`` is lower case).
    """
    unique = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    spelled = sorted({v for p in unique for v in _spellings(p)}, key=len, reverse=True)
    if all(_LITERAL.fullmatch(p) for p in spelled):
        unique = spelled
        body = r"(?<![\w/-])" + trie_alternation(unique) + r"(?![\w/])"
        folded = compile_regex(body, source)
        if all(p.isascii() for p in unique):
            return PhrasePattern(folded, compile_regex(body, source, 0), needles(unique))
        return folded
    body = "(?:" + "|".join(re.sub(r"\s+", r"\\s+", p) for p in unique) + ")"
    return compile_regex(r"(?<![\w/-])" + body + r"(?![\w/])", source)


# Characters whose lower-case form is not one character, or that ``re.IGNORECASE``
# matches with an ASCII letter although ``str.lower`` keeps them apart (Kelvin sign,
# long s, dotless i, dotted capital I): a text holding one is scanned case-folded.
_FOLD_UNSAFE = ("\u0130", "\u212a", "\u017f", "\u0131")
_last_lowered: list[str | None] = [None, None]


def lowered(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset and matches ASCII phrases exactly as
    ``re.IGNORECASE`` would, else None.  The last answer is kept: the finders of one
    case all scan the same text."""
    if text is _last_lowered[0]:
        return _last_lowered[1]
    low: str | None = text.lower()
    if not text.isascii() and any(ch in text for ch in _FOLD_UNSAFE):
        low = None
    _last_lowered[0], _last_lowered[1] = text, low
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

    __slots__ = ("needles", "_text", "_answer")

    def __init__(self, words: tuple[str, ...] | None):
        self.needles = words
        self._text: str | None = None
        self._answer = True

    def may_match(self, text: str) -> bool:
        if self.needles is None:
            return True
        if text is self._text:
            return self._answer
        low = lowered(text)
        answer = low is None or any(n in low for n in self.needles)
        self._text, self._answer = text, answer
        return answer


class PhrasePattern:
    """A literal ASCII phrase alternation (what :func:`phrase_regex` builds) that scans
    the lower-cased text with a case-sensitive pattern: the same offsets as the
    ``re.IGNORECASE`` pattern, about twice as fast (Python's regex engine folds case
    per character and position).  Matches are over the lower-cased text, so
    ``m.group()`` is lower case: read the original text by offsets when case matters.
    """

    __slots__ = ("pattern", "_folded", "_lower", "gate")

    def __init__(self, folded: re.Pattern[str], lower: re.Pattern[str],
                 words: tuple[str, ...] | None = None):
        self.pattern = folded.pattern
        self._folded = folded
        self._lower = lower
        self.gate = Gate(words)  # skips the scan of a text holding none of the words

    def _pick(self, text: str) -> tuple[re.Pattern[str], str]:
        low = lowered(text)
        return (self._folded, text) if low is None else (self._lower, low)

    def finditer(self, text: str, pos: int = 0, endpos: int = _END) -> Iterator[re.Match[str]]:
        if not self.gate.may_match(text):
            return iter(())
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
