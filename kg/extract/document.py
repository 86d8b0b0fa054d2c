"""One case text analysed once: sentences, clauses, sections, concept mentions,
levels, triggers and modifiers, all found in single passes over the whole text and
then looked up by offset (the hot path: no per-sentence regex recompilation)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter

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
from kg.extract.procedure_phrases import find_procedure_phrases
from kg.extract.sections import (
    SectionIndex,
    SectionInfo,
    find_sections,
    unlabelled_sections,
)
from kg.extract.sentences import Sentence, split_all_clauses, split_sentences
from kg.model import CaseText, Concept, Kind, Laterality, quick_init
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


@quick_init  # speed: a cheaper __init__, the same record
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
    # speed: clause_of answers per offset (the stages ask about the same heads again)
    _clause_memo: dict[int, tuple[int, int]] = field(default_factory=dict, repr=False)
    # speed: candidates._sentence_codes per sentence (tokens are final once built)
    sentence_codes_memo: dict[int, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # speed: the sorted start offsets below, each built on first use (by hand, not with
    # functools.cached_property: compiled by mypyc, that would rebuild them at every use)
    _token_starts: list[int] | None = field(default=None, repr=False, compare=False)
    _level_starts: list[int] | None = field(default=None, repr=False, compare=False)
    _head_starts: list[int] | None = field(default=None, repr=False, compare=False)
    _trigger_starts: list[int] | None = field(default=None, repr=False, compare=False)
    _modality_starts: list[int] | None = field(default=None, repr=False, compare=False)

    @property
    def token_starts(self) -> list[int]:
        """Start offsets of ``tokens`` (sorted), for bisecting."""
        found = self._token_starts
        if found is None:
            found = self._token_starts = [t.start for t in self.tokens]
        return found

    @property
    def level_starts(self) -> list[int]:
        """Start offsets of the level-only tokens (codes, no anatomy part), sorted."""
        found = self._level_starts
        if found is None:
            found = self._level_starts = [t.start for t in self.tokens if t.codes and not t.part]
        return found

    def has_level_in(self, a: int, b: int) -> bool:
        """Whether a level-only token starts in text[a:b]."""
        k = bisect.bisect_left(self.level_starts, a)
        return k < len(self.level_starts) and self.level_starts[k] < b

    @property
    def head_starts(self) -> list[int]:
        """Start offsets of ``heads`` (sorted once every finder has added its heads)."""
        found = self._head_starts
        if found is None:
            found = self._head_starts = [h.start for h in self.heads]
        return found

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, offset) - 1)

    def clause_of(self, offset: int) -> tuple[int, int]:
        found = self._clause_memo.get(offset)
        if found is None:
            found = self._clause_memo[offset] = self._clause_of(offset)
        return found

    def _clause_of(self, offset: int) -> tuple[int, int]:
        """:meth:`clause_of`, uncached."""
        s = self.sentence_of(offset)
        for c in self.clauses[s]:
            if c[0] <= offset < c[1]:
                return c
        sent = self.sentences[s]
        return (sent.start, sent.end)

    def section_of(self, offset: int) -> SectionInfo | None:
        return self.sections.at(offset)

    def in_sentence(self, items: list, s: int) -> list:
        """The members of ``items`` (sorted by start) that start in sentence ``s``."""
        sent = self.sentences[s]
        if items is self.tokens:
            return self.tokens_in(sent.start, sent.end)
        return starting_in(items, sent.start, sent.end)

    def tokens_in(self, a: int, b: int) -> list[SiteToken]:
        """Site tokens starting in text[a:b], in order (a bisect, not a scan)."""
        starts = self.token_starts
        k = bisect.bisect_left(starts, a)
        return self.tokens[k:bisect.bisect_left(starts, b, k)]

    @property
    def trigger_starts(self) -> list[int]:
        """Start offsets of ``triggers`` (sorted), for bisecting."""
        found = self._trigger_starts
        if found is None:
            found = self._trigger_starts = [t.start for t in self.triggers]
        return found

    def triggers_in(self, a: int, b: int) -> list[Trigger]:
        """Context triggers starting in text[a:b], in order."""
        starts = self.trigger_starts
        k = bisect.bisect_left(starts, a)
        return self.triggers[k:bisect.bisect_left(starts, b, k)]

    def heads_in(self, a: int, b: int) -> list[Head]:
        """Heads starting in text[a:b], in order (once every finder has added its heads)."""
        k = bisect.bisect_left(self.head_starts, a)
        j = bisect.bisect_left(self.head_starts, b, k)
        return self.heads[k:j]

    @property
    def modality_starts(self) -> list[int]:
        """Start offsets of ``modalities`` (sorted), for bisecting."""
        found = self._modality_starts
        if found is None:
            found = self._modality_starts = [m[0] for m in self.modalities]
        return found

    def modality_in(self, a: int, b: int) -> tuple[int, int, str] | None:
        """The first modality mention starting in text[a:b]."""
        k = bisect.bisect_left(self.modality_starts, a)
        return self.modalities[k] if k < len(self.modalities) and self.modalities[k][0] < b \
            else None


def starting_in(items: list, a: int, b: int) -> list:
    """The members of ``items`` (sorted by ``.start``) with a <= start < b."""
    k = bisect.bisect_left(items, a, key=lambda x: x.start)
    j = bisect.bisect_left(items, b, k, key=lambda x: x.start)
    return items[k:j]


@dataclass(frozen=True)
class _SiteRules:
    adverbs: rules.Finder
    adverb_map: dict[str, str]
    material: re.Pattern[str]
    escape: re.Pattern[str]
    escape_gate: rules.Gate  # words one of which every escape match holds
    leak_class: str
    material_class: str  # the material itself ('cement'), '' if none: out of place, a leak
    inverted: re.Pattern[str]  # 'word of the': the word may name 'N2 word' (sites.json)
    inverted_span: int
    inverted_anchored: bool  # it opens with _INVERTED_LEAD (speed: _inverted_matches)
    spine_regions: dict[str, str]  # body region IRI -> the spine's region IRI (sites.json)


@lru_cache(maxsize=1)
def site_rules() -> _SiteRules:
    data = rules.load("sites")
    return _SiteRules(
        adverbs=rules.phrase_regex(list(data["adverbs"]), "sites.json"),
        adverb_map={k.lower(): KG + v for k, v in data["adverbs"].items()},
        material=rules.compile_regex(data["leak"]["material"], "sites.json"),
        escape=rules.compile_regex(data["leak"]["escape"], "sites.json"),
        escape_gate=rules.Gate(tuple(w.lower() for w in data["leak"]["escape_needs"])
                               if data["leak"].get("escape_needs") else None),
        leak_class=KG + data["leak"]["leak_class"],
        material_class=KG + data["leak"]["material_class"]
        if data["leak"].get("material_class") else "",
        inverted=rules.compile_regex(data.get("inverted_of", r"(?!)"), "sites.json"),
        inverted_span=int(data.get("inverted_span", 0)),
        inverted_anchored=str(data.get("inverted_of", "")).startswith(_INVERTED_LEAD),
        spine_regions={KG + k: KG + v for k, v in data.get("spine_regions", {}).items()},
    )


# What sites.json's inverted_of opens with: a whole ASCII word of 4+ letters, blanks, "of"
# and a blank. Each match then holds "of" + blank right after the word's blanks.
_INVERTED_LEAD = r"\b(?P<word>[A-Za-z]{4,})\s+of\s"
_OF = re.compile(r"of\s")


def _inverted_matches(text: str, sr: _SiteRules) -> list[re.Match[str]]:
    """``sr.inverted.finditer(text)`` (speed: for a pattern opening with
    :data:`_INVERTED_LEAD`, ``match`` is tried only at the word before each "of", found by
    a literal scan of the lower-cased text, instead of at every word; the same matches:
    a match's word is the whole run of ASCII letters before the blanks before "of")."""
    low = rules.lowered(text) if sr.inverted_anchored else None
    if low is None:
        return list(sr.inverted.finditer(text))
    out: list[re.Match[str]] = []
    free = 0
    match = sr.inverted.match
    for of in _OF.finditer(low):
        end = of.start()
        if end == 0 or not low[end - 1].isspace():
            continue
        end -= 1
        while end > 0 and low[end - 1].isspace():
            end -= 1
        start = end
        # lowered() keeps no character that folds to an ASCII letter but is none
        while start > 0 and "a" <= low[start - 1] <= "z":
            start -= 1
        if start < free or end - start < 4:
            continue
        m = match(text, start)
        if m is not None:
            out.append(m)
            free = m.end()
    return out


@lru_cache(maxsize=1)
def glued_prefix() -> re.Pattern[str]:
    """A prefix glued to a finding word that makes it another word (context.json)."""
    return rules.compile_regex(rules.load("context").get("glued_prefix", r"(?!)"),
                               "context.json")


@lru_cache(maxsize=1)
def caps_label() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(word + colon, line before it) of a short capital heading ("PE:"; context.json)."""
    data = rules.load("context")
    return (rules.compile_regex(data.get("caps_label", r"(?!)"), "context.json", 0),
            rules.compile_regex(data.get("caps_label_line", r"(?!)"), "context.json", 0))


def is_caps_label(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a short all-capital heading opening its line ("PE: ...")."""
    word, line = caps_label()
    return bool(word.match(text[start:end + 1])) and \
        bool(line.search(text[max(0, start - 8):start]))


@lru_cache(maxsize=1)
def window_chars() -> tuple[str, str]:
    """(:func:`rules.required_char` of :func:`glued_prefix`, of the caps-label word), each
    "" when there is none ("" is found in any window)."""
    return (rules.required_char(glued_prefix()) or "",
            rules.required_char(caps_label()[0]) or "")


@lru_cache(maxsize=1)
def scale_names():
    """Names of clinical scales holding a finding word ("Glasgow Coma Scale"; context.json)."""
    return rules.phrase_regex(rules.load("context").get("scale_names", []), "context.json")


@lru_cache(maxsize=1)
def coordinated_word() -> re.Pattern[str]:
    """A word and a conjunction ending a window: "cardiac and " (context.json)."""
    return rules.compile_regex(rules.load("context").get("coordinated", r"(?!)"),
                               "context.json", 0)


@lru_cache(maxsize=1)
def coordinated_ends() -> tuple[str, ...] | None:
    """What every match of :func:`coordinated_word` ends with before its trailing blanks
    (context.json ``coordinated_ends``, lower case), or None when not stated."""
    ends = rules.load("context").get("coordinated_ends")
    if ends is None:
        return None
    if not (isinstance(ends, list) and ends and all(
            isinstance(e, str) and e and e == e.lower() and e == e.strip() for e in ends)):
        raise rules.RuleError("context.json: coordinated_ends must be a non-empty list of "
                              "lower-case strings without blanks around them")
    return tuple(ends)


_WORD_BEFORE = re.compile(r"(?<![\w-])([A-Za-z][\w-]*)[ \t]+$")


def _coordinated_heads(text: str, heads: list[Head], lex, onto) -> list[Head]:
    """'cardiac and respiratory arrest': the word coordinated with a phrase's first word
    plus the phrase's other words ('cardiac arrest'), when the lexicon knows that term."""
    taken = _Taken(heads)
    pattern = coordinated_word()
    ends = coordinated_ends()
    out = []
    for h in heads:
        phrase = text[h.start:h.end]
        first, _sp, rest = phrase.partition(" ")
        if not rest:
            continue
        lo = max(0, h.start - 40)
        if ends is not None and not text[lo:h.start].rstrip().lower().endswith(ends):
            continue  # speed: the window cannot end in a match; not searched
        m = pattern.search(text, lo, h.start)
        if m is None or taken.overlaps(m.start("word"), m.end("word")):
            continue
        term = m["word"] + " " + rest
        start = m.start("word")
        # 'low back and leg pain': the word before the member may belong to it ('low back
        # pain', not 'back pain') when the three make a term
        before = _WORD_BEFORE.search(text, max(0, start - 30), start)
        if before is not None and not taken.overlaps(before.start(1), start):
            longer = _full_concept(lex, onto, before[1] + " " + term)
            if longer is not None and longer.kind in TARGET_KINDS:
                out.append(Head(before.start(1), m.end("word"), longer, h.sentence,
                                rule="coordinated"))
                continue
        hit = next((x for x in lex.match_phrase(term) if x.start == 0 and x.end == len(term)), None)
        concept = onto.get(hit.iri) if hit else None
        if concept is None or concept.kind not in TARGET_KINDS or concept.iri == h.concept.iri:
            continue
        out.append(Head(start, m.end("word"), concept, h.sentence, rule="coordinated"))
    return out


def _coordinated_phrase_heads(text: str, heads: list[Head], lex, onto) -> list[Head]:
    """Members of coordinated phrases ("soft tissue or bone marrow edema"; see
    ``kg/extract/coordination.py``)."""
    from kg.extract.coordination import coordinated_phrase_heads

    return coordinated_phrase_heads(
        text, heads, lex, onto, TARGET_KINDS,
        lambda a, b, concept, s: Head(a, b, concept, s, rule="coordinated"), Spans)


_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")


def _full_concept(lex, onto, term: str) -> Concept | None:
    """The concept the lexicon reads as the whole of ``term``, if any."""
    hit = next((x for x in lex.match_phrase(term) if x.start == 0 and x.end == len(term)), None)
    return onto.get(hit.iri) if hit else None


def _inverted_heads(text: str, heads: list[Head], lex, onto,
                    sent_starts: list[int]) -> list[Head]:
    """'herniation of the L4-5 disc' reads as 'disc herniation': the word before 'of the'
    is a head of the class the lexicon knows as 'N2 word' when N2, one of the next few
    words, is (or lies in) the site that class implies (sites.json inverted_of)."""
    sr = site_rules()
    if " of " not in text:
        return []
    taken = _Taken(heads)
    out: list[Head] = []
    for m in _inverted_matches(text, sr):
        a, b = m.start("word"), m.end("word")
        if taken.overlaps(a, b):
            continue
        word = m["word"].lower()
        for n in rules.words_after(text, m.end(), _WORD, sr.inverted_span):
            concept = _full_concept(lex, onto, f"{n.lower()} {word}")
            if concept is None or concept.kind not in TARGET_KINDS:
                continue
            implied = onto.implied_site(concept.iri)
            site = _full_concept(lex, onto, n.lower())
            if implied and site is not None and onto.within(site.iri, implied):
                s = max(0, bisect.bisect_right(sent_starts, a) - 1)
                out.append(Head(a, b, concept, s, rule="inverted-of"))
                break
    return out


def _phrase_heads(text: str, heads: list[Head], lex, onto,
                  sent_starts: list[int]) -> list[Head]:
    """Procedures named by a passive participle or a noun of action ('the cement was
    removed', 'removal of the cement fragment'; :mod:`kg.extract.procedure_phrases`)."""
    taken = _Taken(heads)
    out: list[Head] = []
    for a, b, concept, rule in find_procedure_phrases(
            text, taken.overlaps, lambda term: _full_concept(lex, onto, term)):
        s = max(0, bisect.bisect_right(sent_starts, a) - 1)
        out.append(Head(a, b, concept, s, rule=rule))
    return out


@dataclass(frozen=True)
class _HardwareRules:
    said: re.Pattern[str]  # 'the femoral stem is loose'
    before: re.Pattern[str]  # 'broken inferior screw'
    classes: dict[str, str]  # state words (lower case, single-spaced) -> finding class IRI
    needs: tuple[str, ...]  # the state words' first words: one is in every match (speed)


@lru_cache(maxsize=1)
def _hardware_rules() -> _HardwareRules | None:
    """descriptors.json ``hardware_states`` compiled, or None when it names nothing."""
    d = rules.load("descriptors").get("hardware_states", {})
    nouns, states = d.get("nouns", []), d.get("states", {})
    if not nouns or not states:
        return None
    noun = "|".join(sorted(map(re.escape, nouns), key=len, reverse=True))
    state = "|".join(sorted((r"\s+".join(map(re.escape, k.split())) for k in states),
                            key=len, reverse=True))
    said = rules.compile_regex(
        r"\b(?:" + noun + r")\s+(?:is|are|was|were|appears?|appeared|became|remains?)\s+"
        r"(?:(?:also|now|slightly|partially|mildly|clearly)\s+)?(?P<state>" + state + r")\b",
        "descriptors.json")
    before = rules.compile_regex(
        r"\b(?P<state>" + state + r")\s+(?:[A-Za-z-]+\s+)?(?:" + noun + r")\b",
        "descriptors.json")
    return _HardwareRules(said, before, {" ".join(k.lower().split()): KG + v
                                         for k, v in states.items()},
                          tuple({k.split()[0].lower() for k in states}))


def _hardware_state_heads(text: str, heads: list[Head], onto,
                          sent_starts: list[int]) -> list[Head]:
    """'The femoral stem is loose', 'broken inferior screw': a state word said of an
    implant noun (descriptors.json hardware_states) is a hardware finding; its head spans
    the noun and the state word, so levels and sides before the noun bind to it."""
    hr = _hardware_rules()
    low = rules.lowered(text) or text.lower()
    if hr is None or not any(map(low.__contains__, hr.needs)):
        return []  # speed: a literal test first
    taken = _Taken(heads)
    out: list[Head] = []
    for m in (*hr.said.finditer(text), *hr.before.finditer(text)):
        a, b = m.span("state")
        concept = onto.get(hr.classes[" ".join(m["state"].lower().split())])
        if concept is None or taken.overlaps(a, b):
            continue
        s = max(0, bisect.bisect_right(sent_starts, m.start()) - 1)
        out.append(Head(m.start(), m.end(), concept, s, rule="hardware-state"))
    return out


def _title_sections(case: CaseText) -> list[SectionInfo]:
    """A line of the text equal to the case title is a title section."""
    if not case.title:
        return []
    title, text = case.title.strip(), case.text
    if not title or "\n" in title:  # not one line: the regex says what it matches
        return [SectionInfo("Title", m.start(), m.end(), "title")
                for m in re.finditer(r"^[ \t]*" + re.escape(title) + r"[ \t]*$", text,
                                     re.MULTILINE)]
    out = []
    at = text.find(title)
    while at >= 0:  # a line holding the title and blanks (spaces, tabs) only
        line = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at + len(title))
        end = len(text) if end < 0 else end
        if not text[line:at].strip(" \t") and not text[at + len(title):end].strip(" \t"):
            out.append(SectionInfo("Title", line, end, "title"))
        at = text.find(title, max(end, at + 1))
    return out


