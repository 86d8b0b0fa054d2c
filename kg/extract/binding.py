"""Bind sites, laterality, severity and size to each finding/procedure mention.

Premodifiers bind forward inside a noun phrase ("L5 compression fracture", "left
pedicle", "right and left pedicles"); postmodifying sites bind from the head to
the next head or the end of the clause ("retropulsion of the endplate of L5"),
minus tokens that premodify the next head.  Laterality postmodifiers ("on the
left") bind back to the nearest head.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract import rules
from kg.extract.context import (
    Modifier,
    bind_postmodifiers,
    bind_premodifiers,
    grades_head_before,
    same_noun_phrase,
)
from kg.extract.document import Doc, Head, SiteToken
from kg.model import Laterality

_COORD = re.compile(r"\b(?:and|or)\b|,|&")
_JOINED_NEXT = re.compile(r"\s*(?:,|&|(?:and|or)\b)", re.IGNORECASE)
# an article after the coordinator opens a new noun phrase ("T9 and a ...")
_ARTICLE_AFTER_JOIN = re.compile(r"\b(?:and|or)\s+(?:a|an|the)\s*$", re.IGNORECASE)
# ... and an indefinite one does so before any premodifier of the next head too
_INDEFINITE_AFTER_JOIN = re.compile(r"\b(?:and|or)\s+(?:a|an)\s*$", re.IGNORECASE)
# A postmodifying site hangs off its head through a preposition ("node at L4",
# "leakage into the pedicle", "dissection spanning from C1-C6") or a verb of place
# ("lucency crosses the rib": ``site_verbs`` in sites.json); another verb or a new
# participle in between ends the phrase.
_GAP_WORDS = (
    r"of|in|at|into|to|within|involving|along|from|on|through|throughout|"
    r"affecting|near|around|behind|below|above|across|beneath|between|the|a|an|both|and|or|"
    r"right|left|bilateral|bilaterally|[\w’'-]+(?:al|ic|ar|or|ior|ed)|level|levels|aspect|"
    r"side|portion|margin|region|segments?|spanning|extending|approximately|about|horns?|"
    # position words without an adjective ending ("metastases to the left mid ribs"); not
    # "upper and lower extremities", where the part named is only one of two
    r"mid|middle|inner|outer|(?:upper|lower)(?![\s,]+(?:and|or)\b)|"
    r"\d{1,2}(?:st|nd|rd|th)|"  # "lucency crosses the 10th left posterior rib"
    r"(?:posterior|anterior|later|medi|inferior|superior|centr|dors|ventr|caud|cephal)"
    r"(?:al)?ly|"  # "fibrous band posteriorly at L2-3"
    # words that narrow the place to follow ("infarction, specifically within the pons")
    r"specifically|particularly|especially|mainly|mostly|predominantly|notably|namely|"
    r"most|prominent|prominently|pronounced|marked")  # "..., most prominent in the left"
# what may precede a side that opens its sentence: a bullet, or a heading ("Findings:"),
# and a connective ("Also, on the right side, ...")
_OPENING = re.compile(r"^(?:[A-Z][\w &/-]{0,30}:)?[\W\d]*(?:(?:also|additionally|furthermore|"
                      r"moreover|in\s+addition|however)\W*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class _BindRules:
    post_gap: re.Pattern[str]
    both: re.Pattern[str]
    plural: re.Pattern[str]
    fronted_after: re.Pattern[str]
    subject_after: re.Pattern[str]


# what may stand before an anatomy subject in its clause: a heading, "the", a side
# (these three are used with pattern.match(text, pos, endpos): no "^")
_SUBJECT_BEFORE = re.compile(r"(?:[A-Z][\w &/-]{0,30}:)?[\W\d]*(?:the\s+)?"
                             r"(?:(?:right|left|bilateral|both)\s+)?$", re.IGNORECASE)
# between two anatomy words of one subject ("the body of the L2 vertebra")
_SUBJECT_JOIN = re.compile(r"\s*(?:(?:of|and)\s+(?:the\s+)?)?$", re.IGNORECASE)


@lru_cache(maxsize=1)
def bind_rules() -> _BindRules:
    """The binding patterns, with their words from ``sites.json`` and ``modifiers.json``."""
    verbs = rules.trie_alternation(rules.load("sites")["site_verbs"])
    mods = rules.load("modifiers")
    site_data = rules.load("sites")
    subject_verbs = rules.trie_alternation(site_data["subject_verbs"])
    subject_gap = rules.trie_alternation(site_data["subject_gap"])
    return _BindRules(
        post_gap=rules.compile_regex(
            r"^[\s,&]*(?:(?:" + _GAP_WORDS + "|" + verbs + r")[\s,&]+)*$", "sites.json"),
        both=rules.compile_regex(mods["bilateral_before_part"], "modifiers.json"),
        plural=rules.compile_regex(mods["bilateral_part_plural"], "modifiers.json"),
        fronted_after=rules.compile_regex(mods["fronted_side_after"], "modifiers.json"),
        subject_after=rules.compile_regex(
            r"\s+(?:" + subject_verbs + r")\s+(?:(?:" + subject_gap + r")\s+){0,3}$",
            "sites.json"),
    )


_FUNCTION_WORDS = frozenset({"the", "a", "an", "of", "to", "in", "at", "on", "and", "or", "is",
                             "are", "was", "were", "both"})


def _content_words(gap: str) -> int:
    """Words of a gap that count toward its length limit (articles, prepositions and
    the copula do not: 'is seen adjacent to the lateral aspect of the mid right femur')."""
    return sum(1 for w in gap.lower().split() if w.strip(",") not in _FUNCTION_WORDS)


# a comma, then a preposition of place: the phrase after it still sites the head before
# it ("T2 hyperintensity, in the left temporal lobe", "a nodule, within the right lobe")
_COMMA_PLACE = re.compile(r"\s*,\s*(?:(?:specifically|particularly|especially|mainly|mostly|"
                          r"predominantly|notably|namely|most\s+(?:prominent(?:ly)?|pronounced|"
                          r"marked))\s+)?"
                          r"(?:in|within|involving|along|throughout)\s", re.IGNORECASE)


# a 'with' phrase that describes the finding's outline may stand between it and its site
# ("a mass with poorly defined margins at the medial right thigh"); its words do not count
_WITH_OUTLINE = re.compile(r"\bwith\s+(?:[\w-]+\s+){0,2}?(?:margins?|borders?|edges?|contours?|"
                           r"outlines?|rims?|walls?)\b", re.IGNORECASE)


# a measurement may stand between a finding and its site ("a lytic lesion measuring 18 mm
# in the left iliac wing"); its words do not count either
_MEASURING = re.compile(r"\bmeasur(?:ing|es|ed)\s+(?:up\s+to\s+|approximately\s+|about\s+)?"
                        r"\d+(?:\.\d+)?(?:\s*(?:x|\u00d7|by)\s*\d+(?:\.\d+)?)*\s*"
                        r"(?:mm|cm|millimet(?:er|re)s?|centimet(?:er|re)s?)\b", re.IGNORECASE)


# speed: _post_ok's answers per gap, one memo for first and one for not (the answer
# depends on the gap's text alone; the same short gaps recur: " in the ", " of the left ")
_POST_OK_MEMO: tuple[dict[str, bool], dict[str, bool]] = ({}, {})
_POST_OK_KEPT = 20_000


def _post_ok(text: str, a: int, b: int, first: bool) -> bool:
    """Whether the gap text[a:b] between a head and a token after it lets the token
    postmodify the head (``first``: no token bound after the head yet)."""
    gap = text[a:b]
    memo = _POST_OK_MEMO[1 if first else 0]
    found = memo.get(gap)
    if found is None:
        if len(memo) >= _POST_OK_KEPT:
            memo.clear()
        found = memo[gap] = _post_ok_gap(gap, first)
    return found


def _post_ok_gap(gap: str, first: bool) -> bool:
    """:func:`_post_ok` of the gap's text, uncached."""
    if "with" in gap:
        gap = _WITH_OUTLINE.sub(" ", gap)
    if "easur" in gap:
        gap = _MEASURING.sub(" ", gap)
    if not gap.strip():
        return True
    if _content_words(gap) > 6 or not bind_rules().post_gap.match(gap + " "):
        return False
    return not first or gap.strip()[:1] != "," or bool(_COMMA_PLACE.match(gap))


