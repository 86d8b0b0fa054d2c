"""Typed records passed between the pipeline stages.

read -> extract -> assemble -> store/query -> draw.  Every stage takes and returns
these frozen dataclasses; no loose dicts travel between modules.

Offsets are Python ``str`` indices into :attr:`CaseText.text`, end exclusive, so
``case.text[span.start:span.end] == span.text`` always holds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

_T = TypeVar("_T")


def quick_init(cls: type[_T]) -> type[_T]:
    """A frozen dataclass whose ``__init__`` stores its fields straight into the
    instance's ``__dict__`` (speed: the generated one calls ``object.__setattr__`` per
    field, about three times the cost, and extraction makes ~150 such records per
    case).  The same parameters, defaults, fields, ``__eq__``, ``__hash__`` and
    ``repr``; still frozen.  Put it above ``@dataclass(frozen=True)``; a class it cannot
    keep equal (``__post_init__``, default factories, keyword-only or non-init fields,
    ``__slots__``) is refused at import."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if (not cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
            or hasattr(cls, "__post_init__") or "__slots__" in cls.__dict__
            or any(not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING
                   or f.name in ("self", "_qi_d") for f in fields)):
        raise TypeError(f"quick_init: {cls.__name__} is not a plain frozen dataclass")
    namespace: dict[str, object] = {}
    params = []
    for f in fields:
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            namespace[f"_qi_default_{f.name}"] = f.default
            params.append(f"{f.name}=_qi_default_{f.name}")
    body = "".join(f"    _qi_d[{f.name!r}] = {f.name}\n" for f in fields)
    exec(f"def __init__(self, {', '.join(params)}):\n    _qi_d = self.__dict__\n{body}",
         namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    cls.__init__ = init  # type: ignore[misc]
    return cls


class Kind(str, Enum):
    """What an ontology concept is, derived from its ancestry."""

    FINDING = "finding"
    COMPLICATION = "complication"  # kg:ProcedureComplication, a kind of finding
    PROCEDURE = "procedure"
    ANATOMY = "anatomy"
    MODALITY = "modality"
    OTHER = "other"


class Assertion(str, Enum):
    PRESENT = "Present"
    ABSENT = "Absent"
    POSSIBLE = "Possible"


class Laterality(str, Enum):
    LEFT = "Left"
    RIGHT = "Right"
    BILATERAL = "Bilateral"


class Severity(str, Enum):
    MINIMAL = "Minimal"
    MILD = "Mild"
    MODERATE = "Moderate"
    SEVERE = "Severe"


class Sex(str, Enum):
    FEMALE = "Female"
    MALE = "Male"


# ---------------------------------------------------------------- input


@dataclass(frozen=True)
class Section:
    """A headed part of a case text (``Findings``, ``CT (post-procedure)`` ...)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class CaseText:
    """One case as read from its file, before any extraction."""

    id: str
    text: str
    source: str  # the file it came from
    title: str | None = None
    keywords: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    line: int | None = None  # line number in a JSON Lines file
    # given directly by a structured input (e.g. PMC-Patients' age/gender)
    age: int | None = None
    sex: Sex | None = None

    def section_at(self, offset: int) -> str | None:
        for sec in self.sections:
            if sec.start <= offset < sec.end:
                return sec.name
        return None


# ---------------------------------------------------------------- ontology


@dataclass(frozen=True)
class Concept:
    """An ontology class as the extractor sees it."""

    iri: str
    label: str
    kind: Kind
    synonyms: tuple[str, ...] = ()
    xrefs: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()  # direct rdfs:subClassOf, IRIs
    level_codes: tuple[str, ...] = ()  # kg:levelCode, e.g. ("L4", "L5") for a disc
    implied_site: str | None = None  # kg:impliedSite: the site a finding class implies


# ---------------------------------------------------------------- extraction


@quick_init  # speed: a cheaper __init__, the same record
@dataclass(frozen=True)
class Span:
    """Evidence: a slice of the case text, with the rule that produced it."""

    start: int
    end: int
    text: str
    section: str | None = None
    rule: str | None = None


@quick_init  # speed: a cheaper __init__, the same record
@dataclass(frozen=True)
class Site:
    """Where a finding or procedure is: an anatomy class, possibly per level."""

    iri: str
    level: str | None = None  # canonical level code, e.g. "L5", "L4-L5"


@quick_init  # speed: a cheaper __init__, the same record
@dataclass(frozen=True)
class Finding:
    """A finding, disorder, symptom or complication stated in the case."""

    key: str  # "finding/1" ... in text order; becomes the IRI suffix
    concept: Concept
    evidence: tuple[Span, ...]
    assertion: Assertion = Assertion.PRESENT
    sites: tuple[Site, ...] = ()
    laterality: Laterality | None = None
    severity: Severity | None = None
    size: str | None = None  # "2.3 cm"
    modality: str | None = None  # an ImagingModality class IRI
    historical: bool = False
    also_types: tuple[str, ...] = ()  # classes of users' own ontologies matching the same words


@dataclass(frozen=True)
class Procedure:
    key: str  # "procedure/1" ...
    concept: Concept
    evidence: tuple[Span, ...]
    sequence: int | None = None
    sites: tuple[Site, ...] = ()
    laterality: Laterality | None = None
    planned: bool = False
    historical: bool = False
    also_types: tuple[str, ...] = ()  # classes of users' own ontologies matching the same words


@dataclass(frozen=True)
class Relation:
    """A typed edge between two extracted items, by key.

    predicate is the local name of a kg: property: complicationOf, treats,
    causedBy, resolvedBy, observedBefore, observedAfter, stepOf.
    """

    subject: str
    predicate: str
    object: str
    evidence: Span | None = None


@dataclass(frozen=True)
class CaseExtraction:
    """Everything extraction found in one case; the assembler's only input."""

    case: CaseText
    findings: tuple[Finding, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    relations: tuple[Relation, ...] = ()
    age: int | None = None
    sex: Sex | None = None
    differential: tuple[Concept, ...] = ()
    unlinked: tuple[str, ...] = ()  # keyword/noun phrases no concept covered
    warnings: tuple[str, ...] = field(default_factory=tuple)