def analyse(case: CaseText, onto, lex) -> Doc:
    """Run every single-pass finder over ``case.text`` and index the results."""
    text = case.text
    # first: the phrase finders' index of first words is built from its split (speed)
    # (start, end, class IRIs) of each lexicon match (speed: no Match records)
    spans, words = lex.match_spans(text)
    rules.seed_word_starts(text, words)
    sentences = split_sentences(text)
    clauses = split_all_clauses(text, sentences)  # speed: one scan (split_clauses each)
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
    glued = glued_prefix()
    level_begins = [a for a, _b in level_spans]
    level_ends = [b for _a, b in level_spans]
    scale_spans = [(x.start(), x.end()) for x in scale_names().finditer(text)]
    scales = Spans(scale_spans) if scale_spans else None  # speed: most texts name none
    concept_of = onto.concepts.get  # speed: onto.get without the method call per match
    caps_word, caps_line = caps_label()  # speed: is_caps_label inlined in the loop
    # speed: a character every match of the pattern holds ("-", ":"): a window without it
    # is not searched (the empty string: no such character, always searched)
    glued_char, caps_char = window_chars()
    for start, end, iris in spans:
        iri = iris[0]
        concept = concept_of(iri)
        if concept is None:
            continue
        if concept.kind in TARGET_KINDS:
            if text.find(glued_char, max(0, start - 8), start) >= 0 and \
                    glued.search(text[max(0, start - 8):start]):
                continue  # "anti-inflammatory drug": the prefix turns the word into another
            if text.find(caps_char, start, end + 1) >= 0 and \
                    caps_word.match(text[start:end + 1]) and \
                    caps_line.search(text[max(0, start - 8):start]):
                continue  # "PE: ..." opens a physical-exam line, it is no pulmonary embolism
            if scales is not None and scales.overlaps(start, end):
                continue  # "Glasgow Coma Scale": a scale's name, not a coma
            s = max(0, bisect.bisect_right(sent_starts, start) - 1)
            heads.append(Head(start, end, concept, s))
        elif concept.kind is Kind.ANATOMY:
            part = None if concept.level_codes else iri
            if concept.level_codes and _BARE_LEVEL.fullmatch(text, start, end):
                continue
            # level mentions do not overlap, so their starts and ends are both sorted
            inside = level_spans[bisect.bisect_right(level_ends, start):
                                 bisect.bisect_left(level_begins, end)]
            if concept.level_codes and inside:
                # "L5" alone: the level finder reads it (ranges, discs, anaphora);
                # "epidural space at L1": keep the part, generic, beside the level
                longer = (end - start) > sum(b - a for a, b in inside) + 3
                part = next((p for p in concept.parents
                             if (pc := onto.get(p)) and not pc.level_codes), None)
                if part is None or not longer:
                    continue
            tokens.append(SiteToken(start, end, part, concept.level_codes, iri,
                                    label_side(concept.label)))
        elif concept.kind is Kind.MODALITY:
            modalities.append((start, end, iri))
    heads.sort(key=lambda h: h.start)
    heads.extend(_coordinated_heads(text, heads, lex, onto))
    heads.sort(key=lambda h: h.start)
    heads.extend(_coordinated_phrase_heads(text, heads, lex, onto))
    heads.extend(_inverted_heads(text, heads, lex, onto, sent_starts))
    heads.extend(_phrase_heads(text, heads, lex, onto, sent_starts))
    heads.extend(_hardware_state_heads(text, heads, onto, sent_starts))
    tokens.extend(_level_tokens(levels))
    tokens.extend(_adverb_tokens(text, onto, heads, tokens))
    tokens.extend(_listed_rib_tokens(text, onto))
    tokens.sort(key=lambda t: t.start)
    heads.sort(key=lambda h: h.start)
    modalities.sort()
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
    taken = _Taken(heads, tokens)
    out = []
    for m in sr.adverbs.finditer(text):
        iri = sr.adverb_map.get(m.group().lower())
        if iri and onto.get(iri) and not taken.overlaps(m.start(), m.end()):
            out.append(SiteToken(m.start(), m.end(), iri, (), iri))
    return out


