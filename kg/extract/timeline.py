"""Order performed procedures in the patient's timeline (``kg:sequence``).

Historical procedures ("s/p", "history of") come first; the rest follow the order
of their first performed mention, moved earlier when that sentence says so
("prior to", "previously", "initially") and kept apart when a time word says a
later step ("subsequently", "two weeks later", "follow-up").  Procedures joined
in one clause ("underwent a hemilaminectomy and cement removal") share a number;
planned procedures get none; a procedure step shares its main procedure's number.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kg.extract import rules


@dataclass(frozen=True)
class _TimeRules:
    after: rules.Finder
    before: rules.Finder
    repeat: rules.Finder


@lru_cache(maxsize=1)
def time_rules() -> _TimeRules:
    data = rules.load("relations")
    return _TimeRules(
        after=rules.phrase_regex(data["time_after"], "relations.json"),
        before=rules.phrase_regex(data["time_before"], "relations.json"),
        repeat=rules.phrase_regex(data["repeat"], "relations.json"),
    )


@dataclass(frozen=True)
class Event:
    """A performed procedure as the timeline sees it."""

    key: str
    position: int  # first performed mention offset
    clause: tuple[int, int]
    historical: bool
    earlier_cue: bool  # its sentence says "prior to"/"previously" before the mention


def sequence(events: list[Event]) -> dict[str, int]:
    """key -> sequence number (1-based); coordinated events share a number."""
    ordered = sorted(events, key=lambda e: (not e.historical, not e.earlier_cue, e.position))
    out: dict[str, int] = {}
    n = 0
    last_clause: tuple[int, int] | None = None
    for e in ordered:
        if last_clause is None or e.clause != last_clause:
            n += 1
        out[e.key] = n
        last_clause = e.clause
    return out