@dataclass
class Binding:
    """What one head mention carries."""

    pre: list[SiteToken] = field(default_factory=list)  # premodifying tokens
    post: list[SiteToken] = field(default_factory=list)  # postmodifying tokens
    coordinated: list[SiteToken] = field(default_factory=list)  # "facet and <head>"
    lateralities: list[Modifier] = field(default_factory=list)
    token_lats: dict[int, list[Modifier]] = field(default_factory=dict)  # token start -> mods
    severity: Modifier | None = None
    severities: list[Modifier] = field(default_factory=list)  # every premodifying grade
    size: Modifier | None = None

    def tokens(self) -> list[SiteToken]:
        return self.pre + self.post


def _pre_group(doc: Doc, head_start: int, floor: int) -> tuple[
        list[SiteToken], list[SiteToken]]:
    """Tokens premodifying a head: (plain premodifiers, those joined by coordination)."""
    plain: list[SiteToken] = []
    coord: list[SiteToken] = []
    cur = head_start
    for tok in reversed(doc.tokens_in(floor, head_start)):
        if tok.end > head_start:
            continue  # speed: skipped here, not copied out first
        if not same_noun_phrase(doc.text, tok.end, cur, 3, allow_coordination=True):
            break
        joined = bool(_COORD.search(doc.text[tok.end:cur]))
        if joined and not _JOINED_NEXT.match(doc.text, tok.end, cur):
            break  # "ankle jerk and ataxic gait": the part has a noun of its own first
        if joined and cur == head_start and _ARTICLE_AFTER_JOIN.search(doc.text, tok.end, cur):
            break  # "a fracture at T9 and a pulmonary embolus": T9 ends the first phrase
        if joined and _INDEFINITE_AFTER_JOIN.search(doc.text, tok.end, cur):
            break  # "lesion of the humeral head and a bony Bankart lesion": the same
        (coord if (joined or coord) and tok.part and not plain else plain).append(tok)
        cur = tok.start
    return plain[::-1], coord[::-1]