# 'the right 5th and 6th ribs', '4th-6th ribs', '3rd, 4th and 5th ribs': the ordinals
# before the last one, which the lexicon reads with 'ribs' ('6th ribs' -> rib 6)
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)"
_RIB_LIST = re.compile(
    r"(?<![\w-])((?:" + _ORDINAL + r"\s*(?:,\s*(?:and\s+)?|and\s+|or\s+|&\s*))+|" + _ORDINAL
    + r"\s*(?:-|–|through|to)\s*)(\d{1,2})(?:st|nd|rd|th)\s+(?:[a-z]+\s+)?ribs?\b",
    re.IGNORECASE)
_ORDINAL_WORD = re.compile(r"(\d{1,2})(?:st|nd|rd|th)", re.IGNORECASE)
_RANGE_WORD = re.compile(r"-|–|through|to", re.IGNORECASE)
# the side of the whole list: 'the right 5th and 6th ribs', 'the left lateral 7th and 8th'
_SIDE_BEFORE = re.compile(r"\b(left|right|bilateral)\s+(?:[a-z]+\s+)?$", re.IGNORECASE)


def _listed_rib_tokens(text: str, onto) -> list[SiteToken]:
    """Site tokens for the ribs of an ordinal list ending in 'Nth ribs' (a range '4th-6th
    ribs' names every rib in it), each with the side written before the list."""
    low = rules.lowered(text) or text.lower()
    if not any(map(low.__contains__, ("th rib", "st rib", "nd rib", "rd rib"))):
        return []  # speed: a literal test first
    out: list[SiteToken] = []
    for m in _RIB_LIST.finditer(text):
        firsts = list(_ORDINAL_WORD.finditer(text, m.start(1), m.end(1)))
        last = int(m.group(2))
        numbers = [int(f.group(1)) for f in firsts] + [last]
        spans = [(f.start(), f.end()) for f in firsts] + [(m.start(2), m.start(2) + 1)]
        if len(firsts) == 1 and _RANGE_WORD.search(m.group(1)):
            numbers = list(range(numbers[0], last + 1))  # a range: every rib in it
            spans = [(m.start(1), m.start(2) + 1)] * len(numbers)
        side = _SIDE_BEFORE.search(text, max(0, m.start(1) - 30), m.start(1))
        value = Laterality[side.group(1).upper()].value if side else None
        for n, (a, b) in zip(numbers, spans, strict=True):
            iri = KG + f"Rib{n}"
            if 1 <= n <= 12 and onto.get(iri) is not None:
                out.append(SiteToken(a, b, iri, (), iri, value))
    return out


