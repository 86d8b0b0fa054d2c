"""The pipeline chained: read -> extract -> assemble -> write.

The ontology and lexicon are loaded once per run. A case whose extraction or
assembly raises is logged, recorded in the build report (file, id, error) and
skipped; every other case still builds, and the report says the build is partial.
The report is written next to the output as ``build-report.json``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import EXIT_OK, EXIT_PARTIAL
from kg.namespaces import CASE

log = logging.getLogger(__name__)

REPORT_NAME = "build-report.json"


@dataclass
class CaseFailure:
    """One case that could not be built."""

    file: str
    id: str
    error: str


@dataclass
class BuildReport:
    """What a build did: counts, failures, and per-case data problems."""

    cases: int = 0
    findings: int = 0
    procedures: int = 0
    triples: int = 0
    output: str | None = None
    failures: list[CaseFailure] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    unlinked: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.failures else EXIT_OK

    def summary(self) -> str:
        """One line: cases, findings, procedures, triples (and failures, if any)."""
        line = (f"{_n(self.cases, 'case')}, {_n(self.findings, 'finding')}, "
                f"{_n(self.procedures, 'procedure')}, {_n(self.triples, 'triple')}")
        if self.output:
            line += f" -> {self.output}"
        if self.failures:
            line += f"; {_n(len(self.failures), 'case')} failed (see {REPORT_NAME})"
        return line

    def to_json(self) -> str:
        data = asdict(self)
        data["partial"] = bool(self.failures)
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@dataclass
class Pipeline:
    """The loaded ontology and lexicon, shared by every case of a run."""

    ontology: Any
    lexicon: Any

    @classmethod
    def load(cls, extra: tuple[Path, ...] | list[Path] = ()) -> Pipeline:
        """The shipped ontology plus users' own (``extra``: OWL/RDF-XML, Turtle, OBO)."""
        from kg.lexicon import Lexicon
        from kg.ontology import load_ontology

        onto = load_ontology(extra=tuple(extra)) if extra else load_ontology()
        return cls(onto, Lexicon.from_ontology(onto))

    def extract(self, case: Any) -> Any:
        from kg.extract import extract_case

        return extract_case(case, self.ontology, self.lexicon)


def build_triples(paths: Iterable[str | Path], base: str = CASE,
                  pipeline: Pipeline | None = None) -> tuple[list[Any], BuildReport]:
    """Read, extract and assemble every case under ``paths``; triples and the report.

    Input errors (a file that cannot be read) raise :class:`kg.errors.InputError`;
    a failing case is recorded in the report and skipped.
    """
    from kg.assemble import case_triples
    from kg.readers import read_paths

    cases = list(read_paths(paths))  # every input error surfaces before any slow work
    pipeline = pipeline or Pipeline.load()
    report = BuildReport()
    triples: list[Any] = []
    for case in cases:
        try:
            extraction = pipeline.extract(case)
            case_t = case_triples(extraction, base=base)
        except Exception as exc:  # noqa: BLE001 - one bad case must not stop the build
            log.error("%s: case %s failed: %s: %s", case.source, case.id, type(exc).__name__, exc)
            log.debug("traceback", exc_info=True)
            error = f"{type(exc).__name__}: {exc}"
            report.failures.append(CaseFailure(case.source, case.id, error))
            continue
        triples += case_t
        _count(report, extraction)
    report.triples = len(set(triples))
    return triples, report


def _count(report: BuildReport, extraction: Any) -> None:
    """Add one case's extraction to the report."""
    report.cases += 1
    report.findings += len(extraction.findings)
    report.procedures += len(extraction.procedures)
    if extraction.warnings:
        report.warnings[extraction.case.id] = list(extraction.warnings)
    if extraction.unlinked:
        report.unlinked[extraction.case.id] = len(extraction.unlinked)


def build_file(paths: Iterable[str | Path], output: str | Path, base: str = CASE,
               pipeline: Pipeline | None = None) -> BuildReport:
    """Build ``paths`` into the RDF file ``output`` (format from its suffix) and
    write ``build-report.json`` beside it. Returns the report."""
    from kg.rdfio import atomic_write, format_for, write_graph

    output = Path(output)
    format_for(output)  # fail on a bad suffix before any work
    triples, report = build_triples(paths, base=base, pipeline=pipeline)
    report.triples = write_graph(triples, output)
    report.output = str(output)
    atomic_write(output.parent / REPORT_NAME, report.to_json())
    return report
