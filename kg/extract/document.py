"""One case text analysed once: sentences, clauses, sections, concept mentions,
levels, triggers and modifiers, all found in single passes over the whole text and
then looked up by offset (the hot path: no per-sentence regex recompilation)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from kg.extract import rules
from kg.extract.context import (
    Modifier,
    Trigger,
    find_laterality,
    find_severity,
    find_sizes,
    find_triggers,
    label_side,
)
from kg.extract.levels import LevelMention, find_levels, resolve_anaphora
from kg.extract.normal import find_normal_statements
from kg.extract.sections import (
    SectionIndex,
    SectionInfo,
    find_sections,
    unlabelled_sections,
)
from kg.extract.sentences import Sentence, split_clauses, split_sentences
from kg.model import CaseText, Concept, Kind
from kg.namespaces import KG

TARGET_KINDS = (Kind.FINDING, Kind.COMPLICATION, Kind.PROCEDURE)
# A per-level anatomy label that is only a level token ("T2"): the level finder decides
# whether it is a level ("on T2" is an MR sequence), the lexicon does not overrule it.
_BARE_LEVEL = re.compile(r"(?:Th|[CTLS])[- ]?\d{1,2}", re.IGNORECASE)


@dataclass
class Head:
    """A finding or procedure mention: the thing context and sites attach to."""

    start: int
    end: int
    concept: Concept
    sentence: int
    rule: str = "lexicon"
    site_hint: str | None = None  # a part the rule already knows (synthetic leaks)
    ruled_out: bool = False  # named by a normal statement ("neurologically intact"): absent


@dataclass(frozen=True)
class SiteToken:
    """An anatomy part or a vertebral level named in the text."""

    start: int
    end: int
    part: str | None  # a generic anatomy class IRI
    codes: tuple[str, ...] = ()  # level codes
    anatomy_iri: str | None = None  # a lexicon anatomy match, possibly per level
    side: str | None = None  # a Laterality value the anatomy class names ("LUL": left)


@dataclass
class Doc:
    case: CaseText
    text: str
    sentences: list[Sentence]
    clauses: list[list[tuple[int, int]]]
    sections: SectionIndex
    heads: list[Head]
    tokens: list[SiteToken]
    modalities: list[tuple[int, int, str]]
    triggers: list[Trigger]
    laterality: list[Modifier]
    severity: list[Modifier]
    sizes: list[Modifier]
    sent_starts: list[int] = field(default_factory=list)

    @cached_property
    def token_starts(self) -> list[int]:
        """Start offsets of ``tokens`` (sorted), for bisecting."""
        return [t.start for t in self.tokens]

    @cached_property
    def level_starts(self) -> list[int]:
        """Start offsets of the level-only tokens (codes, no anatomy part), sorted."""
        return [t.start for t in self.tokens if t.codes and not t.part]

    def has_level_in(self, a: int, b: int) -> bool:
        """Whether a level-only token starts in text[a:b]."""
        k = bisect.bisect_left(self.level_starts, a)
        return k < len(self.level_starts) and self.level_starts[k] < b

    @cached_property
    def head_starts(self) -> list[int]:
        """Start offsets of ``heads`` (sorted once every finder has added its heads)."""
        return [h.start for h in self.heads]

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, offset) - 1)

    def clause_of(self, offset: int) -> tuple[int, int]:
        s = self.sentence_of(offset)
        for c in self.clauses[s]:
            if c[0] <= offset < c[1]:
                return c
        sent = self.sentences[s]
        return (sent.start, sent.end)

    def section_of(self, offset: int) -> SectionInfo | None:
        return self.sections.at(offset)

    def in_sentence(self, items: list, s: int) -> list:
        sent = self.sentences[s]
        return [x for x in items if sent.start <= x.start < sent.end]


@dataclass(frozen=True)
class _SiteRules:
    adverbs: re.Pattern[str]
    adverb_map: dict[str, str]
    material: re.Pattern[str]
    escape: re.Pattern[str]
    leak_class: str


@lru_cache(maxsize=1)
def site_rules() -> _SiteRules:
    data = rules.load("sites")
    return _SiteRules(
        adverbs=rules.phrase_regex(list(data["adverbs"]), "sites.json"),
        adverb_map={k.lower(): KG + v for k, v in data["adverbs"].items()},
        material=rules.compile_regex(data["leak"]["material"], "sites.json"),
        escape=rules.compile_regex(data["leak"]["escape"], "sites.json"),
        leak_class=KG + data["leak"]["leak_class"],
    )


def _title_sections(case: CaseText) -> list[SectionInfo]:
    """A line of the text equal to the case title is a title section."""
    if not case.title:
        return []
    out = []
    for m in re.finditer(r"^[ \t]*" + re.escape(case.title.strip()) + r"[ \t]*$", case.text,
                         re.MULTILINE):
        out.append(SectionInfo("Title", m.start(), m.end(), "title"))
    return out


def analyse(case: CaseText, onto, lex) -> Doc:
    """Run every single-pass finder over ``case.text`` and index the results."""
    text = case.text
    sentences = split_sentences(text)
    clauses = [split_clauses(text, s.start, s.end) for s in sentences]
    secs = find_sections(case, lex, onto)
    if secs:
        titles = [t for t in _title_sections(case) if not any(s.start <= t.start < s.end
                                                              for s in secs)]
    else:  # no headings at all (the Texto format): the fields are told by their order
        titles = unlabelled_sections(case) or _title_sections(case)
    sections = SectionIndex(sorted(secs + titles, key=lambda s: s.start))
    levels = find_levels(text)
    heads: list[Head] = []
    tokens: list[SiteToken] = []
    modalities: list[tuple[int, int, str]] = []
    sent_starts = [s.start for s in sentences]
    level_spans = [(lm.start, lm.end) for lm in levels]
    for m in lex.match(text):
        concept = onto.get(m.iri)
        if concept is None:
            continue
        if concept.kind in TARGET_KINDS:
            s = max(0, bisect.bisect_right(sent_starts, m.start) - 1)
            heads.append(Head(m.start, m.end, concept, s))
        elif concept.kind is Kind.ANATOMY:
            part = None if concept.level_codes else m.iri
            if concept.level_codes and _BARE_LEVEL.fullmatch(text, m.start, m.end):
                continue
            if concept.level_codes and any(a < m.end and m.start < b for a, b in level_spans):
                # "L5" alone: the level finder reads it (ranges, discs, anaphora);
                # "epidural space at L1": keep the part, generic, beside the level
                inside = [(a, b) for a, b in level_spans if a < m.end and m.start < b]
                longer = (m.end - m.start) > sum(b - a for a, b in inside) + 3
                part = next((p for p in concept.parents
                             if (pc := onto.get(p)) and not pc.level_codes), None)
                if part is None or not longer:
                    continue
            tokens.append(SiteToken(m.start, m.end, part, concept.level_codes, m.iri,
                                    label_side(concept.label)))
        elif concept.kind is Kind.MODALITY:
            modalities.append((m.start, m.end, m.iri))
    tokens.extend(_level_tokens(levels))
    tokens.extend(_adverb_tokens(text, onto, heads, tokens))
    tokens.sort(key=lambda t: t.start)
    doc = Doc(case, text, sentences, clauses, sections, heads, tokens, modalities,
              find_triggers(text), find_laterality(text), find_severity(text), find_sizes(text),
              sent_starts)
    heads.extend(_leak_heads(doc, onto))
    heads.extend(_normal_heads(doc, lex, onto))
    heads.sort(key=lambda h: h.start)
    return doc


def _level_tokens(levels: list[LevelMention]) -> list[SiteToken]:
    """Level mentions as site tokens; anaphora resolved against the last level named."""
    out: list[SiteToken] = []
    last: tuple[str, ...] = ()
    for lm in levels:
        codes = resolve_anaphora(lm, last)
        if codes:
            out.append(SiteToken(lm.start, lm.end, None, codes))
            last = codes
    return out


def _adverb_tokens(text: str, onto, heads: list[Head], tokens: list[SiteToken]) -> list[SiteToken]:
    """Site words the lexicon left uncovered ("intrathecally"), if the ontology has the class."""
    sr = site_rules()
    taken = [(h.start, h.end) for h in heads] + [(t.start, t.end) for t in tokens]
    out = []
    for m in sr.adverbs.finditer(text):
        iri = sr.adverb_map.get(m.group().lower())
        if iri and onto.get(iri) and not any(a < m.end() and m.start() < b for a, b in taken):
            out.append(SiteToken(m.start(), m.end(), iri, (), iri))
    return out


def _normal_heads(doc: Doc, lex, onto) -> list[Head]:
    """Findings a normal-examination statement rules out, unless already read there."""
    out = []
    for start, end, concept in find_normal_statements(doc.text, lex, onto):
        if any(h.concept.iri == concept.iri and h.start < end and start < h.end
               for h in doc.heads):
            continue
        out.append(Head(start, end, concept, doc.sentence_of(start), rule="normal-statement",
                        ruled_out=True))
    return out


def _leak_heads(doc: Doc, onto) -> list[Head]:
    """Material in the wrong place is a leak: "cement ... with extrusion into the pedicle"."""
    sr = site_rules()
    concept = onto.get(sr.leak_class)
    if concept is None:
        return []
    out = []
    for m in sr.escape.finditer(doc.text):
        s = doc.sentence_of(m.start())
        sent = doc.sentences[s]
        if not sr.material.search(doc.text, sent.start, sent.end):
            continue
        if any(h.start <= m.start() < h.end and onto.is_a(h.concept.iri, sr.leak_class)
               for h in doc.heads):
            continue  # the lexicon already reads it as a leak
        site = next((t for t in doc.tokens if t.part and m.end() <= t.start < sent.end), None)
        if site is None:
            continue
        word_end = m.start() + len(m.group().split()[0])
        out.append(Head(m.start(), word_end, concept, s, rule="material-escape"))
    return out