class Spans:
    """A set of (start, end) spans answering "does any overlap text[a:b]?" by bisect."""

    def __init__(self, spans: list[tuple[int, int]]):
        self._spans = sorted(spans)
        self._starts = [a for a, _b in self._spans]
        # the furthest end among the spans up to each index: a prefix maximum
        # (speed: computed by C-level accumulate, no Python call per span)
        self._reach: list[int] = list(accumulate(map(itemgetter(1), self._spans), max))

    def overlaps(self, a: int, b: int) -> bool:
        """Whether some span s has s.start < b and a < s.end."""
        k = bisect.bisect_left(self._starts, b) - 1
        return k >= 0 and self._reach[k] > a


class _Taken:
    """The spans of ``heads`` (and ``tokens``) as :class:`Spans`, built at the first
    question (speed: most texts ask none)."""

    def __init__(self, heads: list[Head], tokens: list[SiteToken] | None = None):
        self._heads = heads
        self._tokens = tokens
        self._spans: Spans | None = None

    def overlaps(self, a: int, b: int) -> bool:
        """:meth:`Spans.overlaps` of the heads' (and tokens') spans."""
        spans = self._spans
        if spans is None:
            pairs = [(h.start, h.end) for h in self._heads]
            if self._tokens is not None:
                pairs += [(t.start, t.end) for t in self._tokens]
            spans = self._spans = Spans(pairs)
        return spans.overlaps(a, b)


