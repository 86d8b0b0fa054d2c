"""Typed records passed between the pipeline stages.

read -> extract -> assemble -> store/query -> draw.  Every stage takes and returns
these frozen dataclasses; no loose dicts travel between modules.

Offsets are Python ``str`` indices into :attr:`CaseText.text`, end exclusive, so
``case.text[span.start:span.end] == span.text`` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


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


@dataclass(frozen=True)
class Span:
    """Evidence: a slice of the case text, with the rule that produced it."""

    start: int
    end: int
    text: str
    section: str | None = None
    rule: str | None = None


@dataclass(frozen=True)
class Site:
    """Where a finding or procedure is: an anatomy class, possibly per level."""

    iri: str
    level: str | None = None  # canonical level code, e.g. "L5", "L4-L5"


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
