"""Load the rule and vocabulary files of ``kg/rules/`` once, checked on load.

Every file is JSON; a missing key, an unknown category or a regex that does not
compile is a :class:`~kg.errors.KGError` naming the file, so a typo in a rule
file fails loudly at start-up instead of silently changing extraction.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import KGError

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

CONTEXT_CATEGORIES = frozenset(
    {"NEGATED", "POSSIBLE", "AFFIRMED", "HISTORICAL", "PLANNED", "FAMILY", "PSEUDO", "TERMINATE"}
)
DIRECTIONS = frozenset({"forward", "backward", "bidirectional"})

_REQUIRED: dict[str, tuple[str, ...]] = {
    "context": ("triggers",),
    "modifiers": ("laterality", "severity", "laterality_postmodifiers", "size_units"),
    "levels": ("max", "words", "ordinals", "regions", "exclusions", "anaphora", "range_words"),
    "sections": ("kinds", "heading_pattern", "known_headings", "timing"),
    "relations": ("cause_after", "result_before", "treat", "resolve", "complication",
                  "time_after", "time_before", "repeat", "coordination", "step_classes"),
    "sites": ("adverbs", "leak", "aspect_words"),
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


def phrase_regex(phrases: list[str] | tuple[str, ...], source: str) -> re.Pattern[str]:
    """One word-bounded alternation over literal-ish phrases, longest first.

    Phrases may hold small regex pieces (``to stabili[sz]e``); spaces match any
    run of whitespace and a hyphen also matches a space.
    """
    parts = []
    for p in sorted(set(phrases), key=len, reverse=True):
        body = re.sub(r"\s+", r"\\s+", p.strip())
        parts.append(body)
    return compile_regex(r"(?<![\w/-])(?:" + "|".join(parts) + r")(?![\w/])", source)