def _normal_heads(doc: Doc, lex, onto) -> list[Head]:
    """Findings a normal-examination statement rules out, unless already read there."""
    out = []
    heads = sorted(doc.heads, key=lambda h: h.start)
    starts = [h.start for h in heads]
    longest = max((h.end - h.start for h in heads), default=0)
    for start, end, concept in find_normal_statements(doc.text, lex, onto):
        near = heads[bisect.bisect_left(starts, start - longest):bisect.bisect_left(starts, end)]
        if any(h.concept.iri == concept.iri and h.start < end and start < h.end
               for h in near):
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
    out: list[Head] = []
    if not sr.escape_gate.may_match(doc.text):
        return out
    starts = [h.start for h in doc.heads]  # the lexicon's heads, sorted
    longest = max((h.end - h.start for h in doc.heads), default=0)
    for m in sr.escape.finditer(doc.text):
        s = doc.sentence_of(m.start())
        sent = doc.sentences[s]
        if not sr.material.search(doc.text, sent.start, sent.end):
            continue
        near = doc.heads[bisect.bisect_left(starts, m.start() - longest):
                         bisect.bisect_right(starts, m.start())]
        if any(h.start <= m.start() < h.end and onto.is_a(h.concept.iri, sr.leak_class)
               for h in near):
            continue  # the lexicon already reads it as a leak
        site = next((t for t in doc.tokens_in(m.end(), sent.end) if t.part), None)
        if site is None:
            continue
        word_end = m.start() + len(m.group().split()[0])
        out.append(Head(m.start(), word_end, concept, s, rule="material-escape"))
    return out
