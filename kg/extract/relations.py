"""Relations between extracted items: stepOf, sequence, observedBefore/After,
treats, resolvedBy, causedBy and complicationOf (cue phrases in
``kg/rules/relations.json``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract import lookups, rules
from kg.extract.context import same_noun_phrase
from kg.extract.document import Doc, Head
from kg.extract.items import Item
from kg.extract.sections import after_heading
from kg.extract.timeline import Event, sequence, time_rules
from kg.model import Assertion, Kind, Relation, Span
from kg.namespaces import KG


@dataclass(frozen=True)
class _Cues:
    cause_after: rules.Finder
    result_before: rules.Finder
    treat: rules.Finder
    resolve: rules.Finder
    complication: rules.Finder
    complication_after: rules.Finder
    timing_cue: re.Pattern[str]
    not_cause: frozenset[str]
    anaphor: rules.Finder
    onset: rules.Finder
    steps: frozenset[str]
    step_parent: str | None
    adverse_parent: str
    back_reference: rules.Finder  # 'F began just after her treatment'
    step_of: tuple[tuple[str, str], ...]  # (step class, the main procedure class it is of)
    expected: frozenset[str]  # what a procedure leaves by design: never its complication
    performed_reference: rules.Finder  # 'during the procedure': the planned one was done
    performed_reference_needs: tuple[str, ...]  # one of these is in every match (speed)


@lru_cache(maxsize=1)
def cues() -> _Cues:
    d = rules.load("relations")
    src = "relations.json"
    return _Cues(
        cause_after=rules.phrase_regex(d["cause_after"], src),
        result_before=rules.phrase_regex(d["result_before"], src),
        treat=rules.phrase_regex(d["treat"], src),
        resolve=rules.phrase_regex(d["resolve"], src),
        complication=rules.phrase_regex(d["complication"], src),
        complication_after=rules.phrase_regex(d["complication_after"], src),
        timing_cue=re.compile(d["timing_cue"], re.IGNORECASE),
        not_cause=frozenset(w.lower() for w in d["not_cause"]),
        anaphor=rules.phrase_regex(d["procedure_anaphor"], src),
        onset=rules.phrase_regex(d["onset"], src),
        steps=frozenset(KG + s for s in d["step_classes"]),
        step_parent=KG + d["step_parent"] if d.get("step_parent") else None,
        adverse_parent=KG + d.get("adverse_parent", "ProcedureComplication"),
        back_reference=rules.phrase_regex(d.get("back_reference", []), src),
        step_of=tuple((KG + k, KG + v) for k, v in sorted(d.get("step_of", {}).items())),
        expected=frozenset(KG + c for c in d.get("expected_classes", ())),
        performed_reference=rules.phrase_regex(d.get("performed_reference", []), src),
        performed_reference_needs=tuple(d.get("performed_reference_needs", ("",))),
    )


class Graph:
    """Items, the heads they came from, and the relations found so far."""

    def __init__(self, doc: Doc, items: list[Item], onto):
        self.doc, self.items, self.onto = doc, items, onto
        self.by_head: dict[int, list[Item]] = {}
        for item in items:
            for c in item.cands:
                self.by_head.setdefault(id(c.head), [])
                if item not in self.by_head[id(c.head)]:
                    self.by_head[id(c.head)].append(item)
        self.relations: dict[tuple[str, str, str], Relation] = {}
        self.seq: dict[str, int] = {}

    def items_of(self, h: Head) -> list[Item]:
        return self.by_head.get(id(h), [])

    def add(self, s: Item, p: str, o: Item, a: int | None = None, b: int | None = None) -> None:
        if s is o or (s.key, p, o.key) in self.relations:
            return
        if p == "complicationOf" and not cues().expected.isdisjoint(
                lookups.ancestors(self.onto, s.concept.iri)):
            return  # 'status post laminectomy with expected postoperative changes'
        span = None
        if a is not None and b is not None and a < b:
            sec = self.doc.section_of(a)
            span = Span(a, b, self.doc.text[a:b], sec.name if sec else None, p)
        self.relations[(s.key, p, o.key)] = Relation(s.key, p, o.key, span)

    def has(self, s: Item, p: str) -> bool:
        return any(k[0] == s.key and k[1] == p for k in self.relations)

    def is_step(self, item: Item) -> bool:
        c = cues()
        anc = lookups.ancestors(self.onto, item.concept.iri)  # speed: is_a is membership in it
        return not c.steps.isdisjoint(anc) or bool(c.step_parent and c.step_parent in anc)

    def performed(self) -> list[Item]:
        return [i for i in self.items if i.is_procedure and not i.planned]


def _mentions(g: Graph, item: Item) -> list[Head]:
    return [c.head for c in item.cands]


def _performed_by_their_steps(g: Graph) -> None:
    """'referred for vertebroplasty ... treated with PMMA via a bipedicular approach': a
    planned procedure is performed when a step of its kind (relations.json step_of) is
    performed after it and no performed procedure of that kind is named."""
    for step in g.performed():
        main_class = next((m for s, m in cues().step_of if g.onto.is_a(step.concept.iri, s)),
                          None)
        if main_class is None or any(not g.is_step(i) and g.onto.is_a(i.concept.iri, main_class)
                                     for i in g.performed()):
            continue
        at = min(x.start for x in _mentions(g, step))
        planned = [i for i in g.items if i.is_procedure and i.planned and not g.is_step(i)
                   and g.onto.is_a(i.concept.iri, main_class)
                   and min(x.start for x in _mentions(g, i)) < at]
        if planned:
            max(planned, key=lambda i: min(x.start for x in _mentions(g, i))).planned = False


def _performed_by_reference(g: Graph) -> None:
    """'was referred for percutaneous vertebroplasty. During the procedure, cement leaked':
    a planned procedure that a later sentence refers back to as done (relations.json
    performed_reference), with no other procedure named between them, was performed."""
    planned = [i for i in g.items if i.is_procedure and i.planned and not g.is_step(i)]
    if not planned:  # speed: most cases plan nothing
        return
    text = g.doc.text
    low = rules.lowered(text) or text.lower()
    if not any(map(low.__contains__, cues().performed_reference_needs)):
        return  # speed: literal tests before the pattern's scan
    procs = sorted((x.start, i) for i in g.items if i.is_procedure for x in _mentions(g, i))
    for m in cues().performed_reference.finditer(text):
        last = next((i for at, i in reversed(procs) if at < m.start()), None)
        if (last is not None and last.planned and last in planned
                and g.doc.sentences[_mentions(g, last)[-1].sentence].end <= m.start()):
            last.planned = False


def link_steps(g: Graph) -> dict[str, Item]:
    """stepOf: a step -> the main procedure of its sentence, else the one before it."""
    _performed_by_their_steps(g)
    _performed_by_reference(g)
    mains = [i for i in g.performed() if not g.is_step(i)]
    out: dict[str, Item] = {}
    for step in g.performed():
        if not g.is_step(step):
            continue
        h = _mentions(g, step)[0]
        same = [m for m in mains if any(x.sentence == h.sentence for x in _mentions(g, m))]
        before = [m for m in mains if min(x.start for x in _mentions(g, m)) < h.start]
        main = next(iter(same or before[-1:] or mains[:1]), None)
        if main is not None:
            g.add(step, "stepOf", main, h.start, h.end)
            out[step.key] = main
    return out


def order(g: Graph, steps: dict[str, Item]) -> None:
    """kg:sequence for performed procedures (see :mod:`kg.extract.timeline`)."""
    events = []
    tr = time_rules()
    for item in g.performed():
        if item.key in steps:
            continue
        h = min(_mentions(g, item), key=lambda x: x.start)
        sent = g.doc.sentences[h.sentence]
        earlier = bool(tr.before.search(g.doc.text, sent.start, h.start))
        events.append(Event(item.key, h.start, g.doc.clause_of(h.start), item.historical,
                            earlier))
    g.seq = sequence(events)
    for key, main in steps.items():
        if main.key in g.seq:
            g.seq[key] = g.seq[main.key]


def index_procedure(g: Graph) -> Item | None:
    mains = [i for i in g.performed() if i.key in g.seq and not i.historical and not g.is_step(i)]
    return min(mains, key=lambda i: g.seq[i.key]) if mains else None


def observed(g: Graph) -> None:
    """observedBefore/After from section timing, and "after"/"follow-up" in narrative."""
    index = index_procedure(g)
    tr = time_rules()
    for f in (i for i in g.items if not i.is_procedure):
        c = f.cands[0]
        if f.timing and index is not None:
            g.add(f, "observedAfter" if f.timing == "after" else "observedBefore", index)
            continue
        sent = g.doc.sentences[c.head.sentence]
        if not tr.after.search(g.doc.text, sent.start, c.head.start):
            continue
        earlier = [p for p in g.performed() if p.key in g.seq and not p.historical
                   and not g.is_step(p)
                   and min(x.start for x in _mentions(g, p)) < sent.start]
        if earlier:
            g.add(f, "observedAfter", max(earlier, key=lambda p: g.seq[p.key]))


def _heads_after(g: Graph, pos: int, clause: tuple[int, int], kinds: tuple[Kind, ...],
                 max_gap_words: int = 3) -> list[Head]:
    """The coordinated list of heads starting right after ``pos`` in the clause."""
    out: list[Head] = []
    cur = pos
    for h in g.doc.heads_in(pos, clause[1]):
        if h.start < cur:
            continue
        if not same_noun_phrase(g.doc.text, cur, h.start, max_gap_words + (4 if not out else 0),
                                allow_coordination=True):
            if not out and len(g.doc.text[cur:h.start].split()) <= 4 and _PLAIN_WORDS.fullmatch(
                    g.doc.text[cur:h.start]):
                pass
            else:
                break
        if h.concept.kind not in kinds:
            break
        out.append(h)
        cur = h.end
    return out


def _head_before(g: Graph, pos: int, lo: int, kinds: tuple[Kind, ...]) -> Head | None:
    best = None
    for h in g.doc.heads_in(lo, pos):
        if h.end <= pos and h.concept.kind in kinds:
            best = h
    return best


FINDING_KINDS = (Kind.FINDING, Kind.COMPLICATION)
_PLAIN_WORDS = re.compile(r"[\s\w'’-]*")  # speed: compiled once, not per call


_LEVEL_AFTER = re.compile(r"\s+(?:the\s+)?(?:[CTLS]|Th)-?\d", re.IGNORECASE)


# a relative clause opening right before a cause cue: ', which was attributed to'
_RELATIVE = re.compile(r"[\s,]*which\s+(?:(?:was|were|is|are|has\s+been|had\s+been)\s+)?"
                       r"(?:(?:probably|likely|thought\s+to\s+be|considered)\s+)?",
                       re.IGNORECASE)


def _antecedent(g: Graph, pos: int) -> Head | None:
    """The finding a relative clause opening at ``pos`` is about: the last finding head
    of its sentence before it, at most four words before (its phrase: 'a fracture of the
    acromion, which ...')."""
    sent = g.doc.sentences[g.doc.sentence_of(pos)]
    h = _head_before(g, pos, sent.start, FINDING_KINDS)
    if h is None or len(g.doc.text[h.end:pos].split()) > 4:
        return None
    return h


def causes(g: Graph) -> None:
    """causedBy from "X secondary to A, B and C" and "A, with resultant X"."""
    text = g.doc.text
    for m in cues().cause_after.finditer(text):
        clause = g.doc.clause_of(m.start())
        effect = _head_before(g, m.start(), clause[0], FINDING_KINDS + (Kind.PROCEDURE,))
        if effect is None and _RELATIVE.fullmatch(text, clause[0], m.start()):
            effect = _antecedent(g, clause[0])
        if effect is None or effect.concept.kind is Kind.PROCEDURE:
            continue
        between = text[effect.end:m.start()].split()
        if effect.end <= clause[0]:
            between = []  # the relative clause's antecedent: its words are not in between

        if m.group().lower() == "from" and (len(between) > 1
                                            or _LEVEL_AFTER.match(text, m.end())):
            continue  # 'disc disease from C3-4 to C6-7': where it spans, not its cause
        if any(w.strip(".,;:()").lower() in cues().not_cause for w in between):
            continue
        targets = _heads_after(g, m.end(), clause, FINDING_KINDS + (Kind.PROCEDURE,))
        for cause in targets:
            for e in g.items_of(effect):
                for c in g.items_of(cause):
                    pred = "complicationOf" if c.is_procedure else "causedBy"
                    g.add(e, pred, c, effect.start, cause.end)
    for m in cues().result_before.finditer(text):
        s = g.doc.sentence_of(m.start())
        sent = g.doc.sentences[s]
        earlier = _head_before(g, m.start(), sent.start, FINDING_KINDS)
        if earlier is None:
            continue  # no cause: nothing to relate
        effects = _heads_after(g, m.end(), (m.end(), sent.end), FINDING_KINDS)
        for effect in effects[:1]:
            for e in g.items_of(effect):
                for c in g.items_of(earlier):
                    g.add(e, "causedBy", c, earlier.start, effect.end)


def explicit_treats(g: Graph) -> None:
    """'P to treat F', 'P for F and G' -> P treats F (and G): the findings named right
    after the cue, not every finding later in the clause."""
    text = g.doc.text
    for m in cues().treat.finditer(text):
        clause = g.doc.clause_of(m.start())
        proc = _head_before(g, m.start(), clause[0], (Kind.PROCEDURE,))
        if proc is None or len(text[proc.end:m.start()].split()) > 3:
            continue
        for f in _heads_after(g, m.end(), clause, FINDING_KINDS):
            if f.end <= clause[1]:
                for p in g.items_of(proc):
                    for fi in g.items_of(f):
                        if fi.assertion is not Assertion.ABSENT:
                            g.add(p, "treats", fi, proc.start, f.end)
                            _treats_cause(g, p, fi, m.end(), clause[1])


def _treats_cause(g: Graph, p: Item, f: Item, a: int, b: int) -> None:
    """'P to treat the pain from G': P also treats G, the cause named in the same clause."""
    for (s, pred, o) in list(g.relations):
        if s != f.key or pred != "causedBy":
            continue
        cause = next((i for i in g.items if i.key == o), None)
        if cause is not None and cause.assertion is not Assertion.ABSENT and any(
                a <= c.head.start < b for c in cause.cands):
            g.add(p, "treats", cause)


def _earlier(g: Graph, f: Item, p: Item) -> bool:
    """Whether finding f was there before procedure p in the timeline."""
    sp = g.seq.get(p.key)
    for (s, pred, o) in g.relations:
        if s != f.key:
            continue
        q = next((i for i in g.items if i.key == o), None)
        if q is None or q.key not in g.seq or sp is None:
            continue
        if pred == "observedAfter" and g.seq[q.key] < sp:
            return True
        if pred == "observedBefore" and g.seq[q.key] <= sp:
            return True
        if pred == "observedAfter" and g.seq[q.key] >= sp:
            return False
    return f.first < min(x.start for x in _mentions(g, p))


def _last_before(g: Graph, f: Item, pos: int) -> int:
    """Offset of the last mention of ``f`` before ``pos`` (-1 if none)."""
    return max((c.head.start for c in f.cands if c.head.start < pos), default=-1)


# 'P of (the) <up to five words> F': the finding is what the procedure is done on
_OF_OBJECT = re.compile(r"\s+(?:of|on)\s+(?:(?:the|an?|his|her|their)\s+)?(?:[\w-]+,?\s+){0,5}$",
                        re.IGNORECASE)


def _object_of(g: Graph, f: Item, p: Item) -> bool:
    """Whether a mention of finding f is the object of a mention of procedure p in its
    clause ('vertebroplasty of the painful T8 and T9 compression fractures')."""
    for m in _mentions(g, p):
        clause = g.doc.clause_of(m.start)
        for c in f.cands:
            h = c.head
            if m.end <= h.start < clause[1] and _OF_OBJECT.fullmatch(g.doc.text, m.end, h.start):
                return True
    return False


def implied_treats(g: Graph) -> None:
    """A procedure whose kg:treatmentFor covers an earlier present finding treats one:
    a candidate that causes another finding, else the one named in the procedure's own
    sentence, else the one named last before the procedure (never all of them)."""
    causes_ = {o for (s, p, o) in g.relations if p == "causedBy"}
    for p in g.performed():
        if g.is_step(p) or p.historical or g.has(p, "treats"):
            continue
        targets = g.onto.treatment_for(p.concept.iri)
        if not targets:
            continue
        cands = [f for f in g.items if not f.is_procedure and f.assertion is Assertion.PRESENT
                 and not f.historical and any(g.onto.is_a(f.concept.iri, t) for t in targets)
                 and not _complication_of(g, f, p)
                 and (_earlier(g, f, p) or _object_of(g, f, p))
                 and not _other_levels(f, p)]
        if not cands:
            continue
        first = min(_mentions(g, p), key=lambda x: x.start)
        same = [f for f in cands if any(c.head.sentence == first.sentence for c in f.cands)]
        pool = [f for f in cands if f.key in causes_] or same or cands
        g.add(p, "treats", max(pool, key=lambda f: (_last_before(g, f, first.start), -f.first)))


def _codes(item: Item) -> set[str]:
    """The vertebra codes of an item's sites ('T11-T12' counts as T11 and T12)."""
    return {code for s in item.sites if s.level for code in s.level.split("-")}


def _other_levels(f: Item, p: Item) -> bool:
    """'New T8 compression fracture. Prior T11-T12 kyphoplasty': a finding and a procedure
    both at stated levels, none shared, are at two places: the one did not treat the other."""
    mine, theirs = _codes(f), _codes(p)
    return bool(mine and theirs and mine.isdisjoint(theirs))


def _complication_of(g: Graph, f: Item, p: Item) -> bool:
    return (f.key, "complicationOf", p.key) in g.relations


def resolutions(g: Graph, resolving_heads: set[int]) -> None:
    """resolvedBy: a finding named after a resolution cue -> the sentence's procedures."""
    for h in g.doc.heads:
        if id(h) not in resolving_heads:
            continue
        sent = g.doc.sentences[h.sentence]
        procs = [i for i in g.performed() if not g.is_step(i)
                 and any(x.sentence == h.sentence for x in _mentions(g, i))]
        if not procs:
            procs = [i for i in g.performed() if not g.is_step(i)
                     and min(x.start for x in _mentions(g, i)) < sent.start][-1:]
        for f in g.items_of(h):
            for p in procs:
                g.add(f, "resolvedBy", p, h.start, h.end)


def complications(g: Graph, steps: dict[str, Item]) -> None:
    """complicationOf: complication classes -> their procedure; adverse findings
    stated "following/after/post-" a procedure. Not: a cue after a time span ("3 months
    after surgery" dates a finding), a finding named in a sentence before the procedure
    (it was there first), a complication class that is only possible or has another
    stated cause when no cue links it."""
    text = g.doc.text
    # speed: with no procedure named, no cue can link a finding to one
    named = any(h.concept.kind is Kind.PROCEDURE for h in g.doc.heads)
    for m in cues().complication.finditer(text) if named else ():
        if _timing_only(text, m.start(), m.end()) or _STATUS.search(text, max(0, m.start() - 8),
                                                                     m.start()):
            continue  # 'lung cancer status post lobectomy': a history, not a cause
        clause = g.doc.clause_of(m.start())
        proc = next((h for h in g.doc.heads_in(m.end(), clause[1])
                     if h.concept.kind is Kind.PROCEDURE
                     and len(text[m.end():h.start].split()) <= 2), None)
        if proc is None:
            continue
        finding = _head_before(g, m.start(), clause[0], FINDING_KINDS)
        if m.group().lower().startswith("post"):
            after = [h for h in g.doc.heads_in(proc.end, clause[1])
                     if h.concept.kind in FINDING_KINDS]
            # 'X versus post-LP CSF leak': the finding the 'post-<procedure>' premodifies
            glued = after and len(text[proc.end:after[0].start].split()) <= 1
            if finding is None or glued:
                finding = after[0] if after else None
        if finding is None:
            continue
        for f in g.items_of(finding):
            for named_proc in g.items_of(proc):
                p = (_performed_as(g, named_proc) if named_proc.planned
                     else steps.get(named_proc.key, named_proc))
                if p is None:
                    continue  # a planned procedure caused nothing
                if (f.assertion is not Assertion.ABSENT and not g.has(p, "treats")
                        and not _preexisting(g, f, p)):
                    g.add(f, "complicationOf", p, min(finding.start, m.start()),
                          max(proc.end, finding.end))
    if named:
        _complications_after(g, steps)
        _complications_of_anaphor(g, steps)
        _complications_after_opening(g, steps)
        _complications_back_reference(g, steps)
    index = index_procedure(g)
    for f in g.items:
        if f.is_procedure or f.assertion is not Assertion.PRESENT or g.has(f, "complicationOf"):
            continue
        if f.concept.kind is not Kind.COMPLICATION or _other_cause(g, f):
            continue
        cause = _procedure_for(g, f, steps, index)
        if cause is not None:
            g.add(f, "complicationOf", cause)


def _performed_as(g: Graph, p: Item) -> Item | None:
    """'... versus post-LP CSF leak': a mention read as planned (under a hedge) names the
    performed procedure of its class, when there is one."""
    return next((q for q in g.performed() if q.concept.iri == p.concept.iri), None)


_STATUS = re.compile(r"\bstatus\s+$", re.IGNORECASE)


def _complications_after(g: Graph, steps: dict[str, Item]) -> None:
    """'P, after which F1, F2 and F3', 'P was complicated by F': the findings named after
    the cue, to the end of the sentence or the next procedure, are complications of P."""
    text = g.doc.text
    for m in cues().complication_after.finditer(text):
        sent = g.doc.sentences[g.doc.sentence_of(m.start())]
        proc = _head_before(g, m.start(), sent.start, FINDING_KINDS + (Kind.PROCEDURE,))
        if (proc is None or proc.concept.kind is not Kind.PROCEDURE
                or len(text[proc.end:m.start()].split()) > 4):
            continue
        procs = [steps.get(p.key, p) for p in g.items_of(proc) if not p.planned]
        _complications_up_to_procedure(g, procs, m.end(), sent.end, proc.start)


def _complications_up_to_procedure(g: Graph, procs: list[Item], start: int, end: int,
                                   evidence_start: int) -> None:
    """The findings named from ``start`` to ``end``, up to the next procedure named there,
    become complications of each of ``procs`` (not an absent one, one a procedure treats
    or one known before it); each relation's evidence runs from ``evidence_start`` to the
    finding."""
    for h in g.doc.heads_in(start, end):
        if h.concept.kind is Kind.PROCEDURE:
            break
        for f in g.items_of(h):
            for p in procs:
                if f.assertion is not Assertion.ABSENT and (p.key, "treats", f.key) \
                        not in g.relations and not _preexisting(g, f, p):
                    g.add(f, "complicationOf", p, evidence_start, h.end)


def _complications_of_anaphor(g: Graph, steps: dict[str, Item]) -> None:
    """'P was performed. Postoperatively, she developed F1 and F2' ('five hours after the
    procedure the patient complained of F'): the findings after the onset cue, to the end
    of the sentence or the next procedure, are complications of the last main procedure
    named before the sentence (not findings named before that procedure)."""
    text, c = g.doc.text, cues()
    main = [p for p in g.performed() if not g.is_step(p) and not p.historical]
    for m in c.anaphor.finditer(text) if main else ():  # speed: none to refer back to
        sent = g.doc.sentences[g.doc.sentence_of(m.start())]
        onset = c.onset.search(text, m.end(), sent.end)
        if onset is None:
            continue
        before = [p for p in main if min(x.start for x in _mentions(g, p)) < sent.start]
        if not before:
            continue
        proc = max(before, key=lambda p: max(x.start for x in _mentions(g, p)
                                             if x.start < sent.start))
        _complications_up_to_procedure(g, [steps.get(proc.key, proc)], onset.end(), sent.end,
                                       m.start())


_OPENING_AFTER = re.compile(r"(?:after|following)\s", re.IGNORECASE)


def _complications_after_opening(g: Graph, steps: dict[str, Item]) -> None:
    """'After the L5-S1 TLIF, the patient complained of new right L5 radiculopathy': a
    sentence opening with 'after'/'following' and a performed procedure, up to its first
    comma, then an onset cue ('developed', 'complained of'): the findings after the cue,
    to the end of the sentence or the next procedure, are complications of it."""
    text, c = g.doc.text, cues()
    low = rules.lowered(text) or text.lower()
    for sent in g.doc.sentences:
        head = low[sent.start:sent.start + 40]
        if "after" not in head and "following" not in head:
            continue  # speed: a literal test before the heading and the pattern
        start = after_heading(text, sent.start, sent.end)
        m = _OPENING_AFTER.match(text, start, sent.end)
        if m is None:  # speed: a literal test at each sentence's opening only
            continue
        comma = text.find(",", m.end(), sent.end)
        onset = c.onset.search(text, comma, sent.end) if comma > 0 else None
        if onset is None:
            continue
        procs = [p for h in g.doc.heads_in(m.end(), comma) if h.concept.kind is Kind.PROCEDURE
                 for p in g.items_of(h) if not p.planned]
        if len(procs) != 1:
            continue
        _complications_up_to_procedure(g, [steps.get(procs[0].key, procs[0])], onset.end(),
                                       sent.end, m.start())


_FOR = re.compile(r"\s+(?:for|of)\s+")
_TREATED_WITH = re.compile(r"\s+(?:was\s+|were\s+)?treated\s+(?:with|by)\s+(?:an?\s+|the\s+)?")


def _treating(g: Graph, x: Head, cands: list[Item], before: int) -> list[Item]:
    """The candidates that treat finding head x's items: a kg:treats link, or a
    statement 'X treated with P' before text position ``before``."""
    keys = {f.key for f in g.items_of(x)}
    out = [p for p in cands if any((p.key, "treats", k) in g.relations for k in keys)]
    for h in g.doc.heads_in(0, before):
        if h.concept.kind not in FINDING_KINDS or not keys & {f.key for f in g.items_of(h)}:
            continue
        m = _TREATED_WITH.match(g.doc.text, h.end)
        p = next((q for q in g.doc.heads_in(m.end(), before) if q.start == m.end()),
                 None) if m else None
        if p is not None and p.concept.kind is Kind.PROCEDURE:
            out += [q for q in g.items_of(p) if q in cands and q not in out]
    return out


def _back_referent(g: Graph, a: int, b: int, sent_end: int) -> Item | None:
    """The one performed procedure a back-reference at text[a:b] ('after her treatment')
    means: with 'for X' right after it, the procedure that treats X (:func:`_treating`);
    without, the case's only performed procedure that is not a step (the cue's own noun,
    'the surgery', is none). None when there are none or several."""
    main = [p for p in g.performed() if not g.is_step(p)
            and not all(a <= h.start < b for h in _mentions(g, p))]
    m = _FOR.match(g.doc.text, b)
    x = next((h for h in g.doc.heads_in(m.end(), sent_end) if h.start == m.end()),
             None) if m else None
    if x is not None and x.concept.kind in FINDING_KINDS:
        main = _treating(g, x, main, a)
    return main[0] if len(main) == 1 else None


def _complications_back_reference(g: Graph, steps: dict[str, Item]) -> None:
    """'Pain and weakness began just after her treatment for lymphoma': the findings of the
    sentence before the cue, back to the last procedure named there, are complications
    of the procedure the cue refers to (:func:`_back_referent`), unless named before it or
    treated by it."""
    text = g.doc.text
    for m in cues().back_reference.finditer(text):
        sent = g.doc.sentences[g.doc.sentence_of(m.start())]
        proc = _back_referent(g, m.start(), m.end(), sent.end)
        if proc is None:
            continue
        proc = steps.get(proc.key, proc)
        heads = list(g.doc.heads_in(sent.start, m.start()))
        last = max((i for i, h in enumerate(heads) if h.concept.kind is Kind.PROCEDURE),
                   default=-1)
        for h in heads[last + 1:]:
            if h.concept.kind not in FINDING_KINDS:
                continue
            for f in g.items_of(h):
                if (f.assertion is not Assertion.ABSENT and not _preexisting(g, f, proc)
                        and (proc.key, "treats", f.key) not in g.relations):
                    g.add(f, "complicationOf", proc, h.start, m.end())


def _timing_only(text: str, a: int, b: int) -> bool:
    """Whether the complication cue text[a:b] follows a time span ('six weeks post-',
    '3 months after', 'the following day'): it dates an observation, it names no cause."""
    return bool(cues().timing_cue.search(text, max(0, a - 60), b))


def _preexisting(g: Graph, f: Item, p: Item) -> bool:
    """Whether finding f was named in a sentence before the one that first names procedure
    p: it was there before p, so p did not cause it (a complication class, which only a
    procedure causes, excepted)."""
    if f.concept.kind is Kind.COMPLICATION:
        return False
    first = min(x.sentence for x in _mentions(g, p))
    return any(c.head.sentence < first for c in f.cands)


def _other_cause(g: Graph, f: Item) -> bool:
    """Whether the text gives f a cause that is not a procedure: a causedBy edge, or a
    result cue ('which resulted in') before f in its first sentence with no procedure
    named there."""
    if g.has(f, "causedBy"):
        return True
    h = f.cands[0].head
    sent = g.doc.sentences[h.sentence]
    if any(x.concept.kind is Kind.PROCEDURE for x in g.doc.heads_in(sent.start, sent.end)):
        return False
    return bool(cues().result_before.search(g.doc.text, sent.start, h.start))


def _procedure_for(g: Graph, f: Item, steps: dict[str, Item], index: Item | None) -> Item | None:
    h = f.cands[0].head
    ok = [p for p in g.performed() if (p.key, "treats", f.key) not in g.relations]
    same = [p for p in ok if any(x.sentence == h.sentence for x in _mentions(g, p))]
    # 'a breach of the L5 screw, which was revised the next day': a procedure of the
    # sentence named only after the complication is what was done about it, when an
    # earlier procedure can have caused it
    if same and all(min(x.start for x in _mentions(g, p)) > h.start for p in same) and any(
            min(x.start for x in _mentions(g, p)) < h.start for p in ok):
        same = []
    if same:
        return steps.get(same[0].key, same[0])
    if f.timing == "after" and index is not None:
        return index
    before = [steps.get(p.key, p) for p in ok
              if min(x.start for x in _mentions(g, p)) < h.start]
    recent = [p for p in before if not p.historical]
    if recent or before:
        # a procedure of this admission first; else an earlier one ("s/p L2 kyphoplasty 3
        # days ago ... cement leak"), never one named only after the complication
        return (recent or before)[-1]
    return index


def build_relations(g: Graph, resolving_heads: set[int]) -> None:
    steps = link_steps(g)
    order(g, steps)
    observed(g)
    causes(g)
    explicit_treats(g)
    resolutions(g, resolving_heads)
    complications(g, steps)
    implied_treats(g)
