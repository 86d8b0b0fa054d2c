"""Turn bound head mentions into finding/procedure candidates (one per site variant).

A finding with coordinated sites or lateralities becomes one candidate per site
("into the right and left pedicles" -> two); a generic finding with a part
specialises (CementLeakage + Pedicle -> PedicleCementLeakage); a part without a
level borrows the single level of its sentence or of the previous sentence in
the same paragraph; a level with no part sites the finding's implied site at that
level (an intrathecal leak at L5 -> L5IntrathecalSpace).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, cast

from kg.extract import lookups, rules
from kg.extract.binding import Binding, head_span
from kg.extract.carry import continuation_tokens, diagnosis_tokens, is_label
from kg.extract.context import Context, context_for
from kg.extract.document import Doc, Head, site_rules
from kg.extract.sections import SectionInfo
from kg.extract.specialise import specialise_at
from kg.model import Assertion, Concept, Kind, Laterality, Severity, Site, Span
from kg.namespaces import KG

log = logging.getLogger(__name__)

_COORDINATED = re.compile(r"\b(?:and|or)\b|,")
# "At the level of C6-C7, ..." / "At L3 there is ...": a level fronted in its sentence
_FRONTED = re.compile(r"^[\W\d]*(?:at|in|on)\s+(?:the\s+)?(?:(?:vertebral\s+)?levels?\s+"
                      r"(?:of\s+)?)?$", re.IGNORECASE)
# what may precede a level that labels its sentence: a bullet, or a heading ("Findings:")
_OPENING = re.compile(r"^(?:[A-Z][\w &/-]{0,30}:)?[\W\d]*$")
SKIP_KINDS = frozenset({"discussion", "method", "title"})


@dataclass
class Cand:
    """One finding or procedure as read from one mention."""

    head: Head
    concept: Concept
    is_procedure: bool
    ctx: Context
    span: Span
    section: SectionInfo | None
    sites: tuple[Site, ...] = ()
    parts: tuple[str, ...] = ()
    laterality: Laterality | None = None
    severity: Severity | None = None
    size: str | None = None
    modality: str | None = None
    extra_spans: list[Span] = field(default_factory=list)


def _sentence_codes(doc: Doc, s: int) -> tuple[str, ...]:
    """The level codes of sentence ``s``'s tokens, in order (remembered per sentence:
    every head of the sentence asks)."""
    found = doc.sentence_codes_memo.get(s)
    if found is None:
        codes: list[str] = []
        for t in doc.in_sentence(doc.tokens, s):
            if t.codes:
                codes.extend(c for c in t.codes if c not in codes)
        found = doc.sentence_codes_memo[s] = tuple(codes)
    return found


def inherited_codes(doc: Doc, s: int) -> tuple[str, ...]:
    """The one level of this sentence, else of the previous sentence in its paragraph."""
    own = _sentence_codes(doc, s)
    if own:
        return own if len(own) == 1 else ()
    if s > 0 and doc.sentences[s - 1].paragraph == doc.sentences[s].paragraph:
        prev = _sentence_codes(doc, s - 1)
        if len(prev) == 1:
            return prev
    return ()


def _levelable(onto, code: str, implied: str | None) -> bool:
    """Whether a finding whose class implies ``implied`` can be at level ``code``: the
    site exists per level, or the code names a disc level and the site exists per
    vertebral level ('C5-C6: ... Mild central canal stenosis': the canal at that disc)."""
    if onto.level_site(code, implied):
        return True
    return ("-" in code and implied is not None and onto.level_site(code) is not None
            and onto.level_site(code.split("-")[0], implied) is not None)


def fronted_codes(doc: Doc, h: Head) -> tuple[str, ...]:
    """The level a sentence opens with ("At the level of C6-C7 a lesion ...", "L4-5: disc
    bulge ..."), for the heads after it that name no site of their own."""
    sent = doc.sentences[h.sentence]
    for t in doc.tokens_in(sent.start, min(h.start, sent.end)):
        if t.codes and not t.part:
            before = doc.text[sent.start:t.start]
            if _FRONTED.match(before) or (_OPENING.match(before) and is_label(doc, t)):
                return t.codes
            return ()
    return ()


def _sites(onto, codes: tuple[str, ...], part: str | None, fallback_part: str | None,
           direct: list[str]) -> tuple[Site, ...]:
    out: list[Site] = [Site(iri) for iri in direct]
    use = part or fallback_part
    for code in codes:
        iri = onto.level_site(code, use) if use else None
        if iri:
            out.append(Site(iri, code))
            continue
        if part:
            out.append(Site(part))
        vert = onto.level_site(code)
        if vert:
            out.append(Site(vert, code))
        elif "-" in code:  # a level pair with no disc between (C1-C2): both vertebrae
            out.extend(Site(v, c) for c in code.split("-") if (v := onto.level_site(c)))
    if not codes and part:
        out.append(Site(part))
    seen: dict[str, Site] = {}
    for site in out:
        seen.setdefault(site.iri, site)
    return tuple(seen.values())


@lru_cache(maxsize=4096)  # speed: the same part and class site recur
def _spine_region(onto, part: str, own_site: str) -> str | None:
    """'thoracic kyphosis', 'thoracic spondylosis': a region word the lexicon reads as the
    body region (the thorax) names the spine's region when the finding's class implies a
    site of the spine (sites.json spine_regions), not the chest."""
    region = site_rules().spine_regions.get(part)
    if region is None or _site_fits(onto, part, own_site):
        return None
    return region if _site_fits(onto, region, own_site) else None


@lru_cache(maxsize=1)
def _vertebral_procedures() -> tuple[str, ...]:
    return tuple(KG + c for c in rules.load("procedures").get("vertebral_classes", ()))


@lru_cache(maxsize=4096)  # speed: asked for every procedure mention with a level
def _on_vertebrae(onto, iri: str) -> bool:
    """Whether a procedure class works on vertebrae, not discs (procedures.json
    ``vertebral_classes`` and their subclasses: vertebral augmentation, corpectomy)."""
    return any(onto.is_a(iri, c) for c in _vertebral_procedures())


def _modality(doc: Doc, h: Head, section: SectionInfo | None, onto) -> str | None:
    sent = doc.sentences[h.sentence]
    own = section.modality if section else None
    first = doc.modality_in(sent.start, sent.end)
    if first is None:
        return own
    iri = first[2]
    # the heading's modality stays when the sentence names a kind of it
    return own if own and onto.is_a(iri, own) else iri


def _lats(mods) -> list[Laterality | None]:
    out: list[Laterality | None] = []
    for m in mods:
        lat = Laterality(m.value)
        if lat not in out:
            out.append(lat)
    return out


def build(doc: Doc, bindings: list[Binding], onto) -> tuple[list[Cand], list[Concept]]:
    """Candidates in text order, and the concepts named in differential sections."""
    cands: list[Cand] = []
    differential: list[Concept] = []
    for h, b in zip(doc.heads, bindings, strict=True):
        section = doc.section_of(h.start)
        kind = section.kind if section else "patient"
        if kind in SKIP_KINDS and not (h.concept.kind is Kind.PROCEDURE
                                       and kind in _procedure_kinds()):
            continue
        if kind == "differential":
            if h.concept not in differential:
                differential.append(h.concept)
            continue
        clause = doc.clause_of(h.start)
        ctx = context_for(h.start, h.end, clause, doc.triggers_in(*clause))
        if h.ruled_out:
            ctx = replace(ctx, assertion=Assertion.ABSENT, trigger=None)
        if ctx.family or (ctx.hypothetical and h.concept.kind is not Kind.PROCEDURE):
            continue  # not the patient's, or only a risk ("to prevent recurrence")
        if ctx.assertion is Assertion.ABSENT and h.concept.kind is not Kind.PROCEDURE \
                and _blanket(doc, h, onto):
            continue  # "no acute cardiopulmonary disease": rules out nothing one would name
        if h.concept.kind is Kind.PROCEDURE:
            if not _performed_kind(onto, h.concept.iri) or ctx.assertion is Assertion.ABSENT:
                log.debug("%s: %r is not a performed procedure", doc.case.id,
                          doc.text[h.start:h.end])
                continue
            if _device_only(doc, h, clause):
                continue
            if ctx.assertion is Assertion.POSSIBLE or ctx.hypothetical or _conditional(
                    doc, h, clause):
                ctx = replace(ctx, planned=True)  # "likely treatment will be ...": not done yet
        cands.extend(_from_head(doc, h, b, ctx, section, onto))
    return cands, differential


@dataclass(frozen=True)
class _Blanket:
    classes: tuple[str, ...]
    phrases: rules.Finder  # a phrase pattern (rules.phrase_regex)


@lru_cache(maxsize=1)
def blanket_rules() -> _Blanket:
    """Blanket negative classes and phrases (``kg/rules/blanket.json``)."""
    d = rules.load("blanket")
    return _Blanket(tuple(KG + c for c in d["classes"]),
                    rules.phrase_regex(d["phrases"], "blanket.json"))


def _blanket(doc: Doc, h: Head, onto) -> bool:
    """Whether a negated finding mention is a blanket statement: its class is a blanket
    class, or a blanket phrase ends where it ends and covers it ("recent bony injury")."""
    br = blanket_rules()
    if lookups.is_any(onto, h.concept.iri, br.classes):
        return True
    return any(m.start() <= h.start and m.end() == h.end
               for m in br.phrases.finditer(doc.text, max(0, h.start - 40), h.end))


@lru_cache(maxsize=1)
def _procedure_kinds() -> frozenset[str]:
    """Section kinds whose procedure mentions count though their findings do not."""
    return frozenset(rules.load("sections").get("procedure_kinds", ()))


@lru_cache(maxsize=1)
def _not_performed() -> tuple[str, ...]:
    return tuple(KG + c for c in rules.load("procedures")["not_performed_classes"])


@dataclass(frozen=True)
class _ProcRules:
    devices: frozenset[str]
    placement: re.Pattern[str]
    conditional: re.Pattern[str]
    conditional_gap: int


@lru_cache(maxsize=1)
def proc_rules() -> _ProcRules:
    """Device words and conditional cues for procedure mentions (procedures.json)."""
    d = rules.load("procedures")
    return _ProcRules(
        devices=frozenset(w.lower() for w in d.get("device_words", ())),
        placement=rules.compile_regex(d.get("device_placement", r"(?!)"), "procedures.json"),
        conditional=rules.compile_regex(d.get("conditional_after", r"(?!)"), "procedures.json"),
        conditional_gap=int(d.get("conditional_gap_words", 6)),
    )


def _device_only(doc: Doc, h: Head, clause: tuple[int, int]) -> bool:
    """'an indwelling bladder catheter': the mention names a device, no placement."""
    pr = proc_rules()
    words = doc.text[h.start:h.end].lower().split()
    return bool(words) and words[-1] in pr.devices and not pr.placement.search(
        doc.text, clause[0], clause[1])


def _conditional(doc: Doc, h: Head, clause: tuple[int, int]) -> bool:
    """'curettage and bone grafting if the bone is unstable': done only if, so planned."""
    pr = proc_rules()
    m = pr.conditional.search(doc.text, h.end, clause[1])
    return m is not None and len(doc.text[h.end:m.start()].split()) <= pr.conditional_gap


def _performed_kind(onto, iri: str) -> bool:
    """Whether a procedure class is an intervention on the patient (not a medication,
    physical therapy or bracing: ``kg/rules/procedures.json``)."""
    return not lookups.is_any(onto, iri, _not_performed())


def _from_head(doc: Doc, h: Head, b: Binding, ctx: Context, section: SectionInfo | None,
               onto) -> list[Cand]:
    is_proc = h.concept.kind is Kind.PROCEDURE
    start, end = (h.start, h.end) if h.ruled_out else head_span(doc, h, b)
    span = Span(start, end, doc.text[start:end], section.name if section else None, h.rule)
    base: dict[str, Any] = dict(head=h, is_procedure=is_proc, ctx=ctx, span=span, section=section,
                severity=Severity(b.severity.value) if b.severity and not is_proc else None,
                size=b.size.value if b.size and not is_proc else None,
                modality=_modality(doc, h, section, onto))
    tokens = b.tokens()
    if h.ruled_out:  # a normal statement names its finding whole: "normal heart size and
        tokens = [t for t in tokens if h.start <= t.start and t.end <= h.end]  # mediastinum"
    parts = [t for t in tokens if t.part]
    level_toks = [t for t in tokens if t.codes and not t.part]
    direct = [t.anatomy_iri for t in level_toks if t.anatomy_iri and len(t.codes) == 1
              and t.anatomy_iri != onto.level_site(t.codes[0])]
    codes: list[str] = []
    for t in level_toks:
        codes.extend(c for c in t.codes if c not in codes)
    implied = lookups.implied_site(onto, h.concept.iri) if not is_proc else None
    carried: list = []
    if not codes and not parts:
        codes = list(fronted_codes(doc, h))
    if not codes and not is_proc:
        carried = diagnosis_tokens(doc, h) or continuation_tokens(doc, h)
        for t in carried:
            codes.extend(c for c in t.codes if c not in codes)
    if not codes and (parts or implied or is_proc):
        codes = list(inherited_codes(doc, h.sentence))
        if not parts and not is_proc and not all(_levelable(onto, c, implied) for c in codes):
            codes = []  # an implied site borrows a level only if it exists per level
        if is_proc and _sentence_codes(doc, h.sentence) != tuple(codes):
            codes = []  # a procedure takes only its own sentence's single level
        if parts and not is_proc and not _levelled_parts(onto, parts, codes):
            codes = []  # "infarction of the left flocculonodular lobe": no vertebral level
    own_lats = _lats(b.lateralities)
    if is_proc:
        part = parts[0].part if parts else None
        if codes and _on_vertebrae(onto, h.concept.iri):
            # 'T11-T12 kyphoplasty': the two vertebral bodies, not the disc between them
            codes = [v for c in codes for v in c.split("-")]
        sites = _sites(onto, tuple(codes), part, None, direct)
        return [Cand(concept=h.concept, sites=sites, parts=tuple(cast(str, p.part) for p in parts),
                     laterality=own_lats[0] if own_lats else None, **base)]
    out: list[Cand] = []
    if len(carried) > 1:  # "at T4 and T7 consistent with metastases": one per level
        level_groups = [list(t.codes) for t in carried]
    else:
        # speed: a head with no bound token has no levels to split
        level_groups = [[c] for c in codes] if (b.pre or b.post) and _split_levels(b) \
            else [codes]
    variants: list[tuple[str | None, Laterality | None]] = []
    material = site_rules().material_class
    own_site = implied  # not a procedure here: implied_site of the head's class
    misfit = [p for p in parts if own_site and not _site_fits(onto, cast(str, p.part), own_site)]
    coordinated = bool(misfit) and len(misfit) == len(parts) and _joins_parts(
        doc, h.end, misfit[0].start)
    if coordinated:
        # "leakage into the pedicles and the epidural space": the head names its own site
        variants.append((None, own_lats[0] if own_lats else None))
    inner = _stacked(doc, b, parts) if len(parts) > 1 else None  # speed: needs two parts
    stacked = inner is not None
    for p in ([inner] if stacked else parts) or [None]:
        lats = own_lats or (_lats(b.token_lats.get(p.start, [])) if p else []) or (
            next((_lats(b.token_lats[t.start]) for t in parts if b.token_lats.get(t.start)),
                 []) if stacked else []) or [None]
        variants.extend((p.part if p else None, lat) for lat in lats)
    # speed: only parts may have levels of their own
    per_part = _own_level_groups(doc, onto, parts, level_toks) if parts and len(
        carried) <= 1 else None
    for part, lat in variants:
        groups = per_part.get(part, [[]]) if per_part is not None else level_groups
        if part and own_site:
            part = _spine_region(onto, part, own_site) or part  # 'thoracic kyphosis'
        iri = h.concept.iri
        if part and coordinated and not _site_fits(onto, part, cast(str, own_site)):
            iri = _fallback_parent(onto, iri) or iri  # PedicleCementLeakage + epidural space
        if part and iri == material:
            iri = _misplaced(onto, part) or iri
        iri = specialise_at(onto, iri, part) if part else iri
        concept = onto.get(iri) or h.concept
        for group in groups:
            sites = _sites(onto, tuple(group), part, lookups.implied_site(onto, iri), direct)
            if stacked and part:  # "cerebellar PICA infarction": the outer parts too
                sites = (*sites, *(Site(cast(str, t.part)) for t in parts
                                   if t is not inner and all(x.iri != t.part for x in sites)))
            out.append(Cand(concept=concept, sites=sites, parts=(part,) if part else (),
                            laterality=lat, **base))
    if b.coordinated:  # speed: only coordinated parts distribute the finding
        out.extend(_distributed(doc, h, b, onto, base))
    if b.severities and len(b.lateralities) > 1:
        out = [_graded_side(b, c) for c in out]
    return out


def _graded_side(b: Binding, c: Cand) -> Cand:
    """'moderate right and mild left foraminal stenosis': each side takes the grade
    written right before its side word, not the one nearest the finding."""
    if c.laterality is None:
        return c
    side = next((m for m in b.lateralities if m.value == c.laterality.value and not m.post),
                None)
    if side is None:
        return c
    before = [m for m in b.severities if m.end <= side.start]
    if not before or any(before[-1].end <= m.start < side.start for m in b.lateralities):
        return c
    return replace(c, severity=Severity(before[-1].value))


def _misplaced(onto, part: str) -> str | None:
    """'cement in the paravertebral venous plexus': the material at a place a subclass of
    the leak class names (a vein, the epidural space, the disc ...) is that leak."""
    leak_class = site_rules().leak_class
    leak = specialise_at(onto, leak_class, part)
    return leak if leak != leak_class else None


_LEVEL_JOIN = re.compile(r"[\s,&]*(?:(?:and|or)[\s,]*)?")


def _own_level_groups(doc: Doc, onto, parts: list, level_toks: list) -> dict | None:
    """'erodes into T9 & T10 vertebral bodies, T9 pedicle, rib 9': parts named with their
    own level take that level (and the bare levels coordinated right before them), not
    every level of the phrase; a part with none then takes the bare levels left over.
    None when no part is named with its own level (the phrase's levels are everyone's)."""
    starts = {t.start for t in level_toks}
    vertebra = KG + "Vertebra"  # "the T10 and T11 vertebrae" are the levels themselves
    own = [p for p in parts if p.codes and p.start in starts and not onto.is_a(p.part, vertebra)]
    if not own:
        return None

    def inside(p) -> list:
        return [t for t in level_toks if p.start <= t.start and t.end <= p.end]

    bare = [t for t in level_toks if not any(t in inside(p) for p in own)]
    groups: dict = {}
    taken: set[int] = set()
    for p in own:
        # a range in one token ("T8-T10 bodies") is one lesion
        mine = [[c for t in inside(p) for c in t.codes] or list(p.codes)]
        before = [t for t in bare if t.end <= p.start and t.start not in taken]
        cur = p.start
        for t in before[::-1]:  # "T9 & T10 vertebral bodies": T9 is a body too
            if not _LEVEL_JOIN.fullmatch(doc.text, t.end, cur):
                break
            mine.insert(0, list(t.codes))
            taken.add(t.start)
            cur = t.start
        groups.setdefault(p.part, []).extend(mine)
    rest = [list(t.codes) for t in bare if t.start not in taken]
    for p in parts:
        if p not in own:
            groups.setdefault(p.part, []).extend(rest or [[]])
    return groups


_POST_STACK = re.compile(r"\s+(?:of\s+(?:the\s+)?)?")


def _stacked(doc: Doc, b: Binding, parts: list):
    """The innermost of several parts that name one place, or None.

    'cerebellar PICA infarction', 'cervical spinal cord lesion': parts stacked before
    the head with no 'and', 'or' or comma between them (the innermost is the one next
    to the head); 'clonus on the RLE ankle', 'fracture of the neck of the femur': parts
    after the head side by side or joined by 'of' (the innermost is the first);
    'subcutaneous mass on the foot': one part before the head and one after (the one
    before names the finding's kind).  They make one finding at all of them, not one
    each."""
    if len(parts) < 2:
        return None
    pairs = list(zip(parts, parts[1:], strict=False))
    if any(a.end > c.start for a, c in pairs):
        return None
    if all(t in b.pre for t in parts):
        if not any(_COORDINATED.search(doc.text, a.end, c.start) for a, c in pairs):
            return parts[-1]
    elif all(t in b.post for t in parts):
        if all(_POST_STACK.fullmatch(doc.text, a.end, c.start) for a, c in pairs):
            return parts[0]
    elif all(t in b.pre or t in b.post for t in parts):
        # "subcutaneous mass on the plantar aspect of the foot": one part on each side
        pre = [t for t in parts if t in b.pre]
        post = [t for t in parts if t in b.post]
        if len(pre) == 1 and len(post) == 1:
            return pre[0]
    return None


_ARTICLE = re.compile(r"\s*(?:(?:the|a|an)\s+)?")


def _joins_parts(doc: Doc, a: int, b: int) -> bool:
    """Whether an 'and', 'or' or comma in text[a:b] joins parts, not vertebral levels
    ('into the pedicles and the epidural space', not 'of the L3 and L4 body')."""
    for m in _COORDINATED.finditer(doc.text, a, b):
        after = _ARTICLE.match(doc.text, m.end()).end()  # type: ignore[union-attr]  # always matches
        if not any(t.start == after and t.codes and not t.part
                   for t in doc.tokens_in(after, after + 1)):
            return True
    return False


def _levelled_parts(onto, parts: list, codes: list[str]) -> bool:
    """Whether a level borrowed from the sentence can be the level of these parts: some
    part exists per vertebral level or lies in the vertebral column (a brain or chest
    part beside a cervical level does not take it)."""
    spine = KG + "VertebralColumn"
    return any(onto.level_site(c, p.part) or onto.within(p.part, spine)
               for p in parts for c in codes)


def _site_fits(onto, part: str, site: str) -> bool:
    """Whether a named part agrees with a class's implied site (is-a or part-of, either way)."""
    return onto.within(part, site) or onto.within(site, part)


def _split_levels(b: Binding) -> bool:
    """'L2, L3 and L4 compression fractures', 'metastases at T4 and T7': several level
    tokens before or after the head, one finding at each (a range is one token)."""
    return (sum(1 for t in b.pre if t.codes and not t.part) > 1
            or sum(1 for t in b.post if t.codes and not t.part) > 1)


def _distributed(doc: Doc, h: Head, b: Binding, onto, base: dict) -> list[Cand]:
    """'facet and discovertebral degenerative changes': the head's finding at the other part."""
    out = []
    for tok in b.coordinated:
        part = cast(str, tok.part)  # a coordinated token always names a part (binding)
        iri = _generic_specialised(onto, h.concept.iri, part)
        concept = onto.get(iri)
        if concept is None or iri == h.concept.iri:
            continue
        span = Span(tok.start, h.end, doc.text[tok.start:h.end], base["span"].section,
                    "coordinated-site")
        lats = _lats(b.token_lats.get(tok.start, []))
        sites = [Site(part)] if iri == _fallback_parent(onto, h.concept.iri) else []
        sites += [Site(t.part) for t in b.post if t.part]
        out.append(Cand(concept=concept, parts=(part,), laterality=lats[0] if lats else None,
                        sites=tuple(sites), **{**base, "span": span}))
    return out


def _generic_specialised(onto, iri: str, part: str) -> str:
    """The nearest ancestor of ``iri`` that specialises at ``part``, specialised."""
    roots = {KG + "Finding", KG + "ProcedureComplication", KG + "Procedure"}
    for anc in sorted(onto.ancestors(iri) - roots, key=lambda a: (-len(onto.ancestors(a)), a)):
        spec = onto.specialise(anc, part)
        if spec != anc:
            return spec
    return _fallback_parent(onto, iri) or iri


def _fallback_parent(onto, iri: str) -> str | None:
    """The nearest non-root ancestor that implies no site of its own (FacetArthropathy ->
    DegenerativeChange): the head's finding, stated at another part."""
    if not lookups.implied_site(onto, iri):
        return None
    roots = {KG + "Finding", KG + "ProcedureComplication", KG + "Procedure"}
    nearest_first = sorted(onto.ancestors(iri) - roots - {iri},
                           key=lambda a: (-len(onto.ancestors(a)), a))
    for anc in nearest_first:
        if onto.get(anc) and not lookups.implied_site(onto, anc):
            return anc
    return None
