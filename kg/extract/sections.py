"""Sections of a case: the reader's headed fields plus headings inside the text.

A heading decides how its mentions count (``kg/rules/sections.json``): its
*kind* (patient, differential, discussion, method, diagnosis), the imaging
*modality* it names ("Plain Radiograph (pre-procedure):" -> kg:Radiography) and
its *timing* relative to the index procedure ("(pre-procedure)" -> before).
Inline headings such as "CT (post-procedure):" or "• CXR:" split the reader's
sections; each piece inherits the kind of the field it sits in.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from kg.extract import rules
from kg.model import CaseText, Kind, quick_init

PATIENT = "patient"


@quick_init  # speed: a cheaper __init__, the same record
@dataclass(frozen=True)
class SectionInfo:
    """A headed stretch of text and what its heading says."""

    name: str | None
    start: int
    end: int
    kind: str = PATIENT
    modality: str | None = None  # an ImagingModality class IRI
    timing: str | None = None  # "before" | "after" (the index procedure)


@dataclass(frozen=True)
class _Rules:
    heading: re.Pattern[str]
    kinds: dict[str, str]
    known: frozenset[str]
    timing: tuple[tuple[rules.Finder, str], ...]
    template: re.Pattern[str]  # a topic-template field label opening a line
    template_min: int
    # speed: whether heading / template match only at line starts (rules.finditer_lines)
    heading_lines: bool
    template_lines: bool


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = rules.load("sections")
    timing = tuple((rules.phrase_regex(words, "sections.json"), when)
                   for when, words in data["timing"].items())
    names = data.get("template_labels", [])
    labels = rules.trie_alternation(names) if names else "(?!)"
    heading = rules.compile_regex(data["heading_pattern"], "sections.json", re.MULTILINE)
    template = rules.compile_regex(r"^[ \t]*(?:" + labels + r")[ \t]*(?:\([^()\n]{0,60}\))?"
                                   r"[ \t]*:", "sections.json", re.MULTILINE | re.IGNORECASE)
    return _Rules(
        heading=heading,
        kinds={k.lower(): v for k, v in data["kinds"].items()},
        known=frozenset(h.lower() for h in data["known_headings"]),
        timing=timing,
        template=template,
        template_min=int(data.get("template_min", 3)),
        heading_lines=rules.line_anchored(heading),
        template_lines=rules.line_anchored(template),
    )


def is_template(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a topic template: enough lines open with its field
    labels ("Neoplasm Name:", "Cell of Origin:"; ``template_labels`` in sections.json)."""
    r = _rules()
    n = 0
    found = rules.finditer_lines(r.template, text, start, end) if r.template_lines \
        else r.template.finditer(text, start, end)
    for _m in found:
        n += 1
        if n >= r.template_min:
            return True
    return False


def timing_of(phrase: str) -> str | None:
    """'before' or 'after' if a heading phrase states its timing, else None."""
    for pattern, when in _rules().timing:
        if pattern.search(phrase):
            return when
    return None


def after_heading(text: str, pos: int, end: int) -> int:
    """``pos``, or the end of a heading ("Treatment & Follow Up:") that opens text[pos:end]."""
    m = _rules().heading.match(text, pos, end)
    return m.end() if m else pos


_PARENTHESES = re.compile(r"\(.*?\)")  # speed: compiled once, not per call
_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=4096)  # speed: headings recur across cases (keyed by lex, onto identity)
def _describe(name: str, lex, onto) -> tuple[str, str | None, str | None]:
    """(kind, modality IRI, timing) of a heading such as 'CT (post-procedure)'."""
    base = _PARENTHESES.sub(" ", name).strip().lower()
    kind = _rules().kinds.get(base, PATIENT)
    modality = None
    for m in lex.match_phrase(name):
        concept = onto.get(m.iri)
        if concept is not None and concept.kind is Kind.MODALITY:
            modality = m.iri
            break
    return kind, modality, timing_of(name)


def _inline_headings(text: str, lex, onto) -> list[tuple[int, str]]:
    """(offset, name) of headings inside the text that name a section or a modality."""
    out = []
    r = _rules()
    for m in rules.finditer_lines(r.heading, text) if r.heading_lines else r.heading.finditer(text):
        name = m["name"].strip()
        full = text[m.start("name"): m.end("qual") + 1] if m["qual"] else name
        known = name.lower() in r.known
        if not known:
            kind, modality, _ = _describe(name, lex, onto)
            if modality is None:
                continue
        out.append((m.start("name"), full.strip()))
    return out