_PREPOSITION = re.compile(r"\b(?:of|in|at|into|within|involving|to|from|along|through)\b",
                          re.IGNORECASE)


def _not_the_previous_heads(doc: Doc, prev: Head, coord: list[SiteToken]) -> list[SiteToken]:
    """'infarction of the right medulla, and chronic infarction of the left lobe': a part
    the previous finding reaches through a preposition is that finding's, not a part
    coordinated before the next one (as in 'facet and discovertebral changes')."""
    if not coord or prev.end > coord[0].start:
        return coord
    gap = doc.text[prev.end:coord[0].start]
    if _PREPOSITION.search(gap) and _post_ok(doc.text, prev.end, coord[0].start, True):
        return []
    return coord


def _not_the_previous_heads_range(doc: Doc, prev: Head, plain: list[SiteToken],
                                  h: Head) -> list[SiteToken]:
    """'an epidural abscess from T5 to T8 causing cord compression': a range of levels the
    previous finding reaches through a preposition, with words between it and this head,
    is the previous finding's (this one, the effect, takes none: a range is no one level
    to share), not a premodifier of this head."""
    t = plain[0]
    if prev.end > t.start or not doc.text[t.end:h.start].strip():
        return plain
    gap = doc.text[prev.end:t.start]
    if _PREPOSITION.search(gap) and _post_ok(doc.text, prev.end, t.start, True):
        return plain[1:]
    return plain


def bind_all(doc: Doc, onto=None) -> list[Binding]:
    """One :class:`Binding` per ``doc.heads`` entry, in the same order (with ``onto``,
    a finding before 'with <signal word> <site>' shares the signal word's sites)."""
    heads = doc.heads
    out = [Binding() for _ in heads]
    claimed: set[int] = set()
    for i, h in enumerate(heads):
        clause = doc.clause_of(h.start)
        floor = max(clause[0], heads[i - 1].end if i and heads[i - 1].end <= h.start else 0)
        plain, coord = _pre_group(doc, h.start, floor)
        if i and coord:
            coord = _not_the_previous_heads(doc, heads[i - 1], coord)
        if i and plain and len(plain[0].codes) > 1:
            plain = _not_the_previous_heads_range(doc, heads[i - 1], plain, h)
        out[i].pre, out[i].coordinated = plain, coord
        if plain or coord:  # speed: most heads have no premodifying token
            claimed.update(t.start for t in plain + coord)
    for i, h in enumerate(heads):
        clause = doc.clause_of(h.start)
        stop = clause[1]
        if i + 1 < len(heads) and heads[i + 1].start < stop:
            stop = heads[i + 1].start
        cur, post = h.end, list[SiteToken]()
        # tokens starting before the head's end are skipped while nothing is bound yet
        for t in doc.tokens_in(h.end, stop):
            if t.start < cur or t.end > stop or t.start in claimed:
                if post and t.start < cur:
                    post.append(t)  # overlapping tokens of one match ("space at L1")
                continue
            if not _post_ok(doc.text, cur, t.start, not post):
                break
            post.append(t)
            cur = t.end
        if post:  # speed: nothing to filter without postmodifiers
            placed = any(t.part for t in out[i].pre + out[i].coordinated)
            post = _without_radiation_target(doc.text, h.end, post, placed)
        out[i].post = post
    if onto is not None:
        _share_descriptor_sites(doc, out, onto)
    _bind_located_sites(doc, out)
    _bind_subject_sites(doc, out)
    _bind_laterality(doc, out)
    _bind_severity_and_size(doc, out)
    return out


_WITH_ONLY = re.compile(r"\s+with\s+", re.IGNORECASE)


def _share_descriptor_sites(doc: Doc, out: list[Binding], onto) -> None:
    """'T2 signal hyperintensity with restricted diffusion in the left temporal lobe': an
    imaging signal word joined by 'with' describes the finding right before it, so that
    finding, with no site after it of its own, is at the signal word's sites too
    (descriptor classes of descriptors.json); so is any finding when a comma sets the place
    apart from both ('opacification with air-fluid levels, most prominent in the left
    maxillary sinus'). 'A mass with calcification in the left kidney' stays unsited."""
    from kg.extract.descriptors import descriptor_rules

    descriptors = descriptor_rules().descriptors
    heads = doc.heads
    for i in range(len(heads) - 1):
        a, b = heads[i], heads[i + 1]
        if out[i].post or not out[i + 1].post or a.end > b.start:
            continue
        if _WITH_ONLY.fullmatch(doc.text, a.end, b.start) and (
                onto.is_any(b.concept.iri, descriptors)
                or _COMMA_PLACE.match(doc.text, b.end, out[i + 1].post[0].end)):
            out[i].post = list(out[i + 1].post)


_RADIATES_TO = re.compile(r"\bradiat\w*\b.*\b(?:to|into|down)\b", re.IGNORECASE)


def _without_radiation_target(text: str, head_end: int, post: list[SiteToken],
                              placed: bool) -> list[SiteToken]:
    """'pain radiates from her left buttock to her knee', 'hip pain radiating to the
    buttock': a finding already at a part is not also at the part it radiates to (with
    no other part, "pain radiating to the left leg", that part is its place)."""
    parts = [t for t in post if t.part]
    for k, t in enumerate(parts):
        if (placed or k) and _RADIATES_TO.search(text, head_end, t.start):
            return [x for x in post if x.start < t.start]
    return post


_LOCATED = re.compile(r"\b(?:located|situated|locali[sz]ed)\b", re.IGNORECASE)