def find_sections(case: CaseText, lex, onto) -> list[SectionInfo]:
    """Non-overlapping sections covering the headed parts of ``case.text``, in order."""
    base = sorted(case.sections, key=lambda s: s.start)
    fields: list[SectionInfo] = []
    for sec in base:
        kind, modality, timing = _describe(sec.name, lex, onto)
        if kind in (PATIENT, "diagnosis") and is_template(case.text, sec.start, sec.end):
            kind = "discussion"  # textbook lines, not this patient's findings
        fields.append(SectionInfo(sec.name, sec.start, sec.end, kind, modality, timing))
    starts = {f.start for f in fields}
    inline = [(o, n) for o, n in _inline_headings(case.text, lex, onto)
              if not any(abs(o - s) <= 2 for s in starts)]
    if not inline:
        return fields
    cuts = sorted({o for o, _ in inline} | starts)
    out: list[SectionInfo] = []
    for offset, name in inline:
        parent = _containing(fields, offset)
        later = [c for c in cuts if c > offset]
        end = min(later + [parent.end if parent else len(case.text)])  # (Cython: no * here)
        kind, modality, timing = _describe(name, lex, onto)
        if parent is not None and kind == PATIENT:
            kind = parent.kind
        out.append(SectionInfo(name, offset, end, kind, modality, timing))
    for f in fields:
        out.extend(_uncovered(f, out))
    return sorted(out, key=lambda s: s.start)


def _containing(fields: list[SectionInfo], offset: int) -> SectionInfo | None:
    for f in fields:
        if f.start <= offset < f.end:
            return f
    return None


def _uncovered(field: SectionInfo, inline: list[SectionInfo]) -> list[SectionInfo]:
    """The parts of a reader section that no inline heading covers."""
    pieces = [(field.start, field.end)]
    for sec in inline:
        nxt = []
        for a, b in pieces:
            if sec.end <= a or sec.start >= b:
                nxt.append((a, b))
                continue
            if a < sec.start:
                nxt.append((a, sec.start))
            if sec.end < b:
                nxt.append((sec.end, b))
        pieces = nxt
    return [replace(field, start=a, end=b) for a, b in pieces if b > a]


class SectionIndex:
    """Fast "which section is this offset in" over a sorted section list."""

    def __init__(self, sections: list[SectionInfo]):
        self.sections = sections
        self._starts = [s.start for s in sections]

    def at(self, offset: int) -> SectionInfo | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and self.sections[i].start <= offset < self.sections[i].end:
            return self.sections[i]
        return None


@dataclass(frozen=True)
class _Unlabelled:
    max_chars: int
    verb: re.Pattern[str]
    stop: re.Pattern[str]


@lru_cache(maxsize=1)
def _unlabelled_rules() -> _Unlabelled:
    data = rules.load("sections")["unlabelled"]
    return _Unlabelled(int(data["max_chars"]), rules.compile_regex(data["verb"], "sections.json"),
                       rules.compile_regex(data["stop"], "sections.json"))


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line, trimmed."""
    out = []
    for m in _LINE.finditer(text):
        a, b = m.start(), m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def unlabelled_sections(case: CaseText) -> list[SectionInfo]:
    """Sections of a text without headings whose title recurs as a line (the Texto
    format): the title's lines, its last repeat after the opening line as the case
    diagnosis, and the differential right before that (``unlabelled`` in
    ``kg/rules/sections.json``); the opening line is never taken as differential."""
    title = (case.title or "").strip()
    if not title or title not in case.text:
        return []
    text = case.text
    lines = _lines(text)
    at = [i for i, (a, b) in enumerate(lines) if text[a:b] == title]
    out = {i: SectionInfo("Title", lines[i][0], lines[i][1], "title") for i in at}
    later = [i for i in at if i > 0]
    if not later:
        return list(out.values())
    j = later[-1]
    out[j] = SectionInfo("Case Diagnosis", lines[j][0], lines[j][1], "diagnosis")
    floor = max([i for i in at if i < j], default=0) + 1  # after the title and the opening line
    r = _unlabelled_rules()
    first = k = j - 1
    while k - 1 >= floor:
        a, b = lines[k - 1]
        if b - a > r.max_chars or r.verb.search(text, a, b) or r.stop.search(text, a, b):
            break
        k -= 1
    if first >= floor and first not in out:
        out[first] = SectionInfo("Differential Diagnosis", lines[k][0], lines[first][1],
                                 "differential")
    return sorted(out.values(), key=lambda s: s.start)