def _bind_located_sites(doc: Doc, out: list[Binding]) -> None:
    """'The pain was sharp, but throbbing and located behind his left eye': a place
    stated with 'located' (or 'situated', 'localized') later in the sentence, within eight
    words, sites the sentence's first finding when no other finding stands between and
    the finding names no site of its own."""
    text = doc.text
    for i, h in enumerate(doc.heads):
        b = out[i]
        if b.pre or b.post or b.coordinated:
            continue
        sent = doc.sentences[h.sentence]
        if i and doc.heads[i - 1].end > sent.start:
            continue  # not the sentence's first finding
        stop = sent.end
        if i + 1 < len(doc.heads) and doc.heads[i + 1].start < stop:
            stop = doc.heads[i + 1].start
        m = _LOCATED.search(text, h.end, stop)
        if m is None or len(text[h.end:m.start()].split()) > 8:
            continue
        cur, post = m.end(), []
        for t in doc.tokens_in(m.end(), stop):
            if t.start < cur or not _post_ok(text, cur, t.start, False):
                break
            post.append(t)
            cur = t.end
        b.post = post


def _bind_subject_sites(doc: Doc, out: list[Binding]) -> None:
    """'The right kidney demonstrates hydronephrosis': the anatomy subject of a clause
    (``subject_verbs`` in sites.json) is the site of the first finding after its verb
    when that finding names no site of its own."""
    after = bind_rules().subject_after
    text = doc.text
    for i, h in enumerate(doc.heads):
        b = out[i]
        if b.pre or b.post or b.coordinated:
            continue
        k = bisect_left(doc.token_starts, h.start) - 1
        if k < 0 or doc.tokens[k].end > h.start or h.start - doc.tokens[k].end > 60:
            continue  # no anatomy word right before the verb
        clause = doc.clause_of(h.start)
        if i and doc.heads[i - 1].end > clause[0]:
            continue  # another finding before it in its clause
        if not after.match(text, doc.tokens[k].end, h.start):
            continue
        toks = [t for t in doc.tokens_in(clause[0], h.start) if t.end <= h.start]
        if not _SUBJECT_BEFORE.match(text, clause[0], toks[0].start):
            continue
        pairs = zip(toks, toks[1:], strict=False)
        if all(_SUBJECT_JOIN.match(text, a.end, c.start) for a, c in pairs):
            b.post = toks
            _share_subject_with_list(doc, out, i, clause[1], toks)


# between two members of a subject's object list: commas, 'and', 'with'; each piece
# between them at most three words (a trailing noun of the member before, a member that
# is no finding, premodifiers of the next: 'changes with sclerosis, cyst formation, bilateral
# ring osteophytes'), none a verb, preposition or negation
_LIST_SPLIT = re.compile(r"\s*,\s*(?:(?:and|with)\s+)?|\s+(?:and|with)\s+", re.IGNORECASE)
_LIST_STOP = frozenset({"of", "in", "at", "on", "to", "from", "no", "not", "without", "but",
                        "which", "that", "is", "are", "was", "were", "or", "nor", "for"})
_LIST_WORD = re.compile(r"[\w-]+")  # speed: compiled once, not looked up per word


def _list_link(gap: str) -> bool:
    """Whether ``gap`` joins two members of one list (see ``_LIST_SPLIT``)."""
    pieces = _LIST_SPLIT.split(gap)
    if len(pieces) < 2:
        return False
    for piece in pieces:
        words = piece.split()
        if len(words) > 3 or any(w.lower() in _LIST_STOP or not _LIST_WORD.fullmatch(w)
                                 for w in words):
            return False
    return True


def _share_subject_with_list(doc: Doc, out: list[Binding], i: int, clause_end: int,
                             toks: list[SiteToken]) -> None:
    """'The bilateral femoral heads demonstrate osteoarthritic changes with sclerosis, cyst
    formation and ring osteophytes': the subject sites each later member of the list its
    verb's object opens, when that member names no site of its own."""
    prev = doc.heads[i]
    for j in range(i + 1, len(doc.heads)):
        h = doc.heads[j]
        if h.start >= clause_end or not _list_link(doc.text[prev.end:h.start]):
            return
        b = out[j]
        if not (b.pre or b.post or b.coordinated):
            b.post = list(toks)
        prev = h


def _bind_laterality(doc: Doc, out: list[Binding]) -> None:
    heads = doc.heads
    nouns: list[tuple[int, int]] = []
    owner: list[tuple[str, int]] = []
    for i, h in enumerate(heads):
        nouns.append((h.start, h.end))
        owner.append(("head", i))
    for t in doc.tokens:
        if t.part:
            nouns.append((t.start, t.end))
            owner.append(("token", t.start))
    order = sorted(range(len(nouns)), key=lambda k: nouns[k])
    nouns = [nouns[k] for k in order]
    owner = [owner[k] for k in order]
    pre = bind_premodifiers(doc.laterality, nouns, doc.text)
    token_lats: dict[int, list[Modifier]] = {}
    for k, mods in pre.items():
        kind, ref = owner[k]
        if kind == "head":
            out[ref].lateralities.extend(mods)
        else:
            token_lats.setdefault(ref, []).extend(mods)
    head_spans = [(h.start, h.end) for h in heads]
    post = bind_postmodifiers(doc.laterality, head_spans,
                              [c for cl in doc.clauses for c in cl])
    for i, mods in post.items():
        out[i].lateralities.extend(m for m in mods if not _displaced_object(doc.text, heads[i], m))
    _bind_fronted_sides(doc, out, {id(m) for mods in post.values() for m in mods})
    lat_starts = [m.start for m in doc.laterality]
    both, plural = bind_rules().both, bind_rules().plural
    for t in doc.tokens:
        if not t.part or t.start in token_lats:
            continue
        k = bisect_left(lat_starts, t.start)
        inside = [m for m in doc.laterality[k:k + 3] if m.end <= t.end]
        if inside or t.side:
            # the side is part of the anatomy's own name ("right lower lobe", "LUL")
            token_lats[t.start] = inside[:1] or [Modifier(t.start, t.end, t.side or "")]
        elif (plural.search(doc.text, t.start, t.end)
              and (m := both.search(doc.text[max(0, t.start - 12):t.start]))):
            # "pain in both arms": a paired part named twice over
            at = t.start - len(m.group())
            token_lats[t.start] = [Modifier(at, t.start, Laterality.BILATERAL.value)]
    for b in out if token_lats else ():  # speed: no sided part, nothing to share
        if not (b.pre or b.post or b.coordinated):
            continue  # speed: no token, no side to take (token_lats stays empty)
        b.token_lats = {t.start: token_lats[t.start] for t in b.tokens() + b.coordinated
                        if t.start in token_lats}
        if b.token_lats:  # both sharers need a side on some part of the head
            _share_coordinated_side(b)
            _share_pre_post_side(b)
    for i in range(len(heads) - 1):
        left, right = heads[i], heads[i + 1]
        if (out[i].lateralities and not out[i + 1].lateralities and left.end <= right.start
                and not doc.text[left.end:right.start].strip()):
            # "right-sided traumatic subarachnoid hemorrhage": the adjective head's side
            out[i + 1].lateralities.extend(m for m in out[i].lateralities if not m.post)
    used = {id(m) for mods in pre.values() for m in mods}
    _bind_phrase_sides(doc, out, used)
    _bind_adjacent_sides(doc, out)
    _share_with_adjective_head(doc, out)


def _blank_gap(text: str, a: int, b: int) -> bool:
    """Whether text[a:b] is empty or whitespace only (speed: a gap opening with another
    character is not copied)."""
    return a >= b or (text[a].isspace() and not text[a:b].strip())


_ADJECTIVE = re.compile(r"(?:ing|ed|ic|al|ous|ar|ive|oid)$", re.IGNORECASE)


def _share_with_adjective_head(doc: Doc, out: list[Binding]) -> None:
    """'tingling pains in both arms': a finding word right before another finding head
    (no space for anything else between) is at the place that head's phrase names."""
    heads = doc.heads
    for i in range(len(heads) - 1):
        a, b = heads[i], heads[i + 1]
        mine, theirs = out[i], out[i + 1]
        if a.end > b.start or not _blank_gap(doc.text, a.end, b.start) or mine.tokens() \
                or mine.lateralities or not any(t.part for t in theirs.post) \
                or not _ADJECTIVE.search(doc.text, a.start, a.end):
            continue  # "mass erodes into ...": a noun head keeps its own place
        mine.post = list(theirs.post)
        mine.token_lats = {k: v for k, v in theirs.token_lats.items()
                           if any(t.start == k for t in theirs.post)}


# "right upper lobe mass with adjacent air space disease"
_WITH_ADJACENT = re.compile(r"\s*,?\s*(?:with|and)\s+(?:an?\s+)?adjacent\s+(?:[\w-]+\s+){0,2}",
                            re.IGNORECASE)
_ADJACENT_GATE = rules.Gate(("adjacent",))


def _bind_adjacent_sides(doc: Doc, out: list[Binding]) -> None:
    """'right upper lobe mass with adjacent air space disease': a finding stated as
    adjacent to the one before it, naming no side or part of its own, is on its side."""
    heads = doc.heads
    if not _ADJACENT_GATE.may_match(doc.text):
        return  # speed: every match of _WITH_ADJACENT holds "adjacent"
    for i in range(1, len(heads)):
        a, b = heads[i - 1], heads[i]
        mine = out[i]
        if mine.lateralities or any(t.part for t in mine.tokens()) or a.end > b.start \
                or not _WITH_ADJACENT.fullmatch(doc.text, a.end, b.start):
            continue
        theirs = out[i - 1].lateralities or [
            m for t in out[i - 1].tokens() if t.part for m in out[i - 1].token_lats.get(
                t.start, [])]
        if len({m.value for m in theirs}) == 1:
            mine.lateralities.append(theirs[0])


# "a mass that displaces the spinal cord to the right": a verb of displacement with an
# object of its own before the side phrase ("deviation to the left" has none)
_DISPLACES = re.compile(r"\b(?:displac|deviat|shift|push|deflect|bow|rotat|compress|efface|"
                        r"deform|indent|narrow)\w*\s+(?:the|a|an|its|his|her)?\s*"
                        r"[\w-]+(?:\s+[\w-]+){0,3}\s*$", re.IGNORECASE)


# a word of movement right before the side: the side is where something goes ("gait
# disturbance with deviation to the left", "the tongue deviates to the right")
_TOWARD = re.compile(r"\b(?:deviat|shift|drift|veer|tilt|lean|fall|sway|pull|turn)\w*"
                     r"(?:\s+(?:to|toward|towards)(?:\s+(?:the|his|her))?)?\s*$", re.IGNORECASE)


def _displaced_object(text: str, h: Head, mod: Modifier) -> bool:
    """Whether a side phrase after a head is the direction something else is pushed, or
    the direction of a movement."""
    gap = text[h.end:mod.start]
    return bool(_DISPLACES.search(gap) or _TOWARD.search(gap))


def _share_coordinated_side(b: Binding) -> None:
    """'left leg and hip pain': a side on the first of several parts premodifying one
    head is the side of the later parts that name none (not when they name another)."""
    parts = sorted((t for t in b.coordinated + b.pre if t.part), key=lambda t: t.start)
    if len(parts) < 2 or not b.token_lats.get(parts[0].start):
        return
    mods = b.token_lats[parts[0].start]
    if any(m.value != mods[0].value for t in parts for m in b.token_lats.get(t.start, [])):
        return
    for t in parts[1:]:
        b.token_lats.setdefault(t.start, mods)


def _share_pre_post_side(b: Binding) -> None:
    """'skin thickening over the right breast', 'left renal cyst in the upper pole': a
    part before the head and a part after it name one place, so the one side stated on
    either group is the side of the other group's parts that name none."""
    groups = ([t for t in b.pre if t.part], [t for t in b.post if t.part])
    if not groups[0] or not groups[1]:
        return
    sides = {m.value for t in groups[0] + groups[1] for m in b.token_lats.get(t.start, [])}
    if len(sides) != 1:
        return
    mods = next(b.token_lats[t.start] for t in groups[0] + groups[1] if t.start in b.token_lats)
    for t in groups[0] + groups[1]:
        b.token_lats.setdefault(t.start, mods)


def _bind_fronted_sides(doc: Doc, out: list[Binding], bound: set[int]) -> None:
    """'On the right, there is a small effusion and a rib fracture': a side phrase that
    opens its sentence is the side of the sentence's findings that name none."""
    after = bind_rules().fronted_after
    for m in doc.laterality:
        if not m.post or id(m) in bound or not after.match(doc.text, m.end):
            continue
        sent = doc.sentences[doc.sentence_of(m.start)]
        if not _OPENING.match(doc.text[sent.start:m.start]):
            continue
        k = bisect_left(doc.head_starts, m.end)
        while k < len(doc.heads) and doc.heads[k].start < sent.end:
            if not out[k].lateralities:
                out[k].lateralities.append(m)
            k += 1


def _bind_phrase_sides(doc: Doc, out: list[Binding], used: set[int]) -> None:
    """A side inside a head's postmodifying phrase whose anatomy word the lexicon does
    not know ("fracture of the right lateral mass", "nodule in the L apex") is the head's."""
    heads = doc.heads
    free = [m for m in doc.laterality if not m.post and id(m) not in used]
    if not free:
        return
    free_starts = [m.start for m in free]
    for i, h in enumerate(heads):
        b = out[i]
        if b.lateralities or (b.token_lats  # speed: no sided token, no copy of the tokens
                              and any(b.token_lats.get(t.start) for t in b.tokens() if t.part)):
            continue
        clause = doc.clause_of(h.start)
        stop = clause[1]
        if i + 1 < len(heads) and heads[i + 1].start < stop:
            stop = heads[i + 1].start
        k = bisect_left(free_starts, h.end)
        if k < len(free) and free[k].start < stop and _post_ok(doc.text, h.end, free[k].start,
                                                               True):
            b.lateralities.append(free[k])


def _bind_severity_and_size(doc: Doc, out: list[Binding]) -> None:
    heads = doc.heads
    spans = [(h.start, h.end) for h in heads]
    pre = bind_premodifiers(doc.severity, spans, doc.text, max_words=6)
    for i, mods in pre.items():
        out[i].severity = mods[-1]
        if len(mods) > 1:  # speed: one grade is the common case
            out[i].severities = mods
    used = {id(m) for mods in pre.values() for m in mods}
    ends = [e for _s, e in spans]
    for mod in doc.severity:
        if id(mod) in used:
            continue
        # "the stenosis at L4-5 is severe": the last head ending before it, if ungraded
        k = bisect_left(ends, mod.start + 1) - 1
        while k >= 0 and spans[k][1] > mod.start:
            k -= 1
        if (k >= 0 and out[k].severity is None and mod.start - spans[k][1] <= 60
                and grades_head_before(doc.text, spans[k][1], mod)):
            out[k].severity = mod
    starts = [s for s, _e in spans]
    for size in doc.sizes:
        clause = doc.clause_of(size.start)
        best, dist = None, 1 << 30
        for i in range(bisect_left(starts, clause[0]), bisect_left(starts, clause[1])):
            s, e = spans[i]
            if e > clause[1]:
                continue
            d = size.start - e if e <= size.start else s - size.end
            if 0 <= d < dist:
                best, dist = i, d
        if best is not None and out[best].size is None:
            out[best].size = size


def head_span(doc: Doc, h: Head, b: Binding) -> tuple[int, int]:
    """The evidence span of a mention: the head plus its adjacent bound modifiers."""
    start, end = h.start, h.end
    for m in [*b.lateralities, *([b.severity] if b.severity else [])]:
        if not m.post and m.end <= start and start - m.end <= 40:
            start = m.start
        elif m.post and m.start >= end and m.start - end <= 40:
            end = m.end
    for t in b.post:
        if t.start - end <= 30:
            end = max(end, t.end)
    for t in b.pre:
        if start - t.end <= 30:
            start = min(start, t.start)
    return start, end
